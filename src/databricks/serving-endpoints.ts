import type { Logger } from "../logger.js";
import {
  EmptySchema,
  EndpointListSchema,
  type EndpointSummary,
  EndpointSummarySchema,
  type EndpointTag,
  LogsSchema,
  type OptimizationInfo,
  OptimizationInfoSchema,
  type ServingEndpoint,
  ServingEndpointSchema,
  TagsResponseSchema,
} from "./schemas.js";
import type { DatabricksTransport } from "./transport.js";

export const ENDPOINTS_PATH = "/api/2.0/serving-endpoints";
export const endpointPath = (name: string) => `${ENDPOINTS_PATH}/${encodeURIComponent(name)}`;

/**
 * Whether a model version can be served with provisioned throughput, and in what chunks: `throughput_chunk_size`
 * (tokens/second) or `model_unit_chunk_size` (model units, the `/pt` routes); `optimizable: false` has neither.
 */
export function getOptimizationInfo(
  api: DatabricksTransport,
  fullName: string,
  version: number,
): Promise<OptimizationInfo> {
  return api.call({
    method: "GET",
    path: `${ENDPOINTS_PATH}/get-model-optimization-info/${encodeURIComponent(fullName)}/${version}`,
    schema: OptimizationInfoSchema,
  });
}

/** One endpoint with its full state: `config` (what serves now), `pending_config` (what is deploying). */
export function getServingEndpoint(api: DatabricksTransport, name: string): Promise<ServingEndpoint> {
  return api.call({ method: "GET", path: endpointPath(name), schema: ServingEndpointSchema });
}

/**
 * Every endpoint in the workspace in one call (no paging), each with its `state` but no per-entity state. Each entry
 * is read on its own and as far as it can be (see `EndpointSummarySchema`): one that cannot be read at all (no
 * name) is skipped and logged at debug, never failing the list, since a real workspace holds other teams' endpoints
 * of every kind. With `only`, just the endpoints of those names are read and returned: the tracker, following its
 * own among many, does not read (and copy) every other entry of the workspace each poll interval.
 */
export async function listServingEndpoints(
  api: DatabricksTransport,
  logger?: Logger,
  only?: ReadonlySet<string>,
): Promise<EndpointSummary[]> {
  const answer = await api.call({ method: "GET", path: ENDPOINTS_PATH, schema: EndpointListSchema });
  const endpoints: EndpointSummary[] = [];
  let skipped = 0;
  for (const entry of answer.endpoints) {
    if (only !== undefined && !only.has(nameOf(entry))) continue;
    const read = EndpointSummarySchema.safeParse(entry);
    if (read.success) endpoints.push(read.data);
    else skipped++;
  }
  if (skipped > 0)
    logger?.debug({ skipped, listed: endpoints.length }, "unreadable endpoint list entries skipped");
  return endpoints;
}

/** A raw list entry's name, or "" when it has none. */
function nameOf(entry: unknown): string {
  if (typeof entry !== "object" || entry === null) return "";
  const name = (entry as { name?: unknown }).name;
  return typeof name === "string" ? name : "";
}

/**
 * Deletes an endpoint. A retried delete whose first attempt landed answers `databricks_not_found`: callers that only
 * want the endpoint gone may treat that as done.
 */
export async function deleteServingEndpoint(api: DatabricksTransport, name: string): Promise<void> {
  await api.call({ method: "DELETE", path: endpointPath(name), schema: EmptySchema });
}

export interface TagChanges {
  readonly add_tags?: readonly EndpointTag[];
  /** Keys to remove. */
  readonly delete_tags?: readonly string[];
}

/** Adds and removes tags; answers the endpoint's tags afterwards. Repeating it changes nothing, so it is retried. */
export function patchServingEndpointTags(
  api: DatabricksTransport,
  name: string,
  changes: TagChanges,
): Promise<EndpointTag[]> {
  return api.call({
    method: "PATCH",
    path: `${endpointPath(name)}/tags`,
    body: changes,
    schema: TagsResponseSchema,
    idempotent: true,
  });
}

/** The container build logs of one served entity (where a failed deployment usually says why). */
export async function getBuildLogs(
  api: DatabricksTransport,
  name: string,
  servedEntityName: string,
): Promise<string> {
  const answer = await api.call({
    method: "GET",
    path: `${endpointPath(name)}/served-models/${encodeURIComponent(servedEntityName)}/build-logs`,
    schema: LogsSchema,
  });
  return answer.logs;
}

/** The model server logs of one served entity. */
export async function getServerLogs(
  api: DatabricksTransport,
  name: string,
  servedEntityName: string,
): Promise<string> {
  const answer = await api.call({
    method: "GET",
    path: `${endpointPath(name)}/served-models/${encodeURIComponent(servedEntityName)}/logs`,
    schema: LogsSchema,
  });
  return answer.logs;
}
