import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GPT_OSS, type Harness, LLAMA, llamaCreate, ownEndpoints, startHarness } from "./emulator.js";
import { rejectionOf } from "./helpers.js";

const PROVISIONING_MS = 60_000;
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ provisioningMs: PROVISIONING_MS });
});
afterEach(async () => {
  await h.close();
});

describe("serving endpoints, tokens/second", () => {
  it("creates on POST /api/2.0/serving-endpoints with the version as a string, then follows it to READY", async () => {
    const created = await h.client.createServingEndpoint({
      ...llamaCreate("llama-13b-3"),
      tags: [{ key: "team", value: "ml" }],
    });
    expect(created.state).toMatchObject({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
    expect(created.config).toBeUndefined();
    expect(created.pending_config?.served_entities[0]).toMatchObject({
      entity_name: LLAMA,
      entity_version: "3",
      min_provisioned_throughput: 980,
      max_provisioned_throughput: 1960,
      state: { deployment: "DEPLOYMENT_CREATING" },
    });
    const [post] = h.emu.requestsTo("POST", "/api/2.0/serving-endpoints");
    expect(post?.body).toMatchObject({
      name: "llama-13b-3",
      config: { served_entities: [{ entity_name: LLAMA, entity_version: "3" }] },
      tags: [{ key: "team", value: "ml" }],
    });

    h.clock.advance(PROVISIONING_MS + 1);
    const ready = await h.client.getServingEndpoint("llama-13b-3");
    expect(ready.state).toMatchObject({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(ready.pending_config).toBeUndefined();
    expect(ready.config?.served_entities[0]?.state?.deployment).toBe("DEPLOYMENT_READY");
    expect(ready.tags).toContainEqual({ key: "team", value: "ml" });
    expect(typeof ready.last_updated_timestamp).toBe("number");

    const list = ownEndpoints(await h.client.listServingEndpoints());
    expect(list.map((e) => [e.name, e.state.ready])).toEqual([["llama-13b-3", "READY"]]);
  });

  it("updates the config with a flat body, keeping the old config while the new one deploys", async () => {
    await h.client.createServingEndpoint(llamaCreate("e1"));
    h.clock.advance(PROVISIONING_MS + 1);
    const updated = await h.client.updateServingEndpointConfig("e1", {
      served_entities: [
        {
          entity_name: LLAMA,
          entity_version: "3",
          min_provisioned_throughput: 1960,
          max_provisioned_throughput: 3920,
        },
      ],
    });
    expect(updated.state).toMatchObject({ ready: "READY", config_update: "IN_PROGRESS" });
    expect(updated.config?.served_entities[0]?.max_provisioned_throughput).toBe(1960);
    expect(updated.pending_config?.served_entities[0]?.max_provisioned_throughput).toBe(3920);
    const [put] = h.emu.requestsTo("PUT", "/api/2.0/serving-endpoints/e1/config");
    expect(put?.body).toMatchObject({
      served_entities: [{ entity_version: "3", max_provisioned_throughput: 3920 }],
    });
    expect(put?.body).not.toHaveProperty("config");
  });

  it("refuses an update while one is in progress, as a conflict, without retrying", async () => {
    await h.client.createServingEndpoint(llamaCreate("busy"));
    const error = await rejectionOf(
      h.client.updateServingEndpointConfig("busy", llamaCreate("busy", 2).config),
    );
    expect(error).toMatchObject({ code: "databricks_conflict", status: 409, errorCode: "RESOURCE_CONFLICT" });
    expect(h.emu.requestsTo("PUT", "/api/2.0/serving-endpoints/busy/config")).toHaveLength(1);
    expect(h.waits).toEqual([]);
  });

  it("reports a taken name as a conflict without reading back or sending again", async () => {
    await h.client.createServingEndpoint(llamaCreate("taken"));
    const error = await rejectionOf(h.client.createServingEndpoint(llamaCreate("taken", 2)));
    expect(error).toMatchObject({ code: "databricks_conflict", errorCode: "RESOURCE_ALREADY_EXISTS" });
    expect(h.emu.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(2);
    expect(h.emu.requestsTo("GET", "/api/2.0/serving-endpoints/taken")).toHaveLength(0);
  });

  it("maps the workspace's validation errors to databricks_invalid with its message", async () => {
    const error = await rejectionOf(h.client.createServingEndpoint(llamaCreate("bad", 3, 1000, 1960)));
    expect(error).toMatchObject({
      code: "databricks_invalid",
      status: 400,
      errorCode: "INVALID_PARAMETER_VALUE",
    });
    expect(h.emu.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
  });

  it("patches tags, reads build and server logs, and deletes", async () => {
    await h.client.createServingEndpoint({ ...llamaCreate("t1"), tags: [{ key: "a", value: "1" }] });
    const tags = await h.client.patchServingEndpointTags("t1", {
      add_tags: [{ key: "b", value: "2" }],
      delete_tags: ["a"],
    });
    expect(tags).toEqual([{ key: "b", value: "2" }]);
    expect(await h.client.patchServingEndpointTags("t1", { delete_tags: ["b"] })).toEqual([]);

    h.clock.advance(PROVISIONING_MS + 1);
    expect(typeof (await h.client.getBuildLogs("t1", "llama-13b-3"))).toBe("string");
    expect(typeof (await h.client.getServerLogs("t1", "llama-13b-3"))).toBe("string");

    await h.client.deleteServingEndpoint("t1");
    const gone = await rejectionOf(h.client.getServingEndpoint("t1"));
    expect(gone).toMatchObject({ code: "databricks_not_found", status: 404 });
  });

  it("shows a failed deployment with its message and build logs", async () => {
    h.emu.failProvisioning("doomed", {
      message: "Insufficient GPU capacity",
      buildLogs: "CUDA out of memory",
    });
    await h.client.createServingEndpoint(llamaCreate("doomed"));
    h.clock.advance(PROVISIONING_MS + 1);
    const failed = await h.client.getServingEndpoint("doomed");
    expect(failed.state).toMatchObject({ ready: "NOT_READY", config_update: "UPDATE_FAILED" });
    const entity = (failed.pending_config ?? failed.config)?.served_entities[0];
    expect(entity?.state).toMatchObject({ deployment: "DEPLOYMENT_FAILED" });
    expect(entity?.state?.deployment_state_message).toContain("Insufficient GPU capacity");
    expect(await h.client.getBuildLogs("doomed", entity?.name ?? "")).toContain("CUDA out of memory");
  });

  it("links to the endpoint's page in the workspace UI", () => {
    expect(h.client.endpointUrl("llama-13b-3")).toBe(`${h.emu.url}/ml/endpoints/llama-13b-3`);
  });
});

describe("serving endpoints, model units", () => {
  const entity = (units: number) => ({
    entity_name: GPT_OSS,
    entity_version: "1",
    provisioned_model_units: units,
  });

  it("creates on /pt and updates on /pt/{name}/config with the config wrapped", async () => {
    const created = await h.client.createServingEndpoint({
      name: "oss",
      config: { served_entities: [entity(50)] },
    });
    expect(created.pending_config?.served_entities[0]?.provisioned_model_units).toBe(50);
    expect(h.emu.requestsTo("POST", "/api/2.0/serving-endpoints/pt")).toHaveLength(1);
    expect(h.emu.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);

    h.clock.advance(PROVISIONING_MS + 1);
    const updated = await h.client.updateServingEndpointConfig("oss", { served_entities: [entity(100)] });
    expect(updated.pending_config?.served_entities[0]?.provisioned_model_units).toBe(100);
    const [put] = h.emu.requestsTo("PUT", "/api/2.0/serving-endpoints/pt/oss/config");
    expect(put?.body).toMatchObject({ config: { served_entities: [{ provisioned_model_units: 100 }] } });
  });

  it("refuses, before sending, a config that mixes model units and tokens/second", async () => {
    const error = await rejectionOf(
      h.client.createServingEndpoint({
        name: "mixed",
        config: { served_entities: [entity(50), ...llamaCreate("x").config.served_entities] },
      }),
    );
    expect(error).toMatchObject({ code: "databricks_invalid", status: undefined });
    expect(h.emu.requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });
});
