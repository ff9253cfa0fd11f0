/**
 * ptbot killed with SIGKILL at random moments while 50 conversations are under way, and started again on the same
 * database file each time (as a container restart would), with the emulators staying up in this process. After the
 * last restart everything must complete: every endpoint created once, every thread told each step, nothing left in
 * the outbox. Each notice reaches its thread exactly once: a kill between Slack accepting a thread reply and the
 * outbox recording it no longer repeats that reply after the restart (the restarted process finds it in the thread by
 * its metadata), so no repeat is accepted.
 *
 * The command phase (command → card) runs before the kills: a kill inside it is tested separately below, at the
 * two points where it matters: in both, the requester's retry must go ahead.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, deployText, isReadyText } from "../../bench/conversation.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { assertAllReady } from "./assert-nothing-lost.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";
import { stillAsksForApproval } from "./slack-cards.js";
import { isSmokeText } from "./thread-notices.js";
import { waitUntil } from "./wait-until.js";

const CONVERSATIONS = 50;
const KILLS = 3;

let world: BotWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A deterministic sequence in [0, 1) (a small LCG), so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("SIGKILL at random moments of 50 concurrent conversations", () => {
  it("completes everything after the restarts: each endpoint created once, each notice delivered exactly once", async () => {
    const w = await startBotWorld({ provisioningMs: 1_500 });
    world = w;
    const watcher = new ConversationWatcher(w.slack);
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
    const names = Array.from({ length: CONVERSATIONS }, (_, i) => `kill-${String(i).padStart(2, "0")}`);
    const cards = await Promise.all(names.map(async (name) => (await command(watcher, driver, name)).card));

    // Every approver clicks at once; kills land while approvals, creates, provisioning and notices are under way.
    const clicks = Promise.allSettled(cards.map((card) => approve(driver, card)));
    const random = seeded(20261125);
    const kills: { at: number; exitedAt: number; restartedAt: number }[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(100 + Math.floor(random() * 900)); // The fault schedule, not a wait for a result.
      const at = performance.now();
      if (k === 0) {
        // The kills must interrupt work, or the test proves nothing.
        const readyBefore = cards.filter((card) =>
          watcher.replies(card).some((r) => isReadyText(r.message.text)),
        );
        expect(readyBefore.length).toBeLessThan(CONVERSATIONS);
      }
      w.bot.kill("SIGKILL");
      expect((await w.bot.exited).signal).toBe("SIGKILL");
      // From here on only the restarted process can post: it may do so before `restart()` resolves.
      const exitedAt = performance.now();
      await w.restart();
      kills.push({ at, exitedAt, restartedAt: performance.now() });
    }
    await clicks;

    // People whose click was lost (sent while the bot was down, or killed before it counted) click again.
    await expect
      .poll(
        async () => {
          const waiting = cards.filter((card) => stillAsksForApproval(w.slack, card));
          await Promise.allSettled(waiting.map((card) => approve(driver, card)));
          return waiting.length;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(0);
    await Promise.all(cards.map((card) => watcher.reply(card, isSmokeText, 20_000)));

    // Stop gracefully so the database can be read; then the last word: nothing lost.
    const stopped = w.bot.exited;
    w.bot.kill("SIGTERM");
    expect((await stopped).code).toBe(0);
    const store = await SqliteStore.open(w.dbPath);
    try {
      await assertAllReady({ store, emu: w.dbx, names, cards, replies: (card) => watcher.replies(card) });
    } finally {
      await store.close();
      watcher.close();
    }
    expect(w.restarts).toBe(KILLS);
  }, 90_000);
});

interface KillBeforeCard {
  /** The states of the requests for the endpoint after the restart and the retry, oldest first. */
  readonly states: string[];
  /** Whether a card for the endpoint was posted after the restart. */
  readonly cardAfterRestart: boolean;
  /** What the requester was told when they ran the command again (the card's text when one was posted). */
  readonly retryAnswer: string;
}

/**
 * `/pt deploy`, then SIGKILL while the command's after-ack work is held at one point (`lookup`: the model lookup at
 * the workspace, while the request is `resolving`; `card`: posting the card, rate-limited, once the request is
 * `awaiting_approval`), a restart, and the requester running the same command again.
 */
async function killBeforeCard(at: "lookup" | "card", name: string): Promise<KillBeforeCard> {
  const w = await startBotWorld({ provisioningMs: 300 });
  world = w;
  const watcher = new ConversationWatcher(w.slack);
  const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 5_000 });
  try {
    const lookup = "/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b/versions/3";
    if (at === "lookup") w.dbx.injectFault({ kind: "delay", ms: 5_000, method: "GET", path: lookup });
    else w.slack.rateLimit("chat.postMessage", { times: 1, retryAfterSeconds: 30 });
    const first = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: deployText(name),
    });
    expect(first.status).toBe(200);
    await waitUntil(
      () =>
        at === "lookup"
          ? w.dbx.requestsTo("GET", lookup).length === 1
          : w.slack.calls("chat.postMessage").some((c) => c.status === 429),
      { timeoutMs: 5_000, description: `the command to reach the ${at}` },
    );
    w.bot.kill("SIGKILL");
    await w.bot.exited;
    w.dbx.clearFaults();
    await w.restart();

    // The requester saw "Looking up…" and then nothing; they run the command again.
    const since = w.slack.lastSeq;
    const retry = await driver.slashCommand({
      user: "U0REQUESTER",
      channel: "C0MLDEPLOY",
      text: deployText(name),
    });
    expect(retry.status).toBe(200);
    const answer = await w.slack.waitFor(
      (e) =>
        e.type === "response_posted" || (e.type === "message_posted" && e.message.threadTs === undefined),
      { since, timeoutMs: 5_000, description: "an answer to the retried command" },
    );
    const cardAfterRestart = await watcher.card(name, 3_000).then(
      () => true,
      () => false,
    );
    w.bot.kill("SIGTERM");
    await w.bot.exited;
    const store = await SqliteStore.open(w.dbPath);
    try {
      const requests = await store.listByStates(["resolving", "awaiting_approval", "cancelled", "expired"]);
      return {
        states: requests.filter((r) => r.ask.endpointName === name).map((r) => r.state),
        cardAfterRestart,
        retryAnswer:
          answer.type === "response_posted"
            ? (answer.response.body.text ?? "")
            : answer.type === "message_posted"
              ? answer.message.text
              : "",
      };
    } finally {
      await store.close();
    }
  } finally {
    watcher.close();
  }
}

describe("SIGKILL while a command resolves the model (after the ack, before the card)", () => {
  let outcome: KillBeforeCard | undefined;
  // Set up outside the tests, so a broken setup fails loudly.
  beforeAll(async () => {
    outcome = await killBeforeCard("lookup", "gap-lookup");
  });

  it("lets the requester's retry go ahead with a new card", () => {
    expect(outcome?.cardAfterRestart).toBe(true);
    // The dead request held its `--name` from the start (issue 9, item 5), so the retry supersedes it.
    expect(outcome?.states).toEqual(["cancelled", "awaiting_approval"]);
  });
});

describe("SIGKILL while a command posts its card (the request already awaits approval)", () => {
  let outcome: KillBeforeCard | undefined;
  beforeAll(async () => {
    outcome = await killBeforeCard("card", "gap-card");
  });

  it("lets the requester's retry take over the card-less request and go ahead with a new card", () => {
    expect(outcome?.cardAfterRestart).toBe(true);
    expect(outcome?.states).toEqual(["cancelled", "awaiting_approval"]);
    expect(outcome?.retryAnswer).not.toContain("Another request for endpoint");
  });
});
