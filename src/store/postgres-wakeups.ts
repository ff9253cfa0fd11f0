/**
 * Wake-ups between the replicas of one PostgreSQL database, on LISTEN/NOTIFY. One dedicated connection LISTENs (and
 * comes back after the server restarts, fails over or the connection drops, waiting a bounded, growing time between
 * attempts); announcements are one short `pg_notify` query through a small pool of their own. Each notification
 * names the replica that sent it, so a replica ignores its own; a payload that is not one of ours is ignored, never
 * fatal. Wake-ups only need the URL, not the store. The URL (which may carry a password) is never logged.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";
import type { Logger } from "../logger.js";
import type { WorkSignal } from "../workflow/apply-event.js";
import type { WakeupListener, Wakeups } from "../workflow/wakeups.js";

export interface PostgresWakeupsOptions {
  /** The database's URL (`PTBOT_DATABASE_URL`); node-postgres also reads the usual `PG*` variables. Never logged. */
  readonly url: string;
  readonly logger: Logger;
  /** This replica's name in what it announces, so that it ignores its own. Default: a random one. */
  readonly origin?: string;
  /** The channel every replica of the database LISTENs on. Default `ptbot_wakeups`. */
  readonly channel?: string;
  /** The connections' `application_name`, for people reading `pg_stat_activity`. Default `ptbot-wakeups`. */
  readonly applicationName?: string;
  /** Waits between reconnection attempts: from `minMs`, doubling, at most `maxMs`. Default 100 ms to 5 s. */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number };
  /**
   * How often the listening connection is checked with a trivial query, so that a connection cut without a word (a
   * network partition) is noticed and replaced. Default 30 s.
   */
  readonly heartbeatMs?: number;
  /** How long opening a connection, or a query (the heartbeat, an announcement), may take. Default 5 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_CHANNEL = "ptbot_wakeups";
const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** What a replica announces; unknown fields are tolerated, so a newer replica may add some. */
const PAYLOAD = z.object({ v: z.literal(1), from: z.string(), create: z.boolean(), notices: z.boolean() });
/** Heard after (re)connecting: anything announced while this replica was not listening may have been missed. */
const CATCH_UP: WorkSignal = { create: true, notices: true };
const DEFAULT_TIMEOUT_MS = 5_000;

export class PostgresWakeups implements Wakeups {
  readonly #o: PostgresWakeupsOptions;
  readonly #origin: string;
  readonly #channel: string;
  readonly #pool: pg.Pool;
  readonly #listeners = new Set<WakeupListener>();
  #client: pg.Client | undefined;
  #retryMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;
  #beating = false;

  /** Connects and LISTENs; rejects when the database cannot be reached now (later losses are reconnected). */
  static async open(options: PostgresWakeupsOptions): Promise<PostgresWakeups> {
    const wakeups = new PostgresWakeups(options);
    try {
      await wakeups.#listen();
    } catch (error) {
      await wakeups.close();
      throw error;
    }
    wakeups.#startHeartbeat();
    return wakeups;
  }

  private constructor(options: PostgresWakeupsOptions) {
    const channel = options.channel ?? DEFAULT_CHANNEL;
    if (!CHANNEL_NAME.test(channel)) throw new Error(`not a plain channel name: ${channel}`);
    this.#o = options;
    this.#channel = channel;
    this.#origin = options.origin ?? randomUUID();
    this.#retryMs = this.#reconnect.minMs;
    this.#pool = new pg.Pool({
      ...this.#connection,
      max: 2,
      idleTimeoutMillis: 10_000,
    });
    // An idle pooled connection cut by a server restart must not crash the process; the next query opens another.
    this.#pool.on("error", (error) => this.#o.logger.warn({ err: error }, "wakeups pool connection lost"));
  }

  get #reconnect(): { readonly minMs: number; readonly maxMs: number } {
    return this.#o.reconnect ?? { minMs: 100, maxMs: 5_000 };
  }

  get #timeoutMs(): number {
    return this.#o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  get #connection(): pg.ClientConfig {
    return {
      connectionString: this.#o.url,
      application_name: this.#o.applicationName ?? "ptbot-wakeups",
      keepAlive: true,
      // Without it, a reconnect into a network cut (a connection accepted, no handshake answered) waits forever and
      // the replica never listens again, even once the network is back.
      connectionTimeoutMillis: this.#timeoutMs,
      query_timeout: this.#timeoutMs,
    };
  }

  async announce(work: WorkSignal): Promise<void> {
    if (this.#closed) return;
    const payload = JSON.stringify({ v: 1, from: this.#origin, create: work.create, notices: work.notices });
    try {
      await this.#pool.query("SELECT pg_notify($1, $2)", [this.#channel, payload]);
    } catch (error) {
      this.#o.logger.warn({ err: error }, "wakeup not announced");
    }
  }

  subscribe(listener: WakeupListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#heartbeat);
    this.#listeners.clear();
    const client = this.#client;
    this.#client = undefined;
    await Promise.allSettled([client?.end(), this.#pool.end()]);
  }

  /** Opens the dedicated connection and LISTENs on it; it becomes the current one only once it listens. */
  async #listen(): Promise<void> {
    const client = new pg.Client(this.#connection);
    client.on("error", (error) => this.#lost(client, error));
    client.on("end", () => this.#lost(client));
    client.on("notification", (message) => this.#heard(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  /** The listening connection failed or ended: drop it and listen again after a wait (once per connection). */
  #lost(client: pg.Client, error?: Error): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    client.end().catch(() => {});
    if (this.#closed) return;
    this.#o.logger.warn({ err: error }, "wakeups connection lost");
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retryTimer !== undefined) return;
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#reconnect.maxMs, this.#retryMs * 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#listen().then(
        () => {
          if (this.#closed) return;
          this.#retryMs = this.#reconnect.minMs;
          this.#o.logger.info({}, "wakeups listening again");
          this.#emit(CATCH_UP);
        },
        (error: unknown) => {
          this.#o.logger.warn({ err: error, retryMs: this.#retryMs }, "wakeups reconnect failed");
          this.#scheduleReconnect();
        },
      );
    }, wait);
    this.#retryTimer.unref();
  }

  #startHeartbeat(): void {
    this.#heartbeat = setInterval(() => {
      const client = this.#client;
      // One beat at a time: a query on a client still running one is deprecated in pg (and refused in pg 9).
      if (client === undefined || this.#beating) return;
      this.#beating = true;
      client
        .query("SELECT 1")
        .catch((error: Error) => this.#lost(client, error))
        .finally(() => {
          this.#beating = false;
        });
    }, this.#o.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
  }

  #heard(message: pg.Notification): void {
    if (message.channel !== this.#channel) return;
    const payload = parsePayload(message.payload);
    if (payload === undefined) {
      this.#o.logger.warn({ channel: message.channel }, "malformed wakeup ignored");
      return;
    }
    if (payload.from === this.#origin) return;
    this.#emit({ create: payload.create, notices: payload.notices });
  }

  #emit(work: WorkSignal): void {
    for (const listener of this.#listeners) {
      try {
        listener(work);
      } catch (error) {
        this.#o.logger.warn({ err: error }, "wakeup listener failed");
      }
    }
  }
}

function parsePayload(text: string | undefined): z.infer<typeof PAYLOAD> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = PAYLOAD.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
