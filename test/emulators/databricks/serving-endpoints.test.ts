import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  at,
  expectErrorBody,
  type Harness,
  list,
  llamaCreate,
  PROVISIONING_MS,
  startHarness,
} from "./harness.js";

const API = "/api/2.0/serving-endpoints";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.emulator.close());

describe("get-model-optimization-info", () => {
  it("answers the throughput chunk, model type and dbus of a tokens-per-second model", async () => {
    const reply = await h.call("GET", `${API}/get-model-optimization-info/ml.llm-catalog.llama-13b/3`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      optimizable: true,
      model_type: "llama",
      throughput_chunk_size: 980,
      dbus: 24,
    });
  });

  it("answers model_unit_chunk_size, not a throughput chunk, for a model-unit model", async () => {
    const reply = await h.call("GET", `${API}/get-model-optimization-info/system.ai.gpt-oss-120b/1`);
    expect(reply.body).toMatchObject({ optimizable: true, model_unit_chunk_size: 50 });
    expect(at(reply.body, "throughput_chunk_size")).toBeUndefined();
  });

  it("answers only optimizable false for an ineligible model", async () => {
    const reply = await h.call("GET", `${API}/get-model-optimization-info/ml.sandbox.sklearn-churn/1`);
    expect(reply.body).toEqual({ optimizable: false });
  });

  it("knows the other seeded chunk sizes", async () => {
    const chunk = async (name: string) =>
      at((await h.call("GET", `${API}/get-model-optimization-info/${name}/1`)).body, "throughput_chunk_size");
    expect(await chunk("system.ai.meta_llama_v3_1_8b_instruct")).toBe(19000);
    expect(await chunk("system.ai.dbrx_instruct")).toBe(1580);
    expect(await chunk("system.ai.gte_large_en_v1_5")).toBe(970);
  });

  it("answers 404 for an unknown model or version", async () => {
    expectErrorBody(
      await h.call("GET", `${API}/get-model-optimization-info/ml.x.y/1`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectErrorBody(
      await h.call("GET", `${API}/get-model-optimization-info/ml.llm-catalog.llama-13b/9`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });
});

describe("create", () => {
  it("answers a tokens-per-second create with pending_config only, NOT_READY / IN_PROGRESS", async () => {
    const reply = await h.call("POST", API, {
      ...llamaCreate("llama-prod"),
      tags: [{ key: "team", value: "ml" }],
    });
    expect(reply.status).toBe(200);
    const body = reply.body;
    expect(body).toMatchObject({
      name: "llama-prod",
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      creator: h.emulator.userName,
      creation_timestamp: h.clock.start,
      last_updated_timestamp: h.clock.start,
      state: { ready: "NOT_READY", config_update: "IN_PROGRESS", suspend: "NOT_SUSPENDED" },
      permission_level: "CAN_MANAGE",
      endpoint_type: expect.any(String),
      task: "llm/v1/chat",
      tags: [{ key: "team", value: "ml" }],
      pending_config: {
        config_version: 1,
        start_time: h.clock.start,
        traffic_config: { routes: [{ served_entity_name: "llama-13b-3", traffic_percentage: 100 }] },
      },
    });
    expect(at(body, "config")).toBeUndefined();
    const [entity] = list(body, "pending_config.served_entities");
    expect(entity).toMatchObject({
      name: "llama-13b-3",
      entity_name: "ml.llm-catalog.llama-13b",
      entity_version: "3",
      min_provisioned_throughput: 980,
      max_provisioned_throughput: 1960,
      scale_to_zero_enabled: false,
      state: { deployment: "DEPLOYMENT_CREATING", deployment_state_message: expect.any(String) },
      creator: h.emulator.userName,
      creation_timestamp: h.clock.start,
    });
    expect(at(entity, "workload_size")).toBeUndefined();
    expect(at(entity, "workload_type")).toBeUndefined();
  });

  it("creates a model-unit endpoint through /pt with provisioned_model_units", async () => {
    const reply = await h.call("POST", `${API}/pt`, {
      name: "gpt-oss",
      config: {
        served_entities: [
          { entity_name: "system.ai.gpt-oss-120b", entity_version: "2", provisioned_model_units: 100 },
        ],
      },
    });
    expect(reply.status).toBe(200);
    const [entity] = list(reply.body, "pending_config.served_entities");
    expect(entity).toMatchObject({
      name: "gpt-oss-120b-2",
      entity_version: "2",
      provisioned_model_units: 100,
    });
    expect(at(entity, "min_provisioned_throughput")).toBeUndefined();
  });

  it("keeps a served entity name the caller chose, and scale to zero with min 0", async () => {
    const reply = await h.call(
      "POST",
      API,
      llamaCreate("llama-s2z", {
        name: "primary",
        min_provisioned_throughput: 0,
        scale_to_zero_enabled: true,
      }),
    );
    expect(reply.status).toBe(200);
    expect(list(reply.body, "pending_config.served_entities")[0]).toMatchObject({
      name: "primary",
      min_provisioned_throughput: 0,
      scale_to_zero_enabled: true,
    });
  });

  it("answers with an in-progress endpoint even when provisioning takes no time", async () => {
    h.emulator.setProvisioningMs(0);
    const created = await h.call("POST", API, llamaCreate("instant"));
    expect(at(created.body, "state.config_update")).toBe("IN_PROGRESS");
    expect(at((await h.call("GET", `${API}/instant`)).body, "state.ready")).toBe("READY");
  });
});

describe("get and list", () => {
  it("answers 404 RESOURCE_DOES_NOT_EXIST for an unknown endpoint", async () => {
    expectErrorBody(await h.call("GET", `${API}/nope`), 404, "RESOURCE_DOES_NOT_EXIST", /nope/);
  });

  it("lists nothing as an empty object, as protobuf JSON does", async () => {
    // The default seed holds other teams' endpoints; a workspace without them lists nothing.
    const empty = await startHarness({ seed: { models: [] } });
    try {
      const reply = await empty.call("GET", API);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({});
    } finally {
      await empty.emulator.close();
    }
  });

  it("lists every endpoint with name, state, a summary config and tags, but no per-entity state", async () => {
    await h.call("POST", API, { ...llamaCreate("a"), tags: [{ key: "k", value: "v" }] });
    h.clock.advance(PROVISIONING_MS);
    await h.call("POST", API, llamaCreate("b"));
    const reply = await h.call("GET", API);
    // Beside the default seed's other teams' endpoints.
    const endpoints = list(reply.body, "endpoints").filter((e) => ["a", "b"].includes(String(at(e, "name"))));
    expect(endpoints).toHaveLength(2);
    const a = endpoints.find((e) => at(e, "name") === "a");
    const b = endpoints.find((e) => at(e, "name") === "b");
    expect(a).toMatchObject({
      state: { ready: "READY", config_update: "NOT_UPDATING" },
      tags: [{ key: "k", value: "v" }],
      config: {
        served_entities: [
          { name: "llama-13b-3", entity_name: "ml.llm-catalog.llama-13b", entity_version: "3" },
        ],
      },
      creation_timestamp: h.clock.start,
      last_updated_timestamp: h.clock.start + PROVISIONING_MS,
    });
    expect(Object.keys(list(a, "config.served_entities")[0] as object).sort()).toEqual([
      "entity_name",
      "entity_version",
      "name",
    ]);
    expect(at(a, "pending_config")).toBeUndefined();
    expect(b).toMatchObject({ state: { ready: "NOT_READY", config_update: "IN_PROGRESS" } });
    expect(at(b, "config")).toBeUndefined();
  });
});

describe("other teams' endpoints (the default seed)", () => {
  it("lists them as a real workspace does: summary configs without per-entity state, no pending_config", async () => {
    const endpoints = list((await h.call("GET", API)).body, "endpoints");
    const byName = new Map(endpoints.map((e) => [String(at(e, "name")), e]));
    expect(byName.get("databricks-meta-llama-3-3-70b-instruct")).toMatchObject({
      state: { ready: "READY", config_update: "NOT_UPDATING" },
      endpoint_type: "FOUNDATION_MODEL_API",
      task: "llm/v1/chat",
      config: { served_entities: [{ foundation_model: { name: "databricks-meta-llama-3-3-70b-instruct" } }] },
    });
    expect(at(byName.get("databricks-gte-large-en"), "state")).toEqual({ ready: "READY" });
    const gpt = byName.get("search-team-gpt-4o");
    expect(gpt).toMatchObject({ endpoint_type: "EXTERNAL_MODEL", budget_policy_id: expect.any(String) });
    expect(at(list(gpt, "config.served_entities")[0], "state")).toBeUndefined();
    expect(at(gpt, "config.traffic_config")).toBeUndefined();
    expect(at(byName.get("churn-classifier"), "config.served_entities.0.workload_type")).toBe("CPU");
    expect(at(byName.get("fraud-scorer"), "config")).toBeUndefined();
    expect(at(byName.get("fraud-scorer"), "pending_config")).toBeUndefined();
    expect(at(byName.get("support-agent"), "state")).toEqual({ suspend: "SUSPENDED" });
  });

  it("answers their details, refuses a create over one of their names, and does not let a config replace theirs", async () => {
    const creating = await h.call("GET", `${API}/fraud-scorer`);
    expect(creating.status).toBe(200);
    expect(creating.body).toMatchObject({
      state: { ready: "NOT_READY", config_update: "IN_PROGRESS" },
      pending_config: { served_entities: [{ state: { deployment: "DEPLOYMENT_CREATING" } }] },
    });
    expect(at(creating.body, "config")).toBeUndefined();
    expectErrorBody(
      await h.call("POST", API, llamaCreate("search-team-gpt-4o")),
      409,
      "RESOURCE_ALREADY_EXISTS",
      /search-team-gpt-4o/,
    );
    expectErrorBody(
      await h.call("PUT", `${API}/churn-classifier/config`, llamaCreate("x").config),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });
});

describe("delete", () => {
  it("answers {} and the endpoint is gone; a second delete is 404", async () => {
    await h.call("POST", API, llamaCreate("doomed"));
    const reply = await h.call("DELETE", `${API}/doomed`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    expect((await h.call("GET", `${API}/doomed`)).status).toBe(404);
    expectErrorBody(await h.call("DELETE", `${API}/doomed`), 404, "RESOURCE_DOES_NOT_EXIST");
    expect(h.emulator.endpoint("doomed")).toBeUndefined();
  });
});

describe("tags", () => {
  it("adds, replaces and deletes tags, answers { tags }, and moves last_updated_timestamp", async () => {
    await h.call("POST", API, {
      ...llamaCreate("tagged"),
      tags: [
        { key: "a", value: "1" },
        { key: "b", value: "2" },
      ],
    });
    h.clock.advance(10);
    const reply = await h.call("PATCH", `${API}/tagged/tags`, {
      add_tags: [{ key: "a", value: "one" }, { key: "c" }],
      delete_tags: ["b"],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ tags: [{ key: "a", value: "one" }, { key: "c" }] });
    const got = await h.call("GET", `${API}/tagged`);
    expect(at(got.body, "tags")).toEqual([{ key: "a", value: "one" }, { key: "c" }]);
    expect(at(got.body, "last_updated_timestamp")).toBe(h.clock.start + 10);
    const cleared = await h.call("PATCH", `${API}/tagged/tags`, { delete_tags: ["a", "c"] });
    expect(cleared.body).toEqual({});
  });

  it("answers 404 for an unknown endpoint and 400 for a malformed tag", async () => {
    expectErrorBody(
      await h.call("PATCH", `${API}/nope/tags`, { add_tags: [] }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    await h.call("POST", API, llamaCreate("t"));
    expectErrorBody(
      await h.call("PATCH", `${API}/t/tags`, { add_tags: [{ value: "x" }] }),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });
});

describe("logs", () => {
  it("answers { logs } for build logs and server logs of a served entity", async () => {
    await h.call("POST", API, llamaCreate("logged"));
    const building = await h.call("GET", `${API}/logged/served-models/llama-13b-3/build-logs`);
    expect(building.status).toBe(200);
    expect(building.body).toEqual({ logs: expect.stringContaining("llama-13b-3") });
    expect(await h.call("GET", `${API}/logged/served-models/llama-13b-3/logs`)).toMatchObject({
      body: { logs: "" },
    });
    h.clock.advance(PROVISIONING_MS);
    const built = at(
      (await h.call("GET", `${API}/logged/served-models/llama-13b-3/build-logs`)).body,
      "logs",
    );
    expect(String(built).split("\n").length).toBeGreaterThan(
      String(at(building.body, "logs")).split("\n").length,
    );
    expect(built).toMatch(/succeeded/);
    expect(at((await h.call("GET", `${API}/logged/served-models/llama-13b-3/logs`)).body, "logs")).toMatch(
      /started/,
    );
  });

  it("answers 404 for an unknown served model or endpoint", async () => {
    await h.call("POST", API, llamaCreate("logged"));
    expectErrorBody(
      await h.call("GET", `${API}/logged/served-models/other-1/build-logs`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
    expectErrorBody(await h.call("GET", `${API}/nope/served-models/x/logs`), 404, "RESOURCE_DOES_NOT_EXIST");
  });
});

describe("every response", () => {
  it("carries an x-request-id, errors included", async () => {
    const replies = [
      await h.call("GET", API),
      await h.call("GET", `${API}/nope`),
      await h.call("GET", "/api/2.0/nothing-here"),
      await h.call("GET", API, undefined, { authorization: "" }),
      await h.call("GET", "/oidc/.well-known/oauth-authorization-server", undefined, { authorization: "" }),
    ];
    const ids = replies.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(replies.every((r) => r.headers.get("content-type") === "application/json")).toBe(true);
  });
});
