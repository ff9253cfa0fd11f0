/**
 * Three replicas on one database, 50 concurrent conversations, random replicas SIGKILLed at random (seeded) moments
 * and started again, and (on PostgreSQL) the database server restarted in the middle. Slack reaches the replicas
 * through the load balancer, so clicks land on any of them, and a click sent to a dying replica is lost as it would
 * be in production (the person clicks again). At the end: every request READY, each endpoint created once, each
 * thread told each step exactly once (also where a kill, or the database restart, cut a delivery between Slack
 * accepting it and the outbox recording it: the notice is found in the thread by its metadata and not posted again),
 * nothing left in the outbox, and at most one Databricks list call per poll interval for the whole fleet.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, isReadyText } from "../../bench/conversation.js";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { openStore } from "../../src/store/open-store.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { createTestDatabase } from "../postgres/database.js";
import { startTestPostgres } from "../postgres/server.js";
import { assertAllReady } from "./assert-nothing-lost.js";
import {
  type BotFleet,
  type FleetDatabase,
  type Replica,
  sharedSqliteFile,
  startBotFleet,
} from "./bot-fleet.js";
import { stillAsksForApproval } from "./slack-cards.js";
import { isSmokeText, noticeOf, READY_THREAD } from "./thread-notices.js";
import { waitUntil } from "./wait-until.js";

const REPLICAS = 3;
const CONVERSATIONS = 50;
const KILLS = 5;
const POLL_MS = 100;

/** The database under test, and how to restart its server (PostgreSQL only). */
interface ChaosDatabase {
  readonly fleet: FleetDatabase;
  readonly restartServer: (() => Promise<void>) | undefined;
  cleanup(): Promise<void>;
}

/**
 * A private PostgreSQL server (the run's shared one must not be restarted under other tests) with a fresh database;
 * `sqlite` runs the same case on one shared SQLite file, which has no server to restart.
 */
async function chaosDatabase(kind: "postgres" | "sqlite"): Promise<ChaosDatabase> {
  if (kind === "sqlite")
    return { fleet: sharedSqliteFile(), restartServer: undefined, cleanup: async () => {} };
  const server = await startTestPostgres();
  try {
    const database = await createTestDatabase(server.url);
    return {
      fleet: { kind: "postgres", url: database.url },
      restartServer: () => server.restart(),
      cleanup: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** A deterministic sequence in [0, 1) (a small LCG), so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

interface Kill {
  readonly replica: string;
  readonly at: number;
  exitedAt: number;
  restartedAt: number;
}

/** The database restart: from when it was asked for until the server answered again. */
interface Cut {
  readonly cause: string;
  readonly at: number;
  readonly endedAt: number;
}

let fleet: BotFleet | undefined;
let db: ChaosDatabase | undefined;
afterEach(async () => {
  await fleet?.close();
  await db?.cleanup();
  fleet = undefined;
  db = undefined;
});

describe("three replicas, SIGKILLs at random and a database restart, 50 concurrent conversations", () => {
  it("ends every request READY, each endpoint created once, each notice delivered once", {
    timeout: 240_000,
  }, async () => {
    db = await chaosDatabase("postgres");
    const f = await startBotFleet({
      replicas: REPLICAS,
      database: db.fleet,
      provisioningMs: 1_500,
      pollIntervalMs: POLL_MS,
    });
    fleet = f;
    const watcher = new ConversationWatcher(f.slack);
    const driver = f.driver();
    const names = Array.from({ length: CONVERSATIONS }, (_, i) => `fleet-${String(i).padStart(2, "0")}`);
    const cards = await Promise.all(names.map(async (name) => (await command(watcher, driver, name)).card));

    const listCallsBefore = listCalls(f).length;
    const chaosStarted = performance.now();
    const clicks = Promise.allSettled(cards.map((card) => approve(driver, card)));
    const random = seeded(20261201);
    const kills: Kill[] = [];
    const restarts: Promise<void>[] = [];
    let databaseRestart: Cut | undefined;
    let databaseRestarting: Promise<void> | undefined;
    for (let k = 0; k < KILLS; k++) {
      await sleep(100 + Math.floor(random() * 600)); // The fault schedule, not a wait for a result.
      if (k === 0) {
        const readyBefore = cards.filter((card) =>
          watcher.replies(card).some((r) => isReadyText(r.message.text)),
        );
        expect(readyBefore.length, "the kills must interrupt work").toBeLessThan(CONVERSATIONS);
      }
      if (k === 2 && db.restartServer !== undefined) {
        const readyBefore = cards.filter((card) =>
          watcher.replies(card).some((r) => isReadyText(r.message.text)),
        );
        expect(readyBefore.length, "the database restart must interrupt work").toBeLessThan(CONVERSATIONS);
        const at = performance.now();
        databaseRestarting = db.restartServer();
        await databaseRestarting;
        databaseRestart = { cause: "the database restart", at, endedAt: performance.now() };
      }
      // One replica at least stays up, as in a rolling failure; the victim is any of the others.
      await waitUntil(() => f.replicas.filter((r) => r.alive()).length >= 2, {
        timeoutMs: 20_000,
        description: "a second replica up again",
      });
      const victims = f.replicas.filter((r) => r.alive());
      const victim = victims[Math.floor(random() * victims.length)] as Replica;
      const kill: Kill = { replica: victim.name, at: performance.now(), exitedAt: 0, restartedAt: 0 };
      kills.push(kill);
      await victim.kill("SIGKILL");
      expect((await victim.bot.exited).signal).toBe("SIGKILL");
      kill.exitedAt = performance.now();
      const downMs = Math.floor(random() * 1_000);
      restarts.push(
        sleep(downMs).then(async () => {
          await restartLikeAnOrchestrator(victim, () => databaseRestarting);
          kill.restartedAt = performance.now();
        }),
      );
    }
    await Promise.all(restarts);
    await clicks;

    // People whose click was lost (sent to a dying replica, or killed before it counted) click again.
    await expect
      .poll(
        async () => {
          const waiting = cards.filter((card) => stillAsksForApproval(f.slack, card));
          await Promise.allSettled(waiting.map((card) => approve(driver, card)));
          return waiting.length;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(0);
    // Every thread hears READY, then the smoke test's line: about 2 s after the last click in loops on a loaded
    // machine. A killed replica takes its leases back when it is started again (same PTBOT_INSTANCE_ID), so nothing
    // waits for a lease to run out (a replica that died for good would hold its notices for their 2 min lease: seen
    // when a replica crashed in the database restart, fixed in the store). A thread still waiting is named with what
    // it heard (PTBOT_CHAOS_LOG_DIR keeps the replicas' logs).
    const readyMs = await everyThreadHears(watcher, cards, names, isReadyText, 60_000);
    const smokeMs = await everyThreadHears(watcher, cards, names, isSmokeText, 30_000);
    console.info(
      `every READY line ${Math.round(readyMs)} ms after the last click, every smoke line ${Math.round(smokeMs)} ms after`,
    );
    const chaosMs = performance.now() - chaosStarted;
    const listCallTimes = listCalls(f)
      .slice(listCallsBefore)
      .map((r) => r.time);

    // Every killed replica was started again: one not running now died by itself (a crash, e.g. in the database
    // restart), which the rest of the fleet only covers for by waiting out its leases.
    expect(
      f.replicas.filter((r) => !r.alive()).map((r) => r.name),
      "replicas that died by themselves",
    ).toEqual([]);
    await f.stopAll();
    const { logger } = memoryLogger("silent");
    const store = await openStore(
      db.fleet.kind === "sqlite"
        ? { kind: "sqlite", path: db.fleet.path }
        : { kind: "postgres", url: db.fleet.url },
      logger,
    );
    try {
      await assertAllReady({
        store,
        emu: f.dbx,
        names,
        cards,
        replies: (card) => watcher.replies(card),
        thread: READY_THREAD,
      });
    } finally {
      await store.close();
      watcher.close();
    }
    expect(kills).toHaveLength(KILLS);
    expect(new Set(kills.map((k) => k.replica)).size, "more than one replica was killed").toBeGreaterThan(1);
    expect(databaseRestart !== undefined).toBe(db.restartServer !== undefined);
    // Every replica took part: each answered some of the requests the balancer passed on.
    for (const [name, n] of Object.entries(f.balancer?.countsByBackend() ?? {}))
      expect(n, `requests ${name} answered`).toBeGreaterThan(0);

    // Databricks list calls across the fleet. With the fleet-wide poll lease, one round in the whole fleet wins each
    // interval and only it lists, once: over the chaos, about one list call per interval elapsed; three replicas polling on their own make about three per interval. The count is what
    // holds however late a loaded machine lets a winning round make its call (a round delayed by more than an
    // interval can put three calls in one window; seen once), so the busiest window is reported, not asserted.
    const busiest = Math.max(
      0,
      ...listCallTimes.map((t) => listCallTimes.filter((u) => u >= t && u < t + POLL_MS).length),
    );
    console.info(
      `Databricks list calls during the chaos: ${listCallTimes.length} in ${Math.round(chaosMs)} ms ` +
        `(${POLL_MS} ms interval), at most ${busiest} in any one interval`,
    );
    expect(listCallTimes.length, "the tracker followed the provisioning").toBeGreaterThan(0);
    // A margin for calls claimed just before the count started and for rounds cut by kills: half an interval's
    // worth, far below the three per interval of replicas polling on their own.
    expect(listCallTimes.length, "list calls, fleet-wide, per poll interval").toBeLessThanOrEqual(
      Math.ceil((1.5 * chaosMs) / POLL_MS) + 2,
    );
  });
});

/**
 * Waits until every card's thread has a line that passes `test`; one that has not within `timeoutMs` fails the case
 * naming each late conversation with what its thread heard (its endpoint name leads to its request id in the logs:
 * `PTBOT_CHAOS_LOG_DIR` keeps them).
 */
async function everyThreadHears(
  watcher: ConversationWatcher,
  cards: readonly StoredMessage[],
  names: readonly string[],
  test: (text: string) => boolean,
  timeoutMs: number,
): Promise<number> {
  const since = performance.now();
  const late: string[] = [];
  await Promise.all(
    cards.map((card, i) =>
      watcher.reply(card, test, timeoutMs).catch(() => {
        const heard = watcher.replies(card).map((r) => noticeOf(r.message));
        late.push(`${names[i]} (card ${card.ts}) heard [${heard.join(", ")}]`);
      }),
    ),
  );
  expect(late, `threads still waiting after ${timeoutMs} ms`).toEqual([]);
  return performance.now() - since;
}

/**
 * Starts a killed replica again, as an orchestrator does: a replica started while the database restarts exits at
 * once ("the database cannot be reached", by design: ptbot does not start without its store), and is started again
 * once the database is back, as a crashed container would be.
 */
async function restartLikeAnOrchestrator(
  victim: Replica,
  databaseRestarting: () => Promise<void> | undefined,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await victim.restart();
      return;
    } catch (error) {
      const unreachable = error instanceof Error && error.message.includes("the database cannot be reached");
      if (!unreachable || attempt >= 5) throw error;
      await databaseRestarting();
    }
  }
}

function listCalls(f: BotFleet) {
  return f.dbx.requests.filter((r) => r.method === "GET" && r.path === "/api/2.0/serving-endpoints");
}
