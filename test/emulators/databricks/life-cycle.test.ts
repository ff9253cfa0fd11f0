import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startDatabricksEmulator } from "../../../emulators/databricks/index.js";
import {
  at,
  expectErrorBody,
  fakeClock,
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

const get = async (name: string) => (await h.call("GET", `${API}/${name}`)).body;
const llamaConfig = (version: string, min = 980, max = 1960) =>
  llamaCreate("unused", {
    entity_version: version,
    min_provisioned_throughput: min,
    max_provisioned_throughput: max,
  }).config as Record<string, unknown>;

describe("create → ready", () => {
  it("stays NOT_READY / IN_PROGRESS until the provisioning time has passed, then is READY / NOT_UPDATING", async () => {
    await h.call("POST", API, llamaCreate("ep"));
    h.clock.advance(PROVISIONING_MS - 1);
    const during = await get("ep");
    expect(at(during, "state")).toMatchObject({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
    expect(at(during, "config")).toBeUndefined();
    expect(at(during, "last_updated_timestamp")).toBe(h.clock.start);
    expect(h.emulator.stateChangedAt("ep")).toBe(h.clock.start);

    h.clock.advance(1);
    const after = await get("ep");
    expect(at(after, "state")).toMatchObject({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(at(after, "pending_config")).toBeUndefined();
    expect(at(after, "config.config_version")).toBe(1);
    expect(list(after, "config.served_entities")[0]).toMatchObject({
      entity_version: "3",
      state: { deployment: "DEPLOYMENT_READY" },
    });
    expect(at(after, "last_updated_timestamp")).toBe(h.clock.start + PROVISIONING_MS);
    expect(h.emulator.stateChangedAt("ep")).toBe(h.clock.start + PROVISIONING_MS);
    expect(h.emulator.endpoint("ep")).toEqual(after);
    expect(h.emulator.stateChangedAt("nope")).toBeUndefined();
  });

  it("takes the new provisioning time for deployments that start after setProvisioningMs", async () => {
    await h.call("POST", API, llamaCreate("slow"));
    h.emulator.setProvisioningMs(10);
    await h.call("POST", API, llamaCreate("fast"));
    h.clock.advance(10);
    expect(at(await get("fast"), "state.ready")).toBe("READY");
    expect(at(await get("slow"), "state.ready")).toBe("NOT_READY");
  });
});

describe("failure", () => {
  it("ends a failed create NOT_READY / UPDATE_FAILED with the entity DEPLOYMENT_FAILED, its message and build logs", async () => {
    h.emulator.failProvisioning("doomed", { message: "No GPU capacity in us-east-1" });
    await h.call("POST", API, llamaCreate("doomed"));
    expect(at(await get("doomed"), "state.config_update")).toBe("IN_PROGRESS");
    h.clock.advance(PROVISIONING_MS);
    const failed = await get("doomed");
    expect(at(failed, "state")).toMatchObject({ ready: "NOT_READY", config_update: "UPDATE_FAILED" });
    expect(at(failed, "pending_config")).toBeUndefined();
    expect(list(failed, "config.served_entities")[0]).toMatchObject({
      state: { deployment: "DEPLOYMENT_FAILED", deployment_state_message: "No GPU capacity in us-east-1" },
    });
    const logs = await h.call("GET", `${API}/doomed/served-models/llama-13b-3/build-logs`);
    expect(at(logs.body, "logs")).toMatch(/ERROR No GPU capacity in us-east-1/);
  });

  it("fails the deployment in progress, with the scenario's own build logs", async () => {
    await h.call("POST", API, llamaCreate("ep"));
    h.clock.advance(1000);
    h.emulator.failProvisioning("ep", { buildLogs: "custom build log\nOOM while loading weights\n" });
    h.clock.advance(PROVISIONING_MS);
    const failed = await get("ep");
    expect(at(failed, "state.config_update")).toBe("UPDATE_FAILED");
    expect(at(list(failed, "config.served_entities")[0], "state.deployment_state_message")).toMatch(
      /GPU capacity/,
    );
    const logs = await h.call("GET", `${API}/ep/served-models/llama-13b-3/build-logs`);
    expect(logs.body).toEqual({ logs: "custom build log\nOOM while loading weights\n" });
  });

  it("fails only once: a new deployment of the same name succeeds", async () => {
    h.emulator.failProvisioning("ep");
    await h.call("POST", API, llamaCreate("ep"));
    h.clock.advance(PROVISIONING_MS);
    expect((await h.call("PUT", `${API}/ep/config`, llamaConfig("2"))).status).toBe(200);
    const retrying = await get("ep");
    // Still NOT_READY while the retry runs; the failed config is what `config` shows.
    expect(at(retrying, "state")).toMatchObject({ ready: "NOT_READY", config_update: "IN_PROGRESS" });
    expect(at(list(retrying, "config.served_entities")[0], "state.deployment")).toBe("DEPLOYMENT_FAILED");
    h.clock.advance(PROVISIONING_MS);
    expect(at(await get("ep"), "state")).toMatchObject({ ready: "READY", config_update: "NOT_UPDATING" });
  });
});

describe("config update", () => {
  beforeEach(async () => {
    await h.call("POST", API, llamaCreate("ep"));
    h.clock.advance(PROVISIONING_MS);
  });

  it("keeps the old config plus the new pending_config, READY / IN_PROGRESS, until done", async () => {
    h.clock.advance(5000);
    const updateStart = h.clock.now();
    const reply = await h.call("PUT", `${API}/ep/config`, llamaConfig("2", 1960, 2940));
    expect(reply.status).toBe(200);
    for (const view of [reply.body, await get("ep")]) {
      expect(at(view, "state")).toMatchObject({ ready: "READY", config_update: "IN_PROGRESS" });
      expect(at(view, "config.config_version")).toBe(1);
      expect(list(view, "config.served_entities")[0]).toMatchObject({
        entity_version: "3",
        state: { deployment: "DEPLOYMENT_READY" },
      });
      expect(at(view, "pending_config")).toMatchObject({ config_version: 2, start_time: updateStart });
      expect(list(view, "pending_config.served_entities")[0]).toMatchObject({
        name: "llama-13b-2",
        entity_version: "2",
        min_provisioned_throughput: 1960,
        state: { deployment: "DEPLOYMENT_CREATING" },
      });
      expect(at(view, "last_updated_timestamp")).toBe(updateStart);
    }
    expect(h.emulator.stateChangedAt("ep")).toBe(updateStart);

    h.clock.advance(PROVISIONING_MS);
    const done = await get("ep");
    expect(at(done, "state")).toMatchObject({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(at(done, "config.config_version")).toBe(2);
    expect(at(list(done, "config.served_entities")[0], "entity_version")).toBe("2");
    expect(at(done, "pending_config")).toBeUndefined();
  });

  it("refuses a second update while one is in progress with 409 RESOURCE_CONFLICT", async () => {
    await h.call("PUT", `${API}/ep/config`, llamaConfig("2"));
    expectErrorBody(
      await h.call("PUT", `${API}/ep/config`, llamaConfig("1")),
      409,
      "RESOURCE_CONFLICT",
      /in progress/,
    );
    h.clock.advance(PROVISIONING_MS);
    expect((await h.call("PUT", `${API}/ep/config`, llamaConfig("1"))).status).toBe(200);
  });

  it("leaves a failed update READY on its old config with UPDATE_FAILED, the failed config pending with its reason", async () => {
    h.emulator.failProvisioning("ep", { message: "Not enough GPU capacity in the region." });
    await h.call("PUT", `${API}/ep/config`, llamaConfig("2"));
    h.clock.advance(PROVISIONING_MS);
    const view = await get("ep");
    expect(at(view, "state")).toMatchObject({ ready: "READY", config_update: "UPDATE_FAILED" });
    expect(at(view, "config.config_version")).toBe(1);
    expect(list(view, "config.served_entities")[0]).toMatchObject({
      entity_version: "3",
      state: { deployment: "DEPLOYMENT_READY" },
    });
    // Where Databricks reports why an update failed: the failed config stays in pending_config, its served entity
    // DEPLOYMENT_FAILED with the reason (the old emulator dropped it, so the reason was shown nowhere).
    expect(at(view, "pending_config.config_version")).toBe(2);
    expect(list(view, "pending_config.served_entities")[0]).toMatchObject({
      name: "llama-13b-2",
      entity_version: "2",
      state: {
        deployment: "DEPLOYMENT_FAILED",
        deployment_state_message: "Not enough GPU capacity in the region.",
      },
    });
    const logs = await h.call("GET", `${API}/ep/served-models/llama-13b-2/build-logs`);
    expect(at(logs.body, "logs")).toMatch(/Build failed/);
    // The next update is accepted and, once it succeeds, nothing is pending any more.
    expect((await h.call("PUT", `${API}/ep/config`, llamaConfig("1"))).status).toBe(200);
    h.clock.advance(PROVISIONING_MS);
    const after = await get("ep");
    expect(at(after, "state")).toMatchObject({ ready: "READY", config_update: "NOT_UPDATING" });
    expect(at(after, "pending_config")).toBeUndefined();
  });

  it("validates an update like a create, and takes the flat body only", async () => {
    expectErrorBody(
      await h.call("PUT", `${API}/ep/config`, llamaConfig("3", 1000, 1960)),
      400,
      "INVALID_PARAMETER_VALUE",
      /multiple/,
    );
    expectErrorBody(
      await h.call("PUT", `${API}/ep/config`, { config: llamaConfig("2") }),
      400,
      "INVALID_PARAMETER_VALUE",
      /served entit/,
    );
    expect(at(await get("ep"), "state.config_update")).toBe("NOT_UPDATING");
  });
});

describe("model-unit update through /pt", () => {
  it("takes { config: { served_entities } } and refuses the flat body", async () => {
    const served = (units: number) => ({
      served_entities: [
        { entity_name: "system.ai.gpt-oss-120b", entity_version: "1", provisioned_model_units: units },
      ],
    });
    await h.call("POST", `${API}/pt`, { name: "oss", config: served(50) });
    h.clock.advance(PROVISIONING_MS);
    expectErrorBody(
      await h.call("PUT", `${API}/pt/oss/config`, served(100)),
      400,
      "INVALID_PARAMETER_VALUE",
      /config/,
    );
    const reply = await h.call("PUT", `${API}/pt/oss/config`, { config: served(100) });
    expect(reply.status).toBe(200);
    expect(at(list(reply.body, "pending_config.served_entities")[0], "provisioned_model_units")).toBe(100);
    expectErrorBody(await h.call("PUT", `${API}/oss/config`, served(150)), 409, "RESOURCE_CONFLICT");
  });
});

describe("list call change detection", () => {
  it("moves last_updated_timestamp in the list whenever the state changes", async () => {
    await h.call("POST", API, llamaCreate("ep"));
    const stamp = async () =>
      at(
        list((await h.call("GET", API)).body, "endpoints").find((e) => at(e, "name") === "ep"),
        "last_updated_timestamp",
      );
    const created = await stamp();
    h.clock.advance(PROVISIONING_MS);
    const ready = await stamp();
    h.clock.advance(1000);
    await h.call("PUT", `${API}/ep/config`, llamaConfig("2"));
    const updating = await stamp();
    expect(new Set([created, ready, updating]).size).toBe(3);
  });
});

describe("seeded endpoints", () => {
  it("starts with the seed's endpoints in the states it declares", async () => {
    const clock = fakeClock();
    const served = [
      {
        entity_name: "system.ai.dbrx_instruct",
        entity_version: "1",
        min_provisioned_throughput: 1580,
        max_provisioned_throughput: 3160,
      },
    ];
    const emulator = await startDatabricksEmulator({
      now: clock.now,
      provisioningMs: 1000,
      seed: {
        models: [
          {
            full_name: "system.ai.dbrx_instruct",
            optimization: { optimizable: true, model_type: "dbrx", throughput_chunk_size: 1580 },
            versions: [{ version: 1, status: "READY" }],
          },
        ],
        endpoints: [
          { name: "ready", served_entities: served, tags: [{ key: "owner", value: "ml" }] },
          { name: "creating", served_entities: served, state: "IN_PROGRESS" },
          {
            name: "broken",
            served_entities: served,
            state: "FAILED",
            failure: { message: "quota exceeded" },
          },
        ],
      },
    });
    try {
      expect(emulator.endpoint("ready")).toMatchObject({
        state: { ready: "READY", config_update: "NOT_UPDATING" },
        tags: [{ key: "owner", value: "ml" }],
      });
      expect(emulator.endpoint("creating")).toMatchObject({
        state: { ready: "NOT_READY", config_update: "IN_PROGRESS" },
      });
      expect(emulator.endpoint("broken")).toMatchObject({
        state: { ready: "NOT_READY", config_update: "UPDATE_FAILED" },
        config: {
          served_entities: [
            { state: { deployment: "DEPLOYMENT_FAILED", deployment_state_message: "quota exceeded" } },
          ],
        },
      });
    } finally {
      await emulator.close();
    }
  });

  it("refuses a seed endpoint the API would refuse", async () => {
    await expect(
      startDatabricksEmulator({
        seed: {
          models: [
            {
              full_name: "system.ai.dbrx_instruct",
              optimization: { optimizable: true, model_type: "dbrx", throughput_chunk_size: 1580 },
              versions: [{ version: 1, status: "READY" }],
            },
          ],
          endpoints: [
            {
              name: "bad",
              served_entities: [
                {
                  entity_name: "system.ai.dbrx_instruct",
                  entity_version: "1",
                  min_provisioned_throughput: 1000,
                  max_provisioned_throughput: 1580,
                },
              ],
            },
          ],
        },
      }),
    ).rejects.toMatchObject({
      code: "emulator_seed_invalid",
      message: expect.stringMatching(/bad.*multiple/),
    });
  });
});
