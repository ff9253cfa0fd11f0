/**
 * `/pt export <endpoint>` and the Export config button on the READY notice, over signed HTTP: a private answer with
 * the endpoint's config as a Databricks Asset Bundle resource (the YAML parsed and compared with what the endpoint
 * serves) and as a Terraform `databricks_model_serving` resource (compared with a fixture file). Endpoints serving
 * something other than Unity Catalog models, and missing ones, are answered in words.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defaultSeed } from "../../emulators/databricks/index.js";
import { WITHHELD_VALUE } from "../../src/export/secret-values.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, STRANGER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "export", "llama-prod.tf");

const withEndpoint = {
  ...defaultSeed(),
  endpoints: [
    {
      name: "llama-prod",
      served_entities: [
        {
          name: "llama-13b-2",
          entity_name: LLAMA,
          entity_version: "2",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 1960,
          scale_to_zero_enabled: false,
          environment_vars: { HF_TOKEN: "{{secrets/ml/hf}}", GREETING: "hello" },
          workload_type: "GPU_MEDIUM",
        },
      ],
      traffic_config: { routes: [{ served_entity_name: "llama-13b-2", traffic_percentage: 100 }] },
      tags: [
        { key: "team", value: "search" },
        { key: "cost-center", value: "4711" },
        { key: "note", value: 'a "quoted" <odd> & back\\slashed value' },
      ],
    },
  ],
};

interface Section {
  readonly type: string;
  readonly text?: { readonly text: string };
}

/** The code in the sections between the `from` heading and the next heading, as one text, unescaped. */
function codeAfter(blocks: readonly Section[], from: string): string {
  const start = blocks.findIndex((b) => b.text?.text.startsWith(from) === true);
  const code: string[] = [];
  for (const b of blocks.slice(start + 1)) {
    const text = b.text?.text ?? "";
    if (!text.startsWith("```")) break;
    code.push(text.slice(4, -4));
  }
  return `${code.join("\n").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")}\n`;
}

function lastBlocks(harness: Harness, user = REQUESTER): readonly Section[] {
  return (harness.slack.ephemerals({ user }).at(-1)?.blocks ?? []) as readonly Section[];
}

type Json = Record<string, unknown>;

describe("export", () => {
  it("/pt export answers privately with bundle YAML and Terraform HCL of what the endpoint serves", async () => {
    h = await startHarness({ seed: withEndpoint });
    const text = await h.answer("export llama-prod");
    expect(text).toContain("Export of `llama-prod`");
    const blocks = lastBlocks(h);
    expect(h.slack.channelMessages(CHANNEL)).toHaveLength(0);

    const served = h.dbx.endpoint("llama-prod") as {
      config: { served_entities: Json[]; traffic_config: { routes: Json[] } };
      tags: { key: string; value: string }[];
    };
    const yaml = parse(codeAfter(blocks, "*Databricks Asset Bundle*")) as {
      resources: { model_serving_endpoints: Record<string, Json> };
    };
    const resource = yaml.resources.model_serving_endpoints.llama_prod as {
      name: string;
      config: { served_entities: Json[]; traffic_config: { routes: Json[] } };
      tags: unknown;
    };
    expect(Object.keys(yaml.resources.model_serving_endpoints)).toEqual(["llama_prod"]);
    expect(resource.name).toBe("llama-prod");
    const [live] = served.config.served_entities;
    const [exported] = resource.config.served_entities;
    for (const field of [
      "name",
      "entity_name",
      "entity_version",
      "min_provisioned_throughput",
      "max_provisioned_throughput",
      "scale_to_zero_enabled",
      "workload_type",
    ]) {
      expect(exported?.[field], field).toEqual(live?.[field]);
    }
    // A secret reference is kept; a plain value (maybe a credential) is withheld.
    expect(exported?.environment_vars).toEqual({ HF_TOKEN: "{{secrets/ml/hf}}", GREETING: WITHHELD_VALUE });
    expect(exported).not.toHaveProperty("state");
    expect(exported).not.toHaveProperty("min_dbus");
    expect(resource.config.traffic_config.routes).toEqual(
      served.config.traffic_config.routes.map((r) => ({
        served_entity_name: r.served_entity_name,
        traffic_percentage: r.traffic_percentage,
      })),
    );
    expect(resource.tags).toEqual(served.tags);

    expect(codeAfter(blocks, "*Terraform*")).toBe(readFileSync(FIXTURE, "utf8"));
    expect(JSON.stringify(blocks)).toContain("1 environment variable value is not a secret reference");
  });

  it("the READY notice's Export config button answers the same, to whoever clicks", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3 --max 2`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    const ready = await h.waitForReply(card, (t) => t.includes("is READY"));
    await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: ready.ts,
      actionId: ACTIONS.export,
    });
    await h.waitForEphemeral(STRANGER, (t) => t.startsWith("Export of `llama-13b-3`"));
    const yaml = parse(codeAfter(lastBlocks(h, STRANGER), "*Databricks Asset Bundle*")) as {
      resources: {
        model_serving_endpoints: Record<string, { config: { served_entities: Json[] }; tags: Json[] }>;
      };
    };
    const resource = yaml.resources.model_serving_endpoints.llama_13b_3;
    expect(resource?.config.served_entities).toEqual([
      {
        name: "llama-13b-3",
        entity_name: LLAMA,
        entity_version: "3",
        min_provisioned_throughput: 1960,
        max_provisioned_throughput: 1960,
        scale_to_zero_enabled: false,
      },
    ]);
    expect(resource?.tags).toContainEqual({ key: "ptbot_requester", value: REQUESTER });
    expect(h.slack.ephemerals({ user: REQUESTER }).some((e) => e.text.startsWith("Export of"))).toBe(false);
  });

  it("says why it cannot export another team's external model, or an endpoint that does not exist", async () => {
    h = await startHarness();
    expect(await h.answer("export search-team-gpt-4o")).toContain(
      "serves an external model (gpt-4o); ptbot exports only endpoints serving Unity Catalog models",
    );
    expect(await h.answer("export nothing-here")).toContain("There is no endpoint `nothing-here`");
    expect(await h.answer("export")).toContain("`/pt export` needs an endpoint name");
  });
});
