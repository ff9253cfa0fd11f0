/**
 * Deploy conversations as people have them, through the Slack emulator's driver: `/pt deploy … --name <name>`, the
 * card, the approver's click, and the thread's replies. A {@link ConversationWatcher} follows the emulator's events
 * once and indexes them by endpoint name and thread, so hundreds of conversations can wait at once without each
 * scanning every message (which would cost the load generator more than the app it measures).
 */
import { performance } from "node:perf_hooks";
import type { SlackDriver, SlackEmulator, StoredMessage } from "../emulators/slack/index.js";
import { ACTIONS, CARD_BLOCKS } from "../src/slack/ids.js";
import { APPROVER, CHANNEL, MODEL, REQUESTER } from "./ptbot-env.js";

export function deployText(name: string): string {
  return `deploy ${MODEL} 3 --name ${name}`;
}

const ENDPOINT_FIELD = /\*Endpoint\*\\n`([A-Za-z0-9_-]+)`/;

/** A bot message as seen, with the `performance.now()` of the moment the emulator recorded it. */
export interface Seen {
  readonly message: StoredMessage;
  readonly at: number;
}

type Waiter = { test: (s: Seen) => boolean; resolve: (s: Seen) => void };

/** Follows the Slack emulator's bot messages: cards by endpoint name, thread replies and card edits by card ts. */
export class ConversationWatcher {
  readonly #cards = new Map<string, Seen>();
  readonly #threads = new Map<string, Seen[]>();
  readonly #edits = new Map<string, Seen[]>();
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #unsubscribe: () => void;

  constructor(slack: SlackEmulator) {
    this.#unsubscribe = slack.subscribe((event) => {
      if (event.type !== "message_posted" && event.type !== "message_updated") return;
      const m = event.message;
      if (m.botId === undefined) return;
      const seen = { message: m, at: performance.now() };
      if (event.type === "message_updated") return this.#add(this.#edits, `edit:${m.ts}`, m.ts, seen);
      if (m.threadTs !== undefined) return this.#add(this.#threads, `thread:${m.threadTs}`, m.threadTs, seen);
      if (!m.blocks.some((b) => b.block_id === CARD_BLOCKS.status)) return;
      const name = ENDPOINT_FIELD.exec(JSON.stringify(m.blocks))?.[1];
      if (name === undefined) return;
      this.#cards.set(name, seen);
      this.#wake(`card:${name}`, seen);
    });
  }

  #add(map: Map<string, Seen[]>, key: string, ts: string, seen: Seen): void {
    const list = map.get(ts) ?? [];
    list.push(seen);
    map.set(ts, list);
    this.#wake(key, seen);
  }

  #wake(key: string, seen: Seen): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    const left = waiters.filter((w) => {
      if (!w.test(seen)) return true;
      w.resolve(seen);
      return false;
    });
    if (left.length === 0) this.#waiters.delete(key);
    else this.#waiters.set(key, left);
  }

  #wait(key: string, past: readonly Seen[], test: (s: Seen) => boolean, timeoutMs: number): Promise<Seen> {
    const found = past.find(test);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${key}`)),
        timeoutMs,
      );
      const waiters = this.#waiters.get(key) ?? [];
      waiters.push({
        test,
        resolve: (s) => {
          clearTimeout(timer);
          resolve(s);
        },
      });
      this.#waiters.set(key, waiters);
    });
  }

  card(name: string, timeoutMs = 30_000): Promise<Seen> {
    const known = this.#cards.get(name);
    return this.#wait(`card:${name}`, known === undefined ? [] : [known], () => true, timeoutMs);
  }

  reply(card: StoredMessage, test: (text: string) => boolean, timeoutMs = 30_000): Promise<Seen> {
    return this.#wait(
      `thread:${card.ts}`,
      this.#threads.get(card.ts) ?? [],
      (s) => test(s.message.text),
      timeoutMs,
    );
  }

  /** The first edit of the card recorded after `since` (a `performance.now()`). */
  edit(card: StoredMessage, since: number, timeoutMs = 30_000): Promise<Seen> {
    return this.#wait(`edit:${card.ts}`, this.#edits.get(card.ts) ?? [], (s) => s.at >= since, timeoutMs);
  }

  /** The bot's replies in the card's thread so far, oldest first. */
  replies(card: StoredMessage): readonly Seen[] {
    return this.#threads.get(card.ts) ?? [];
  }

  close(): void {
    this.#unsubscribe();
  }
}

export async function command(
  watcher: ConversationWatcher,
  driver: SlackDriver,
  name: string,
  timeoutMs = 30_000,
  channel = CHANNEL,
): Promise<{ card: StoredMessage; ackMs: number }> {
  const result = await driver.slashCommand({ user: REQUESTER, channel, text: deployText(name) });
  if (result.status !== 200) throw new Error(`/pt for ${name} answered HTTP ${result.status}`);
  const { message } = await watcher.card(name, timeoutMs);
  return { card: message, ackMs: result.ackMs };
}

export async function approve(driver: SlackDriver, card: StoredMessage): Promise<number> {
  const result = await driver.clickButton({
    user: APPROVER,
    channel: card.channel,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  if (result.status !== 200) throw new Error(`approve on ${card.ts} answered HTTP ${result.status}`);
  return result.ackMs;
}

export const isReadyText = (text: string): boolean => text.includes("is READY");
