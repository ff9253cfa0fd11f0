/**
 * The export answer within Slack's limits: a config too long for one section is split over code blocks at line
 * ends, each at most 3000 characters, which read in order give back the whole YAML; and the message stays within
 * 50 blocks.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateMessageBlocks } from "../../../emulators/slack/index.js";
import type { EndpointSpec } from "../../../src/databricks/index.js";
import { codeSections, exportMessage } from "../../../src/slack/blocks/export.js";

const many: EndpointSpec = {
  name: "big",
  config: {
    served_entities: Array.from({ length: 15 }, (_, i) => ({
      name: `e${i}`,
      entity_name: "ml.llm-catalog.llama-13b",
      entity_version: String(i + 1),
      min_provisioned_throughput: 980,
      max_provisioned_throughput: 1960,
      environment_vars: Object.fromEntries(
        Array.from({ length: 6 }, (_, j) => [
          `VAR_${j}_${"X".repeat(20)}`,
          `{{secrets/scope-${i}/key-${j}}}`,
        ]),
      ),
    })),
    traffic_config: {
      routes: Array.from({ length: 15 }, (_, i) => ({
        served_entity_name: `e${i}`,
        traffic_percentage: i === 0 ? 86 : 1,
      })),
    },
  },
  tags: [{ key: "team", value: "a & b <c>" }],
};

interface Section {
  readonly type: string;
  readonly text?: { readonly text: string };
}

function code(blocks: readonly Section[], from: string): { text: string; sections: number } {
  const start = blocks.findIndex((b) => b.text?.text.startsWith(from) === true);
  const parts: string[] = [];
  for (const b of blocks.slice(start + 1)) {
    const text = b.text?.text ?? "";
    if (!text.startsWith("```")) break;
    parts.push(text.slice(4, -4));
  }
  const text = parts.join("\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return { text, sections: parts.length };
}

describe("the export message", () => {
  it("splits a long config over code blocks of at most 3000 characters that read back whole", () => {
    const message = exportMessage("big", { kind: "ok", spec: many });
    const blocks = message.blocks as Section[];
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    const yaml = code(blocks, "*Databricks Asset Bundle*");
    expect(yaml.sections).toBeGreaterThan(1);
    const parsed = parse(yaml.text) as { resources: { model_serving_endpoints: { big: unknown } } };
    expect(parsed.resources.model_serving_endpoints.big).toEqual({
      name: "big",
      config: many.config,
      tags: many.tags,
    });
    const hcl = code(blocks, "*Terraform*");
    expect(hcl.sections).toBeGreaterThan(1);
    expect(hcl.text.split("\n").filter((l) => l.trim() === "served_entities {")).toHaveLength(15);
  });

  it("cuts an over-long line into pieces that each fit, never a whole message refused", () => {
    const sections = codeSections(`short\n${"&".repeat(5000)}\nend`) as Section[];
    for (const s of sections) expect(s.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    const joined = sections.map((s) => (s.text?.text ?? "").slice(4, -4)).join("\n");
    expect(joined.replace(/&amp;/g, "&").replace(/\n/g, "")).toBe(`short${"&".repeat(5000)}end`);
  });
});
