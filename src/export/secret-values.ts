/**
 * Environment variable values in an export: a secret reference (`{{secrets/scope/key}}`, what Databricks recommends)
 * is kept as it is, since it names a secret without holding it; any other value might be a credential typed in
 * plain text, so it is left out of what is posted in Slack, with a placeholder that says where to set it.
 */
import type { EndpointSpec, ServedEntitySpec } from "../databricks/endpoint-spec.js";

export const WITHHELD_VALUE = "<withheld by ptbot: copy it from the endpoint in Databricks>";

const SECRET_REFERENCE = /^\{\{\s*secrets\/[^/\s{}]+\/[^/\s{}]+\s*\}\}$/;

/** `spec` with plain environment variable values withheld, and how many were. */
export function withholdPlainValues(spec: EndpointSpec): { spec: EndpointSpec; withheld: number } {
  let withheld = 0;
  const entity = (e: ServedEntitySpec): ServedEntitySpec => {
    if (e.environment_vars === undefined) return e;
    const vars = Object.fromEntries(
      Object.entries(e.environment_vars).map(([k, v]) => {
        if (SECRET_REFERENCE.test(v)) return [k, v];
        withheld++;
        return [k, WITHHELD_VALUE];
      }),
    );
    return { ...e, environment_vars: vars };
  };
  if (spec.config === undefined) return { spec, withheld };
  const config = { ...spec.config, served_entities: spec.config.served_entities.map(entity) };
  return { spec: { ...spec, config }, withheld };
}
