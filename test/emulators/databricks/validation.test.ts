import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expectErrorBody, type Harness, llamaCreate, startHarness } from "./harness.js";

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
      "entity_version as a JSON number",
      entity({ entity_version: 3, min_provisioned_throughput: 980, max_provisioned_throughput: 980 }),
      400,
      "INVALID_PARAMETER_VALUE",
      /entity_version.*string/,
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
      /not eligible/,
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
      /model units.*\/pt/,
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
      /tokens per second/,
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
