import { buildLogs, serverLogs } from "./build-logs.js";
import type { Catalog } from "./catalog.js";
import type { EndpointStore, EndpointTag } from "./endpoint-store.js";
import { renderEndpoint, renderEndpointSummary } from "./endpoint-view.js";
import { invalidParameter, notFound } from "./errors.js";
import { renderForeignEndpoint, renderForeignSummary } from "./foreign-endpoints.js";
import { endpointStatus } from "./life-cycle.js";
import type { ApiRequest, ApiResponse, Route } from "./router.js";
import { type CapacityKind, isObject, NAME_PATTERN, validateCoreConfig } from "./served-entities.js";

const BASE = "/api/2.0/serving-endpoints";

export interface ServingDeps {
  readonly catalog: Catalog;
  readonly store: EndpointStore;
  readonly now: () => number;
}

/** The serving-endpoints API: optimization info, create (tokens and `/pt`), read, list, update, delete, tags, logs. */
export function servingRoutes(deps: ServingDeps): Route[] {
  const { catalog, store, now } = deps;
  const view = (name: string, justStarted = false): ApiResponse => {
    const foreign = store.findForeign(name);
    if (foreign !== undefined) return { status: 200, body: renderForeignEndpoint(foreign) };
    const record = store.get(name);
    return { status: 200, body: renderEndpoint(record, endpointStatus(record, now(), justStarted)) };
  };
  const route = (
    method: string,
    pattern: string,
    handler: Route["handler"],
    body: Route["body"] = "none",
  ): Route => ({
    method,
    pattern: `${BASE}${pattern}`,
    body,
    authenticated: true,
    handler,
  });

  const create = (kind: CapacityKind) => (req: ApiRequest) => {
    const body = req.body as Record<string, unknown>;
    const name = endpointName(body.name);
    store.ensureAbsent(name);
    if (!isObject(body.config))
      throw invalidParameter("config must be specified to create a serving endpoint.");
    const config = validateCoreConfig(body.config, kind, catalog);
    store.create({ name, config, tags: tagList(body.tags, "tags"), creator: req.principal });
    return view(name, true);
  };

  const update = (kind: CapacityKind, wrapped: boolean) => (req: ApiRequest) => {
    const name = req.params.name ?? "";
    store.ensureUpdatable(name);
    const body = req.body as Record<string, unknown>;
    const input = wrapped ? body.config : body;
    if (wrapped && !isObject(input))
      throw invalidParameter("config must be specified to update the endpoint.");
    store.updateConfig(name, validateCoreConfig(input, kind, catalog), req.principal);
    return view(name, true);
  };

  return [
    route("GET", "/get-model-optimization-info/{model}/{version}", ({ params }) => ({
      status: 200,
      body: catalog.optimization(catalog.version(params.model ?? "", params.version ?? "")),
    })),
    route("POST", "", create("throughput"), "json"),
    route("POST", "/pt", create("model_units"), "json"),
    route("GET", "", () => {
      // Like a real workspace, other teams' endpoints first (they were there before), then the emulated ones.
      const endpoints = [
        ...store.foreignList().map(renderForeignSummary),
        ...store.list().map((r) => renderEndpointSummary(r, endpointStatus(r, now()))),
      ];
      return { status: 200, body: endpoints.length === 0 ? {} : { endpoints } };
    }),
    route("GET", "/{name}", ({ params }) => view(params.name ?? "")),
    route("PUT", "/{name}/config", update("throughput", false), "json"),
    route("PUT", "/pt/{name}/config", update("model_units", true), "json"),
    route("DELETE", "/{name}", ({ params }) => {
      store.delete(params.name ?? "");
      return { status: 200, body: {} };
    }),
    route(
      "PATCH",
      "/{name}/tags",
      ({ params, body }) => {
        const b = body as Record<string, unknown>;
        const add = tagList(b.add_tags, "add_tags");
        const remove = keyList(b.delete_tags);
        const tags = store.patchTags(params.name ?? "", add, remove);
        return { status: 200, body: tags.length === 0 ? {} : { tags } };
      },
      "json",
    ),
    route("GET", "/{name}/served-models/{served}/build-logs", ({ params }) => {
      const { deployment, entity } = findEntity(store, params.name ?? "", params.served ?? "");
      return { status: 200, body: { logs: buildLogs(deployment, entity, now()) } };
    }),
    route("GET", "/{name}/served-models/{served}/logs", ({ params }) => {
      const { deployment, entity } = findEntity(store, params.name ?? "", params.served ?? "");
      return { status: 200, body: { logs: serverLogs(deployment, entity, now()) } };
    }),
  ];
}

function endpointName(value: unknown): string {
  if (value === undefined || value === null || value === "") {
    throw invalidParameter("name must be specified to create a serving endpoint.");
  }
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) {
    throw invalidParameter(
      `Invalid endpoint name ${JSON.stringify(value)}: an endpoint name may contain only letters, digits, dashes ` +
        "and underscores, and must be 1 to 63 characters long.",
    );
  }
  return value;
}

function tagList(value: unknown, field: string): EndpointTag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParameter(`${field} must be a list of { key, value } objects.`);
  return value.map((t: unknown, i) => {
    if (!isObject(t) || typeof t.key !== "string" || t.key === "") {
      throw invalidParameter(`${field}[${i}].key must be a non-empty string.`);
    }
    if (t.value !== undefined && typeof t.value !== "string") {
      throw invalidParameter(`${field}[${i}].value must be a string.`);
    }
    return t.value === undefined ? { key: t.key } : { key: t.key, value: t.value };
  });
}

function keyList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((k) => typeof k === "string")) {
    throw invalidParameter("delete_tags must be a list of tag keys.");
  }
  return value;
}

/** The newest deployment of `endpoint` that has a served entity named `served`. */
function findEntity(store: EndpointStore, endpoint: string, served: string) {
  const record = store.get(endpoint);
  for (const deployment of [...record.deployments].reverse()) {
    const entity = deployment.config.servedEntities.find((e) => e.name === served);
    if (entity !== undefined) return { deployment, entity };
  }
  throw notFound(`Served model '${served}' does not exist in endpoint '${endpoint}'.`);
}
