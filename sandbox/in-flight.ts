/**
 * Whether the bot still has work in hand, read from its SQLite file: a script run ends only once every request it
 * started has finished moving (or waits for a person) and every notice has reached Slack.
 */
import { DatabaseSync } from "node:sqlite";
import pg from "pg";

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
export const MOVING_STATES = ["resolving", "approved", "creating", "provisioning", "deleting"] as const;

/**
 * Opens the bot's database read-only, beside the bot's own connection (WAL lets readers run next to the writer).
 * It reads the `requests` and `outbox` tables directly because the store's interface has no count of pending
 * notices; the schema is the store's (`src/store/sqlite-migrations.ts`).
 */
export function openInFlightProbe(databasePath: string): InFlightProbe {
  const db = new DatabaseSync(databasePath, { readOnly: true });
  const placeholders = MOVING_STATES.map(() => "?").join(", ");
  // A ready endpoint's lifetime step due now (its expiry notice, say) is the bot's to take too.
  const requests = db.prepare(
    `SELECT count(*) AS n FROM requests WHERE state IN (${placeholders}) OR lifetime_due_at <= ?`,
  );
  const notices = db.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'");
  return {
    read: () => ({
      requests: Number(requests.get(...MOVING_STATES, Date.now())?.n ?? 0),
      notices: Number(notices.get()?.n ?? 0),
    }),
    close: () => db.close(),
  };
}

/** The same counts read from PostgreSQL (the replicas' shared database): one small pool of its own, read-only use. */
export interface AsyncInFlightProbe {
  read(): Promise<InFlight>;
  close(): Promise<void>;
}

/** {@link openInFlightProbe} for a PostgreSQL database: the same two counts, from the same tables. */
export function openPostgresInFlightProbe(url: string): AsyncInFlightProbe {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // A dropped connection is the pool's to replace; it must not take the sandbox down as an unhandled error.
  pool.on("error", () => {});
  return {
    async read() {
      const { rows } = await pool.query<{ requests: string; notices: string }>(
        `SELECT (SELECT count(*) FROM requests WHERE state = ANY($1) OR lifetime_due_at <= $2) AS requests,
                (SELECT count(*) FROM outbox WHERE status = 'pending') AS notices`,
        [[...MOVING_STATES], Date.now()],
      );
      return { requests: Number(rows[0]?.requests ?? 0), notices: Number(rows[0]?.notices ?? 0) };
    },
    close: () => pool.end(),
  };
}

export interface WaitIdleOptions {
  readonly probe: { read(): InFlight | Promise<InFlight> };
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
    const last = await options.probe.read();
    if (last.requests === 0 && last.notices === 0) return { idle: true, last };
    if (now() >= deadline) return { idle: false, last };
    await sleep(options.pollMs);
  }
}
