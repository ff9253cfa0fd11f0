/**
 * Whether the bot still has work in hand, read from its SQLite file: a script run ends only once every request it
 * started has finished moving (or waits for a person) and every notice has reached Slack.
 */
import { DatabaseSync } from "node:sqlite";

/** What is still moving: requests the bot works on by itself, and notices not yet delivered. */
export interface InFlight {
  readonly requests: number;
  readonly notices: number;
}

export interface InFlightProbe {
  read(): InFlight;
  close(): void;
}

/**
 * States in which the bot, not a person, moves the request on. `resolving` counts: a deploy whose card is not
 * posted yet is not settled. `awaiting_approval` does not: it waits for a person, possibly forever.
 */
export const MOVING_STATES = ["resolving", "approved", "creating", "provisioning"] as const;

/**
 * Opens the bot's database read-only, beside the bot's own connection (WAL lets readers run next to the writer).
 * It reads the `requests` and `outbox` tables directly because the store's interface has no count of pending
 * notices; the schema is the store's (`src/store/sqlite-migrations.ts`).
 */
export function openInFlightProbe(databasePath: string): InFlightProbe {
  const db = new DatabaseSync(databasePath, { readOnly: true });
  const placeholders = MOVING_STATES.map(() => "?").join(", ");
  const requests = db.prepare(`SELECT count(*) AS n FROM requests WHERE state IN (${placeholders})`);
  const notices = db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
  return {
    read: () => ({
      requests: Number(requests.get(...MOVING_STATES)?.n ?? 0),
      notices: Number(notices.get()?.n ?? 0),
    }),
    close: () => db.close(),
  };
}

export interface WaitIdleOptions {
  readonly probe: Pick<InFlightProbe, "read">;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Injected for tests; default real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/**
 * Polls until nothing is in flight (true) or `timeoutMs` passes (false, with what was still moving). Polling is
 * the honest tool here: the work happens in the bot, which announces nothing to the sandbox.
 */
export async function waitUntilIdle(options: WaitIdleOptions): Promise<{ idle: boolean; last: InFlight }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const last = options.probe.read();
    if (last.requests === 0 && last.notices === 0) return { idle: true, last };
    if (now() >= deadline) return { idle: false, last };
    await sleep(options.pollMs);
  }
}
