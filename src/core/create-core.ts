/**
 * The core of ptbot, built in one place: the commands (the deploy workflow's use cases) and the workers (the tracker,
 * the notice dispatcher, the expiry) on the dependencies the caller passes. `src/main.ts`, the sandbox (through
 * `startPtbot`), the tests and the bench all build it here, so they all run the same wiring.
 */
import {
  type ApprovalPolicy,
  type ApproverDirectory,
  defaultWorkspacePolicy,
  type PolicyOf,
} from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { Outbox } from "../store/outbox.js";
import type { PollLeases } from "../store/poll-leases.js";
import type { RequestStore } from "../store/request-store.js";
import type { WorkQueue } from "../store/work-queue.js";
import { type TickStats, Tracker } from "../tracker/tracker.js";
import type { WorkSignal } from "../workflow/apply-event.js";
import { DeployWorkflow } from "../workflow/deploy-workflow.js";
import { Lifetimes, withLifetimes } from "../workflow/lifetimes.js";
import { NoticeDispatcher } from "../workflow/notice-dispatcher.js";
import type { Clock, DatabricksApi, Notifier } from "../workflow/ports.js";
import { SmokeTester, withSmokeTests } from "../workflow/smoke-test.js";
import { StoreOutage } from "../workflow/store-outage.js";
import { WakeupBus, type Wakeups } from "../workflow/wakeups.js";
import { type Workspaces, workspacesOf } from "../workflow/workspaces.js";
import { Expiry } from "./expiry.js";
import { Reminders } from "./reminders.js";

/** Everything the core needs, passed in: it builds nothing that talks to the outside world itself. */
export interface CoreOptions {
  /**
   * The roles the commands and workers use: requests, the tracker's work queue and the fleet's poll leases, the
   * notice outbox.
   */
  readonly store: RequestStore & WorkQueue & PollLeases & Outbox;
  /**
   * The client of the one workspace `default`, when {@link workspaces} is not given (tests, the bench). One of the
   * two is required.
   */
  readonly databricks?: DatabricksApi;
  /**
   * Every workspace served (issue 14): each one's client and rules. Default: the one workspace `default`, on
   * {@link databricks} with {@link policyOf}'s rules. Given, its `policyOf` is the core's (and `policyOf` is ignored).
   */
  readonly workspaces?: Workspaces;
  /** Which approver groups a user belongs to (the Slack user groups in production). */
  readonly directory: ApproverDirectory;
  /** Delivers the outbox's notices (edits cards, posts in threads). */
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  /**
   * Each workspace's rules (approvals, cost, lifetime, freezes, reminders, smoke test), by the request's
   * `workspace`. Default: every workspace has {@link policy}'s approval rules and nothing else configured. Approvals
   * read `policyOf(request.workspace).approval`; {@link policy} is the default and what a lookup of groups falls
   * back on.
   */
  readonly policyOf?: PolicyOf;
  /** The policy's checksum (`config.policyChecksum`), recorded with each audit row. Default: none recorded. */
  readonly policyChecksum?: string;
  readonly logger: Logger;
  /** Who holds this instance's leases (requests and notices); stable across restarts of one replica. */
  readonly owner: string;
  /** A new request's id. */
  readonly newId: () => string;
  /** How often the tracker polls Databricks for requests in flight. */
  readonly pollIntervalMs: number;
  /** How long an endpoint may provision before its thread hears it is stuck. */
  readonly provisioningLimitMs: number;
  /** How long a tracker claim lasts without renewal. Default 45 s (see `Tracker`). */
  readonly leaseMs?: number;
  /**
   * Past this without an answer to a workspace's list call the workspace counts as down (the call is still waited
   * for). Default 5 s (see `Tracker`); tests of an outage shorten it.
   */
  readonly listBoundMs?: number;
  /** How long `stop()` waits for the tracker's work in hand before it abandons it. Default 5 s (see `Tracker`). */
  readonly stopWaitMs?: number;
  /** A create Databricks has not taken for this long is reported in its thread, once. Default 5 min. */
  readonly createNoticeAfterMs?: number;
  /** A create Databricks has not taken for this long fails with the last error. Default 30 min. */
  readonly createFailAfterMs?: number;
  /** How often the dispatcher looks for notices due for a retry. Default 2 s. */
  readonly noticeIntervalMs?: number;
  /** Told after every tracker round, once its work has ended (the metrics). */
  readonly onTrackerTick?: (stats: TickStats) => void;
  /**
   * Wake-ups shared with the other replicas: each signal a command's write wakes this core's workers on is announced
   * to them, and theirs wake this core's workers (from `start()` to `stop()`). Default: none (alone on an in-process
   * bus). The caller closes it.
   */
  readonly wakeups?: Wakeups;
  /**
   * The query sent to each endpoint that becomes READY (`PTBOT_SMOKE_TEST`): off unless `enabled`, bounded by
   * `timeoutMs` (default 60 s).
   */
  readonly smokeTest?: { readonly enabled: boolean; readonly timeoutMs?: number };
}

/** A part of the core that {@link Core.stop} stops, by name (for bounds and logs). */
export type WorkerName = "tracker" | "dispatcher";

export interface Core {
  /** The commands: deploy, adjust, approve, reject, cancel and the card bookkeeping. Each write wakes the workers. */
  readonly workflow: DeployWorkflow;
  /** Starts, resumes and follows the Databricks work of approved requests; runs the expiry in each round. */
  readonly tracker: Tracker;
  /** Delivers the outbox. */
  readonly dispatcher: NoticeDispatcher;
  /** Ends the requests nobody decided in time. */
  readonly expiry: Expiry;
  /** The endpoint lifetimes: notices before expiry, the policy's action at it (run in each tracker round). */
  readonly lifetimes: Lifetimes;
  /** Each workspace's rules, as passed in (or the default): for the Slack layer and the workers alike. */
  readonly policyOf: PolicyOf;
  /** Every workspace served, with its client and rules: for the Slack layer (queries, links) and the probes. */
  readonly workspaces: Workspaces;
  /** Starts the workers' loops: the tracker (taking back this owner's leases), then the dispatcher. */
  start(): Promise<void>;
  /**
   * Stops the workers together and waits for them; `each` may wrap each one's stop (a bound, a log line). The store
   * stays open: it is the caller's.
   */
  stop(each?: (name: WorkerName, stopping: Promise<void>) => Promise<void>): Promise<void>;
}

/**
 * Builds the core. Nothing is forward-declared: the dispatcher comes first, the expiry wakes it, the tracker runs the
 * expiry and wakes the dispatcher, and the commands wake whichever worker their write gave work to, here and (through
 * `wakeups`) on the other replicas. Until `start()` the workers do nothing by themselves (wake-ups are ignored), so a
 * harness may drive them by hand instead: `tracker.tick()`, `dispatcher.drain()`.
 */
export function createCore(o: CoreOptions): Core {
  const { store, clock, policy, logger, owner } = o;
  const onlyApproval = defaultWorkspacePolicy(policy);
  const workspaces = o.workspaces ?? oneWorkspace(o.databricks, o.policyOf ?? (() => onlyApproval));
  const policyOf: PolicyOf = (workspace) => workspaces.policyOf(workspace);
  const approvalOf = (workspace: string) => policyOf(workspace).approval;
  const databricks = workspaces.clientOf(workspaces.names[0] ?? "default");
  // One outage, whichever worker notices it first: logged once when the database goes away, once when it is back.
  const outage = new StoreOutage({ logger, clock });
  const checksum = o.policyChecksum === undefined ? {} : { policyChecksum: o.policyChecksum };
  // What the smoke tester and the lifetimes both write requests with (the same CAS loop, the same audit).
  const writes = {
    store,
    databricks,
    clientOf: (workspace: string) => workspaces.clientOf(workspace),
    clock,
    policy,
    approvalOf,
    logger,
    ...checksum,
  };
  const smokeTester = new SmokeTester({
    ...writes,
    // On for the core (`PTBOT_SMOKE_TEST`) and for the request's workspace (its policy's `smoke_test`).
    enabled: (workspace) => (o.smokeTest?.enabled ?? false) && policyOf(workspace).smokeTest,
    ...(o.smokeTest?.timeoutMs === undefined ? {} : { timeoutMs: o.smokeTest.timeoutMs }),
  });
  const lifetimeOf = (workspace: string) => policyOf(workspace).lifetime;
  // Built before the dispatcher, which it wakes; it opens requests only once the dispatcher runs (the workflow exists).
  const lifetimes = new Lifetimes({
    ...writes,
    lifetimeOf,
    onWork: (work) => {
      if (work.notices) dispatcher.kick();
    },
    expireByPolicy: (holder, action) => workflow.expireByPolicy(holder, action),
  });
  const dispatcher = new NoticeDispatcher({
    store,
    // `smoke_test` notices are work for the smoke tester, `lifetime_tag` and `expiry_action` for the lifetimes; the
    // rest go to the caller's notifier.
    notifier: withLifetimes(withSmokeTests(o.notifier, smokeTester), lifetimes),
    clock,
    logger,
    owner,
    outage,
    ...(o.noticeIntervalMs === undefined ? {} : { idleIntervalMs: o.noticeIntervalMs }),
    // Called only once the dispatcher runs, after the workflow below exists.
    onCardUnreachable: (id, code) => workflow.cardUnreachable(id, code),
  });
  const expiry = new Expiry({
    store,
    clock,
    policy,
    approvalOf,
    logger,
    ...checksum,
    onNotices: () => dispatcher.kick(),
  });
  const reminders = new Reminders({
    store,
    clock,
    policy,
    approvalOf,
    policyOf,
    logger,
    ...checksum,
    onNotices: () => dispatcher.kick(),
    // A request of a workspace not served gets the first one's rules (`Workspaces.policyOf`), so the served ones'
    // are every rule there is; a caller's own `policyOf` without workspaces may give any name any rules.
    ...(o.workspaces !== undefined || o.policyOf === undefined
      ? { everyPolicy: workspaces.names.map((w) => policyOf(w).reminders) }
      : {}),
  });
  const tracker = new Tracker({
    store,
    workspaces,
    // Each round: the undecided requests past their time, then the reminders (a request that expires in this round
    // is not reminded first), then the endpoint lifetimes due.
    expireDue: async () => {
      const expired = await expiry.expireDue();
      await reminders.sendDue();
      return expired + (await lifetimes.sweep());
    },
    ...checksum,
    clock,
    policy,
    approvalOf,
    logger,
    owner,
    pollIntervalMs: o.pollIntervalMs,
    provisioningLimitMs: o.provisioningLimitMs,
    outage,
    ...(o.leaseMs === undefined ? {} : { leaseMs: o.leaseMs }),
    ...(o.listBoundMs === undefined ? {} : { listBoundMs: o.listBoundMs }),
    ...(o.stopWaitMs === undefined ? {} : { stopWaitMs: o.stopWaitMs }),
    ...(o.createNoticeAfterMs === undefined ? {} : { createNoticeAfterMs: o.createNoticeAfterMs }),
    ...(o.createFailAfterMs === undefined ? {} : { createFailAfterMs: o.createFailAfterMs }),
    // One request's work may have written notices (ready, failed, a slow create): deliver them now.
    onWorkDone: () => dispatcher.kick(),
    onTick: (stats) => {
      o.onTrackerTick?.(stats);
      // A round may have written notices (provisioning, ready, failed): deliver them now, not at the next idle poll.
      dispatcher.kick();
    },
  });
  const wakeups = o.wakeups ?? new WakeupBus().join();
  const wakeHere = (work: WorkSignal): void => {
    if (work.create) tracker.kick();
    if (work.notices) dispatcher.kick();
  };
  // The other replicas may be the ones to claim the work: tell them too.
  const wake = (work: WorkSignal): void => {
    wakeHere(work);
    void wakeups.announce(work);
  };
  let unsubscribe = (): void => {};
  const workflow = new DeployWorkflow({
    store,
    workspaces,
    directory: o.directory,
    clock,
    policy,
    costOf: (workspace) => policyOf(workspace).cost,
    approvalOf,
    newId: o.newId,
    logger,
    onWork: wake,
    policyOf,
    ...checksum,
    lifetimeOf,
  });
  return {
    workflow,
    tracker,
    dispatcher,
    expiry,
    lifetimes,
    policyOf,
    workspaces,
    async start() {
      await tracker.start();
      await dispatcher.start();
      unsubscribe = wakeups.subscribe(wakeHere);
    },
    async stop(each = (_name, stopping) => stopping) {
      unsubscribe();
      await Promise.all([each("tracker", tracker.stop()), each("dispatcher", dispatcher.stop())]);
    },
  };
}

/** The one workspace `default` of a caller that passed a client, not {@link Workspaces}. */
function oneWorkspace(databricks: DatabricksApi | undefined, policyOf: PolicyOf): Workspaces {
  if (databricks === undefined) throw new Error("createCore needs databricks or workspaces");
  const only = workspacesOf([{ name: "default", client: databricks, policy: policyOf("default") }]);
  // The caller's rules by name, as before: a test may give other workspaces other rules.
  return { ...only, policyOf };
}
