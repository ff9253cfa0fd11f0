import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "./metrics.js";

/** An HTTP route beside Slack's: the shape Bolt's `customRoutes` takes (both receivers). */
export interface HttpRoute {
  readonly path: string;
  readonly method: string[];
  handler(req: IncomingMessage, res: ServerResponse): void;
}

export interface HealthDeps {
  readonly metrics: Metrics;
  /** A cheap read of the store; throws when the store is unreachable. */
  readonly pingStore: () => Promise<unknown>;
  /**
   * How long the store ping may take before the store counts as unreachable (`detail: "timeout"`), so that `/readyz`
   * answers within a probe's timeout even while the database hangs (a network cut drops packets, it refuses none).
   * Default 2 s.
   */
  readonly pingTimeoutMs?: number;
  /** A cheap read of the workspace, used when it has not answered for `freshnessMs`. */
  readonly probeDatabricks: () => Promise<unknown>;
  readonly now: () => number;
  /** How recent a Databricks answer must be to count without a probe. */
  readonly freshnessMs: number;
  /** True once shutdown started: not ready for new work, though still alive. */
  readonly draining: () => boolean;
  /**
   * The start-up check of the configured approver groups, shown under `checks.approverGroups`. Reported only: it
   * does not make ptbot unready (the README says why).
   */
  readonly approverGroups?: () => HealthCheck;
  /**
   * Several workspaces (issue 14): each is checked on its own (fresh from its last usable answer, else probed) and
   * shown under `checks.workspaces`; `checks.databricks` is then ok while at least one answers, since a workspace
   * that is down is not something taking this replica out of service would mend, and the others still work.
   * Undefined: `probeDatabricks` is the one workspace.
   */
  readonly workspaces?: {
    readonly names: readonly string[];
    readonly probe: (workspace: string) => Promise<unknown>;
  };
}

const DEFAULT_PING_TIMEOUT_MS = 2_000;
const TIMED_OUT = Symbol("timed out");

/** One line of `/readyz`'s `checks`. */
export interface HealthCheck {
  readonly ok: boolean;
  readonly detail?: string;
}

type Check = HealthCheck;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function check(run: () => Promise<unknown>, timeoutMs?: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timedOut = new Promise<typeof TIMED_OUT>((resolve) => {
      if (timeoutMs !== undefined) timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    // The late answer of a ping that timed out is dropped (its rejection too): the next probe asks again.
    const ran = run();
    ran.catch(() => {});
    if ((await Promise.race([ran, timedOut])) === TIMED_OUT) return { ok: false, detail: "timeout" };
    return { ok: true };
  } catch (error) {
    // A code, not the message: readiness output is public and messages may carry hosts or paths.
    return { ok: false, detail: (error as { code?: string }).code ?? "error" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz` (the process is alive), `/readyz` (the store answers and the Databricks workspace answered recently,
 * probing it when it has been quiet; 503 while draining) and `/metrics` (Prometheus text).
 */
export function healthRoutes(deps: HealthDeps): HttpRoute[] {
  return [
    {
      path: "/healthz",
      method: ["GET"],
      handler: (_req, res) => send(res, 200, { status: "ok" }),
    },
    {
      path: "/readyz",
      method: ["GET"],
      handler: (_req, res) => {
        void (async () => {
          const [store, { databricks, workspaces }] = await Promise.all([
            check(deps.pingStore, deps.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS),
            checkDatabricks(deps),
          ]);
          const draining = deps.draining();
          const ready = store.ok && databricks.ok && !draining;
          const groups = deps.approverGroups === undefined ? {} : { approverGroups: deps.approverGroups() };
          const each = workspaces === undefined ? {} : { workspaces };
          send(res, ready ? 200 : 503, {
            ready,
            draining,
            checks: { store, databricks, ...each, ...groups },
          });
        })();
      },
    },
    {
      path: "/metrics",
      method: ["GET"],
      handler: (_req, res) => {
        deps.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": deps.metrics.registry.contentType });
            res.end(text);
          },
          () => send(res, 500, { error: "metrics unavailable" }),
        );
      },
    },
  ];
}

/** The Databricks line of `/readyz`: the one workspace, or each of several and whether any answers. */
async function checkDatabricks(
  deps: HealthDeps,
): Promise<{ databricks: Check; workspaces?: Record<string, Check> }> {
  const fresh = (last: number | undefined) => last !== undefined && deps.now() - last <= deps.freshnessMs;
  const several = deps.workspaces;
  if (several === undefined) {
    const databricks = fresh(deps.metrics.lastDatabricksAnswerAt)
      ? { ok: true }
      : await check(deps.probeDatabricks);
    return { databricks };
  }
  const checks = await Promise.all(
    several.names.map(async (name) =>
      fresh(deps.metrics.lastAnswerAtIn(name))
        ? ([name, { ok: true }] as const)
        : ([name, await check(() => several.probe(name), DEFAULT_PING_TIMEOUT_MS)] as const),
    ),
  );
  const down = checks.filter(([, c]) => !c.ok).map(([name]) => name);
  const databricks: Check =
    down.length === 0
      ? { ok: true }
      : { ok: down.length < checks.length, detail: `unreachable: ${down.join(", ")}` };
  return { databricks, workspaces: Object.fromEntries(checks) };
}
