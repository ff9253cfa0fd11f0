/**
 * A deploy onto an existing endpoint changes only what it asks for, over signed HTTP: the endpoint's environment
 * variables, workload settings, traffic route and auto capture are still there after READY, with only the served
 * model's version and band changed, and its AI gateway and tags untouched. (Before the update payload was built
 * from the endpoint as it is, the PUT sent the bare target and the emulator, replacing the config as Databricks
 * does, dropped them all.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed } from "../../emulators/databricks/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const seed = defaultSeed();
const OSS = "system.ai.gpt-oss-120b";
const withEndpoint = {
  ...seed,
  endpoints: [
    {
      name: "oss-prod",
      served_entities: [
        {
          name: "gpt-oss-120b-1",
          entity_name: OSS,
          entity_version: "1",
          provisioned_model_units: 50,
          environment_vars: { MODE: "prod" },
        },
      ],
    },
    {
      name: "llama-prod",
      served_entities: [
        {
          name: "llama-13b-2",
          entity_name: LLAMA,
          entity_version: "2",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 1960,
          environment_vars: { HF_TOKEN: "{{secrets/ml/hf}}", MODE: "prod" },
          workload_type: "GPU_MEDIUM",
          workload_size: "Small",
        },
      ],
      traffic_config: { routes: [{ served_entity_name: "llama-13b-2", traffic_percentage: 100 }] },
      auto_capture_config: { catalog_name: "ml", schema_name: "logs", table_name_prefix: "llama_prod" },
      ai_gateway: { usage_tracking_config: { enabled: true } },
      tags: [{ key: "team", value: "search" }],
    },
  ],
};

interface Entity {
  readonly [key: string]: unknown;
}

describe("an update keeps the endpoint as it is", () => {
  it("keeps env vars, workload, traffic, auto capture, AI gateway and tags; changes version and band", async () => {
    h = await startHarness({ seed: withEndpoint });
    const card = await h.deploy(`deploy ${LLAMA} 3 --name llama-prod --min 2 --max 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"));

    const got = h.dbx.endpoint("llama-prod") as {
      config: {
        served_entities: Entity[];
        traffic_config: { routes: Entity[] };
        auto_capture_config?: Entity;
      };
      ai_gateway?: unknown;
      tags?: Entity[];
    };
    expect(got.config.served_entities).toHaveLength(1);
    expect(got.config.served_entities[0]).toMatchObject({
      name: "llama-13b-3",
      entity_name: LLAMA,
      entity_version: "3",
      min_provisioned_throughput: 1960,
      max_provisioned_throughput: 2940,
      environment_vars: { HF_TOKEN: "{{secrets/ml/hf}}", MODE: "prod" },
      workload_type: "GPU_MEDIUM",
      workload_size: "Small",
    });
    expect(got.config.traffic_config.routes).toEqual([
      expect.objectContaining({ served_entity_name: "llama-13b-3", traffic_percentage: 100 }),
    ]);
    expect(got.config.auto_capture_config).toMatchObject({
      catalog_name: "ml",
      schema_name: "logs",
      table_name_prefix: "llama_prod",
    });
    expect(got.ai_gateway).toEqual({ usage_tracking_config: { enabled: true } });
    expect(got.tags).toContainEqual({ key: "team", value: "search" });

    // The one PUT sent the endpoint's settings, not only the target.
    const puts = h.dbx.requestsTo("PUT", /\/serving-endpoints\/llama-prod\/config$/);
    expect(puts).toHaveLength(1);
  });

  it("does the same on the model-unit route (PUT /pt/{name}/config, wrapped in config)", async () => {
    h = await startHarness({ seed: withEndpoint });
    const card = await h.deploy(`deploy ${OSS} 2 --name oss-prod --max 2`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"));
    const [put] = h.dbx.requestsTo("PUT", /\/serving-endpoints\/pt\/oss-prod\/config$/);
    expect(put?.body).toMatchObject({
      config: {
        served_entities: [
          {
            name: "gpt-oss-120b-2",
            entity_version: "2",
            provisioned_model_units: 100,
            environment_vars: { MODE: "prod" },
          },
        ],
      },
    });
    const got = h.dbx.endpoint("oss-prod") as { config: { served_entities: Entity[] } };
    expect(got.config.served_entities[0]).toMatchObject({
      entity_version: "2",
      provisioned_model_units: 100,
      environment_vars: { MODE: "prod" },
    });
  });
});
