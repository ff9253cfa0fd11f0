/**
 * An endpoint as a Databricks Asset Bundle resource (`resources.model_serving_endpoints.<key>`), YAML to paste into a
 * bundle's `databricks.yml` or a file it includes. The fields are the serving API's own (bundles take the create
 * request's shape): name, config (served entities, traffic routes, auto capture) and tags.
 */
import { stringify } from "yaml";
import type { EndpointSpec } from "../databricks/endpoint-spec.js";
import { resourceKey } from "./resource-key.js";

export function toAssetBundleYaml(spec: EndpointSpec): string {
  const resource = {
    name: spec.name,
    ...(spec.config === undefined ? {} : { config: spec.config }),
    ...(spec.tags.length === 0 ? {} : { tags: spec.tags }),
  };
  const doc = { resources: { model_serving_endpoints: { [resourceKey(spec.name)]: resource } } };
  // No folding: a long value on one line is what a reader copies and a diff shows.
  return stringify(doc, { lineWidth: 0 });
}
