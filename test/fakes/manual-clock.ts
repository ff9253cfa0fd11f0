import type { Clock } from "../../src/workflow/ports.js";

/** A clock that moves only when told: workflow, tracker and emulator share one so tests decide what time it is. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.UTC(2026, 10, 25, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
