/**
 * Slack's Web API throttling ptbot's thread replies and card edits (HTTP 429 with `Retry-After`) while three
 * deploys are under way: every notice still arrives, once and in order, and every card ends up showing READY.
 */
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command } from "../../bench/conversation.js";
import { blockText, type Harness, startHarness } from "../integration/harness.js";
import { assertNothingLost } from "./assert-nothing-lost.js";
import { requestIdOf } from "./slack-cards.js";
import { isSmokeText, noticeOf, READY_THREAD } from "./thread-notices.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("Slack rate-limiting chat.postMessage and chat.update", () => {
  it("delivers every notice once, in order, after waiting as told", async () => {
    // The 429s here are scripted and counted: Slack's own per-channel limit (on by default) is off, so that the
    // dozen posts of three conversations in one channel add none of their own.
    h = await startHarness({ slack: { postRateLimit: "off" } });
    const harness = h;
    const watcher = new ConversationWatcher(harness.slack);
    const names = ["throttled-0", "throttled-1", "throttled-2"];
    const cards = await Promise.all(
      names.map(async (name) => (await command(watcher, harness.driver, name)).card),
    );

    harness.slack.rateLimit("chat.postMessage", { times: 3, retryAfterSeconds: 1 });
    harness.slack.rateLimit("chat.update", { times: 3, retryAfterSeconds: 1 });
    await Promise.all(cards.map((card) => approve(harness.driver, card)));
    await Promise.all(cards.map((card) => watcher.reply(card, isSmokeText, 20_000)));
    await Promise.all(
      cards.map((card) => harness.waitForCard(card, (m) => blockText(m).includes("*Ready*"), 20_000)),
    );

    const throttled = (method: string) => harness.slack.calls(method).filter((c) => c.status === 429).length;
    expect(throttled("chat.postMessage")).toBe(3);
    expect(throttled("chat.update")).toBe(3);
    const cardOf = new Map(names.map((name, i) => [name, cards[i]]));
    await assertNothingLost({
      expected: names.map((endpointName) => ({ endpointName, state: "ready" as const })),
      emu: harness.dbx,
      stateOf: async (e) => {
        const card = cardOf.get(e.endpointName);
        const id = card === undefined ? undefined : requestIdOf(card);
        return id === undefined ? undefined : (await harness.running.workflow.get(id))?.state;
      },
      idOf: async (e) => {
        const card = cardOf.get(e.endpointName);
        return card === undefined ? undefined : requestIdOf(card);
      },
      threadOf: (e) => {
        const card = cardOf.get(e.endpointName);
        return card === undefined ? [] : watcher.replies(card).map((s) => noticeOf(s.message));
      },
      expectedThread: () => READY_THREAD,
    });
    expect(harness.logs.filter((l) => l.msg === "notice given up")).toEqual([]);
    watcher.close();
  });
});
