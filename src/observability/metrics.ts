import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AttemptReport } from "../databricks/index.js";
import type { DeployState } from "../domain/index.js";
import { databricksRoute } from "./databricks-route.js";

/** ptbot's Prometheus metrics, in a registry of their own (never prom-client's global one). */
export interface Metrics {
  readonly registry: Registry;
  /**
   * Feed for the Databricks client's `onAttempt`; `workspace` names the client's workspace (issue 14), counted under
   * `ptbot_databricks_workspace_calls_total` and `ptbot_databricks_workspace_up`. Default `default`.
   */
  databricksAttempt(report: AttemptReport, workspace?: string): void;
  /** Seconds from a Slack request arriving to its ack. */
  slackAck(kind: string, seconds: number): void;
  /** A tracker round ended at `at` (ms), taking `ms`. */
  trackerTick(at: number, ms: number): void;
  /** When a workspace last answered (any status below 500), ms since the epoch; undefined if never. */
  readonly lastDatabricksAnswerAt: number | undefined;
  /**
   * When the workspace named so last answered usably (below 500, not 401 or 403); undefined if never, or if its last
   * attempt was not answered so.
   */
  lastAnswerAtIn(workspace: string): number | undefined;
}

export interface MetricsOptions {
  /** Requests per state, read at scrape time. */
  readonly countByState: () => Promise<Readonly<Partial<Record<DeployState, number>>>>;
  readonly now: () => number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ptbot_" });
  let lastAnswerAt: number | undefined;
  const lastAnswerBy = new Map<string, number>();
  let lastTickAt: number | undefined;

  new Gauge({
    name: "ptbot_requests",
    help: "Deploy requests by state.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [state, count] of Object.entries(await options.countByState()))
        this.set({ state }, count ?? 0);
    },
  });
  const calls = new Counter({
    name: "ptbot_databricks_calls_total",
    help: "Databricks API attempts by route and outcome (HTTP status class, or the transport failure).",
    labelNames: ["method", "route", "outcome"],
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: "ptbot_databricks_call_duration_seconds",
    help: "Databricks API attempt latency.",
    labelNames: ["method", "route"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  // Per workspace (issue 14): which workspace is failing, without another label on every call metric above.
  const workspaceCalls = new Counter({
    name: "ptbot_databricks_workspace_calls_total",
    help: "Databricks API attempts by workspace and outcome (HTTP status class, or the transport failure).",
    labelNames: ["workspace", "outcome"],
    registers: [registry],
  });
  const workspaceUp = new Gauge({
    name: "ptbot_databricks_workspace_up",
    help: "1 when the workspace's last Databricks attempt was answered (below 500, not 401 or 403), else 0.",
    labelNames: ["workspace"],
    registers: [registry],
  });
  const ackSeconds = new Histogram({
    name: "ptbot_slack_ack_duration_seconds",
    help: "Time from a Slack request arriving to its acknowledgement.",
    labelNames: ["kind"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tickSeconds = new Histogram({
    name: "ptbot_tracker_tick_duration_seconds",
    help: "Duration of one tracker round.",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: "ptbot_tracker_lag_seconds",
    help: "Seconds since the tracker last finished a round (grows without bound if it is stuck).",
    registers: [registry],
    collect() {
      this.set(lastTickAt === undefined ? 0 : Math.max(0, (options.now() - lastTickAt) / 1000));
    },
  });

  return {
    registry,
    databricksAttempt(report, workspace = "default") {
      const route = databricksRoute(report.path);
      const outcome =
        report.status === undefined ? (report.failure ?? "error") : `${Math.floor(report.status / 100)}xx`;
      calls.inc({ method: report.method, route, outcome });
      callSeconds.observe({ method: report.method, route }, report.ms / 1000);
      workspaceCalls.inc({ workspace, outcome });
      const { status } = report;
      // Refused credentials are as unusable as no answer, for this gauge (the call still "answered" for readiness).
      const usable = status !== undefined && status < 500 && status !== 401 && status !== 403;
      workspaceUp.set({ workspace }, usable ? 1 : 0);
      if (status !== undefined && status < 500) lastAnswerAt = options.now();
      // A workspace whose last attempt failed is not fresh, however recent its last answer: `/readyz` probes it.
      if (usable) lastAnswerBy.set(workspace, options.now());
      else lastAnswerBy.delete(workspace);
    },
    slackAck(kind, seconds) {
      ackSeconds.observe({ kind }, seconds);
    },
    trackerTick(at, ms) {
      lastTickAt = at;
      tickSeconds.observe(ms / 1000);
    },
    get lastDatabricksAnswerAt() {
      return lastAnswerAt;
    },
    lastAnswerAtIn(workspace) {
      return lastAnswerBy.get(workspace);
    },
  };
}
