import { EventEmitter } from "node:events";
import { SlackEmulatorError } from "./errors.js";
import type { EventInput, SlackEmulatorEvent } from "./types.js";

export interface WaitForOptions {
  /** How long to wait before rejecting; default 2000 ms. A bound, not a sleep: resolution is event-driven. */
  readonly timeoutMs?: number;
  /**
   * Only events with a greater `seq` count (see {@link EventLog.lastSeq}); default 0, i.e. the whole history, so an
   * event that happened before the call (the app is fast) still matches.
   */
  readonly since?: number;
  /** Words for the timeout message: what was awaited. */
  readonly description?: string;
}

/** Listens to every recorded event; returns the unsubscribe function. */
export type EventListener = (event: SlackEmulatorEvent) => void;

/**
 * The emulator's ordered record of what happened, with an emitter so that tests and the sandbox react to events
 * as they are recorded instead of polling.
 */
export class EventLog {
  readonly #events: SlackEmulatorEvent[] = [];
  readonly #emitter = new EventEmitter();

  constructor() {
    // Benchmarks run hundreds of concurrent waits; each holds one listener until it settles.
    this.#emitter.setMaxListeners(0);
  }

  record(input: EventInput): SlackEmulatorEvent {
    const event = { ...input, seq: this.#events.length + 1 } as SlackEmulatorEvent;
    this.#events.push(event);
    this.#emitter.emit("event", event);
    return event;
  }

  /** The `seq` of the newest event (0 when none): pass it as `since` to wait only for what comes next. */
  get lastSeq(): number {
    return this.#events.length;
  }

  events(since = 0): readonly SlackEmulatorEvent[] {
    return this.#events.slice(since);
  }

  subscribe(listener: EventListener): () => void {
    this.#emitter.on("event", listener);
    return () => this.#emitter.off("event", listener);
  }

  /** Resolves with the first event (already recorded after `since`, or yet to come) that satisfies `predicate`. */
  waitFor<E extends SlackEmulatorEvent>(
    predicate: (event: SlackEmulatorEvent) => event is E,
    options?: WaitForOptions,
  ): Promise<E>;
  waitFor(
    predicate: (event: SlackEmulatorEvent) => boolean,
    options?: WaitForOptions,
  ): Promise<SlackEmulatorEvent>;
  waitFor(
    predicate: (event: SlackEmulatorEvent) => boolean,
    options: WaitForOptions = {},
  ): Promise<SlackEmulatorEvent> {
    const since = options.since ?? 0;
    const timeoutMs = options.timeoutMs ?? 2000;
    const past = this.#events.slice(since).find(predicate);
    if (past !== undefined) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const listener = (event: SlackEmulatorEvent) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        this.#emitter.off("event", listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.#emitter.off("event", listener);
        reject(
          new SlackEmulatorError(
            "wait_timeout",
            `waitFor${options.description === undefined ? "" : ` (${options.description})`} timed out after ` +
              `${timeoutMs} ms; events since #${since}:\n${describeEvents(this.#events.slice(since))}`,
          ),
        );
      }, timeoutMs);
      this.#emitter.on("event", listener);
    });
  }
}

const SHOWN_EVENTS = 30;

/** One line per event, newest last, so a timed-out wait says what did happen. */
export function describeEvents(events: readonly SlackEmulatorEvent[]): string {
  if (events.length === 0) return "  (none)";
  const shown = events.slice(-SHOWN_EVENTS).map((e) => `  #${e.seq} ${describeEvent(e)}`);
  const hidden = events.length - shown.length;
  return (hidden > 0 ? [`  ... ${hidden} earlier`, ...shown] : shown).join("\n");
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 79)}…` : flat);
}

export function describeEvent(event: SlackEmulatorEvent): string {
  switch (event.type) {
    case "message_posted":
    case "message_updated":
    case "message_deleted": {
      const m = event.message;
      const thread = m.threadTs === undefined ? "" : ` thread=${m.threadTs}`;
      return `${event.type} ${m.channel} ts=${m.ts}${thread} by ${m.user} ${clip(m.text)} (${m.blocks.length} blocks)`;
    }
    case "ephemeral_posted":
    case "ephemeral_updated": {
      const e = event.ephemeral;
      return `${event.type} ${e.channel} to ${e.user} via ${e.source} ${clip(e.text)}`;
    }
    case "response_posted": {
      const r = event.response;
      return `response_posted #${r.use} to ${r.origin.kind} url ${r.responseUrlId} ${clip(r.body.text ?? "")}`;
    }
    case "view_opened":
    case "view_updated":
    case "view_closed":
      return `${event.type} ${event.view.id} for ${event.view.user} callback_id=${event.view.view.callback_id}`;
    case "home_published":
      return `home_published for ${event.home.user} (${event.home.view.blocks.length} blocks)`;
    case "api_call": {
      const c = event.call;
      const ok = c.response.ok === true ? "ok" : `error=${String(c.response.error)}`;
      return `api_call ${c.method} ${c.status} ${ok}`;
    }
    case "delivered": {
      const d = event.delivery;
      return `delivered ${d.kind} from ${d.user ?? "?"} → HTTP ${d.status} in ${Math.round(d.ackMs)} ms`;
    }
  }
}
