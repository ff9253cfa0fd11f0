import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectErrorBody, type Harness, list, llamaCreate, startHarness } from "./harness.js";

const API = "/api/2.0/serving-endpoints";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.emulator.close());

const entity = (overrides: Record<string, unknown>) => ({
  name: "ep",
  config: {
    served_entities: [{ entity_name: "ml.llm-catalog.llama-13b", entity_version: "3", ...overrides }],
  },
});

describe("create validation (tokens per second)", () => {
  const cases: [string, unknown, number, string, RegExp][] = [
    ["a dotted name", llamaCreate("bad.name"), 400, "INVALID_PARAMETER_VALUE", /name/],
    ["a 64-character name", llamaCreate("x".repeat(64)), 400, "INVALID_PARAMETER_VALUE", /63/],
    ["no name", { config: llamaCreate("x").config }, 400, "INVALID_PARAMETER_VALUE", /name/],
    ["no config", { name: "ep" }, 400, "INVALID_PARAMETER_VALUE", /config/],
    [
      "no served entities",
      { name: "ep", config: { served_entities: [] } },
      400,
      "INVALID_PARAMETER_VALUE",
      /served entit/,
    ],
    [
      "entity_version that is neither a string nor a whole number",
      entity({ entity_version: 3.5, min_provisioned_throughput: 980, max_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /entity_version/,
    ],
    [
      "an unknown entity",
      {
        name: "ep",
        config: {
          served_entities: [
            { entity_name: "ml.x.nope", entity_version: "1", max_provisioned_throughput: 980 },
          ],
        },
      },
      404,
      "RESOURCE_DOES_NOT_EXIST",
      /ml\.x\.nope/,
    ],
    [
      "an unknown version",
      entity({ entity_version: "42", min_provisioned_throughput: 980, max_provisioned_throughput: 980 }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
      /42/,
    ],
    [
      "a version not READY",
      entity({ entity_version: "4", min_provisioned_throughput: 980, max_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /PENDING_REGISTRATION/,
    ],
    [
      "a model that is not optimizable",
      {
        name: "ep",
        config: {
          served_entities: [
            {
              entity_name: "ml.sandbox.sklearn-churn",
              entity_version: "1",
              min_provisioned_throughput: 980,
              max_provisioned_throughput: 980,
            },
          ],
        },
      },
      400,
      "INVALID_PARAMETER_VALUE",
      /^Served entity ml\.sandbox\.sklearn-churn is not eligible for Provisioned Throughput\.$/,
    ],
    [
      "min not a multiple of the chunk",
      entity({ min_provisioned_throughput: 1000, max_provisioned_throughput: 1960 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /min_provisioned_throughput \(1000\) must be a multiple of .*980/,
    ],
    [
      "max not a multiple of the chunk",
      entity({ min_provisioned_throughput: 980, max_provisioned_throughput: 2000 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /max_provisioned_throughput \(2000\) must be a multiple/,
    ],
    [
      "min above max",
      entity({ min_provisioned_throughput: 1960, max_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /min_provisioned_throughput \(1960\) must be less than or equal to max_provisioned_throughput \(980\)/,
    ],
    [
      "min 0 without scale to zero",
      entity({ min_provisioned_throughput: 0, max_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /min_provisioned_throughput is 0 .*scale_to_zero_enabled/,
    ],
    [
      "no max",
      entity({ min_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /max_provisioned_throughput/,
    ],
    [
      "a model-unit model on the tokens route",
      {
        name: "ep",
        config: {
          served_entities: [
            { entity_name: "system.ai.gpt-oss-120b", entity_version: "1", provisioned_model_units: 50 },
          ],
        },
      },
      400,
      "INVALID_PARAMETER_VALUE",
      // Word for word what the real service answered in databricks-sdk-py#1081.
      /^Served entity system\.ai\.gpt-oss-120b is not eligible for Provisioned Throughput\.$/,
    ],
    [
      "traffic that does not add up to 100",
      {
        name: "ep",
        config: {
          ...entity({ min_provisioned_throughput: 980, max_provisioned_throughput: 980 }).config,
          traffic_config: { routes: [{ served_entity_name: "llama-13b-3", traffic_percentage: 50 }] },
        },
      },
      400,
      "INVALID_PARAMETER_VALUE",
      /100/,
    ],
    [
      "traffic to an entity that is not served",
      {
        name: "ep",
        config: {
          ...entity({ min_provisioned_throughput: 980, max_provisioned_throughput: 980 }).config,
          traffic_config: { routes: [{ served_entity_name: "other", traffic_percentage: 100 }] },
        },
      },
      400,
      "INVALID_PARAMETER_VALUE",
      /other/,
    ],
  ];

  it.each(cases)("refuses %s", async (_, body, status, code, message) => {
    expectErrorBody(await h.call("POST", API, body), status, code, message);
    expect(h.emulator.endpoint("ep")).toBeUndefined();
  });

  it("accepts entity_version as a JSON number, as the real API does, and answers it as a string", async () => {
    const reply = await h.call(
      "POST",
      API,
      entity({ entity_version: 3, min_provisioned_throughput: 980, max_provisioned_throughput: 980 }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      pending_config: { served_entities: [{ name: "llama-13b-3", entity_version: "3" }] },
    });
    const listed = await h.call("GET", API);
    expect(listed.body).toMatchObject({
      endpoints: expect.arrayContaining([
        expect.objectContaining({ name: "ep", state: expect.objectContaining({ ready: "NOT_READY" }) }),
      ]),
    });
  });

  it("serves at most 15 entities: a 16th is refused with INVALID_PARAMETER_VALUE", async () => {
    const served = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        name: `llama-${i}`,
        entity_name: "ml.llm-catalog.llama-13b",
        entity_version: "3",
        min_provisioned_throughput: 980,
        max_provisioned_throughput: 980,
      }));
    const routes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        served_entity_name: `llama-${i}`,
        traffic_percentage: i === 0 ? 100 - (n - 1) : 1,
      }));
    const config = (n: number) => ({ served_entities: served(n), traffic_config: { routes: routes(n) } });
    expectErrorBody(
      await h.call("POST", API, { name: "sixteen", config: config(16) }),
      400,
      "INVALID_PARAMETER_VALUE",
      /at most 15 served entities/,
    );
    expect(h.emulator.endpoint("sixteen")).toBeUndefined();
    expect((await h.call("POST", API, { name: "fifteen", config: config(15) })).status).toBe(200);
    expect(list(h.emulator.endpoint("fifteen"), "pending_config.served_entities")).toHaveLength(15);
  });

  it("answers 409 RESOURCE_ALREADY_EXISTS for a taken name", async () => {
    expect((await h.call("POST", API, llamaCreate("taken"))).status).toBe(200);
    expectErrorBody(await h.call("POST", API, llamaCreate("taken")), 409, "RESOURCE_ALREADY_EXISTS", /taken/);
  });
});

describe("create validation (model units)", () => {
  const pt = (served: Record<string, unknown>) => ({ name: "ep", config: { served_entities: [served] } });

  it("refuses a tokens-per-second model on the /pt route", async () => {
    const body = pt({
      entity_name: "ml.llm-catalog.llama-13b",
      entity_version: "3",
      provisioned_model_units: 50,
    });
    expectErrorBody(
      await h.call("POST", `${API}/pt`, body),
      400,
      "INVALID_PARAMETER_VALUE",
      /^Served entity ml\.llm-catalog\.llama-13b is not eligible for Provisioned Throughput\.$/,
    );
  });

  it("refuses model units that are not a multiple of the chunk, or missing", async () => {
    const base = { entity_name: "system.ai.gpt-oss-120b", entity_version: "1" };
    expectErrorBody(
      await h.call("POST", `${API}/pt`, pt({ ...base, provisioned_model_units: 75 })),
      400,
      "INVALID_PARAMETER_VALUE",
      /multiple of .*50/,
    );
    expectErrorBody(
      await h.call("POST", `${API}/pt`, pt(base)),
      400,
      "INVALID_PARAMETER_VALUE",
      /provisioned_model_units/,
    );
  });
});

describe("request and route errors", () => {
  it("answers 400 MALFORMED_REQUEST to a body that is not JSON, or not an object", async () => {
    expectErrorBody(
      await h.call("POST", API, '{"name": "x",', { "content-type": "application/json" }),
      400,
      "MALFORMED_REQUEST",
    );
    expectErrorBody(
      await h.call("POST", API, "[1, 2]", { "content-type": "application/json" }),
      400,
      "MALFORMED_REQUEST",
    );
  });

  it("answers 404 ENDPOINT_NOT_FOUND to an unknown route or method", async () => {
    expectErrorBody(
      await h.call("GET", "/api/2.0/clusters/list"),
      404,
      "ENDPOINT_NOT_FOUND",
      /clusters\/list/,
    );
    expectErrorBody(await h.call("POST", `${API}/some-endpoint`, {}), 404, "ENDPOINT_NOT_FOUND");
  });

  it("answers 404 to a config update of an unknown endpoint", async () => {
    const body = llamaCreate("x").config;
    expectErrorBody(await h.call("PUT", `${API}/nope/config`, body), 404, "RESOURCE_DOES_NOT_EXIST");
    expectErrorBody(
      await h.call("PUT", `${API}/pt/nope/config`, { config: body }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });
});
