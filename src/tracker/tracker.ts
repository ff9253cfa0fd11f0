import type { EndpointSummary } from "../databricks/index.js";
import type { ApprovalPolicy, DeployRequest } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { RequestStore } from "../store/request-store.js";
import type { DeployWorkflow } from "../workflow/deploy-workflow.js";
import type { Clock, DatabricksApi } from "../workflow/ports.js";
import { Rounds } from "../workflow/rounds.js";
import { followProvisioning } from "./follow-provisioning.js";
import { resumeCreate, startCreate } from "./start-create.js";

export interface TrackerOptions {
  readonly store: RequestStore;
  readonly databricks: DatabricksApi;
  readonly workflow: DeployWorkflow;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  readonly logger: Logger;
  /** Who holds the leases; stable across restarts of one replica (its leases are released at start). */
  readonly owner: string;
  readonly pollIntervalMs: number;
  readonly provisioningLimitMs: number;
  /** How long a claim lasts; longer than the slowest create call with its retries. Default 10 min. */
  readonly leaseMs?: number;
  /** Requests claimed per tick. Default 1000. */
  readonly batchSize?: number;
  /** Called after every tick (tests and metrics). */
  readonly onTick?: (stats: TickStats) => void;
}

export interface TickStats {
  readonly claimed: number;
  readonly listCalls: number;
  readonly expired: number;
  readonly durationMs: number;
}

const FOLLOWED = ["approved", "creating", "provisioning"] as const;

/**
 * Follows every request that has Databricks work in flight until it ends: starts approved creates, resumes creates
 * interrupted by a crash, and watches provisioning endpoints with one list call per tick for the whole workspace
 * (details only for endpoints whose state changed). Claims requests with a lease, so two replicas never follow the
 * same one. `tick()` is the unit of work; `start()` runs it every poll interval and whenever `kick()` is called.
 */
export class Tracker {
  readonly #o: TrackerOptions;
  readonly #fingerprints = new Map<string, string>();
  readonly #rounds: Rounds;

  constructor(options: TrackerOptions) {
    this.#o = options;
    this.#rounds = new Rounds(() => this.#loopOnce(), options.pollIntervalMs);
  }

  /** Releases leases this owner held before a restart, then ticks now and every poll interval. */
  async start(): Promise<void> {
    const released = await this.#o.store.releaseLeasesOf(this.#o.owner);
    if (released > 0) this.#o.logger.info({ released }, "resumed requests in flight");
    this.#rounds.start();
  }

  /** Asks for a tick as soon as possible (after the one running, if any). */
  kick(): void {
    this.#rounds.kick();
  }

  /** Stops ticking, waits for the tick in hand, and releases this owner's leases. */
  async stop(): Promise<void> {
    await this.#rounds.stop();
    await this.#o.store.releaseLeasesOf(this.#o.owner);
  }

  async #loopOnce(): Promise<void> {
    try {
      await this.tick();
    } catch (error) {
      this.#o.logger.error({ err: error }, "tracker tick failed");
    }
  }

  /** One round: expire undecided requests, then claim and advance every due request. */
  async tick(): Promise<TickStats> {
    const { store, clock, owner } = this.#o;
    const started = clock.now();
    const expired = await this.#o.workflow.expireDue();
    const claimed = await store.claimDue({
      owner,
      now: started,
      leaseMs: this.#o.leaseMs ?? 10 * 60_000,
      limit: this.#o.batchSize ?? 1000,
      states: FOLLOWED,
    });
    let listCalls = 0;
    let listing: Promise<Map<string, EndpointSummary>> | undefined;
    // One list call per tick, shared by every provisioning request followed in it.
    const list = () => {
      if (listing === undefined) {
        listCalls++;
        listing = this.#o.databricks
          .listServingEndpoints()
          .then((endpoints) => new Map(endpoints.map((e) => [e.name, e])));
      }
      return listing;
    };
    const deps = { ...this.#o, fingerprints: this.#fingerprints };
    await Promise.all(
      claimed.map(async (request) => {
        try {
          if (request.state === "approved") await startCreate(deps, request);
          else if (request.state === "creating") await resumeCreate(deps, request);
          else await followProvisioning(deps, request, await list());
        } catch (error) {
          this.#o.logger.warn({ err: error, requestId: request.id }, "request check failed");
        } finally {
          await this.#release(request);
        }
      }),
    );
    const stats = { claimed: claimed.length, listCalls, expired, durationMs: clock.now() - started };
    this.#o.onTick?.(stats);
    return stats;
  }

  async #release(request: DeployRequest): Promise<void> {
    const { store, clock, owner, pollIntervalMs } = this.#o;
    const latest = await store.get(request.id);
    if (latest !== undefined && FOLLOWED.some((s) => s === latest.state)) {
      await store.scheduleCheck(request.id, clock.now() + pollIntervalMs);
    } else {
      this.#fingerprints.delete(request.id);
    }
    await store.releaseLease(request.id, owner);
  }
}
