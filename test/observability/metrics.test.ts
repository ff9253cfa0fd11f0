import { describe, expect, it } from "vitest";
import { databricksRoute } from "../../src/observability/databricks-route.js";
import { createMetrics } from "../../src/observability/metrics.js";

describe("databricksRoute", () => {
  it.each([
    ["/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b", "/api/2.1/unity-catalog/models/{name}"],
    [
      "/api/2.1/unity-catalog/models/a.b.c/versions/3",
      "/api/2.1/unity-catalog/models/{name}/versions/{version}",
    ],
    ["/api/2.1/unity-catalog/models/a.b.c/versions", "/api/2.1/unity-catalog/models/{name}/versions"],
    [
      "/api/2.1/unity-catalog/models/a.b.c/aliases/champion",
      "/api/2.1/unity-catalog/models/{name}/aliases/{alias}",
    ],
    [
      "/api/2.0/serving-endpoints/get-model-optimization-info/a.b.c/3",
      "/api/2.0/serving-endpoints/get-model-optimization-info/{name}/{version}",
    ],
    ["/api/2.0/serving-endpoints", "/api/2.0/serving-endpoints"],
    ["/api/2.0/serving-endpoints/pt", "/api/2.0/serving-endpoints/pt"],
    ["/api/2.0/serving-endpoints/llama-13b-3", "/api/2.0/serving-endpoints/{name}"],
    ["/api/2.0/serving-endpoints/llama-13b-3/config", "/api/2.0/serving-endpoints/{name}/config"],
    ["/api/2.0/serving-endpoints/pt/llama-13b-3/config", "/api/2.0/serving-endpoints/pt/{name}/config"],
    [
      "/api/2.0/serving-endpoints/x/served-models/llama-13b-3/build-logs",
      "/api/2.0/serving-endpoints/{name}/served-models/{entity}/build-logs",
    ],
    ["/serving-endpoints/x/invocations", "/serving-endpoints/{name}/invocations"],
    ["/oidc/v1/token", "/oidc"],
    ["/somewhere/else", "other"],
  ])("%s → %s", (path, route) => {
    expect(databricksRoute(path)).toBe(route);
  });
});

describe("createMetrics", () => {
  it("exposes requests by state, Databricks calls by route and outcome, ack latency and tracker lag", async () => {
    let now = 1_000_000;
    const metrics = createMetrics({
      countByState: async () => ({ provisioning: 3, ready: 7 }),
      now: () => now,
    });
    metrics.databricksAttempt({ method: "GET", path: "/api/2.0/serving-endpoints/a", status: 200, ms: 12 });
    metrics.databricksAttempt({ method: "POST", path: "/api/2.0/serving-endpoints", status: 503, ms: 40 });
    metrics.databricksAttempt({
      method: "GET",
      path: "/api/2.0/serving-endpoints",
      failure: "timeout",
      ms: 30000,
    });
    metrics.slackAck("command", 0.004);
    metrics.trackerTick(now, 25);
    now += 4_000;
    const text = await metrics.registry.metrics();
    expect(text).toContain('ptbot_requests{state="provisioning"} 3');
    expect(text).toContain('ptbot_requests{state="ready"} 7');
    expect(text).toContain(
      'ptbot_databricks_calls_total{method="GET",route="/api/2.0/serving-endpoints/{name}",outcome="2xx"} 1',
    );
    expect(text).toContain(
      'ptbot_databricks_calls_total{method="POST",route="/api/2.0/serving-endpoints",outcome="5xx"} 1',
    );
    expect(text).toContain('outcome="timeout"} 1');
    expect(text).toContain('ptbot_slack_ack_duration_seconds_count{kind="command"} 1');
    expect(text).toContain("ptbot_tracker_lag_seconds 4");
    expect(text).toContain("ptbot_process_resident_memory_bytes ");
    expect(metrics.lastDatabricksAnswerAt).toBe(1_000_000);
  });

  it("keeps each instance's metrics apart (no global registry)", async () => {
    const a = createMetrics({ countByState: async () => ({}), now: () => 0 });
    const b = createMetrics({ countByState: async () => ({}), now: () => 0 });
    a.slackAck("command", 0.1);
    expect(await b.registry.metrics()).not.toContain(
      'ptbot_slack_ack_duration_seconds_count{kind="command"} 1',
    );
  });
});
