import { createHash } from "node:crypto";
import { invalidParameter, notFound } from "./errors.js";
import type { OptimizationInfo, SeedModel, SeedModelVersion, ServingTask } from "./seed-schema.js";

/** A model version found in the catalog, with its model. */
export interface CatalogVersion {
  readonly model: SeedModel;
  readonly version: SeedModelVersion;
}

const EMBEDDING_MODEL_TYPES = /^(gte|bge|e5|embed)/i;

/**
 * The emulated Unity Catalog registry: read-only lookups over the seed's models, and the JSON Unity Catalog
 * answers for them. Lookups throw the {@link ApiError}s the real API answers (404 with UC's own wording). Names are
 * case-insensitive, as in Unity Catalog (which stores them in lower case): `ML.LLM-Catalog.Llama-13B` finds
 * `ml.llm-catalog.llama-13b`, and answers carry the name as stored.
 */
export class Catalog {
  readonly #models: ReadonlyMap<string, SeedModel>;
  readonly #metastoreId: string;

  constructor(models: readonly SeedModel[], metastoreId: string) {
    this.#models = new Map(models.map((m) => [m.full_name.toLowerCase(), m]));
    this.#metastoreId = metastoreId;
  }

  model(fullName: string): SeedModel {
    const model = this.#models.get(fullName.toLowerCase());
    if (model === undefined) throw notFound(`Routine or Model '${fullName}' does not exist.`);
    return model;
  }

  /** `version` as it comes on the wire (a path segment or `entity_version`): a decimal integer string. */
  version(fullName: string, version: string): CatalogVersion {
    const model = this.model(fullName);
    if (!/^\d+$/.test(version)) {
      throw invalidParameter(
        `Invalid version '${version}' for model '${fullName}': a version is a positive integer.`,
      );
    }
    const number = Number(version);
    const found = model.versions.find((v) => v.version === number);
    if (found === undefined) throw notFound(`Model Version '${fullName}' version ${number} does not exist.`);
    return { model, version: found };
  }

  alias(fullName: string, alias: string): CatalogVersion {
    const model = this.model(fullName);
    const number = model.aliases?.[alias];
    if (number === undefined) throw notFound(`Alias '${alias}' does not exist for model '${fullName}'.`);
    return this.version(fullName, String(number));
  }

  optimization(found: CatalogVersion): OptimizationInfo {
    return found.version.optimization ?? found.model.optimization;
  }

  /** What invocations of this model answer with; undefined when the endpoint does not say (chat, then). */
  task(model: SeedModel): ServingTask | undefined {
    if (model.task === null) return undefined;
    if (model.task !== undefined) return model.task;
    return EMBEDDING_MODEL_TYPES.test(model.optimization.model_type ?? "")
      ? "llm/v1/embeddings"
      : "llm/v1/chat";
  }

  /** `RegisteredModelInfo`; aliases only when asked for and present (empty lists are omitted, as UC does). */
  modelJson(model: SeedModel, includeAliases: boolean): Record<string, unknown> {
    const { catalog, schema, name } = splitName(model.full_name);
    const createdAt = model.created_at ?? 0;
    const createdBy = model.created_by ?? model.owner ?? "unknown";
    const latest = Math.max(createdAt, ...model.versions.map((v) => versionCreatedAt(model, v)));
    return {
      name,
      catalog_name: catalog,
      schema_name: schema,
      full_name: model.full_name,
      owner: model.owner ?? createdBy,
      ...(model.comment === undefined ? {} : { comment: model.comment }),
      storage_location: this.#storage(model.full_name),
      metastore_id: this.#metastoreId,
      id: stableUuid(`model:${model.full_name}`),
      created_at: createdAt,
      created_by: createdBy,
      updated_at: latest,
      updated_by: createdBy,
      ...(includeAliases ? aliasesField(model, undefined) : {}),
    };
  }

  /** `ModelVersionInfo`; `version` is an integer here although serving takes it as a string. */
  versionJson({ model, version }: CatalogVersion, includeAliases: boolean): Record<string, unknown> {
    const { catalog, schema, name } = splitName(model.full_name);
    const createdAt = versionCreatedAt(model, version);
    const createdBy = version.created_by ?? model.created_by ?? model.owner ?? "unknown";
    const runId = version.run_id ?? stableHex(`run:${model.full_name}:${version.version}`, 32);
    return {
      model_name: name,
      catalog_name: catalog,
      schema_name: schema,
      version: version.version,
      status: version.status,
      ...(version.comment === undefined ? {} : { comment: version.comment }),
      source:
        version.source ??
        `dbfs:/databricks/mlflow-tracking/${stableHex(model.full_name, 15)}/${runId}/artifacts/model`,
      run_id: runId,
      storage_location: `${this.#storage(model.full_name)}/versions/${stableUuid(`v:${model.full_name}:${version.version}`)}`,
      metastore_id: this.#metastoreId,
      id: stableUuid(`version:${model.full_name}:${version.version}`),
      created_at: createdAt,
      created_by: createdBy,
      updated_at: createdAt,
      updated_by: createdBy,
      ...(includeAliases ? aliasesField(model, version.version) : {}),
    };
  }

  #storage(fullName: string): string {
    return `s3://emulated-metastore/${this.#metastoreId}/models/${stableUuid(`storage:${fullName}`)}`;
  }
}

function aliasesField(model: SeedModel, onlyVersion: number | undefined): Record<string, unknown> {
  const aliases = Object.entries(model.aliases ?? {})
    .filter(([, v]) => onlyVersion === undefined || v === onlyVersion)
    .map(([alias_name, version_num]) => ({ alias_name, version_num }));
  return aliases.length === 0 ? {} : { aliases };
}

function versionCreatedAt(model: SeedModel, version: SeedModelVersion): number {
  return version.created_at ?? (model.created_at ?? 0) + version.version * 86_400_000;
}

/** `catalog.schema.model`; the seed schema guarantees three parts. */
export function splitName(fullName: string): { catalog: string; schema: string; name: string } {
  const [catalog = "", schema = "", name = ""] = fullName.split(".");
  return { catalog, schema, name };
}

/** True when a query flag is set the way SDKs send booleans (`true`, or Python's `True`). */
export function queryFlag(value: string | null): boolean {
  return value !== null && value.toLowerCase() === "true";
}

function stableHex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function stableUuid(text: string): string {
  const h = stableHex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
