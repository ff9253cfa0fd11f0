import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthDeps, healthRoutes } from "../../src/observability/health-routes.js";
import { createMetrics } from "../../src/observability/metrics.js";

let server: Server | undefined;
afterEach(() => {
  server?.close();
});

async function serve(overrides: Partial<HealthDeps> = {}) {
  let now = 10_000_000;
  const metrics = createMetrics({ countByState: async () => ({ ready: 1 }), now: () => now });
  let probes = 0;
  const deps: HealthDeps = {
    metrics,
    pingStore: async () => ({}),
    probeDatabricks: async () => {
      probes++;
    },
    now: () => now,
    freshnessMs: 60_000,
    draining: () => false,
    ...overrides,
  };
  const routes = healthRoutes(deps);
  server = createServer((req, res) => {
    const route = routes.find((r) => r.path === req.url && r.method.includes(req.method ?? ""));
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route.handler(req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
  };
  return { get, metrics, probes: () => probes, advance: (ms: number) => (now += ms) };
}

describe("health routes", () => {
  it("/healthz answers while the process is alive", async () => {
    const { get } = await serve();
    expect(await get("/healthz")).toMatchObject({ status: 200, text: '{"status":"ok"}' });
  });

  it("/readyz probes a quiet workspace, and trusts a recent answer without probing", async () => {
    const h = await serve();
    expect((await h.get("/readyz")).status).toBe(200);
    expect(h.probes()).toBe(1);
    h.metrics.databricksAttempt({ method: "GET", path: "/api/2.0/serving-endpoints", status: 200, ms: 5 });
    expect((await h.get("/readyz")).status).toBe(200);
    expect(h.probes()).toBe(1);
    h.advance(61_000);
    expect((await h.get("/readyz")).status).toBe(200);
    expect(h.probes()).toBe(2);
  });

  it("/readyz is 503 with the failing check's code when the store or the workspace is down, or while draining", async () => {
    const storeDown = await serve({
      pingStore: async () => {
        throw Object.assign(new Error("disk I/O error at /var/lib/secret/path"), {
          code: "ERR_SQLITE_ERROR",
        });
      },
    });
    const res = await storeDown.get("/readyz");
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({
      ready: false,
      checks: { store: { ok: false, detail: "ERR_SQLITE_ERROR" } },
    });
    expect(res.text).not.toContain("/var/lib/secret/path");
    server?.close();

    const dbxDown = await serve({
      probeDatabricks: async () => {
        throw Object.assign(new Error("down"), { code: "databricks_network" });
      },
    });
    expect(JSON.parse((await dbxDown.get("/readyz")).text)).toMatchObject({
      ready: false,
      checks: { databricks: { ok: false, detail: "databricks_network" } },
    });
    server?.close();

    const draining = await serve({ draining: () => true });
    expect(await draining.get("/readyz")).toMatchObject({ status: 503 });
  });

  it("/readyz answers 503 within its bound while the store ping hangs, and 200 once the store answers again", async () => {
    let hang = true;
    const h = await serve({
      pingStore: () => (hang ? new Promise(() => {}) : Promise.resolve({})),
      pingTimeoutMs: 50,
    });
    const begun = performance.now();
    const res = await h.get("/readyz");
    expect(performance.now() - begun).toBeLessThan(1_500);
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toMatchObject({
      ready: false,
      checks: { store: { ok: false, detail: "timeout" } },
    });
    hang = false;
    expect((await h.get("/readyz")).status).toBe(200);
  });

  it("/metrics serves Prometheus text", async () => {
    const { get } = await serve();
    const res = await get("/metrics");
    expect(res.status).toBe(200);
    expect(res.type).toContain("text/plain");
    expect(res.text).toContain('ptbot_requests{state="ready"} 1');
  });
});
