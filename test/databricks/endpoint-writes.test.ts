import { afterEach, describe, expect, it } from "vitest";
import {
  type Harness,
  type HarnessOptions,
  LLAMA,
  llamaCreate,
  ownEndpoints,
  startHarness,
} from "./emulator.js";
import { memoryLogger, rejectionOf, waitFor } from "./helpers.js";

const CREATE = "/api/2.0/serving-endpoints";
let h: Harness | undefined;
async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("create, reconciled by read-back", () => {
  it("returns the endpoint when the create landed but its answer was lost (one POST, one endpoint)", async () => {
    const { logger, lines } = memoryLogger();
    const { emu, client } = await harness({ logger });
    emu.injectFault({ method: "POST", path: CREATE, times: 1, kind: "drop-after" });
    const endpoint = await client.createServingEndpoint(llamaCreate("llama-13b-3"));
    expect(endpoint.name).toBe("llama-13b-3");
    expect(endpoint.pending_config?.served_entities[0]).toMatchObject({
      entity_name: LLAMA,
      entity_version: "3",
    });
    expect(emu.requestsTo("POST", CREATE)).toHaveLength(1);
    expect(emu.requestsTo("GET", `${CREATE}/llama-13b-3`)).toHaveLength(1);
    expect(ownEndpoints(await client.listServingEndpoints()).map((e) => e.name)).toEqual(["llama-13b-3"]);
    expect(lines.find((l) => l.msg === "databricks write read back")).toMatchObject({
      endpoint: "llama-13b-3",
      lost: "databricks_network",
      found: "ours",
    });
  });

  it("creates again when the read-back finds nothing (the lost request never arrived)", async () => {
    const { emu, client } = await harness();
    emu.injectFault({ method: "POST", path: CREATE, times: 1, kind: "drop" });
    const endpoint = await client.createServingEndpoint(llamaCreate("e2"));
    expect(endpoint.name).toBe("e2");
    expect(emu.requestsTo("POST", CREATE)).toHaveLength(2);
    expect(ownEndpoints(await client.listServingEndpoints())).toHaveLength(1);
  });

  it("reads back after a create that timed out, and the late first create changes nothing", async () => {
    const { emu, client } = await harness({ timeoutMs: 100 });
    emu.injectFault({ method: "POST", path: CREATE, times: 1, kind: "delay", ms: 300 });
    const endpoint = await client.createServingEndpoint(llamaCreate("slow"));
    expect(endpoint.name).toBe("slow");
    // The first create is carried out after its answer stopped mattering: refused, the name being taken.
    await waitFor(() => emu.requestsTo("POST", CREATE).every((r) => r.status > 0));
    expect(emu.requestsTo("POST", CREATE).map((r) => r.status)).toEqual([409, 200]);
    expect(emu.requestsTo("GET", `${CREATE}/slow`).map((r) => r.status)).toEqual([404]);
    expect(ownEndpoints(await client.listServingEndpoints())).toHaveLength(1);
  });

  it("treats a 504 on create like a lost answer", async () => {
    const { emu, client } = await harness({ retry: { maxAttempts: 1 } });
    emu.injectFault({ method: "POST", path: CREATE, times: 1, kind: "status", status: 504 });
    const endpoint = await client.createServingEndpoint(llamaCreate("e504"));
    expect(endpoint.name).toBe("e504");
    expect(emu.requestsTo("POST", CREATE).map((r) => r.status)).toEqual([504, 200]);
  });

  it("raises a conflict when the name turns out to serve something else", async () => {
    const { emu, client } = await harness();
    await client.createServingEndpoint(llamaCreate("shared", 2));
    emu.injectFault({ method: "POST", path: CREATE, times: 1, kind: "drop" });
    const error = await rejectionOf(client.createServingEndpoint(llamaCreate("shared", 3)));
    expect(error).toMatchObject({ code: "databricks_conflict", errorCode: "RESOURCE_ALREADY_EXISTS" });
    expect((error as Error).message).toMatch(/serves ml\.llm-catalog\.llama-13b v2, not .* v3/);
    expect(emu.requestsTo("POST", CREATE)).toHaveLength(2);
  });

  it("retries a create answered 429, which was not carried out, without reading back", async () => {
    const { emu, client, waits } = await harness();
    emu.injectFault({
      method: "POST",
      path: CREATE,
      times: 1,
      kind: "status",
      status: 429,
      retryAfterSeconds: 1,
    });
    await client.createServingEndpoint(llamaCreate("e429"));
    expect(waits).toEqual([1000]);
    expect(emu.requestsTo("POST", CREATE)).toHaveLength(2);
    expect(emu.requestsTo("GET", `${CREATE}/e429`)).toHaveLength(0);
  });

  it("stops after maxWriteAttempts sends and says the outcome is unknown", async () => {
    const { emu, client } = await harness({ maxWriteAttempts: 2 });
    emu.injectFault({ method: "POST", path: CREATE, times: 10, kind: "drop" });
    const error = await rejectionOf(client.createServingEndpoint(llamaCreate("never")));
    expect(error).toMatchObject({ code: "databricks_network", outcomeUnknown: true, method: "POST" });
    expect(emu.requestsTo("POST", CREATE)).toHaveLength(2);
  });
});

describe("config update, reconciled by read-back", () => {
  const bigger = {
    served_entities: [
      {
        entity_name: LLAMA,
        entity_version: "3",
        min_provisioned_throughput: 1960,
        max_provisioned_throughput: 2940,
      },
    ],
  };

  it("returns the endpoint when the update landed but its answer was lost", async () => {
    const { emu, client, clock } = await harness({ provisioningMs: 1_000 });
    await client.createServingEndpoint(llamaCreate("u1"));
    clock.advance(1_001);
    emu.injectFault({ method: "PUT", path: `${CREATE}/u1/config`, times: 1, kind: "drop-after" });
    const endpoint = await client.updateServingEndpointConfig("u1", bigger);
    expect(endpoint.pending_config?.served_entities[0]?.max_provisioned_throughput).toBe(2940);
    expect(emu.requestsTo("PUT", `${CREATE}/u1/config`)).toHaveLength(1);
  });

  it("sends again when the read-back shows the old config and nothing pending", async () => {
    const { emu, client, clock } = await harness({ provisioningMs: 1_000 });
    await client.createServingEndpoint(llamaCreate("u2"));
    clock.advance(1_001);
    emu.injectFault({ method: "PUT", path: `${CREATE}/u2/config`, times: 1, kind: "drop" });
    const endpoint = await client.updateServingEndpointConfig("u2", bigger);
    expect(endpoint.pending_config?.served_entities[0]?.max_provisioned_throughput).toBe(2940);
    expect(emu.requestsTo("PUT", `${CREATE}/u2/config`)).toHaveLength(2);
  });

  it("raises a conflict when the read-back shows another update in progress", async () => {
    const { emu, client, clock } = await harness({ provisioningMs: 1_000 });
    await client.createServingEndpoint(llamaCreate("u3"));
    clock.advance(1_001);
    await client.updateServingEndpointConfig("u3", llamaCreate("u3", 2).config);
    emu.injectFault({ method: "PUT", path: `${CREATE}/u3/config`, times: 1, kind: "drop" });
    const error = await rejectionOf(client.updateServingEndpointConfig("u3", bigger));
    expect(error).toMatchObject({
      code: "databricks_conflict",
      errorCode: "RESOURCE_CONFLICT",
      method: "PUT",
    });
    expect((error as Error).message).toMatch(/another update of endpoint u3 is in progress .*v2/);
    expect(emu.requestsTo("PUT", `${CREATE}/u3/config`)).toHaveLength(2);
  });
});
