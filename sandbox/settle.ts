/**
 * Waiting for the app to finish answering an action, so the conversation reads in order: what the app did
 * appears before the next prompt (or, in a script, before the next line is acted on).
 */
import type { SlackEmulatorEvent } from "../emulators/slack/index.js";

export interface SettleSource {
  subscribe(listener: (event: SlackEmulatorEvent) => void): () => void;
  events(since?: number): readonly SlackEmulatorEvent[];
}

export interface SettleOptions {
  /** Events after this `seq` count. */
  readonly since: number;
  /** Settled once no event has been recorded for this long. */
  readonly quietMs: number;
  /** Settled after this long whatever happens (the app keeps working: a thread fills up for minutes). */
  readonly maxMs: number;
  /** An event that settles at once (e.g. a modal opening for the user, who must answer it next). */
  readonly until?: (event: SlackEmulatorEvent) => boolean;
}

/**
 * Resolves when the emulator has been quiet for `quietMs`, when an `until` event is (or was, since `since`)
 * recorded, or after `maxMs`. Event-driven: each event restarts the quiet timer; nothing polls.
 */
export function settle(source: SettleSource, options: SettleOptions): Promise<void> {
  const until = options.until ?? (() => false);
  if (source.events(options.since).some(until)) return Promise.resolve();
  return new Promise((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      clearTimeout(bound);
      unsubscribe();
      resolve();
    };
    const arm = () => {
      clearTimeout(quiet);
      quiet = setTimeout(done, options.quietMs);
    };
    const unsubscribe = source.subscribe((event) => (until(event) ? done() : arm()));
    const bound = setTimeout(done, options.maxMs);
    arm();
  });
}
