import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabricksApiError, isNotFound } from "../../src/databricks/errors.js";
import { type Harness, LLAMA, llamaCreate, startHarness } from "./emulator.js";
import { errorTexts, rejectionOf } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ timeoutMs: 100, retry: { maxAttempts: 1 } });
});
afterAll(async () => {
  await h.close();
});

/** Every kind of failure the client raises, none of which may carry the token anywhere. */
async function failures(): Promise<unknown[]> {
  const { emu, client } = h;
  emu.injectFault({
    method: "GET",
    path: "/api/2.0/serving-endpoints",
    times: 1,
    kind: "status",
    status: 429,
  });
  emu.injectFault({ method: "GET", path: /\/versions$/, times: 1, kind: "delay", ms: 1_000 });
  emu.injectFault({ method: "GET", path: /optimization-info/, times: 1, kind: "drop" });
  return Promise.all([
    rejectionOf(client.getServingEndpoint("missing")),
    rejectionOf(client.createServingEndpoint(llamaCreate("bad name"))),
    rejectionOf(client.listServingEndpoints()),
    rejectionOf(client.listModelVersions(LLAMA)),
    rejectionOf(client.getOptimizationInfo(LLAMA, 3)),
  ]);
}

describe("error mapping", () => {
  it("carries status, Databricks' error code, the request id, method and path", async () => {
    const error = await rejectionOf(h.client.getServingEndpoint("missing"));
    expect(isNotFound(error)).toBe(true);
    const e = error as DatabricksApiError;
    expect(e).toMatchObject({
      code: "databricks_not_found",
      status: 404,
      errorCode: "RESOURCE_DOES_NOT_EXIST",
      method: "GET",
      path: "/api/2.0/serving-endpoints/missing",
    });
    expect(e.requestId).toBeDefined();
    const logged = h.emu.requestsTo("GET", "/api/2.0/serving-endpoints/missing");
    expect(logged.length).toBeGreaterThan(0);
    // The id the workspace answered this very request with (its `x-request-id`), not just any value.
    expect(e.requestId).toBe(logged.at(-1)?.requestId);
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.message).toMatch(/404 RESOURCE_DOES_NOT_EXIST/);
  });

  it("never lets the token into an error: not its JSON, message, properties or cause", async () => {
    const errors = await failures();
    expect(errors.map((e) => (e as DatabricksApiError).code)).toEqual([
      "databricks_not_found",
      "databricks_invalid",
      "databricks_rate_limited",
      "databricks_timeout",
      "databricks_network",
    ]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DatabricksApiError);
      expect(JSON.stringify(error)).not.toContain(h.emu.token);
      expect((error as Error).message).not.toContain(h.emu.token);
      expect(String((error as Error).cause)).not.toContain(h.emu.token);
      expect(errorTexts(error)).not.toContain(h.emu.token);
    }
  });
});
