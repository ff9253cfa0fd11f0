/**
 * A wait for one answer with a bound, shared by everyone waiting for it: each period of `ms` without the answer ends
 * for every waiter of that period on one timer. The tracker's provisioning requests of a workspace all wait for the
 * round's one list call; with a timer (and its promises) per request, a round with 1000 requests in flight made
 * 1000 of them every poll interval, for an answer that usually came in milliseconds.
 */
export class SharedBound<T> {
  readonly #ms: number;
  readonly #answered: Promise<{ readonly value: T }>;
  #settled = false;
  #timer: NodeJS.Timeout | undefined;
  /** The wait of the period under way: the same promise for all its waiters. */
  #period: Promise<{ readonly value: T } | undefined> | undefined;

  constructor(answer: Promise<T>, ms: number) {
    this.#ms = ms;
    this.#answered = answer.then((value) => ({ value }));
    const settle = () => {
      this.#settled = true;
      clearTimeout(this.#timer);
      this.#timer = undefined;
    };
    answer.then(settle, settle);
  }

  /** Timers running now (0 or 1), for tests. */
  get timers(): number {
    return this.#timer === undefined ? 0 : 1;
  }

  /**
   * The answer (rejected as it is), or `undefined` once the period under way ends without it. The first waiter
   * after a period has ended starts the next one.
   */
  next(): Promise<{ readonly value: T } | undefined> {
    if (this.#settled) return this.#answered;
    this.#period ??= Promise.race([
      this.#answered,
      new Promise<undefined>((resolve) => {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#period = undefined;
          resolve(undefined);
        }, this.#ms);
        this.#timer.unref();
      }),
    ]);
    return this.#period;
  }
}
