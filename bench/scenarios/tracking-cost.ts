/**
 * Tracking cost: Databricks calls made while N endpoints provision at once, ptbot's tracker (one list call per tick,
 * details only on change) against a per-endpoint waiter (a GET per endpoint per interval). Simulated time: the
 * emulator, the tracker and the waiter share a manual clock, stepped one poll interval at a time.
 */

import { defaultSeed, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import { ManualClock } from "../../test/fakes/manual-clock.js";
import { PerEndpointWaiter } from "../baseline-waiter.js";
import { APPROVER, CHANNEL, inBatches, LLAMA, REQUESTER, startCoreWorld } from "../core-world.js";
import type { BenchResult } from "../results.js";
import { round } from "../stats.js";

/** ptbot's default `PTBOT_POLL_INTERVAL_MS`. */
const POLL_MS = 15_000;
/** 20 minutes, plus a few seconds so the change does not fall on a tick and the lag is visible. */
const PROVISIONING_MS = 20 * 60_000 + 7_000;
const MAX_STEPS = Math.ceil(PROVISIONING_MS / POLL_MS) + 5;

export interface TrackingFigures {
  readonly n: number;
  /** Calls from the first tick after the creates until every request is READY. */
  readonly totalCalls: number;
  readonly minutes: number;
  readonly callsPerMinute: number;
  /** Calls per minute in the ticks where no endpoint changed state (the list call alone). */
  readonly steadyCallsPerMinute: number;
  /** Worst READY notice time minus the emulator's READY time. */
  readonly maxReadyLagMs: number;
}

const isListCall = (r: { method: string; path: string }) =>
  r.method === "GET" && r.path === "/api/2.0/serving-endpoints";

/** Other teams' endpoints in the default seed, listed in every tick. */
const FOREIGN = new Set((defaultSeed().foreign_endpoints ?? []).map((e) => e.name));

const nameOf = (i: number) => `bench-track-${String(i).padStart(4, "0")}`;

export async function measurePtbot(n: number): Promise<TrackingFigures> {
  const world = await startCoreWorld({ pollIntervalMs: POLL_MS, provisioningMs: PROVISIONING_MS });
  try {
    const ids = await inBatches(
      Array.from({ length: n }, (_, i) => i),
      50,
      async (i) => {
        const applied = await world.workflow.request({
          ask: { model: LLAMA, version: 3, endpointName: nameOf(i) },
          requester: { id: REQUESTER },
          channelId: CHANNEL,
        });
        if (!applied.ok || applied.request.state !== "awaiting_approval") {
          throw new Error(`request ${i} not awaiting approval: ${JSON.stringify(applied)}`);
        }
        const approved = await world.workflow.approve(applied.request.id, APPROVER);
        if (!approved.ok) throw new Error(`approval ${i} refused: ${approved.rejection.message}`);
        return applied.request.id;
      },
    );
    await world.step(1); // The create tick: every approved request is created now.
    const counts = await world.store.countByState();
    if (counts.provisioning !== n)
      throw new Error(`expected ${n} provisioning, got ${JSON.stringify(counts)}`);
    const first = world.emu.requests.length;
    const startedAt = world.clock.now();
    const steady: number[] = [];
    for (let step = 0; ; step++) {
      if (step > MAX_STEPS) throw new Error("requests did not all become READY");
      const before = world.emu.requests.length;
      await world.step();
      const calls = world.emu.requests.slice(before);
      if (calls.every(isListCall)) steady.push(calls.length);
      if ((await world.store.countByState()).ready === n) break;
    }
    const minutes = (world.clock.now() - startedAt) / 60_000;
    const totalCalls = world.emu.requests.length - first;
    // The default seed lists other teams' endpoints beside these: following ptbot's own must never read theirs.
    const foreign = world.emu.requests.filter(
      (r) => r.method === "GET" && FOREIGN.has(r.path.split("/")[4] ?? ""),
    );
    if (foreign.length > 0)
      throw new Error(`the tracker read ${foreign.length} details of other teams' endpoints`);
    const readyAt = new Map(
      world.notifier.delivered.filter((d) => d.type === "ready").map((d) => [d.requestId, d.at]),
    );
    let maxReadyLagMs = 0;
    for (const [i, id] of ids.entries()) {
      const at = readyAt.get(id);
      const changed = world.emu.stateChangedAt(nameOf(i));
      if (at === undefined || changed === undefined) throw new Error(`no READY notice for ${id}`);
      maxReadyLagMs = Math.max(maxReadyLagMs, at - changed);
    }
    const steadyMinutes = (steady.length * POLL_MS) / 60_000;
    return {
      n,
      totalCalls,
      minutes: round(minutes),
      callsPerMinute: round(totalCalls / minutes),
      steadyCallsPerMinute: round(steady.reduce((a, b) => a + b, 0) / steadyMinutes),
      maxReadyLagMs,
    };
  } finally {
    await world.close();
  }
}

export async function measureWaiter(n: number): Promise<TrackingFigures> {
  const clock = new ManualClock();
  const emu = await startDatabricksEmulator({
    port: 0,
    now: () => clock.now(),
    provisioningMs: PROVISIONING_MS,
  });
  try {
    const client = createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) });
    const names = Array.from({ length: n }, (_, i) => nameOf(i));
    await inBatches(names, 50, (name) =>
      client.createServingEndpoint({
        name,
        config: {
          served_entities: [
            {
              entity_name: LLAMA,
              entity_version: "3",
              min_provisioned_throughput: 1960,
              max_provisioned_throughput: 2940,
            },
          ],
        },
      }),
    );
    const first = emu.requests.length;
    const startedAt = clock.now();
    const waiter = new PerEndpointWaiter(client, names);
    const steady: number[] = [];
    for (let step = 0; waiter.pending > 0; step++) {
      if (step > MAX_STEPS) throw new Error("waiter did not finish");
      clock.advance(POLL_MS);
      const before = emu.requests.length;
      const pending = waiter.pending;
      await waiter.poll(clock.now());
      if (waiter.pending === pending) steady.push(emu.requests.length - before);
    }
    const minutes = (clock.now() - startedAt) / 60_000;
    const totalCalls = emu.requests.length - first;
    let maxReadyLagMs = 0;
    for (const [name, at] of waiter.done) {
      maxReadyLagMs = Math.max(maxReadyLagMs, at - (emu.stateChangedAt(name) ?? at));
    }
    return {
      n,
      totalCalls,
      minutes: round(minutes),
      callsPerMinute: round(totalCalls / minutes),
      steadyCallsPerMinute: round(steady.reduce((a, b) => a + b, 0) / ((steady.length * POLL_MS) / 60_000)),
      maxReadyLagMs,
    };
  } finally {
    await emu.close();
  }
}

export async function trackingCost(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const n of [1, 100, 1000]) {
    const ptbot = await measurePtbot(n);
    const waiter = await measureWaiter(n);
    const ratio = ptbot.totalCalls / waiter.totalCalls;
    const callsTarget = n < 1000 || ratio <= 1 / 100;
    const lagTarget = ptbot.maxReadyLagMs <= POLL_MS;
    results.push({
      scenario: `tracking cost, ${n} provisioning`,
      figures: {
        calls: ptbot.totalCalls,
        perMin: ptbot.callsPerMinute,
        steadyPerMin: ptbot.steadyCallsPerMinute,
        readyLagMs: ptbot.maxReadyLagMs,
      },
      baseline: {
        calls: waiter.totalCalls,
        perMin: waiter.callsPerMinute,
        steadyPerMin: waiter.steadyCallsPerMinute,
      },
      ratio: round(ratio, 4),
      target:
        n === 1000
          ? `calls ≤ 1/100 of waiter's; READY lag ≤ ${POLL_MS / 1000} s`
          : `READY lag ≤ ${POLL_MS / 1000} s`,
      met: callsTarget && lagTarget,
      notes:
        `${round(ptbot.minutes, 1)} simulated min, poll ${POLL_MS / 1000} s, provisioning ${PROVISIONING_MS / 1000} s; ` +
        "calls counted from the first tick after the creates until all READY",
    });
  }
  return results;
}
