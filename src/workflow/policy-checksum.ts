/** The policy checksum as an audit row carries it: the field when the caller knows one, nothing otherwise. */
export function checksumOf(deps: { readonly policyChecksum?: string | undefined }): {
  policyChecksum?: string;
} {
  return deps.policyChecksum === undefined ? {} : { policyChecksum: deps.policyChecksum };
}
