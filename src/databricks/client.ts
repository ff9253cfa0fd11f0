import type { CredentialsProvider } from "./auth/credentials.js";
import {
  type CreateEndpointInput,
  createServingEndpoint,
  type EndpointConfigInput,
  updateServingEndpointConfig,
} from "./endpoint-writes.js";
import { createHttpCore, type HttpOptions } from "./http.js";
import {
  type ChatRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  type QueryOptions,
  queryChat,
  queryCompletions,
  queryEmbeddings,
} from "./invocations.js";
import { type ModelVersionSpec, resolveModelVersion } from "./resolve-model-version.js";
import type {
  ChatCompletion,
  EmbeddingsResponse,
  EndpointSummary,
  EndpointTag,
  ModelVersion,
  OptimizationInfo,
  RegisteredModel,
  ServingEndpoint,
  TextCompletion,
} from "./schemas.js";
import {
  deleteServingEndpoint,
  getBuildLogs,
  getOptimizationInfo,
  getServerLogs,
  getServingEndpoint,
  listServingEndpoints,
  patchServingEndpointTags,
  type TagChanges,
} from "./serving-endpoints.js";
import { createDatabricksTransport, type DatabricksTransport } from "./transport.js";
import {
  getModelVersion,
  getModelVersionByAlias,
  getRegisteredModel,
  type ListModelVersionsOptions,
  listModelVersions,
} from "./unity-catalog.js";

export interface DatabricksClientOptions extends HttpOptions {
  /** The workspace URL, e.g. `https://adb-123.azuredatabricks.net`. */
  readonly host: string;
  readonly credentials: CredentialsProvider;
  /** Sends of one create or config update in all, read-backs between them. Default 3. */
  readonly maxWriteAttempts?: number;
}

/** One workspace's API. Make one per workspace; nothing is shared between clients but what you pass in. */
export interface DatabricksClient {
  readonly host: string;
  /** The low-level channel, for calls this interface does not wrap yet. */
  readonly transport: DatabricksTransport;

  getRegisteredModel(fullName: string): Promise<RegisteredModel>;
  getModelVersion(fullName: string, version: number): Promise<ModelVersion>;
  getModelVersionByAlias(fullName: string, alias: string): Promise<ModelVersion>;
  listModelVersions(fullName: string, options?: ListModelVersionsOptions): Promise<ModelVersion[]>;
  /** A READY version for a number, `"latest"` or `"@alias"`; see {@link resolveModelVersion}. */
  resolveModelVersion(fullName: string, spec: ModelVersionSpec): Promise<ModelVersion>;
  getOptimizationInfo(fullName: string, version: number): Promise<OptimizationInfo>;

  /** Create, reconciled by read-back when the answer is lost; see {@link createServingEndpoint}. */
  createServingEndpoint(input: CreateEndpointInput): Promise<ServingEndpoint>;
  getServingEndpoint(name: string): Promise<ServingEndpoint>;
  /** Every endpoint of the workspace, or with `only` just those of these names; see {@link listServingEndpoints}. */
  listServingEndpoints(only?: ReadonlySet<string>): Promise<EndpointSummary[]>;
  /** Config update, reconciled like a create; see {@link updateServingEndpointConfig}. */
  updateServingEndpointConfig(name: string, config: EndpointConfigInput): Promise<ServingEndpoint>;
  deleteServingEndpoint(name: string): Promise<void>;
  patchServingEndpointTags(name: string, changes: TagChanges): Promise<EndpointTag[]>;
  getBuildLogs(name: string, servedEntityName: string): Promise<string>;
  getServerLogs(name: string, servedEntityName: string): Promise<string>;

  queryChat(name: string, request: ChatRequest, options?: QueryOptions): Promise<ChatCompletion>;
  queryCompletions(name: string, request: CompletionRequest, options?: QueryOptions): Promise<TextCompletion>;
  queryEmbeddings(
    name: string,
    request: EmbeddingsRequest,
    options?: QueryOptions,
  ): Promise<EmbeddingsResponse>;

  /** The endpoint's page in the workspace UI. */
  endpointUrl(name: string): string;
}

/**
 * A client for one Databricks workspace: undici underneath, a timeout on every request, retries of 429/503/504 and
 * lost connections honouring `Retry-After` within a total time bound, zod-checked answers, and one error type
 * (`DatabricksApiError`) with a stable code.
 */
export function createDatabricksClient(options: DatabricksClientOptions): DatabricksClient {
  const api = createDatabricksTransport({
    host: options.host,
    credentials: options.credentials,
    http: createHttpCore(options),
  });
  const writes = {
    ...(options.maxWriteAttempts === undefined ? {} : { maxAttempts: options.maxWriteAttempts }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  return {
    host: api.host,
    transport: api,
    getRegisteredModel: (fullName) => getRegisteredModel(api, fullName),
    getModelVersion: (fullName, version) => getModelVersion(api, fullName, version),
    getModelVersionByAlias: (fullName, alias) => getModelVersionByAlias(api, fullName, alias),
    listModelVersions: (fullName, listOptions) => listModelVersions(api, fullName, listOptions),
    resolveModelVersion: (fullName, spec) => resolveModelVersion(api, fullName, spec),
    getOptimizationInfo: (fullName, version) => getOptimizationInfo(api, fullName, version),
    createServingEndpoint: (input) => createServingEndpoint(api, input, writes),
    getServingEndpoint: (name) => getServingEndpoint(api, name),
    listServingEndpoints: (only) => listServingEndpoints(api, options.logger, only),
    updateServingEndpointConfig: (name, config) => updateServingEndpointConfig(api, name, config, writes),
    deleteServingEndpoint: (name) => deleteServingEndpoint(api, name),
    patchServingEndpointTags: (name, changes) => patchServingEndpointTags(api, name, changes),
    getBuildLogs: (name, entity) => getBuildLogs(api, name, entity),
    getServerLogs: (name, entity) => getServerLogs(api, name, entity),
    queryChat: (name, request, queryOptions) => queryChat(api, name, request, queryOptions),
    queryCompletions: (name, request, queryOptions) => queryCompletions(api, name, request, queryOptions),
    queryEmbeddings: (name, request, queryOptions) => queryEmbeddings(api, name, request, queryOptions),
    endpointUrl: (name) => `${api.host}/ml/endpoints/${encodeURIComponent(name)}`,
  };
}
