import { DatabricksApiError } from "./errors.js";
import {
  type ModelVersion,
  ModelVersionPageSchema,
  ModelVersionSchema,
  type RegisteredModel,
  RegisteredModelSchema,
} from "./schemas.js";
import type { DatabricksTransport } from "./transport.js";

const modelPath = (fullName: string) => `/api/2.1/unity-catalog/models/${encodeURIComponent(fullName)}`;

/** A registered model, e.g. `ml.llm-catalog.llama-13b`, with its aliases. */
export function getRegisteredModel(api: DatabricksTransport, fullName: string): Promise<RegisteredModel> {
  return api.call({
    method: "GET",
    path: modelPath(fullName),
    query: { include_aliases: true },
    schema: RegisteredModelSchema,
  });
}

/** One version of a registered model, whatever its status. */
export function getModelVersion(
  api: DatabricksTransport,
  fullName: string,
  version: number,
): Promise<ModelVersion> {
  return api.call({
    method: "GET",
    path: `${modelPath(fullName)}/versions/${version}`,
    query: { include_aliases: true },
    schema: ModelVersionSchema,
  });
}

/** The version an alias points to (`alias` without the `@`). */
export function getModelVersionByAlias(
  api: DatabricksTransport,
  fullName: string,
  alias: string,
): Promise<ModelVersion> {
  return api.call({
    method: "GET",
    path: `${modelPath(fullName)}/aliases/${encodeURIComponent(alias.replace(/^@/, ""))}`,
    query: { include_aliases: true },
    schema: ModelVersionSchema,
  });
}

export interface ListModelVersionsOptions {
  /** `max_results` per page. Default 100. */
  readonly pageSize?: number;
  /** A guard against a server that never stops paging. Default 1000 pages. */
  readonly maxPages?: number;
}

/**
 * Every version of a model, reading every page: a page may be empty and still carry a `next_page_token`, so only a
 * missing token ends the listing. No order is promised (none is given by Databricks either).
 */
export async function listModelVersions(
  api: DatabricksTransport,
  fullName: string,
  options: ListModelVersionsOptions = {},
): Promise<ModelVersion[]> {
  const maxPages = options.maxPages ?? 1000;
  const versions: ModelVersion[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const answer = await api.call({
      method: "GET",
      path: `${modelPath(fullName)}/versions`,
      query: { max_results: options.pageSize ?? 100, page_token: token },
      schema: ModelVersionPageSchema,
    });
    versions.push(...answer.model_versions);
    token = answer.next_page_token === "" ? undefined : answer.next_page_token;
    if (token === undefined) return versions;
    if (seen.has(token) || page >= maxPages) {
      throw new DatabricksApiError({
        code: "databricks_bad_response",
        message: `listing versions of ${fullName} did not end after ${page} pages (a page token came back twice or the page limit was reached)`,
        method: "GET",
        path: `${modelPath(fullName)}/versions`,
      });
    }
    seen.add(token);
  }
}
