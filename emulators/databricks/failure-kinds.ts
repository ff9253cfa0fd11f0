/**
 * Failures of each kind a provisioned-throughput deployment ends with, as a workspace words them: the served
 * entity's `deployment_state_message` and the last lines of its build log. Modelled on wording seen in the wild:
 * `PERMISSION_DENIED: …` messages, Unity Catalog's `USE CATALOG`/`EXECUTE` privileges, the "not eligible for
 * Provisioned Throughput" refusal (databricks-sdk-py#1081), the clouds' GPU shortages (AWS
 * `InsufficientInstanceCapacity`, Azure `AllocationFailed`), and MLflow/transformers load errors.
 */
export type FailureKind = "capacity" | "entitlement" | "permissions" | "artifact";

export const FAILURE_KINDS: readonly FailureKind[] = ["capacity", "entitlement", "permissions", "artifact"];

export interface FailurePreset {
  readonly message: string;
  /** Lines the build log ends with (each after a timestamp and level). */
  readonly logLines: readonly string[];
}

export const FAILURE_PRESETS: Record<FailureKind, FailurePreset> = {
  capacity: {
    message:
      "Served entity deployment failed: not enough GPU capacity was available in this region for the requested " +
      "provisioned throughput. Try again later or request less throughput.",
    logLines: [
      "Allocating GPU capacity for the served entity",
      "InsufficientInstanceCapacity: We currently do not have sufficient capacity in the requested Availability Zone.",
      "Retrying GPU allocation in other zones of the region",
      "Failed to allocate GPU capacity for the served entity",
    ],
  },
  entitlement: {
    message:
      "Provisioned throughput is not enabled for this workspace. Contact your Databricks account team to enable " +
      "Foundation Model APIs provisioned throughput.",
    logLines: [
      "Checking workspace entitlements for provisioned throughput",
      "Workspace quota for provisioned throughput endpoints exceeded or feature not enabled",
    ],
  },
  permissions: {
    message:
      "PERMISSION_DENIED: User does not have EXECUTE on Routine or Model 'ml.llm-catalog.llama-13b'. The served " +
      "entity's creator must have USE CATALOG, USE SCHEMA and EXECUTE on the model.",
    logLines: [
      "Resolving model artifacts from Unity Catalog",
      "PERMISSION_DENIED: User does not have USE SCHEMA on Schema 'ml.llm-catalog'",
    ],
  },
  artifact: {
    message:
      "Served entity deployment failed: an error occurred while loading the model. Check the build logs for the " +
      "model artifacts.",
    logLines: [
      "Downloading model artifacts",
      "Loading model weights from artifacts/model",
      "OSError: Error no file named model.safetensors or pytorch_model.bin found in directory artifacts/model",
      "MLflow model failed to load: the model artifacts are incomplete or corrupted",
    ],
  },
};
