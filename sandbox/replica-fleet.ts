/**
 * The sandbox's replicas: N ptbot processes (`src/main.ts`, as `npm start` runs it), each with its own
 * `PTBOT_INSTANCE_ID` and port, all on one database, behind the loopback load balancer Slack's requests go to. Each
 * process's JSON log lines go to the sandbox's log file with the replica's name added. A replica can be killed with
 * SIGKILL and is then started again with the same id and port, as a container platform would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Balancer, startBalancer } from "../emulators/balancer/index.js";
import { freePort } from "./free-port.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface ReplicaFleetOptions {
  readonly count: number;
  /** The environment every replica shares (`PORT`, `HOME` and `PTBOT_INSTANCE_ID` are set per replica). */
  readonly env: Readonly<Record<string, string>>;
  /** A home directory for replica `name`. */
  readonly homeOf: (name: string) => string;
  /** Where each JSON log line goes, with `replica` added. */
  readonly writeLog: (line: string) => void;
}

/** Something worth telling the person at the keyboard, as it happens. */
export type FleetNote =
  | { readonly kind: "back"; readonly replica: string; readonly pid: number | undefined; readonly ms: number }
  | { readonly kind: "create_accepted"; readonly replica: string; readonly endpoint: string }
  | { readonly kind: "died"; readonly replica: string; readonly code: number | null }
  | { readonly kind: "restart_failed"; readonly replica: string; readonly message: string };

export interface ReplicaState {
  readonly name: string;
  readonly pid: number | undefined;
  readonly up: boolean;
  /** Slack requests this replica answered. */
  readonly answered: number;
  readonly restarts: number;
}

export interface ReplicaFleet {
  /** The URL Slack posts to: the balancer's `/slack/events`. */
  readonly appUrl: string;
  readonly balancer: Balancer;
  readonly names: readonly string[];
  /** The replica that answered the most recent Slack request (undefined when that one got no answer). */
  lastHandler(): string | undefined;
  replicas(): readonly ReplicaState[];
  /** SIGKILLs the replica, waits for it to exit, and starts it again in the background (a `back` note follows). */
  kill(name: string): Promise<{ readonly pid: number | undefined }>;
  onNote(listener: (note: FleetNote) => void): () => void;
  /** SIGTERM to every replica (each drains and exits), then the balancer. Idempotent. */
  stop(): Promise<void>;
}

interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

export async function startReplicaFleet(options: ReplicaFleetOptions): Promise<ReplicaFleet> {
  const listeners = new Set<(note: FleetNote) => void>();
  const note = (n: FleetNote) => {
    for (const listener of listeners) listener(n);
  };
  const specs = await Promise.all(
    Array.from({ length: options.count }, async (_, i) => ({
      name: `replica-${i + 1}`,
      port: await freePort(),
    })),
  );
  const running = new Map<string, Running>();
  const restarts = new Map<string, number>();
  const killing = new Set<string>();
  /** Restarts under way, so that stopping waits for them and then stops the new processes too. */
  const restarting = new Set<Promise<void>>();
  let stopping = false;

  const launch = async (name: string, port: number): Promise<Running> => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...options.env, PORT: String(port), HOME: options.homeOf(name), PTBOT_INSTANCE_ID: name },
    });
    const exited = once(child, "exit").then(([code]) => code as number | null);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const started = new Promise<void>((resolve) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(line) as Record<string, unknown>;
        } catch {
          options.writeLog(JSON.stringify({ replica: name, raw: line }));
          return;
        }
        options.writeLog(JSON.stringify({ replica: name, ...parsed }));
        if (parsed.msg === "ptbot started") resolve();
        if (parsed.msg === "endpoint config accepted" && typeof parsed.endpoint === "string")
          note({ kind: "create_accepted", replica: name, endpoint: parsed.endpoint });
      });
    });
    await Promise.race([
      started,
      exited.then((code) => {
        throw new Error(
          `${name} exited (${code}) before it started: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
        );
      }),
    ]);
    const entry = { child, exited };
    void exited.then((code) => {
      if (!stopping && !killing.has(name) && running.get(name) === entry)
        note({ kind: "died", replica: name, code });
    });
    return entry;
  };

  const stopAll = async () => {
    stopping = true;
    await Promise.all(
      [...running.values()].map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
      }),
    );
  };

  // However the sandbox ends (a signal handler's process.exit included), no replica outlives it: each is asked to
  // drain and exit (the 'exit' event cannot wait for them).
  const orphans = () => {
    for (const { child } of running.values())
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", orphans);

  let balancer: Balancer;
  try {
    const first = await Promise.allSettled(
      specs.map(async (s) => [s.name, await launch(s.name, s.port)] as const),
    );
    for (const r of first) if (r.status === "fulfilled") running.set(r.value[0], r.value[1]);
    const failed = first.find((r) => r.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    balancer = await startBalancer({
      backends: specs.map((s) => ({ name: s.name, url: `http://127.0.0.1:${s.port}` })),
    });
  } catch (error) {
    await stopAll();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    appUrl: `${balancer.url}/slack/events`,
    balancer,
    names: specs.map((s) => s.name),
    lastHandler: () => {
      const last = balancer.routes().at(-1);
      // A 502 was not an answer: the replica died with the request in hand, or none was up.
      return last === undefined || last.status === 502 ? undefined : last.backend;
    },
    replicas: () => {
      const counts = balancer.countsByBackend();
      return specs.map((s) => {
        const r = running.get(s.name);
        return {
          name: s.name,
          pid: r?.child.pid,
          up:
            r !== undefined &&
            r.child.exitCode === null &&
            r.child.signalCode === null &&
            !killing.has(s.name),
          answered: counts[s.name] ?? 0,
          restarts: restarts.get(s.name) ?? 0,
        };
      });
    },
    async kill(name) {
      const spec = specs.find((s) => s.name === name);
      const current = running.get(name);
      if (spec === undefined || current === undefined) throw new Error(`no replica ${name}`);
      if (killing.has(name)) throw new Error(`${name} is already restarting`);
      killing.add(name);
      const pid = current.child.pid;
      current.child.kill("SIGKILL");
      await current.exited;
      const began = performance.now();
      const restart = launch(name, spec.port).then(
        (next) => {
          killing.delete(name);
          restarts.set(name, (restarts.get(name) ?? 0) + 1);
          running.set(name, next);
          if (stopping) return;
          note({ kind: "back", replica: name, pid: next.child.pid, ms: performance.now() - began });
        },
        (error: unknown) => {
          killing.delete(name);
          note({
            kind: "restart_failed",
            replica: name,
            message: error instanceof Error ? error.message : String(error),
          });
        },
      );
      restarting.add(restart);
      void restart.finally(() => restarting.delete(restart));
      return { pid };
    },
    onNote: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => {
      stopped ??= (async () => {
        // A replica still starting again finishes starting first, then is stopped with the others.
        await Promise.allSettled([...restarting]);
        await stopAll();
        process.off("exit", orphans);
        await balancer.close();
      })();
      return stopped;
    },
  };
}
