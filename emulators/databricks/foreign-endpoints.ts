/**
 * Other teams' endpoints, as a real workspace holds them beside ptbot's: pay-per-token `databricks-*` foundation
 * model endpoints, external models (OpenAI and the like), CPU custom models, endpoints still being created. The
 * emulator only models provisioned throughput, so these are held as the seed gives them (the GET answer) and never
 * change; what they carry is whatever the real API shows for such endpoints, including entries that lack fields
 * ptbot's own always have.
 */

export type ForeignEndpoint = Readonly<Record<string, unknown>> & { readonly name: string };

/** The GET answer: the seed's object, with the permission level the caller has on someone else's endpoint. */
export function renderForeignEndpoint(endpoint: ForeignEndpoint): Record<string, unknown> {
  return { permission_level: "CAN_QUERY", ...endpoint };
}

/**
 * The list entry: like the real list, no `pending_config`, no permission level, and a summary `config` whose served
 * entities carry no per-entity `state` and no traffic config.
 */
export function renderForeignSummary(endpoint: ForeignEndpoint): Record<string, unknown> {
  const { pending_config: _pending, permission_level: _permission, config, ...rest } = endpoint;
  if (!isRecord(config)) return rest;
  const { traffic_config: _traffic, served_entities: entities, ...configRest } = config;
  return {
    ...rest,
    config: {
      ...configRest,
      ...(Array.isArray(entities)
        ? {
            served_entities: entities.map((e: unknown) => {
              if (!isRecord(e)) return e;
              const { state: _state, ...entity } = e;
              return entity;
            }),
          }
        : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
