/**
 * Why a deployment failed, sorted into the few kinds ptbot can explain, from Databricks' deployment message and the
 * end of the build log. Pure and table-driven: each kind is a list of patterns; the first kind with a pattern that
 * matches the message, or else the log tail, wins. The order matters: a permission error about the model's files
 * is a permission problem, not a broken artifact; a quota reached is an entitlement, not a capacity shortage.
 */

export type FailureKind =
  /** The region had no GPUs for the band: try later, a smaller band, or another region. */
  | "gpu_capacity"
  /** The workspace may not do this: provisioned throughput not enabled, a quota reached. */
  | "entitlement"
  /** The identity that deployed lacks a privilege (on the model, its catalog or schema, or serving). */
  | "permissions"
  /** The model version's files could not be loaded. */
  | "model_artifact"
  | "unknown";

const RULES: readonly {
  readonly kind: Exclude<FailureKind, "unknown">;
  readonly patterns: readonly RegExp[];
}[] = [
  {
    kind: "permissions",
    patterns: [
      /PERMISSION_DENIED/,
      /\bpermission denied\b/i,
      /does not have (?:the )?(?:required )?(?:permission|privilege|\w+(?: \w+)? on )/i,
      /\b(?:not authorized|unauthorized|access denied|forbidden)\b/i,
      /insufficient privileges?/i,
    ],
  },
  {
    kind: "entitlement",
    patterns: [
      /not (?:enabled|available|supported) (?:for|in|on) (?:this|your|the) workspace/i,
      /provisioned throughput is not (?:enabled|available|supported)/i,
      /\bquota\b/i,
      /\bentitle(?:ment|d)\b/i,
      /RESOURCE_EXHAUSTED|QUOTA_EXCEEDED/,
    ],
  },
  {
    kind: "gpu_capacity",
    patterns: [
      /\bGPU capacity\b/i,
      /\b(?:insufficient|not enough|no|out of) (?:GPU |compute |instance )?capacity\b/i,
      /InsufficientInstanceCapacity|ZonalAllocationFailed|AllocationFailed|SkuNotAvailable|ZONE_RESOURCE_POOL_EXHAUSTED/,
      /\bfailed to allocate (?:GPU|compute|instances?)\b/i,
    ],
  },
  {
    kind: "model_artifact",
    patterns: [
      /(?:failed to|could not|cannot|unable to) (?:load|read|find|download) (?:the )?model/i,
      /error (?:occurred )?while loading the model/i,
      /model (?:failed to load|artifacts? (?:is |are )?(?:missing|incomplete|corrupt))/i,
      /\bOSError\b|\bFileNotFoundError\b|No such file or directory|no file named/i,
      /\bMLmodel\b|safetensors|pytorch_model\.bin|config\.json/i,
    ],
  },
];

/** The kind of a failure, from the deployment message and (when the message does not tell) the build-log tail. */
export function classifyFailure(message: string | undefined, logTail: string | undefined): FailureKind {
  for (const text of [message, logTail]) {
    if (text === undefined || text.trim() === "") continue;
    const rule = RULES.find((r) => r.patterns.some((p) => p.test(text)));
    if (rule !== undefined) return rule.kind;
  }
  return "unknown";
}
