import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, expectErrorBody, type Harness, llamaCreate, startHarness } from "./harness.js";

const API = "/api/2.0/serving-endpoints";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.emulator.close());

describe("status faults", () => {
  it("answers 429 REQUEST_LIMIT_EXCEEDED with Retry-After once, then normally", async () => {
    h.emulator.injectFault({ path: API, kind: "status", status: 429, retryAfterSeconds: 7 });
    const limited = await h.call("GET", API);
    expectErrorBody(limited, 429, "REQUEST_LIMIT_EXCEEDED");
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(limited.headers.get("x-request-id")).toBeTruthy();
    expect((await h.call("GET", API)).status).toBe(200);
    expect(h.emulator.requestsTo("GET", API).map((r) => r.status)).toEqual([429, 200]);
  });

  it("hits as many times as asked, with the default code for each status", async () => {
    h.emulator.injectFault({ path: API, kind: "status", status: 503, times: 2 });
    expectErrorBody(await h.call("GET", API), 503, "TEMPORARILY_UNAVAILABLE");
    expectErrorBody(await h.call("GET", API), 503, "TEMPORARILY_UNAVAILABLE");
    expect((await h.call("GET", API)).status).toBe(200);
    h.emulator.injectFault({ path: API, kind: "status", status: 500 });
    expectErrorBody(await h.call("GET", API), 500, "INTERNAL_ERROR");
    h.emulator.injectFault({
      path: API,
      kind: "status",
      status: 504,
      errorCode: "GATEWAY_TIMEOUT",
      message: "slow",
    });
    expectErrorBody(await h.call("GET", API), 504, "GATEWAY_TIMEOUT", /^slow$/);
  });

  it("matches by method and by RegExp, and does not process the faulted request", async () => {
    h.emulator.injectFault({
      method: "POST",
      path: /^\/api\/2\.0\/serving-endpoints$/,
      kind: "status",
      status: 503,
    });
    expect((await h.call("GET", API)).status).toBe(200);
    expect((await h.call("POST", API, llamaCreate("ep"))).status).toBe(503);
    expect(h.emulator.endpoint("ep")).toBeUndefined();
    expect((await h.call("POST", API, llamaCreate("ep"))).status).toBe(200);
  });

  it("applies before authentication, as a gateway's would", async () => {
    h.emulator.injectFault({ path: API, kind: "status", status: 429 });
    expect((await h.call("GET", API, undefined, { authorization: "" })).status).toBe(429);
  });

  it("is forgotten by clearFaults", async () => {
    h.emulator.injectFault({ path: API, kind: "status", status: 503, times: Number.POSITIVE_INFINITY });
    expect((await h.call("GET", API)).status).toBe(503);
    expect((await h.call("GET", API)).status).toBe(503);
    h.emulator.clearFaults();
    expect((await h.call("GET", API)).status).toBe(200);
  });
});

describe("delay", () => {
  it("answers normally after the delay", async () => {
    h.emulator.injectFault({ path: API, kind: "delay", ms: 150 });
    const started = performance.now();
    const reply = await h.call("GET", API);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(reply.status).toBe(200);
  });

  it("lets a client time out while the request is held", async () => {
    h.emulator.injectFault({ path: API, kind: "delay", ms: 2_000 });
    await expect(
      fetch(`${h.emulator.url}${API}`, {
        headers: { authorization: `Bearer ${h.emulator.token}` },
        signal: AbortSignal.timeout(50),
      }),
    ).rejects.toThrow();
  });
});

describe("drop", () => {
  it("closes the connection without answering or processing", async () => {
    h.emulator.injectFault({ method: "POST", path: API, kind: "drop" });
    await expect(h.call("POST", API, llamaCreate("ep"))).rejects.toThrow();
    expect(h.emulator.endpoint("ep")).toBeUndefined();
    expect(h.emulator.requestsTo("POST", API)).toMatchObject([{ status: 0, body: { name: "ep" } }]);
  });

  it("drop-after processes the create, then loses the answer; a retry answers 409", async () => {
    h.emulator.injectFault({ method: "POST", path: API, kind: "drop-after" });
    await expect(h.call("POST", API, llamaCreate("ep"))).rejects.toThrow();
    expect(at(h.emulator.endpoint("ep"), "state.config_update")).toBe("IN_PROGRESS");
    expectErrorBody(await h.call("POST", API, llamaCreate("ep")), 409, "RESOURCE_ALREADY_EXISTS");
    expect(h.emulator.requestsTo("POST", API).map((r) => r.status)).toEqual([0, 409]);
  });

  it("delay-after processes the create at once and answers it later", async () => {
    h.emulator.injectFault({ method: "POST", path: API, kind: "delay-after", ms: 200 });
    const answer = h.call("POST", API, llamaCreate("ep"));
    await expect.poll(() => h.emulator.endpoint("ep")).toBeDefined();
    expect(h.emulator.requestsTo("POST", API).map((r) => r.status)).toEqual([0]);
    expect((await answer).status).toBe(200);
  });

  it("hits only the endpoint it names, by a create's body or by the path", async () => {
    h.emulator.injectFault({ path: API, kind: "status", status: 429, endpointName: "slow", times: 2 });
    expect((await h.call("POST", API, llamaCreate("fast"))).status).toBe(200);
    expectErrorBody(await h.call("POST", API, llamaCreate("slow")), 429, "REQUEST_LIMIT_EXCEEDED");
    h.emulator.injectFault({ path: `${API}/slow`, kind: "status", status: 503, endpointName: "slow" });
    expectErrorBody(await h.call("GET", `${API}/slow`), 503, "TEMPORARILY_UNAVAILABLE");
  });
});

describe("fault specs", () => {
  it("refuses a fault that could never fire", () => {
    expect(() => h.emulator.injectFault({ path: API, kind: "drop", times: 0 })).toThrow(
      expect.objectContaining({ code: "emulator_fault_invalid" }),
    );
    expect(() => h.emulator.injectFault({ path: API, kind: "delay", ms: -1 })).toThrow(
      expect.objectContaining({ code: "emulator_fault_invalid" }),
    );
  });
});

describe("request log", () => {
  it("records method, path, query, parsed body, clock time and status, and can be cleared", async () => {
    h.clock.advance(42);
    await h.call("GET", "/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b/versions?max_results=2");
    await h.call("POST", API, llamaCreate("ep"));
    expect(h.emulator.requests[0]).toMatchObject({
      method: "GET",
      path: "/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b/versions",
      query: { max_results: "2" },
      time: h.clock.start + 42,
      status: 200,
    });
    expect(h.emulator.requestsTo("post", /serving-endpoints$/)).toMatchObject([
      { body: llamaCreate("ep"), status: 200 },
    ]);
    h.emulator.clearRequests();
    expect(h.emulator.requests).toEqual([]);
  });
});
