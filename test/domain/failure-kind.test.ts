/** The failure classifier as a table: what Databricks says (message, build-log tail) → the kind ptbot explains. */
import { describe, expect, it } from "vitest";
import { classifyFailure, type FailureKind } from "../../src/domain/failure-kind.js";

const TABLE: readonly { message?: string; log?: string; kind: FailureKind }[] = [
  // GPU capacity
  {
    message:
      "Served entity deployment failed: not enough GPU capacity was available in this region for the requested provisioned throughput.",
    kind: "gpu_capacity",
  },
  { message: "Insufficient capacity for the requested instance type", kind: "gpu_capacity" },
  {
    message: "Served entity deployment failed.",
    log: "InsufficientInstanceCapacity: We currently do not have sufficient capacity in the requested Availability Zone.",
    kind: "gpu_capacity",
  },
  { log: "Allocation failed: AllocationFailed for Standard_NC24ads_A100_v4", kind: "gpu_capacity" },
  { log: "ZONE_RESOURCE_POOL_EXHAUSTED: the zone does not have enough resources", kind: "gpu_capacity" },
  // Quota or entitlement
  {
    message:
      "Provisioned throughput is not enabled for this workspace. Contact your Databricks account team.",
    kind: "entitlement",
  },
  { message: "Feature not available in this workspace", kind: "entitlement" },
  { message: "Workspace quota for provisioned throughput endpoints exceeded", kind: "entitlement" },
  { message: "RESOURCE_EXHAUSTED: too many endpoints", kind: "entitlement" },
  // Permissions
  {
    message: "PERMISSION_DENIED: User does not have EXECUTE on Routine or Model 'ml.llm-catalog.llama-13b'.",
    kind: "permissions",
  },
  {
    message: "Served entity deployment failed.",
    log: "PERMISSION_DENIED: User does not have USE SCHEMA on Schema 'ml.x'",
    kind: "permissions",
  },
  { message: "Access denied while reading the model's storage location", kind: "permissions" },
  // A permission error about the model's files is a permission problem, not a broken artifact.
  { message: "Failed to download the model: permission denied on s3://bucket/model", kind: "permissions" },
  // The model artifact
  {
    message: "Served entity deployment failed: an error occurred while loading the model.",
    kind: "model_artifact",
  },
  {
    message: "Served entity deployment failed.",
    log: "OSError: Error no file named model.safetensors or pytorch_model.bin found in directory artifacts/model",
    kind: "model_artifact",
  },
  { message: "Could not load model: MLmodel file is missing", kind: "model_artifact" },
  // Unknown
  { message: "Served entity deployment failed.", log: "Build failed", kind: "unknown" },
  { message: "", kind: "unknown" },
  { kind: "unknown" },
];

describe("classifyFailure", () => {
  it.each(TABLE)("$kind: $message | $log", ({ message, log, kind }) => {
    expect(classifyFailure(message, log)).toBe(kind);
  });

  it("the message decides before the log: a capacity message with an artifact line in the log is capacity", () => {
    expect(
      classifyFailure("not enough GPU capacity in the region", "OSError: Error no file named config.json"),
    ).toBe("gpu_capacity");
  });
});
