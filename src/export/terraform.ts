/**
 * An endpoint as a Terraform `databricks_model_serving` resource, in HCL laid out close to `terraform fmt` (two-space
 * indents, `=` aligned within a run of one-line attributes). The provider's schema: `name`; a `config` block with
 * `served_entities` blocks (`name`, `entity_name`, `entity_version`, `min_provisioned_throughput`,
 * `max_provisioned_throughput`, `provisioned_model_units`, `scale_to_zero_enabled`, `workload_type`,
 * `workload_size`, `environment_vars` (a map), `instance_profile_arn`, `burst_scaling_enabled`), a `traffic_config`
 * block of `routes` blocks and an `auto_capture_config` block; and one `tags` block per tag (`key`, `value`).
 */
import type { EndpointSpec, ServedEntitySpec } from "../databricks/endpoint-spec.js";
import { resourceKey } from "./resource-key.js";

type Value = string | number | boolean | Readonly<Record<string, string>>;
type Item =
  | { readonly kind: "attribute"; readonly key: string; readonly value: Value }
  | {
      readonly kind: "block";
      readonly type: string;
      readonly labels: readonly string[];
      readonly body: Item[];
    };

export function toTerraformHcl(spec: EndpointSpec): string {
  const body: Item[] = [attribute("name", spec.name)];
  const config = spec.config;
  if (config !== undefined) {
    const items: Item[] = config.served_entities.map((e) => block("served_entities", entityItems(e)));
    const routes = config.traffic_config?.routes ?? [];
    if (routes.length > 0) {
      items.push(
        block(
          "traffic_config",
          routes.map((r) =>
            block("routes", [
              attribute("served_entity_name", r.served_entity_name),
              attribute("traffic_percentage", r.traffic_percentage),
            ]),
          ),
        ),
      );
    }
    const capture = config.auto_capture_config;
    if (capture !== undefined) items.push(block("auto_capture_config", present({ ...capture })));
    body.push(block("config", items));
  }
  for (const tag of spec.tags) {
    body.push(
      block("tags", [
        attribute("key", tag.key),
        ...(tag.value === undefined ? [] : [attribute("value", tag.value)]),
      ]),
    );
  }
  const resource = block("resource", body, ["databricks_model_serving", resourceKey(spec.name)]);
  return `${render([resource], 0).join("\n")}\n`;
}

/** An entity's attributes in the provider's documented order, those set only. */
function entityItems(e: ServedEntitySpec): Item[] {
  return present({
    name: e.name,
    entity_name: e.entity_name,
    entity_version: e.entity_version,
    min_provisioned_throughput: e.min_provisioned_throughput,
    max_provisioned_throughput: e.max_provisioned_throughput,
    provisioned_model_units: e.provisioned_model_units,
    scale_to_zero_enabled: e.scale_to_zero_enabled,
    workload_type: e.workload_type,
    workload_size: e.workload_size,
    instance_profile_arn: e.instance_profile_arn,
    burst_scaling_enabled: e.burst_scaling_enabled,
    environment_vars: e.environment_vars,
  });
}

function present(fields: Readonly<Record<string, Value | undefined>>): Item[] {
  return Object.entries(fields).flatMap(([key, value]) =>
    value === undefined ? [] : [attribute(key, value)],
  );
}

function attribute(key: string, value: Value): Item {
  return { kind: "attribute", key, value };
}

function block(type: string, body: Item[], labels: readonly string[] = []): Item {
  return { kind: "block", type, labels, body };
}

/** Lines of `items` at `depth`; one-line attributes in a row share the column of their `=`, as `terraform fmt` does. */
function render(items: readonly Item[], depth: number): string[] {
  const pad = "  ".repeat(depth);
  const lines: string[] = [];
  let run: { key: string; value: string }[] = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((a) => a.key.length));
    for (const a of run) lines.push(`${pad}${a.key.padEnd(width)} = ${a.value}`);
    run = [];
  };
  for (const item of items) {
    if (item.kind === "attribute" && typeof item.value !== "object") {
      run.push({ key: item.key, value: scalar(item.value) });
      continue;
    }
    flush();
    if (item.kind === "attribute") {
      lines.push(...mapLines(item.key, item.value as Readonly<Record<string, string>>, depth));
      continue;
    }
    const head = [item.type, ...item.labels.map(quote)].join(" ");
    lines.push(`${pad}${head} {`, ...render(item.body, depth + 1), `${pad}}`);
  }
  flush();
  return lines;
}

function mapLines(key: string, map: Readonly<Record<string, string>>, depth: number): string[] {
  const pad = "  ".repeat(depth);
  const entries = Object.entries(map).map(([k, v]) => ({ key: quote(k), value: quote(v) }));
  if (entries.length === 0) return [`${pad}${key} = {}`];
  const width = Math.max(...entries.map((e) => e.key.length));
  return [
    `${pad}${key} = {`,
    ...entries.map((e) => `${pad}  ${e.key.padEnd(width)} = ${e.value}`),
    `${pad}}`,
  ];
}

function scalar(value: string | number | boolean): string {
  return typeof value === "string" ? quote(value) : String(value);
}

/**
 * A quoted HCL string: backslash, quote and control characters escaped, and `${` / `%{` doubled so that Terraform
 * reads them literally instead of as an interpolation or a template directive.
 */
export function quote(text: string): string {
  let out = "";
  for (const ch of text) {
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case '"':
        out += '\\"';
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default: {
        const cp = ch.codePointAt(0) ?? 0;
        out += cp < 0x20 || cp === 0x7f ? `\\u${cp.toString(16).padStart(4, "0")}` : ch;
      }
    }
  }
  return `"${out.replace(/\$\{/g, () => "$${").replace(/%\{/g, "%%{")}"`;
}
