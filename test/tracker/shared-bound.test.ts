/**
 * The bound on the wait for a round's list call is shared (issue 16, memory): however many provisioning requests wait
 * for the answer, one timer runs per period, each waiter hears of a period without an answer, and the answer (or
 * its failure) reaches every waiter. Before, each request ran its own timer every round: 1000 requests in flight
 * made 1000 timers per poll interval.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SharedBound } from "../../src/tracker/shared-bound.js";

afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("SharedBound", () => {
  it("runs one timer for every waiter of a period, and tells each of them when it ends", async () => {
    vi.useFakeTimers();
    const answer = deferred<string>();
    const bound = new SharedBound(answer.promise, 5_000);
    const waits = Array.from({ length: 1000 }, () => bound.next());
    expect(vi.getTimerCount()).toBe(1);
    expect(bound.timers).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await Promise.all(waits)).toEqual(Array(1000).fill(undefined));
    // The next period starts with the first waiter after the last one ended, again on one timer.
    const again = Array.from({ length: 1000 }, () => bound.next());
    expect(vi.getTimerCount()).toBe(1);
    answer.resolve("listed");
    expect(await Promise.all(again)).toEqual(Array(1000).fill({ value: "listed" }));
    expect(vi.getTimerCount()).toBe(0);
    expect(bound.timers).toBe(0);
  });

  it("answers at once, without a timer, once the answer has come", async () => {
    vi.useFakeTimers();
    const bound = new SharedBound(Promise.resolve(42), 5_000);
    await bound.next();
    expect(await bound.next()).toEqual({ value: 42 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes a failed answer to every waiter and leaves no timer", async () => {
    vi.useFakeTimers();
    const answer = deferred<string>();
    const bound = new SharedBound(answer.promise, 5_000);
    const waits = Array.from({ length: 3 }, () => bound.next());
    answer.reject(new Error("workspace down"));
    for (const wait of waits) await expect(wait).rejects.toThrow("workspace down");
    expect(vi.getTimerCount()).toBe(0);
  });
});
