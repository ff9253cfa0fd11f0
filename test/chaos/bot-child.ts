/**
 * Runs `bot-process.ts` (ptbot as `npm start` runs it) as a child process on a fixed port and database file, so it
 * can be SIGKILLed and started again where it left off while the emulators stay up in the test process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A port the OS says is free now (ptbot is then told to listen on it, across restarts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface BotChild {
  readonly pid: number | undefined;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process is still running. */
  alive(): boolean;
  kill(signal: NodeJS.Signals): void;
}

/** Starts the bot and resolves once it logged `ptbot started`; rejects (with its stderr) if it exits first. */
export async function startBotChild(options: {
  readonly env: Readonly<Record<string, string>>;
  /** The lease owner; absent: the one ptbot chooses (`PTBOT_INSTANCE_ID`, else unique per process). */
  readonly owner?: string;
  readonly clockSkewMs: number;
}): Promise<BotChild> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/chaos/bot-process.ts",
      ...(options.owner === undefined ? [] : ["--owner", options.owner]),
      "--clock-skew-ms",
      String(options.clockSkewMs),
    ],
    { cwd: ROOT, stdio: "pipe", env: { PATH: process.env.PATH ?? "", ...options.env } },
  );
  const logs: Record<string, unknown>[] = [];
  // PTBOT_CHAOS_LOG_DIR keeps every child's log in a file of its own (`<instance>-<pid>.log`), so the requests of a
  // failed run can be followed through the processes that handled them.
  const logDir = process.env.PTBOT_CHAOS_LOG_DIR;
  const logFile =
    logDir === undefined || logDir === ""
      ? undefined
      : join(logDir, `${options.env.PTBOT_INSTANCE_ID ?? options.owner ?? "bot"}-${child.pid}.log`);
  if (logDir !== undefined && logDir !== "") mkdirSync(logDir, { recursive: true });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (logFile !== undefined) appendFileSync(logFile, chunk);
    stderr += chunk.toString();
  });
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const started = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (logFile !== undefined) appendFileSync(logFile, `${line}\n`);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        logs.push(parsed);
        if (parsed.msg === "ptbot started") resolve();
      } catch {
        logs.push({ raw: line });
      }
    });
  });
  await Promise.race([
    started,
    exited.then(({ code, signal }) => {
      throw new Error(`bot exited (${code ?? signal}) before starting: ${stderr}`);
    }),
  ]);
  return {
    pid: child.pid,
    logs,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
