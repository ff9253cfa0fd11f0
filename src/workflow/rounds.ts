/**
 * Runs an async round now and then: every `intervalMs`, and as soon as possible after `kick()`. Never two rounds at
 * once: a kick during a round asks for one more right after it, however many kicks came. Rounds do not overlap and
 * none is lost, which is what the tracker and the notice dispatcher both need from their loop. A kicked round does
 * not put off the interval's round: the cadence holds however often kicks come, so the tracker's poll of Databricks
 * (which a kicked round usually may not take, another round of the interval having taken it) is never late.
 */
export class Rounds {
  readonly #round: () => Promise<void>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;

  /** `round` must not throw: it logs its own failures, since nobody awaits it. */
  constructor(round: () => Promise<void>, intervalMs: number) {
    this.#round = round;
    this.#intervalMs = intervalMs;
  }

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Asks for a round as soon as possible (after the one running, if any). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#round().finally(() => {
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        this.kick();
      } else if (this.#timer === undefined) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.kick();
        }, this.#intervalMs);
        // A waiting timer must not keep a process alive that has nothing else to do.
        this.#timer.unref();
      }
    });
  }

  /** No round starts after this; resolves once the round in hand (if any) has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
