/**
 * ptbot's core minus Slack (workflow, tracker, notice dispatcher) on a store and a Databricks client the caller
 * built, as `src/main.ts` wires it, for the harnesses that drive it by hand: the workflow tests, the chaos cases and
 * the benchmarks. The caller keeps its own clock, client and notifier; `step` is one poll done by hand.
 */
import type { ApprovalPolicy, ApproverDirectory } from "../../src/domain/index.js";
import type { Logger } from "../../src/logger.js";
import type { RequestStore } from "../../src/store/request-store.js";
import { Tracker } from "../../src/tracker/tracker.js";
import { DeployWorkflow } from "../../src/workflow/deploy-workflow.js";
import { NoticeDispatcher } from "../../src/workflow/notice-dispatcher.js";
import type { DatabricksApi, Notifier } from "../../src/workflow/ports.js";
import type { ManualClock } from "./manual-clock.js";

export interface CoreOptions {
  readonly store: RequestStore;
  readonly databricks: DatabricksApi;
  readonly notifier: Notifier;
  readonly clock: ManualClock;
  readonly policy: ApprovalPolicy;
  readonly logger: Logger;
  readonly owner: string;
  readonly pollIntervalMs: number;
  /** Default one day: a "stuck" notice would be an extra message most harnesses do not expect. */
  readonly provisioningLimitMs?: number;
  /** Default: nobody is in any group. */
  readonly directory?: ApproverDirectory;
  /** Default `req-<owner>-<n>`, counting from 1 for this core; harnesses that restart on one database pass theirs. */
  readonly newId?: () => string;
}

export interface Core {
  readonly workflow: DeployWorkflow;
  readonly tracker: Tracker;
  readonly dispatcher: NoticeDispatcher;
  /** One poll by hand: time moves on by `ms` (default the poll interval), the tracker ticks, the outbox drains. */
  step(ms?: number): Promise<void>;
}

export function wireCore(o: CoreOptions): Core {
  let ids = 0;
  const newId = o.newId ?? (() => `req-${o.owner}-${++ids}`);
  const workflow = new DeployWorkflow({
    store: o.store,
    databricks: o.databricks,
    directory: o.directory ?? { groupsOf: async () => [] },
    clock: o.clock,
    policy: o.policy,
    newId,
    logger: o.logger,
  });
  const tracker = new Tracker({
    store: o.store,
    databricks: o.databricks,
    workflow,
    clock: o.clock,
    policy: o.policy,
    logger: o.logger,
    owner: o.owner,
    pollIntervalMs: o.pollIntervalMs,
    provisioningLimitMs: o.provisioningLimitMs ?? 24 * 3_600_000,
  });
  const dispatcher = new NoticeDispatcher({
    store: o.store,
    notifier: o.notifier,
    clock: o.clock,
    logger: o.logger,
    owner: o.owner,
  });
  return {
    workflow,
    tracker,
    dispatcher,
    async step(ms = o.pollIntervalMs) {
      o.clock.advance(ms);
      await tracker.tick();
      await dispatcher.drain();
    },
  };
}
