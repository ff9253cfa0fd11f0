import { z } from "zod";

/**
 * Response schemas. Every object is loose: Databricks adds fields no SDK models (`state.suspend`, `min_dbus`,
 * `endpoint_type`, …) and a client that rejected them would break on the next release. Enumerations are read as
 * open strings for the same reason; the types still name the values we know.
 */

/** A string enumeration that accepts values we do not know yet, typed so that editors still suggest the known ones. */
const open = <const T extends readonly string[]>(_known: T) =>
  z.string().transform((s): T[number] | (string & {}) => s);

/** Integers that some APIs send as strings (UC versions) or numbers. */
const integer = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
/** Versions are strings on the serving API, but tolerate a number. */
const versionString = z.union([z.string(), z.number().transform(String)]);

// ---- Unity Catalog ------------------------------------------------------------------------------------------------

export const ModelAliasSchema = z.looseObject({ alias_name: z.string(), version_num: integer });
export type ModelAlias = z.output<typeof ModelAliasSchema>;

export const RegisteredModelSchema = z.looseObject({
  full_name: z.string(),
  name: z.string().optional(),
  catalog_name: z.string().optional(),
  schema_name: z.string().optional(),
  owner: z.string().optional(),
  comment: z.string().optional(),
  created_at: z.number().optional(),
  created_by: z.string().optional(),
  updated_at: z.number().optional(),
  aliases: z.array(ModelAliasSchema).default([]),
});
export type RegisteredModel = z.output<typeof RegisteredModelSchema>;

export const MODEL_VERSION_STATUSES = [
  "PENDING_REGISTRATION",
  "READY",
  "FAILED_REGISTRATION",
  "MODEL_VERSION_STATUS_UNKNOWN",
] as const;

export const ModelVersionSchema = z.looseObject({
  version: integer,
  model_name: z.string().optional(),
  catalog_name: z.string().optional(),
  schema_name: z.string().optional(),
  status: open(MODEL_VERSION_STATUSES),
  source: z.string().optional(),
  storage_location: z.string().optional(),
  run_id: z.string().optional(),
  comment: z.string().optional(),
  created_at: z.number().optional(),
  created_by: z.string().optional(),
  aliases: z.array(ModelAliasSchema).default([]),
});
export type ModelVersion = z.output<typeof ModelVersionSchema>;

export const ModelVersionPageSchema = z.looseObject({
  model_versions: z.array(ModelVersionSchema).default([]),
  next_page_token: z.string().optional(),
});

// ---- Optimization info --------------------------------------------------------------------------------------------

export const OptimizationInfoSchema = z.looseObject({
  optimizable: z.boolean(),
  model_type: z.string().optional(),
  /** Tokens/second per chunk, for models provisioned in tokens/second. */
  throughput_chunk_size: z.number().optional(),
  /** Model units per chunk, for models provisioned in model units (the `/pt` routes). */
  model_unit_chunk_size: z.number().optional(),
  /** DBUs per chunk, when the workspace says. */
  dbus: z.number().optional(),
});
export type OptimizationInfo = z.output<typeof OptimizationInfoSchema>;

// ---- Serving endpoints --------------------------------------------------------------------------------------------

export const ENDPOINT_READY_STATES = ["READY", "NOT_READY"] as const;
export const CONFIG_UPDATE_STATES = [
  "NOT_UPDATING",
  "IN_PROGRESS",
  "UPDATE_FAILED",
  "UPDATE_CANCELED",
] as const;
export const DEPLOYMENT_STATES = [
  "DEPLOYMENT_CREATING",
  "DEPLOYMENT_READY",
  "DEPLOYMENT_FAILED",
  "DEPLOYMENT_ABORTED",
  "DEPLOYMENT_RECOVERING",
] as const;

export const EndpointTagSchema = z.looseObject({ key: z.string(), value: z.string().optional() });
export type EndpointTag = z.output<typeof EndpointTagSchema>;

/**
 * Both fields are optional: other teams' endpoints in a real workspace (pay-per-token `databricks-*` endpoints,
 * external models, suspended or half-created endpoints) may lack either. An absent `ready` reads as not ready.
 */
export const EndpointStateSchema = z.looseObject({
  ready: open(ENDPOINT_READY_STATES).optional(),
  config_update: open(CONFIG_UPDATE_STATES).optional(),
});
export type EndpointState = z.output<typeof EndpointStateSchema>;

export const ServedEntitySchema = z.looseObject({
  name: z.string().optional(),
  entity_name: z.string().optional(),
  entity_version: versionString.optional(),
  min_provisioned_throughput: z.number().optional(),
  max_provisioned_throughput: z.number().optional(),
  provisioned_model_units: z.number().optional(),
  scale_to_zero_enabled: z.boolean().optional(),
  /** Kept by a config update (see `config-update.ts`); values may be secret references, never logged. */
  environment_vars: z.record(z.string(), z.string()).optional().catch(undefined),
  workload_type: z.string().optional().catch(undefined),
  workload_size: z.string().optional().catch(undefined),
  instance_profile_arn: z.string().optional().catch(undefined),
  burst_scaling_enabled: z.boolean().optional().catch(undefined),
  /** Set on other teams' endpoints that proxy an outside provider (OpenAI, Anthropic, …). */
  external_model: z
    .looseObject({ provider: z.string().optional(), name: z.string().optional() })
    .optional()
    .catch(undefined),
  /** Set on pay-per-token foundation-model endpoints (`databricks-*`). */
  foundation_model: z
    .looseObject({ name: z.string().optional(), display_name: z.string().optional() })
    .optional()
    .catch(undefined),
  state: z
    .looseObject({
      deployment: open(DEPLOYMENT_STATES).optional(),
      deployment_state_message: z.string().optional(),
    })
    .optional(),
});
export type ServedEntity = z.output<typeof ServedEntitySchema>;

export const TrafficConfigSchema = z.looseObject({
  routes: z
    .array(z.looseObject({ served_entity_name: z.string().optional(), traffic_percentage: z.number() }))
    .default([]),
});

export const EndpointConfigSchema = z.looseObject({
  config_version: z.number().optional(),
  served_entities: z.array(ServedEntitySchema).default([]),
  traffic_config: TrafficConfigSchema.optional(),
  /** Inference tables set on the config itself (the older way); `state` in it is the service's, not an input. */
  auto_capture_config: z
    .looseObject({
      catalog_name: z.string().optional(),
      schema_name: z.string().optional(),
      table_name_prefix: z.string().optional(),
      enabled: z.boolean().optional(),
    })
    .optional()
    .catch(undefined),
});
export type EndpointConfig = z.output<typeof EndpointConfigSchema>;

export const PendingConfigSchema = EndpointConfigSchema.extend({ start_time: z.number().optional() });
export type PendingConfig = z.output<typeof PendingConfigSchema>;

/** The items of a list that can be read, in order; the others are dropped (other teams' entries may hold anything). */
const readableItems = <S extends z.ZodType>(item: S) =>
  z.array(z.unknown()).transform((items) =>
    items.flatMap((i): z.output<S>[] => {
      const read = item.safeParse(i);
      return read.success ? [read.data] : [];
    }),
  );

/**
 * One endpoint in `GET /api/2.0/serving-endpoints`: a summary config, no per-entity state. Only `name` is required:
 * a real workspace lists other teams' endpoints too (pay-per-token, external models, CPU models, endpoints being
 * created), whose entries may lack what ptbot's own carry. So a `state` that cannot be read counts as empty, a
 * `config` that cannot be read as absent (for ptbot's own endpoints that means: read the details), and tags that
 * cannot be read are dropped one by one.
 */
export const EndpointSummarySchema = z.looseObject({
  name: z.string(),
  id: z.string().optional().catch(undefined),
  creator: z.string().optional().catch(undefined),
  creation_timestamp: z.number().optional().catch(undefined),
  /** Milliseconds; changes whenever the state does. */
  last_updated_timestamp: z.number().optional().catch(undefined),
  state: EndpointStateSchema.catch({}),
  config: z
    .looseObject({ served_entities: z.array(ServedEntitySchema).default([]) })
    .optional()
    .catch(undefined),
  tags: readableItems(EndpointTagSchema).default([]).catch([]),
});
export type EndpointSummary = z.output<typeof EndpointSummarySchema>;

/** What `GET /api/2.0/serving-endpoints/{name}` (and create and update) answer: the summary, in full. */
export const ServingEndpointSchema = EndpointSummarySchema.extend({
  /**
   * Read strictly, unlike a list entry's: details are read for one endpoint at a time (mostly ptbot's own), and a
   * state that is not an object is a bad answer, not something to guess at. Its fields may still be absent.
   */
  state: EndpointStateSchema,
  /** Absent until the first config finishes deploying. */
  config: EndpointConfigSchema.optional(),
  /** Present while a config is being deployed. */
  pending_config: PendingConfigSchema.optional(),
  permission_level: z.string().optional(),
  /**
   * What the endpoint answers, as Databricks says: `llm/v1/chat`, `llm/v1/completions`, `llm/v1/embeddings` (also
   * `agent/v1/chat`, …). Absent on models whose task Databricks cannot tell (custom pyfunc models, say).
   */
  task: z.string().optional().catch(undefined),
});
export type ServingEndpoint = z.output<typeof ServingEndpointSchema>;

/** The list answer; each entry is read on its own with {@link EndpointSummarySchema} (see `listServingEndpoints`). */
export const EndpointListSchema = z.looseObject({ endpoints: z.array(z.unknown()).default([]) });

/** `PATCH …/tags` answers the tag list; older releases sent a bare array, newer ones `{ tags }`. */
export const TagsResponseSchema = z.union([
  z.array(EndpointTagSchema),
  z.looseObject({ tags: z.array(EndpointTagSchema).default([]) }).transform((r) => r.tags),
]);

export const LogsSchema = z.looseObject({ logs: z.string().default("") });

export const EmptySchema = z.looseObject({});

// ---- Invocations --------------------------------------------------------------------------------------------------

const UsageSchema = z.looseObject({
  prompt_tokens: z.number().optional(),
  completion_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
});

const TokenLogprobSchema = z.looseObject({
  token: z.string(),
  logprob: z.number(),
  top_logprobs: z.array(z.looseObject({ token: z.string(), logprob: z.number() })).optional(),
});

export const ChatCompletionSchema = z.looseObject({
  id: z.string().optional(),
  object: z.string().optional(),
  created: z.number().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      message: z.looseObject({ role: z.string(), content: z.string().nullable().optional() }),
      finish_reason: z.string().nullable().optional(),
      logprobs: z
        .looseObject({ content: z.array(TokenLogprobSchema).nullable().optional() })
        .nullable()
        .optional(),
    }),
  ),
  usage: UsageSchema.optional(),
});
export type ChatCompletion = z.output<typeof ChatCompletionSchema>;

export const TextCompletionSchema = z.looseObject({
  id: z.string().optional(),
  object: z.string().optional(),
  created: z.number().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number(),
      text: z.string(),
      finish_reason: z.string().nullable().optional(),
    }),
  ),
  usage: UsageSchema.optional(),
});
export type TextCompletion = z.output<typeof TextCompletionSchema>;

export const EmbeddingsSchema = z.looseObject({
  object: z.string().optional(),
  model: z.string().optional(),
  data: z.array(z.looseObject({ index: z.number().optional(), embedding: z.array(z.number()) })),
  usage: UsageSchema.optional(),
});
export type EmbeddingsResponse = z.output<typeof EmbeddingsSchema>;
