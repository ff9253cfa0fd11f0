/**
 * ptbot in a child process for the memory scenario, run with `--expose-gc`: configured from the environment like
 * `npm start`, it reports its port, then answers each `sample` message from the parent with its memory after
 * forcing garbage collection (RSS as the median of five samples, so one stray allocation does not decide), and a
 * `snapshot` message by writing a V8 heap snapshot to the current directory (for looking into the heap by hand).
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { getHeapSpaceStatistics, writeHeapSnapshot } from "node:v8";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startPtbot } from "../src/main.js";

export interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  /** V8's young generation as committed: it grows under allocation bursts and is not given back. */
  readonly newSpaceBytes: number;
  /** Memory of C++ objects bound to JS objects (Buffers among them), as `process.memoryUsage()` reports it. */
  readonly externalBytes: number;
  /** The part of `external` held by ArrayBuffers and Buffers. */
  readonly arrayBuffersBytes: number;
  /** Each V8 heap space's committed size (`space_size`), by space name. */
  readonly heapSpaces: Readonly<Record<string, number>>;
  /**
   * Resident bytes by kind of mapping, from `/proc/self/smaps` (Linux only, else empty): `[heap]` (malloc's main
   * arena), `anon` (other anonymous mappings: V8's pages, malloc's other arenas and large blocks), each file by name.
   */
  readonly rssByMapping: Readonly<Record<string, number>>;
}

/** Resident bytes per mapping name (anonymous mappings as `anon`), the biggest first. */
function rssByMapping(): Record<string, number> {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return {};
  }
  const out = new Map<string, number>();
  let name = "anon";
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header !== null) name = header[1] === "" || header[1] === undefined ? "anon" : header[1];
    else if (line.startsWith("Rss:")) {
      const kb = Number(/(\d+)/.exec(line)?.[1] ?? 0);
      out.set(name, (out.get(name) ?? 0) + kb * 1024);
    }
  }
  return Object.fromEntries([...out].filter(([, b]) => b >= 1024 * 1024).sort((a, b) => b[1] - a[1]));
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");
const send = (message: unknown) => process.send?.(message);

async function sample(): Promise<MemorySample> {
  const rss: number[] = [];
  let usage = process.memoryUsage();
  for (let i = 0; i < 5; i++) {
    gc?.();
    await sleep(50);
    usage = process.memoryUsage();
    rss.push(usage.rss);
  }
  rss.sort((a, b) => a - b);
  const spaces = getHeapSpaceStatistics();
  const newSpace = spaces.find((s) => s.space_name === "new_space");
  return {
    rssBytes: rss[2] ?? 0,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    newSpaceBytes: newSpace?.space_size ?? 0,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    heapSpaces: Object.fromEntries(spaces.map((s) => [s.space_name, s.space_size])),
    rssByMapping: rssByMapping(),
  };
}

const config = loadConfig(process.env);
const running = await startPtbot({
  config,
  logger: createLogger({ level: "silent" }),
  owner: "bench-memory",
});
process.on("message", (message: unknown) => {
  if (message === "sample") void sample().then((s) => send({ type: "sample", ...s }));
  if (message === "snapshot") send({ type: "snapshot", file: writeHeapSnapshot() });
  if (message === "stop") void running.stop().then(() => process.exit(0));
});
send({ type: "started", port: running.port });
