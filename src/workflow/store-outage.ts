/**
 * The workers' view of the database being out of reach. During an outage every round of every worker fails the same
 * way, every poll interval, so each failure is not worth a line: the first one is logged (a warning: nothing is lost,
 * the work waits in the store) and so is the first success after it, with how long it lasted.
 */
import type { Logger } from "../logger.js";
import { StoreUnavailableError } from "../store/store-unavailable.js";
import type { Clock } from "./ports.js";

export class StoreOutage {
  readonly #logger: Logger;
  readonly #clock: Clock;
  #since: number | undefined;
  #failures = 0;

  constructor(deps: { readonly logger: Logger; readonly clock: Clock }) {
    this.#logger = deps.logger;
    this.#clock = deps.clock;
  }

  /** Whether an outage is on: a store call failed as unreachable, and none has answered since. */
  get on(): boolean {
    return this.#since !== undefined;
  }

  /**
   * Tells whether `error` is the store being unreachable, and if so counts it (logging the first of an outage).
   * `false` for any other error: the caller logs that one itself.
   */
  failed(error: unknown, worker: string): boolean {
    if (!(error instanceof StoreUnavailableError)) return false;
    this.#failures++;
    if (this.#since === undefined) {
      this.#since = this.#clock.now();
      // The cause (a connection error) names the host and port, never the password: pg does not put it in messages.
      this.#logger.warn({ err: error, worker }, "database unreachable, work waits until it is back");
    }
    return true;
  }

  /** A store call answered: ends the outage, if one was on (logged once). */
  answered(): void {
    if (this.#since === undefined) return;
    const downMs = this.#clock.now() - this.#since;
    this.#logger.info({ downMs, failures: this.#failures }, "database reachable again");
    this.#since = undefined;
    this.#failures = 0;
  }
}
