import type { CredentialsProvider } from "./credentials.js";

/** A personal access token (`dapi…`): sent as is; a 401 means it is wrong or revoked, and nothing can refresh it. */
export function createPatCredentials(token: string): CredentialsProvider {
  const authorization = `Bearer ${token}`;
  return {
    kind: "pat",
    authorization: () => Promise.resolve(authorization),
    invalidate: () => false,
  };
}
