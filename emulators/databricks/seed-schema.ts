import { readFile } from "node:fs/promises";
import { z } from "zod";
import defaultSeedJson from "./default-seed.json" with { type: "json" };
import { DatabricksEmulatorError } from "./errors.js";

/** Unity Catalog model version statuses; only `READY` can be served. */
export const MODEL_VERSION_STATUSES = [
  "PENDING_REGISTRATION",
  "READY",
  "FAILED_REGISTRATION",
  "MODEL_VERSION_STATUS_UNKNOWN",
] as const;

export const SERVING_TASKS = ["llm/v1/chat", "llm/v1/completions", "llm/v1/embeddings"] as const;

/**
 * What `get-model-optimization-info` answers, as is: unknown fields are kept and sent, since the real answer
 * carries more than any client models.
 */
const optimizationSchema = z
  .looseObject({
    optimizable: z.boolean(),
    model_type: z.string().min(1).optional(),
    throughput_chunk_size: z.int().positive().optional(),
    model_unit_chunk_size: z.int().positive().optional(),
    dbus: z.number().positive().optional(),
  })
  .superRefine((o, ctx) => {
    if (!o.optimizable) return;
    if (o.model_type === undefined)
      ctx.addIssue({ code: "custom", message: "an optimizable model needs model_type" });
    const chunks = [o.throughput_chunk_size, o.model_unit_chunk_size].filter((c) => c !== undefined).length;
    if (chunks !== 1) {
      ctx.addIssue({
        code: "custom",
        message: "an optimizable model needs exactly one of throughput_chunk_size and model_unit_chunk_size",
      });
    }
  });

const versionSchema = z.object({
  version: z.int().positive(),
  status: z.enum(MODEL_VERSION_STATUSES),
  source: z.string().optional(),
  run_id: z.string().optional(),
  comment: z.string().optional(),
  created_at: z.int().nonnegative().optional(),
  created_by: z.string().optional(),
  /** Overrides the model's optimization info for this version. */
  optimization: optimizationSchema.optional(),
});

const modelSchema = z
  .object({
    full_name: z.string().regex(/^[^.\s/]+\.[^.\s/]+\.[^.\s/]+$/, "must be catalog.schema.model"),
    owner: z.string().optional(),
    comment: z.string().optional(),
    created_at: z.int().nonnegative().optional(),
    created_by: z.string().optional(),
    /**
     * What invocations answer with; by default embeddings for embedding model types, chat otherwise. `null`: a model
     * whose task Databricks does not say (a custom pyfunc model): its endpoint shows no `task`, and it answers chat.
     */
    task: z.enum(SERVING_TASKS).nullable().optional(),
    embedding_dimensions: z.int().positive().max(8192).optional(),
    optimization: optimizationSchema,
    /** Listed in this order: the version list API promises no order, so seeds should not sort them. */
    versions: z.array(versionSchema),
    aliases: z.record(z.string().min(1), z.int().positive()).optional(),
    /**
     * Offsets in the version list before which the list API answers one empty page that still has a
     * `next_page_token`, as Unity Catalog may.
     */
    versions_paging: z.object({ empty_pages_at: z.array(z.int().nonnegative()) }).optional(),
  })
  .superRefine((m, ctx) => {
    const versions = new Set<number>();
    for (const v of m.versions) {
      if (versions.has(v.version))
        ctx.addIssue({ code: "custom", message: `version ${v.version} is listed twice` });
      versions.add(v.version);
    }
    for (const [alias, version] of Object.entries(m.aliases ?? {})) {
      if (!versions.has(version)) {
        ctx.addIssue({ code: "custom", message: `alias ${alias} points to missing version ${version}` });
      }
    }
  });

const tagSchema = z.object({ key: z.string().min(1), value: z.string().optional() });

/**
 * An endpoint that exists when the emulator starts. Its served entities go through the same validation as a
 * create call, so a seed cannot hold an endpoint the API would have refused.
 */
const endpointSchema = z.object({
  name: z.string(),
  served_entities: z.array(z.record(z.string(), z.unknown())).min(1),
  traffic_config: z.unknown().optional(),
  /** Validated like a create's. */
  auto_capture_config: z.unknown().optional(),
  /** Echoed by GET as given; config updates leave it as it is (it has its own API). */
  ai_gateway: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(tagSchema).optional(),
  /** READY (default): deployed before the emulator started; IN_PROGRESS: its creation starts at startup. */
  state: z.enum(["READY", "IN_PROGRESS", "FAILED"]).optional(),
  failure: z
    .object({
      kind: z.enum(["capacity", "entitlement", "permissions", "artifact"]).optional(),
      message: z.string().optional(),
      build_logs: z.string().optional(),
    })
    .optional(),
  creator: z.string().optional(),
});

export const seedSchema = z
  .object({
    workspace: z
      .object({
        /** The user a PAT belongs to: the `creator` of what PAT calls create. */
        user_name: z.string().min(1).optional(),
        metastore_id: z.string().min(1).optional(),
        workspace_id: z.int().positive().optional(),
        account_id: z.string().min(1).optional(),
      })
      .optional(),
    models: z.array(modelSchema),
    endpoints: z.array(endpointSchema).optional(),
    /**
     * Other teams' endpoints, each as `GET /serving-endpoints/{name}` answers it (any fields; only the name is
     * checked): listed and readable as given, never changed. See `foreign-endpoints.ts`.
     */
    foreign_endpoints: z
      .array(z.looseObject({ name: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, "not an endpoint name") }))
      .optional(),
  })
  .superRefine((s, ctx) => {
    const models = new Set<string>();
    for (const m of s.models) {
      if (models.has(m.full_name))
        ctx.addIssue({ code: "custom", message: `model ${m.full_name} is listed twice` });
      models.add(m.full_name);
    }
    const endpoints = new Set<string>();
    for (const e of [...(s.endpoints ?? []), ...(s.foreign_endpoints ?? [])]) {
      if (endpoints.has(e.name))
        ctx.addIssue({ code: "custom", message: `endpoint ${e.name} is listed twice` });
      endpoints.add(e.name);
    }
  });

/** A seed as written (JSON file or object literal). */
export type Seed = z.input<typeof seedSchema>;
/** A validated seed. */
export type ParsedSeed = z.output<typeof seedSchema>;
export type SeedModel = ParsedSeed["models"][number];
export type SeedModelVersion = SeedModel["versions"][number];
export type SeedEndpoint = NonNullable<ParsedSeed["endpoints"]>[number];
export type OptimizationInfo = SeedModel["optimization"];
export type ServingTask = (typeof SERVING_TASKS)[number];

/** Validates a seed, reporting every problem at once. */
export function parseSeed(value: unknown, source = "seed"): ParsedSeed {
  const result = seedSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new DatabricksEmulatorError(
    "emulator_seed_invalid",
    `invalid Databricks emulator ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
  );
}

/** Reads and validates a seed file (the same shape as `default-seed.json`). */
export async function loadSeed(path: string): Promise<ParsedSeed> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new DatabricksEmulatorError("emulator_seed_unreadable", `cannot read seed file ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DatabricksEmulatorError("emulator_seed_invalid", `seed file ${path} is not valid JSON`, {
      cause,
    });
  }
  return parseSeed(json, `seed file ${path}`);
}

/**
 * The default seed: a few tokens-per-second models, an embeddings model, a model-unit model, a model that is not
 * optimizable, and other teams' endpoints (pay-per-token, external model, CPU, one being created, one suspended).
 */
export function defaultSeed(): ParsedSeed {
  return parseSeed(defaultSeedJson, "default seed");
}
