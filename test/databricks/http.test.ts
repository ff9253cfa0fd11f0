import { afterEach, describe, expect, it } from "vitest";
import { DatabricksApiError } from "../../src/databricks/errors.js";
import { type Harness, type HarnessOptions, llamaCreate, ownEndpoints, startHarness } from "./emulator.js";
import { memoryLogger, rejectionOf } from "./helpers.js";

const LIST = "/api/2.0/serving-endpoints";
let h: Harness | undefined;
async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("retries", () => {
  it("honours Retry-After on a 429", async () => {
    const { emu, client, waits } = await harness();
    emu.injectFault({
      method: "GET",
      path: LIST,
      times: 1,
      kind: "status",
      status: 429,
      retryAfterSeconds: 2,
    });
    expect(ownEndpoints(await client.listServingEndpoints())).toEqual([]);
    expect(waits).toEqual([2000]);
    expect(emu.requestsTo("GET", LIST).map((r) => r.status)).toEqual([429, 200]);
  });

  it("retries 503 and 504 with growing jittered waits", async () => {
    const { emu, client, waits } = await harness();
    emu.injectFault({ method: "GET", path: LIST, times: 2, kind: "status", status: 503 });
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "status", status: 504 });
    await client.listServingEndpoints();
    // random() is 0.5: three quarters of 1 s, 2 s, 4 s.
    expect(waits).toEqual([750, 1500, 3000]);
    expect(emu.requestsTo("GET", LIST).map((r) => r.status)).toEqual([503, 503, 504, 200]);
  });

  it("does not retry 400, 404 or 500", async () => {
    const { emu, client, waits } = await harness();
    const notFound = await rejectionOf(client.getServingEndpoint("nope"));
    expect(notFound).toMatchObject({ code: "databricks_not_found", status: 404 });
    const invalid = await rejectionOf(client.createServingEndpoint(llamaCreate("bad.name")));
    expect(invalid).toMatchObject({ code: "databricks_invalid", status: 400 });
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "status", status: 500 });
    const internal = await rejectionOf(client.listServingEndpoints());
    expect(internal).toMatchObject({ code: "databricks_server_error", status: 500 });
    expect(waits).toEqual([]);
    expect(emu.requests).toHaveLength(3);
  });

  it("gives up within the total time bound, with the last answer's error", async () => {
    const { emu, client, waits } = await harness({ retry: { totalTimeoutMs: 20_000 } });
    emu.injectFault({ method: "GET", path: LIST, times: 1000, kind: "status", status: 503 });
    const error = await rejectionOf(client.listServingEndpoints());
    expect(error).toMatchObject({ code: "databricks_unavailable", status: 503 });
    // 0.75 + 1.5 + 3 + 6 + 7.5 (capped) = 18.75 s; one more 7.5 s wait would end past 20 s.
    expect(waits).toEqual([750, 1500, 3000, 6000, 7500]);
    expect(emu.requestsTo("GET", LIST)).toHaveLength(6);
  });

  it("gives up at once when Retry-After asks for longer than the time left", async () => {
    const { emu, client, waits } = await harness({ retry: { totalTimeoutMs: 10_000 } });
    emu.injectFault({
      method: "GET",
      path: LIST,
      times: 1,
      kind: "status",
      status: 429,
      retryAfterSeconds: 60,
    });
    const error = await rejectionOf(client.listServingEndpoints());
    expect(error).toMatchObject({ code: "databricks_rate_limited", status: 429 });
    expect(waits).toEqual([]);
  });

  it("retries a GET whose connection was dropped", async () => {
    const { emu, client, waits } = await harness();
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "drop" });
    expect(ownEndpoints(await client.listServingEndpoints())).toEqual([]);
    expect(waits).toHaveLength(1);
  });
});

describe("timeouts", () => {
  it("times out a request that takes longer than timeoutMs", async () => {
    const { emu, client } = await harness({ timeoutMs: 100, retry: { maxAttempts: 1 } });
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "delay", ms: 1_000 });
    const error = await rejectionOf(client.listServingEndpoints());
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({ code: "databricks_timeout", method: "GET", path: LIST, status: undefined });
    expect((error as Error).message).toContain("100 ms");
  });

  it("retries a timed-out GET, which is safe to repeat", async () => {
    const { emu, client, waits } = await harness({ timeoutMs: 100 });
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "delay", ms: 1_000 });
    expect(ownEndpoints(await client.listServingEndpoints())).toEqual([]);
    expect(waits).toHaveLength(1);
  });
});

describe("logging", () => {
  it("logs each attempt with a constant message and no secret", async () => {
    const { logger, lines, raw } = memoryLogger();
    const { emu, client } = await harness({ logger });
    emu.injectFault({ method: "GET", path: LIST, times: 1, kind: "status", status: 503 });
    await client.listServingEndpoints();
    await rejectionOf(client.getServingEndpoint("missing"));
    const requests = lines.filter((l) => l.msg === "databricks request");
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ method: "GET", path: LIST, status: 503, attempt: 1, retryInMs: 750 });
    expect(requests[1]).toMatchObject({ method: "GET", path: LIST, status: 200, attempt: 2 });
    expect(requests[2]).toMatchObject({ path: `${LIST}/missing`, status: 404, attempt: 1 });
    expect(typeof requests[0]?.ms).toBe("number");
    expect(raw()).not.toContain(emu.token);
  });
});
