/**
 * A config update REPLACES the config, as the real `PUT …/config` does: environment variables, workload settings,
 * other served entities, traffic routes and auto capture that the PUT does not send are gone. What the config
 * carries is echoed by GET in the real field names; traffic routes must name the config's served entities; the AI
 * gateway is the endpoint's own and survives a config update.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, expectErrorBody, type Harness, list, PROVISIONING_MS, startHarness } from "./harness.js";

const API = "/api/2.0/serving-endpoints";
const LLAMA = "ml.llm-catalog.llama-13b";

const rich = {
  served_entities: [
    {
      name: "main",
      entity_name: LLAMA,
      entity_version: "3",
      min_provisioned_throughput: 980,
      max_provisioned_throughput: 1960,
      environment_vars: { OPENAI_API_KEY: "{{secrets/team/openai}}", MODE: "prod" },
      workload_type: "GPU_MEDIUM",
    },
    {
      name: "canary",
      entity_name: LLAMA,
      entity_version: "4",
      min_provisioned_throughput: 980,
      max_provisioned_throughput: 980,
    },
  ],
  traffic_config: {
    routes: [
      { served_entity_name: "main", traffic_percentage: 90 },
      { served_entity_name: "canary", traffic_percentage: 10 },
    ],
  },
  auto_capture_config: { catalog_name: "ml", schema_name: "logs", table_name_prefix: "ep" },
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness({
    seed: {
      models: [
        {
          full_name: LLAMA,
          optimization: { optimizable: true, model_type: "llama", throughput_chunk_size: 980 },
          versions: [
            { version: 3, status: "READY" },
            { version: 4, status: "READY" },
          ],
        },
      ],
      endpoints: [
        {
          name: "seeded",
          ...rich,
          ai_gateway: { usage_tracking_config: { enabled: true } },
          tags: [{ key: "team", value: "ml" }],
        },
      ],
    },
  });
});
afterEach(() => h.emulator.close());

describe("what a config carries, and a PUT that replaces it", () => {
  it("echoes environment variables, workload type, routes and auto capture of a created endpoint", async () => {
    expect((await h.call("POST", API, { name: "ep", config: rich })).status).toBe(200);
    h.clock.advance(PROVISIONING_MS);
    const got = (await h.call("GET", `${API}/ep`)).body;
    const [main, canary] = list(got, "config.served_entities");
    expect(main).toMatchObject({
      name: "main",
      environment_vars: { OPENAI_API_KEY: "{{secrets/team/openai}}", MODE: "prod" },
      workload_type: "GPU_MEDIUM",
    });
    expect(at(canary, "environment_vars")).toBeUndefined();
    expect(list(got, "config.traffic_config.routes")).toEqual([
      expect.objectContaining({ served_entity_name: "main", traffic_percentage: 90 }),
      expect.objectContaining({ served_entity_name: "canary", traffic_percentage: 10 }),
    ]);
    expect(at(got, "config.auto_capture_config")).toMatchObject({
      catalog_name: "ml",
      schema_name: "logs",
      table_name_prefix: "ep",
      enabled: true,
    });
  });

  it("seeds them too, with the AI gateway and tags", async () => {
    const got = (await h.call("GET", `${API}/seeded`)).body;
    expect(list(got, "config.served_entities")).toHaveLength(2);
    expect(at(got, "config.served_entities.0.environment_vars.MODE")).toBe("prod");
    expect(at(got, "ai_gateway")).toEqual({ usage_tracking_config: { enabled: true } });
  });

  it("drops everything a PUT does not send, keeping the AI gateway (its own API)", async () => {
    const put = await h.call("PUT", `${API}/seeded/config`, {
      served_entities: [
        {
          entity_name: LLAMA,
          entity_version: "4",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 1960,
        },
      ],
    });
    expect(put.status).toBe(200);
    h.clock.advance(PROVISIONING_MS);
    const got = (await h.call("GET", `${API}/seeded`)).body;
    const entities = list(got, "config.served_entities");
    expect(entities).toHaveLength(1);
    expect(entities[0]).toMatchObject({ name: "llama-13b-4", entity_version: "4" });
    expect(at(entities[0], "environment_vars")).toBeUndefined();
    expect(at(entities[0], "workload_type")).toBeUndefined();
    expect(list(got, "config.traffic_config.routes")).toEqual([
      expect.objectContaining({ served_entity_name: "llama-13b-4", traffic_percentage: 100 }),
    ]);
    expect(at(got, "config.auto_capture_config")).toBeUndefined();
    expect(at(got, "ai_gateway")).toEqual({ usage_tracking_config: { enabled: true } });
  });

  it("refuses routes that name no served entity of the config, and routes that do not add up", async () => {
    const entity = {
      entity_name: LLAMA,
      entity_version: "4",
      max_provisioned_throughput: 980,
      min_provisioned_throughput: 980,
    };
    expectErrorBody(
      await h.call("PUT", `${API}/seeded/config`, {
        served_entities: [entity],
        traffic_config: { routes: [{ served_entity_name: "main", traffic_percentage: 100 }] },
      }),
      400,
      "INVALID_PARAMETER_VALUE",
      /"main" is not a served entity/,
    );
    expectErrorBody(
      await h.call("PUT", `${API}/seeded/config`, {
        served_entities: [entity, { ...entity, name: "b" }],
      }),
      400,
      "INVALID_PARAMETER_VALUE",
      /traffic_config must be specified/,
    );
  });

  it("refuses environment variables that are not strings and workload types it does not know", async () => {
    const entity = {
      entity_name: LLAMA,
      entity_version: "4",
      max_provisioned_throughput: 980,
      min_provisioned_throughput: 980,
    };
    expectErrorBody(
      await h.call("PUT", `${API}/seeded/config`, {
        served_entities: [{ ...entity, environment_vars: { N: 1 } }],
      }),
      400,
      "INVALID_PARAMETER_VALUE",
      /environment_vars/,
    );
    expectErrorBody(
      await h.call("PUT", `${API}/seeded/config`, { served_entities: [{ ...entity, workload_type: "TPU" }] }),
      400,
      "INVALID_PARAMETER_VALUE",
      /workload_type/,
    );
  });
});
