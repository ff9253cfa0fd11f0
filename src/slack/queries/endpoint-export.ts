/**
 * What `/pt export <endpoint>` (and the Export button on the READY notice) answers from: the endpoint as Databricks
 * serves it, in input field names, or why it cannot be exported. Only Unity Catalog models served by the endpoint
 * are exported; an outside provider's model or a pay-per-token model has a configuration ptbot does not model.
 */
import { type EndpointSpec, endpointSpec, isNotFound, type ServedEntity } from "../../databricks/index.js";
import { PtbotError } from "../../errors.js";
import type { DatabricksApi } from "../../workflow/ports.js";

export type EndpointExport =
  | { readonly kind: "ok"; readonly spec: EndpointSpec }
  | { readonly kind: "not_found" }
  /** The endpoint has no config yet (nothing live, nothing deploying). */
  | { readonly kind: "no_config" }
  /** It serves something other than Unity Catalog models; `what` names the first such entity. */
  | { readonly kind: "not_exportable"; readonly what: string }
  /** Databricks could not be asked: the error's stable code. */
  | { readonly kind: "lookup_failed"; readonly code: string };

export async function loadEndpointExport(
  deps: { readonly databricks: Pick<DatabricksApi, "getServingEndpoint"> },
  name: string,
): Promise<EndpointExport> {
  let endpoint: Awaited<ReturnType<DatabricksApi["getServingEndpoint"]>>;
  try {
    endpoint = await deps.databricks.getServingEndpoint(name);
  } catch (error) {
    if (isNotFound(error)) return { kind: "not_found" };
    if (error instanceof PtbotError) return { kind: "lookup_failed", code: error.code };
    throw error;
  }
  const entities = (endpoint.config ?? endpoint.pending_config)?.served_entities ?? [];
  if (entities.length === 0) return { kind: "no_config" };
  const other = entities.find((e) => e.entity_name === undefined || e.entity_version === undefined);
  if (other !== undefined) return { kind: "not_exportable", what: otherWhat(other) };
  return { kind: "ok", spec: endpointSpec(endpoint) };
}

function otherWhat(e: ServedEntity): string {
  if (e.external_model !== undefined)
    return `an external model (${e.external_model.name ?? e.name ?? "unnamed"})`;
  if (e.foundation_model !== undefined)
    return `a pay-per-token model (${e.foundation_model.name ?? e.name ?? "unnamed"})`;
  return `served entity ${e.name ?? "(unnamed)"}`;
}
