export { type DatabricksProfile, readDatabricksProfile } from "./auth/config-file.js";
export type { CredentialsProvider } from "./auth/credentials.js";
export { createOAuthM2MCredentials, type OAuthM2MOptions } from "./auth/oauth-m2m.js";
export { createPatCredentials } from "./auth/pat.js";
export {
  normalizeHost,
  type ResolveAuthOptions,
  type ResolvedDatabricksAuth,
  resolveDatabricksAuth,
} from "./auth/resolve.js";
export { createDatabricksClient, type DatabricksClient, type DatabricksClientOptions } from "./client.js";
export { defaultEntityName, toConfigUpdateInput } from "./config-update.js";
export {
  type EndpointSpec,
  endpointSpec,
  type ServedEntitySpec,
} from "./endpoint-spec.js";
export type {
  CreateEndpointInput,
  EndpointConfigInput,
  EntitySettingsInput,
  ModelUnitEntityInput,
  ServedEntityInput,
  ThroughputEntityInput,
} from "./endpoint-writes.js";
export {
  DatabricksApiError,
  DatabricksAuthConfigError,
  type DatabricksErrorCode,
  isConflict,
  isDatabricksApiError,
  isInvalidRequest,
  isModelVersionNotReady,
  isNotFound,
  isPermissionDenied,
  isTransient,
  isUnauthorized,
  ModelVersionNotReadyError,
  NoReadyModelVersionError,
} from "./errors.js";
export { type AttemptReport, createHttpCore, type HttpCore, type HttpOptions } from "./http.js";
export type { ChatRequest, CompletionRequest, EmbeddingsRequest, QueryOptions } from "./invocations.js";
export { deployingConfig, failedConfig } from "./pending-config.js";
export type { ModelVersionSpec } from "./resolve-model-version.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry.js";
export {
  type ChatCompletion,
  CONFIG_UPDATE_STATES,
  DEPLOYMENT_STATES,
  type EmbeddingsResponse,
  ENDPOINT_READY_STATES,
  type EndpointConfig,
  type EndpointState,
  type EndpointSummary,
  type EndpointTag,
  MODEL_VERSION_STATUSES,
  type ModelAlias,
  type ModelVersion,
  type OptimizationInfo,
  type PendingConfig,
  type RegisteredModel,
  type ServedEntity,
  type ServingEndpoint,
  type TextCompletion,
} from "./schemas.js";
export { servedBand, toEndpointConfigInput, toServedEntityInput } from "./served-entity.js";
export type { TagChanges } from "./serving-endpoints.js";
export type { DatabricksTransport } from "./transport.js";
