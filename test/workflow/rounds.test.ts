import { afterEach, describe, expect, it, vi } from "vitest";
import { Rounds } from "../../src/workflow/rounds.js";

/** A round that stays open until the test lets it end, counting how many started. */
function gatedRound() {
  let started = 0;
  let release: () => void = () => {};
  const round = () => {
    started++;
    return new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  return { round, started: () => started, endRound: () => release() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe("Rounds", () => {
  it("runs nothing before start and after stop", async () => {
    const g = gatedRound();
    const rounds = new Rounds(g.round, 1000);
    rounds.kick();
    expect(g.started()).toBe(0);
    rounds.start();
    expect(g.started()).toBe(1);
    const stopped = rounds.stop();
    g.endRound();
    await stopped;
    rounds.kick();
    await settle();
    expect(g.started()).toBe(1);
  });

  it("folds the kicks that come during a round into one more round right after it", async () => {
    const g = gatedRound();
    const rounds = new Rounds(g.round, 60_000);
    rounds.start();
    rounds.kick();
    rounds.kick();
    rounds.kick();
    expect(g.started()).toBe(1);
    g.endRound();
    await settle();
    expect(g.started()).toBe(2);
    g.endRound();
    await settle();
    expect(g.started()).toBe(2);
    const stopped = rounds.stop();
    await stopped;
  });

  it("runs again after the interval when nobody kicks", async () => {
    vi.useFakeTimers();
    let started = 0;
    const rounds = new Rounds(async () => {
      started++;
    }, 1000);
    rounds.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toBe(2);
    await rounds.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(started).toBe(2);
  });

  it("keeps the interval's round on time however often kicks come", async () => {
    vi.useFakeTimers();
    let started = 0;
    const rounds = new Rounds(async () => {
      started++;
    }, 1000);
    rounds.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(1);
    // Kicked rounds at 400 and 800 ms: the interval's round still comes at 1000 ms, not at 1800.
    await vi.advanceTimersByTimeAsync(400);
    rounds.kick();
    await vi.advanceTimersByTimeAsync(400);
    rounds.kick();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(3);
    await vi.advanceTimersByTimeAsync(199);
    expect(started).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toBe(4);
    await rounds.stop();
  });
});
