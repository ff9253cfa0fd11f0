export type { EndpointTag, ProvisioningFailure } from "./endpoint-store.js";
export { ApiError, DatabricksEmulatorError, type ErrorBody } from "./errors.js";
export { FAILURE_KINDS, FAILURE_PRESETS, type FailureKind } from "./failure-kinds.js";
export type { FaultSpec } from "./faults.js";
export type { RecordedRequest } from "./request-log.js";
export {
  defaultSeed,
  loadSeed,
  type ParsedSeed,
  parseSeed,
  type Seed,
  type SeedEndpoint,
  type SeedModel,
} from "./seed-schema.js";
export {
  type DatabricksEmulator,
  type DatabricksEmulatorOptions,
  startDatabricksEmulator,
} from "./server.js";
