/**
 * The update payload is built from the endpoint as it is: a `PUT …/config` replaces the whole config, so everything
 * but the served model's version and band is carried over (names, environment variables, workload settings, other
 * entities, routes, auto capture), and what GET adds (state, creator, dbus) is not sent back.
 */
import { describe, expect, it } from "vitest";
import { toConfigUpdateInput } from "../../src/databricks/index.js";
import { ServingEndpointSchema } from "../../src/databricks/schemas.js";
import type { EndpointTarget } from "../../src/domain/index.js";

const LLAMA = "ml.llm-catalog.llama-13b";
const target: EndpointTarget = {
  endpointName: "llama",
  model: LLAMA,
  version: 4,
  band: { kind: "tokens", minTokensPerSecond: 1960, maxTokensPerSecond: 3920, scaleToZero: false },
};

/** A GET answer of an endpoint someone set up by hand: two models, a 90/10 split, env vars, auto capture. */
const rich = ServingEndpointSchema.parse({
  name: "llama",
  state: { ready: "READY", config_update: "NOT_UPDATING" },
  config: {
    config_version: 7,
    served_entities: [
      {
        name: "llama-13b-3",
        entity_name: "ML.LLM-Catalog.llama-13b",
        entity_version: "3",
        min_provisioned_throughput: 980,
        max_provisioned_throughput: 1960,
        scale_to_zero_enabled: true,
        environment_vars: { HF_TOKEN: "{{secrets/ml/hf}}" },
        workload_type: "GPU_MEDIUM",
        workload_size: "Small",
        min_dbus: 24,
        max_dbus: 48,
        creator: "someone@example.com",
        creation_timestamp: 1,
        state: { deployment: "DEPLOYMENT_READY", deployment_state_message: "" },
      },
      {
        name: "judge",
        entity_name: "system.ai.dbrx_instruct",
        entity_version: "2",
        min_provisioned_throughput: 0,
        max_provisioned_throughput: 1580,
        scale_to_zero_enabled: true,
        environment_vars: { MODE: "judge" },
        state: { deployment: "DEPLOYMENT_READY" },
      },
    ],
    traffic_config: {
      routes: [
        { served_model_name: "llama-13b-3", served_entity_name: "llama-13b-3", traffic_percentage: 90 },
        { served_model_name: "judge", served_entity_name: "judge", traffic_percentage: 10 },
      ],
    },
    auto_capture_config: {
      catalog_name: "ml",
      schema_name: "logs",
      table_name_prefix: "llama",
      enabled: true,
      state: { payload_table: { name: "llama_payload", status: "ACTIVE" } },
    },
  },
  ai_gateway: { usage_tracking_config: { enabled: true } },
});

describe("the config update payload", () => {
  it("changes only the served model's version and band, carrying everything else over", () => {
    expect(toConfigUpdateInput(rich, target)).toEqual({
      served_entities: [
        {
          name: "llama-13b-4",
          entity_name: "ML.LLM-Catalog.llama-13b",
          entity_version: "4",
          min_provisioned_throughput: 1960,
          max_provisioned_throughput: 3920,
          scale_to_zero_enabled: false,
          environment_vars: { HF_TOKEN: "{{secrets/ml/hf}}" },
          workload_type: "GPU_MEDIUM",
          workload_size: "Small",
        },
        {
          name: "judge",
          entity_name: "system.ai.dbrx_instruct",
          entity_version: "2",
          min_provisioned_throughput: 0,
          max_provisioned_throughput: 1580,
          scale_to_zero_enabled: true,
          environment_vars: { MODE: "judge" },
        },
      ],
      // The default-named entity is renamed for its new version, as Databricks names it; its route follows.
      traffic_config: {
        routes: [
          { served_entity_name: "llama-13b-4", traffic_percentage: 90 },
          { served_entity_name: "judge", traffic_percentage: 10 },
        ],
      },
      auto_capture_config: {
        catalog_name: "ml",
        schema_name: "logs",
        table_name_prefix: "llama",
        enabled: true,
      },
    });
  });

  it("keeps a name someone chose, and the route on it", () => {
    const named = ServingEndpointSchema.parse({
      name: "llama",
      state: { ready: "READY" },
      config: {
        served_entities: [
          {
            name: "prod",
            entity_name: LLAMA,
            entity_version: "3",
            min_provisioned_throughput: 980,
            max_provisioned_throughput: 980,
          },
        ],
        traffic_config: { routes: [{ served_entity_name: "prod", traffic_percentage: 100 }] },
      },
    });
    const input = toConfigUpdateInput(named, target);
    expect(input.served_entities[0]).toMatchObject({ name: "prod", entity_version: "4" });
    expect(input.traffic_config).toEqual({
      routes: [{ served_entity_name: "prod", traffic_percentage: 100 }],
    });
    expect(input.auto_capture_config).toBeUndefined();
  });

  it("sizes a model-unit entity in model units only, for the /pt route", () => {
    const units = ServingEndpointSchema.parse({
      name: "oss",
      state: { ready: "READY" },
      config: {
        served_entities: [
          {
            name: "gpt-oss-120b-1",
            entity_name: "system.ai.gpt-oss-120b",
            entity_version: "1",
            provisioned_model_units: 50,
            environment_vars: { A: "b" },
          },
        ],
      },
    });
    const input = toConfigUpdateInput(units, {
      endpointName: "oss",
      model: "system.ai.gpt-oss-120b",
      version: 2,
      band: { kind: "model_units", units: 100 },
    });
    expect(input).toEqual({
      served_entities: [
        {
          name: "gpt-oss-120b-2",
          entity_name: "system.ai.gpt-oss-120b",
          entity_version: "2",
          provisioned_model_units: 100,
          environment_vars: { A: "b" },
        },
      ],
    });
  });

  it("reads the pending config of an endpoint that has no live one yet", () => {
    const pending = ServingEndpointSchema.parse({
      name: "llama",
      state: { ready: "NOT_READY", config_update: "UPDATE_FAILED" },
      pending_config: {
        served_entities: [
          {
            name: "llama-13b-3",
            entity_name: LLAMA,
            entity_version: "3",
            min_provisioned_throughput: 980,
            max_provisioned_throughput: 980,
            environment_vars: { X: "y" },
          },
        ],
      },
    });
    expect(toConfigUpdateInput(pending, target).served_entities[0]).toMatchObject({
      entity_version: "4",
      environment_vars: { X: "y" },
    });
  });

  it("refuses to guess: no entity of the model, or several", () => {
    const other = { ...target, model: "ml.x.other" };
    expect(() => toConfigUpdateInput(rich, other)).toThrow(/serves no version of ml.x.other/);
    const two = ServingEndpointSchema.parse({
      name: "llama",
      state: { ready: "READY" },
      config: {
        served_entities: [
          {
            name: "a",
            entity_name: LLAMA,
            entity_version: "3",
            min_provisioned_throughput: 980,
            max_provisioned_throughput: 980,
          },
          {
            name: "b",
            entity_name: LLAMA,
            entity_version: "2",
            min_provisioned_throughput: 980,
            max_provisioned_throughput: 980,
          },
        ],
      },
    });
    expect(() => toConfigUpdateInput(two, target)).toThrow(/2 versions/);
  });
});
