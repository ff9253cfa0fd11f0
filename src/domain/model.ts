/**
 * What ptbot knows about the model version to serve, once resolved. The workflow builds it from Unity Catalog and
 * the optimization-info answer; the domain never sees those wire shapes.
 */

/**
 * How Databricks sizes provisioned throughput for this model: in tokens per second (`throughput_chunk_size`, created
 * through `POST /serving-endpoints`) or in model units (`model_unit_chunk_size`, created through `/serving-endpoints/pt`).
 */
export type ThroughputUnit = "tokens_per_second" | "model_units";

export interface ModelInfo {
  /** Unity Catalog name, `catalog.schema.model`. */
  readonly fullName: string;
  readonly version: number;
  /** Databricks' `model_type` (e.g. `llama`); shown on the card, never interpreted. */
  readonly modelType: string;
  readonly unit: ThroughputUnit;
  /** Size of one step: tokens/second (`throughput_chunk_size`) or units (`model_unit_chunk_size`). Positive. */
  readonly chunkSize: number;
  /** DBUs per chunk, when Databricks reports it (`dbus`). */
  readonly dbus?: number;
}

/**
 * A Unity Catalog name as Unity Catalog keeps it: names are case-insensitive and stored in lower case, so
 * `ML.LLM-Catalog.Llama-13B` is `ml.llm-catalog.llama-13b` (the card, the default endpoint name and every comparison
 * use this form).
 */
export function canonicalModelName(fullName: string): string {
  return fullName.toLowerCase();
}
