import type { EndpointSummary } from "../databricks/index.js";
import { type ApprovalPolicy, type DeployRequest, endpointTarget } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { PollLeases } from "../store/poll-leases.js";
import type { RequestStore } from "../store/request-store.js";
import type { WorkQueue } from "../store/work-queue.js";
import { applyEvent } from "../workflow/apply-event.js";
import type { Clock } from "../workflow/ports.js";
import { Rounds } from "../workflow/rounds.js";
import { StoreOutage } from "../workflow/store-outage.js";
import type { Workspaces } from "../workflow/workspaces.js";
import { followProvisioning } from "./follow-provisioning.js";
import { SharedBound } from "./shared-bound.js";
import { resumeCreate, startCreate } from "./start-create.js";

export interface TrackerOptions {
  /**
   * The requests it reads and saves, the queue it claims them from, and the fleet's poll leases that decide which
   * replica follows the provisioning requests in an interval.
   */
  readonly store: RequestStore & WorkQueue & PollLeases;
  /**
   * The workspaces it follows, each with its own client, poll lease (named after the workspace) and list call per
   * interval; a request's calls go to its own workspace's client.
   */
  readonly workspaces: Workspaces;
  /**
   * Expires undecided requests past their time and says how many (the core passes its expiry's `expireDue`). Run at
   * the start of every round.
   */
  readonly expireDue: () => Promise<number>;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  /** The policy's checksum, recorded with each audit row the tracker's writes append. */
  readonly policyChecksum?: string;
  /** Each workspace's approval rules; default {@link policy}. */
  readonly approvalOf?: (workspace: string) => ApprovalPolicy;
  readonly logger: Logger;
  /** Who holds the leases; stable across restarts of one replica (its leases are released at start). */
  readonly owner: string;
  readonly pollIntervalMs: number;
  readonly provisioningLimitMs: number;
  /** Past this the card shows how long provisioning has run ("provisioning for 34 min"). Default 15 min. */
  readonly elapsedAfterMs?: number;
  /** How often at most that card line is refreshed. Default 5 min. */
  readonly elapsedEveryMs?: number;
  /**
   * How long a claim lasts without renewal. Work in hand renews its lease every third of this, so it can be short:
   * a dead replica's work is taken over once it runs out. Default 45 s.
   */
  readonly leaseMs?: number;
  /** Requests claimed per tick. Default 1000. */
  readonly batchSize?: number;
  /** A create Databricks has not taken for this long is reported in its thread, once. Default 5 min. */
  readonly createNoticeAfterMs?: number;
  /** A create Databricks has not taken for this long fails with the last error. Default 30 min. */
  readonly createFailAfterMs?: number;
  /**
   * A workspace whose list call has failed for this long (down, or refusing the credentials) is told in the thread
   * of each of its provisioning requests, once per request. Default: {@link createNoticeAfterMs}.
   */
  readonly unreachableNoticeAfterMs?: number;
  /**
   * Past this without an answer to its list call (and again after each such period), a workspace counts as down for
   * {@link unreachableNoticeAfterMs}; the call is still waited for. Default 5 s.
   */
  readonly listBoundMs?: number;
  /** How long `stop()` waits for work in hand before it abandons it. Default 5 s. */
  readonly stopWaitMs?: number;
  /** Called after every tick, once the work it started has ended (tests and metrics). */
  readonly onTick?: (stats: TickStats) => void;
  /** Called whenever one request's work has ended (it may have written notices). */
  readonly onWorkDone?: () => void;
  /** Where an unreachable database is told, once per outage (the core shares one among its workers). */
  readonly outage?: StoreOutage;
}

export interface TickStats {
  readonly claimed: number;
  /** Whether this round won any workspace's poll for the interval (and so followed its provisioning requests). */
  readonly polled: boolean;
  readonly listCalls: number;
  readonly expired: number;
  readonly durationMs: number;
}

const FOLLOWED = ["approved", "creating", "deleting", "provisioning"] as const;
/** Claimed by any replica in every round, kicked or not: a create (or a delete) must start at once. */
const CREATES = ["approved", "creating", "deleting"] as const;
/** Claimed only by the replica that won the workspace's poll for this interval, so the fleet lists once. */
const POLLED = ["provisioning"] as const;

export const DEFAULT_LEASE_MS = 45_000;
export const DEFAULT_LIST_BOUND_MS = 5_000;
export const DEFAULT_CREATE_NOTICE_AFTER_MS = 5 * 60_000;
export const DEFAULT_CREATE_FAIL_AFTER_MS = 30 * 60_000;
/** Past the typical provisioning time (a few minutes to a quarter of an hour), the card shows the elapsed time. */
export const DEFAULT_ELAPSED_AFTER_MS = 15 * 60_000;
export const DEFAULT_ELAPSED_EVERY_MS = 5 * 60_000;

interface InFlight {
  readonly done: Promise<void>;
  /** When the work started, for creates (approved or creating): how long Databricks has not taken the call. */
  readonly createSince?: number;
  slowReported: boolean;
}

/**
 * Follows every request that has Databricks work in flight until it ends: starts approved creates, resumes creates
 * interrupted by a crash, and watches provisioning endpoints with one list call per poll interval for the whole
 * workspace and the whole fleet (details only for endpoints whose state changed). Every round claims the creates;
 * the provisioning requests are claimed only in a round that wins the workspace's poll lease (`PollLeases`), which
 * one replica of the fleet wins per interval, so however many replicas run, and however often approvals kick them,
 * Databricks sees one list call per interval. Claims requests with a lease, so two replicas never follow the same
 * one, and renews the leases of work in hand. Each claimed request's work runs on its own: a tick starts it and
 * goes on, so one slow or throttled call never holds back another request, the expiry or the next tick. `tick()`
 * runs one round and waits for the work it started; `start()` runs rounds every poll interval and whenever `kick()`
 * is called, without waiting for their work.
 */
export class Tracker {
  readonly #o: TrackerOptions;
  readonly #fingerprints = new Map<string, string>();
  readonly #rounds: Rounds;
  readonly #inFlight = new Map<string, InFlight>();
  /** Work that ended while the database was unreachable: its lease is released at the next round, not left to run out. */
  readonly #unreleased = new Map<string, DeployRequest>();
  readonly #outage: StoreOutage;
  /** Since when each workspace's list call has failed, without an answer since (in memory: a restart starts over). */
  readonly #downSince = new Map<string, number>();
  #renewTimer: NodeJS.Timeout | undefined;
  #renewing: Promise<void> | undefined;

  constructor(options: TrackerOptions) {
    this.#o = options;
    this.#outage = options.outage ?? new StoreOutage(options);
    this.#rounds = new Rounds(() => this.#loopOnce(), options.pollIntervalMs);
  }

  get #leaseMs(): number {
    return this.#o.leaseMs ?? DEFAULT_LEASE_MS;
  }

  get #createNoticeAfterMs(): number {
    return this.#o.createNoticeAfterMs ?? DEFAULT_CREATE_NOTICE_AFTER_MS;
  }

  /** Releases leases this owner held before a restart, then ticks now and every poll interval. */
  async start(): Promise<void> {
    const released = await this.#o.store.releaseLeasesOf(this.#o.owner);
    if (released > 0) this.#o.logger.info({ released }, "resumed requests in flight");
    this.#renewTimer = setInterval(() => void this.renewLeases(), Math.max(1, Math.floor(this.#leaseMs / 3)));
    this.#renewTimer.unref();
    this.#rounds.start();
  }

  /** Asks for a tick as soon as possible (after the one running, if any). */
  kick(): void {
    this.#rounds.kick();
  }

  /**
   * Stops ticking, waits for the work in hand (at most `stopWaitMs`, then abandons it), and releases this owner's
   * leases.
   */
  async stop(): Promise<void> {
    await this.#rounds.stop();
    const work = Promise.allSettled([...this.#inFlight.values()].map((w) => w.done));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<"abandoned">((resolve) => {
      timer = setTimeout(() => resolve("abandoned"), this.#o.stopWaitMs ?? 5_000);
    });
    const outcome = await Promise.race([work, waited]);
    clearTimeout(timer);
    if (outcome === "abandoned") {
      this.#o.logger.warn({ abandoned: this.#inFlight.size }, "tracker stopped with work in hand");
    }
    clearInterval(this.#renewTimer);
    await this.#o.store.releaseLeasesOf(this.#o.owner);
  }

  /**
   * Extends the lease of every request whose work is in hand (every third of the lease while running). One round at
   * a time: a call while one runs joins it. During a network cut each store call waits for its timeout, so rounds
   * stacked by the timer, each waiting once per request, would pile up for as long as the cut lasts.
   */
  renewLeases(): Promise<void> {
    this.#renewing ??= this.#renewAll().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #renewAll(): Promise<void> {
    const { store, clock, owner, logger } = this.#o;
    const until = clock.now() + this.#leaseMs;
    for (const id of this.#inFlight.keys()) {
      try {
        if (!(await store.renewLease(id, owner, until))) logger.warn({ requestId: id }, "tracker lease lost");
      } catch (error) {
        // The database out of reach: the other renewals would wait and fail the same way. The next round (a third
        // of the lease later) tries again, well before the leases run out.
        if (this.#outage.failed(error, "tracker")) return;
        logger.warn({ err: error, requestId: id }, "tracker lease not renewed");
      }
    }
  }

  async #loopOnce(): Promise<void> {
    try {
      const round = await this.#round();
      void round.done.then((stats) => this.#o.onTick?.(stats));
    } catch (error) {
      // An unreachable database is no bug: the round is simply tried again at the next interval.
      if (!this.#outage.failed(error, "tracker")) this.#o.logger.error({ err: error }, "tracker tick failed");
    }
  }

  /**
   * One round: expire undecided requests, then claim and advance every due create, and every due provisioning
   * request when the round wins the workspace's poll for this interval (a second tick within one interval of the
   * clock follows none); resolves when its work ends.
   */
  async tick(): Promise<TickStats> {
    const round = await this.#round();
    const stats = await round.done;
    this.#o.onTick?.(stats);
    return stats;
  }

  /** Starts a round's work and returns once it is started; `done` resolves when all of it has ended. */
  async #round(): Promise<{ done: Promise<TickStats> }> {
    const { store, clock, owner } = this.#o;
    const started = clock.now();
    await this.#releaseUnreleased(started);
    const expired = await this.#o.expireDue();
    await this.#reportSlowCreates();
    const claim = { owner, now: started, leaseMs: this.#leaseMs, limit: this.#o.batchSize ?? 1000 };
    const creates = await store.claimDue({ ...claim, states: CREATES });
    // Each workspace's poll is claimed whether or not anything provisions there: a winner with nothing to follow makes
    // no list call. A workspace's provisioning requests are followed only in a round that won its poll.
    const won: string[] = [];
    for (const workspace of this.#o.workspaces.names) {
      const poll = { workspace, owner, now: started, intervalMs: this.#o.pollIntervalMs };
      if (await store.claimPoll(poll)) won.push(workspace);
    }
    const polls = won.length > 0;
    const claimed = polls
      ? [...creates, ...(await store.claimDue({ ...claim, states: POLLED, workspaces: won }))]
      : creates;
    this.#outage.answered();
    let listCalls = 0;
    const listings = new Map<string, SharedBound<Map<string, EndpointSummary>>>();
    // One list call per won poll of a workspace, shared by every provisioning request of it followed in this round,
    // and so is the bound on the wait for it. Each workspace's call runs on its own: one that is down or slow holds
    // back only its own requests.
    const list = (workspace: string) => {
      let listing = listings.get(workspace);
      if (listing === undefined) {
        listCalls++;
        const only = followed.get(workspace) ?? new Set<string>();
        listing = new SharedBound(
          this.#listOf(workspace, only),
          this.#o.listBoundMs ?? DEFAULT_LIST_BOUND_MS,
        );
        listings.set(workspace, listing);
      }
      return listing;
    };
    const deps = {
      ...this.#o,
      fingerprints: this.#fingerprints,
      createNoticeAfterMs: this.#createNoticeAfterMs,
      createFailAfterMs: this.#o.createFailAfterMs ?? DEFAULT_CREATE_FAIL_AFTER_MS,
      elapsedAfterMs: this.#o.elapsedAfterMs ?? DEFAULT_ELAPSED_AFTER_MS,
      elapsedEveryMs: this.#o.elapsedEveryMs ?? DEFAULT_ELAPSED_EVERY_MS,
    };
    // A request whose work is still in hand (its lease re-taken by this owner after a jump of the clock) is skipped.
    const fresh = claimed.filter((request) => !this.#inFlight.has(request.id));
    // The endpoints each workspace's list is read for: those of the provisioning requests this round follows, not
    // every other team's endpoint of the workspace.
    const followed = new Map<string, Set<string>>();
    for (const request of fresh) {
      const name = request.state === "provisioning" ? endpointTarget(request)?.endpointName : undefined;
      if (name === undefined) continue;
      const names = followed.get(request.workspace) ?? new Set<string>();
      names.add(name);
      followed.set(request.workspace, names);
    }
    const work = fresh.map((request) => {
      const done = (async () => {
        try {
          const own = { ...deps, databricks: this.#o.workspaces.clientOf(request.workspace) };
          if (request.state === "approved") await startCreate(own, request);
          else if (request.state === "creating" || request.state === "deleting")
            await resumeCreate(own, request);
          else {
            let summaries: Map<string, EndpointSummary>;
            try {
              summaries = await this.#awaitList(request, list(request.workspace));
            } catch (error) {
              await this.#reportUnreachable(request, error);
              throw error;
            }
            await followProvisioning(own, request, summaries);
          }
        } catch (error) {
          // Cut by an outage, the work is safe where it stopped: the next check takes it up from the stored state.
          if (!this.#outage.failed(error, "tracker")) {
            this.#o.logger.warn({ err: error, requestId: request.id }, "request check failed");
          }
        } finally {
          try {
            await this.#release(request, started);
          } catch (error) {
            if (this.#outage.failed(error, "tracker")) this.#unreleased.set(request.id, request);
            else this.#o.logger.warn({ err: error, requestId: request.id }, "request lease not released");
          }
          this.#inFlight.delete(request.id);
          this.#o.onWorkDone?.();
        }
      })();
      const create =
        request.state === "approved" || request.state === "creating" || request.state === "deleting";
      this.#inFlight.set(request.id, {
        done,
        ...(create ? { createSince: clock.now() } : {}),
        slowReported: false,
      });
      return done;
    });
    const done = Promise.allSettled(work).then(() => ({
      claimed: fresh.length,
      polled: polls,
      listCalls,
      expired,
      durationMs: clock.now() - started,
    }));
    return { done };
  }

  /** One workspace's list call, read for the endpoints named `only`; an answer ends its outage. */
  async #listOf(workspace: string, only: ReadonlySet<string>): Promise<Map<string, EndpointSummary>> {
    try {
      const endpoints = await this.#o.workspaces.clientOf(workspace).listServingEndpoints(only);
      if (this.#downSince.delete(workspace)) this.#o.logger.info({ workspace }, "workspace answering again");
      return new Map(endpoints.map((e) => [e.name, e]));
    } catch (error) {
      this.#markDown(workspace, error);
      throw error;
    }
  }

  /**
   * Waits for the request's list call as long as it takes (the client bounds its retries), but past every list bound
   * without an answer the workspace counts as down, and the request's thread hears it once that has lasted the
   * notice bound: a workspace that hangs is told like one that refuses.
   */
  async #awaitList(
    request: DeployRequest,
    listing: SharedBound<Map<string, EndpointSummary>>,
  ): Promise<Map<string, EndpointSummary>> {
    const ms = this.#o.listBoundMs ?? DEFAULT_LIST_BOUND_MS;
    let told = false;
    for (;;) {
      const outcome = await listing.next();
      if (outcome !== undefined) return outcome.value;
      const error = new PtbotError("databricks_timeout", `no answer to the list call within ${ms} ms`);
      this.#markDown(request.workspace, error);
      if (!told) told = await this.#reportUnreachable(request, error);
    }
  }

  /** The workspace's outage starts now, unless it already runs (logged once per outage). */
  #markDown(workspace: string, error: unknown): void {
    if (this.#downSince.has(workspace)) return;
    this.#downSince.set(workspace, this.#o.clock.now());
    this.#o.logger.warn({ err: error, workspace }, "workspace not answering");
  }

  /**
   * A provisioning request whose workspace has not answered for the notice bound hears it in its thread, once (the
   * request's `unreachableReportedAt`, so a restart or another replica does not say it again).
   */
  async #reportUnreachable(request: DeployRequest, error: unknown): Promise<boolean> {
    const since = this.#downSince.get(request.workspace);
    const after = this.#o.unreachableNoticeAfterMs ?? this.#createNoticeAfterMs;
    if (request.unreachableReportedAt !== undefined) return true;
    if (since === undefined || this.#o.clock.now() - since < after) return false;
    const code = error instanceof PtbotError ? error.code : "databricks_unreachable";
    const applied = await applyEvent(this.#o, request.id, { type: "workspace_unreachable", since, code });
    if (applied.ok) this.#o.onWorkDone?.();
    // Told now, or already (another replica, an earlier round): either way, not again.
    return true;
  }

  /** A create call in hand for longer than the notice bound (a client retrying a 429, say) is told in its thread. */
  async #reportSlowCreates(): Promise<void> {
    const now = this.#o.clock.now();
    const noticeAfterMs = this.#createNoticeAfterMs;
    for (const [id, work] of this.#inFlight) {
      if (work.createSince === undefined || work.slowReported || now - work.createSince < noticeAfterMs)
        continue;
      work.slowReported = true;
      try {
        await applyEvent(this.#o, id, {
          type: "create_retrying",
          since: work.createSince,
          message: "no answer from Databricks yet",
          noticeAfterMs,
        });
        this.#o.onWorkDone?.();
      } catch (error) {
        if (!this.#outage.failed(error, "tracker")) {
          this.#o.logger.warn({ err: error, requestId: id }, "slow create not recorded");
        }
      }
    }
  }

  /**
   * Releases the leases of work that ended during an outage, so that it is checked again as soon as the database is
   * back instead of once its lease runs out. One whose lease this tracker has taken again is in hand: left alone.
   */
  async #releaseUnreleased(roundStart: number): Promise<void> {
    for (const [id, request] of this.#unreleased) {
      if (!this.#inFlight.has(id)) await this.#release(request, roundStart);
      this.#unreleased.delete(id);
    }
  }

  /**
   * Schedules the request's next check and frees its lease. Provisioning requests are paced by the poll lease, and
   * the next winner claims at the end of this interval, so they must be due by then: one followed in this round is
   * due when the interval of this round's poll ends (`roundStart` + interval, not an interval after its own look
   * ended), and one whose create was just accepted is due at once (its first look in the next poll). A create still
   * to retry waits one interval.
   */
  async #release(request: DeployRequest, roundStart: number): Promise<void> {
    const { store, clock, owner, pollIntervalMs } = this.#o;
    // The state alone: the whole request, read and parsed for each of a round's thousand, is garbage at once.
    const latest = await store.stateOf(request.id);
    if (latest !== undefined && FOLLOWED.some((s) => s === latest)) {
      const at =
        request.state === "provisioning"
          ? roundStart + pollIntervalMs
          : latest === "provisioning"
            ? clock.now()
            : clock.now() + pollIntervalMs;
      await store.scheduleCheck(request.id, at, owner);
    } else {
      this.#fingerprints.delete(request.id);
    }
    await store.releaseLease(request.id, owner);
  }
}
