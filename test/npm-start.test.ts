/**
 * ptbot under a supervisor: the README's production command (`npm start`) started as a supervisor starts it, and
 * SIGTERM sent to exactly the process that command started (npm's own, as systemd's `KillMode=process`, a process
 * manager or a container whose command is `npm start` would). ptbot must drain and stop: nothing left serving on the
 * port, and no process of that tree left running. (npm 11 forwards SIGTERM to its script's shell and exits at once;
 * a shell that does not exec its command leaves `node dist/main.js` orphaned and serving.) A SIGTERM sent to the
 * whole process group reaches ptbot twice (directly, and forwarded by npm): the second must not cut the drain short.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startDatabricksEmulator } from "../emulators/databricks/index.js";
import { defaultCredentials, defaultWorkspace, startSlackEmulator } from "../emulators/slack/index.js";
import { waitUntil } from "./chaos/wait-until.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every process whose parent chain leads to `root` (Linux `/proc`), root excluded. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // Gone between the listing and the read.
    }
  }
  const found: number[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parentOf].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    found.push(...next);
    frontier = next;
  }
  return found;
}

/** Whether `pid` is a live process (a zombie waiting for its parent counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

interface Started {
  readonly npm: ChildProcessWithoutNullStreams;
  /** ptbot's JSON log lines so far (npm's own banner lines left out). */
  readonly logs: Record<string, unknown>[];
  /** npm and every process under it once ptbot had started. */
  readonly tree: number[];
  readonly base: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The README's production command, as a supervisor runs it: `npm start` as one process, no shell of ours around it
 * (`detached`: in a process group of its own, as a service manager starts it). Resolves once ptbot logged that it
 * started and answers `/healthz`.
 */
async function npmStart(): Promise<Started> {
  const dbx = await startDatabricksEmulator({ port: 0 });
  const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  cleanups.push(
    () => dbx.close(),
    () => slack.close(),
  );
  const home = mkdtempSync(join(tmpdir(), "ptbot-home-"));
  const npm = spawn("npm", ["start"], {
    cwd: ROOT,
    stdio: "pipe",
    detached: true,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      npm_config_update_notifier: "false",
      PORT: "0",
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      DATABRICKS_HOST: dbx.url,
      DATABRICKS_TOKEN: dbx.token,
      PTBOT_APPROVERS: "U0APPROVER",
      PTBOT_DATABASE: join(home, "ptbot.db"),
    },
  });
  const npmPid = npm.pid ?? 0;
  const tree = [npmPid];
  cleanups.push(() => {
    // Only what this test started: npm and the processes found under it.
    for (const pid of tree) if (running(pid)) process.kill(pid, "SIGKILL");
  });
  const exited = once(npm, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let stderr = "";
  npm.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const logs: Record<string, unknown>[] = [];
  const started = new Promise<Record<string, unknown>>((resolve) => {
    createInterface({ input: npm.stdout }).on("line", (line) => {
      if (!line.startsWith("{")) return;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      if (parsed.msg === "ptbot started") resolve(parsed);
    });
  });
  const line = await Promise.race([
    started,
    exited.then(({ code, signal }) => {
      throw new Error(`npm start exited (${code ?? signal}) before ptbot started: ${stderr}`);
    }),
  ]);
  tree.push(...descendants(npmPid));
  // Guard: the bot that logged is in the tree, so the checks after the signal look at the right processes.
  expect(tree).toContain(line.pid);
  const base = `http://127.0.0.1:${line.port}`;
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  return { npm, logs, tree, base, exited };
}

/** Waits (bounded) for npm to exit, then checks that it took ptbot with it after a full drain. */
async function expectStopped(
  started: Started,
  options: { readonly npmSignalledAfterDrain?: boolean } = {},
): Promise<void> {
  const { code, signal } = await Promise.race([
    started.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("npm start still running 15 s after SIGTERM")), 15_000),
    ),
  ]);
  // npm waited for ptbot: when it exits, nothing it started is left, and nothing answers on the port.
  const after = await fetch(`${started.base}/healthz`).then(
    (r) => `answered ${r.status}`,
    () => "refused",
  );
  expect(after).toBe("refused");
  expect(started.tree.filter(running)).toEqual([]);
  // ptbot drained (leases released, store closed) and exited 0, and npm passed that on.
  expect(started.logs.filter((l) => l.msg === "ptbot stopped")).toHaveLength(1);
  // A SIGTERM that reaches npm once ptbot has already exited ends npm itself (its forwarding is gone by then): the
  // drain was whole, which is what such a test is about.
  const allowed = options.npmSignalledAfterDrain
    ? [
        { code: 0, signal: null },
        { code: null, signal: "SIGTERM" },
      ]
    : [{ code: 0, signal: null }];
  expect(allowed).toContainEqual({ code, signal });
}

describe("npm start under a supervisor", () => {
  it("stops ptbot when SIGTERM is sent to exactly the process npm start is", async () => {
    const started = await npmStart();
    started.npm.kill("SIGTERM");
    await expectStopped(started);
  }, 60_000);

  it("drains once when SIGTERM reaches the whole process group (systemd's default), npm forwarding it again", async () => {
    const started = await npmStart();
    process.kill(-(started.npm.pid ?? 0), "SIGTERM");
    await expectStopped(started);
  }, 60_000);

  it("does not cut the drain short when a second SIGTERM arrives during it", async () => {
    const started = await npmStart();
    const bot = started.logs.find((l) => l.msg === "ptbot started")?.pid as number;
    // The order a group-wide SIGTERM may take: ptbot gets it first, then npm forwards its own copy.
    process.kill(bot, "SIGTERM");
    await waitUntil(() => started.logs.some((l) => l.msg === "shutting down"), {
      timeoutMs: 5_000,
      description: "ptbot to start its drain",
    });
    started.npm.kill("SIGTERM");
    // The drain may be over by the time npm's copy arrives (it is short here): then npm is ended by it.
    await expectStopped(started, { npmSignalledAfterDrain: true });
  }, 60_000);
});
