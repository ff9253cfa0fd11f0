/**
 * ptbot on two threads, as `npm start` runs it with HTTP: this (the receiving) thread only verifies, parses and
 * answers Slack's requests (`receiving-front.ts`) and hands them to the core's worker thread (`core-thread.ts`),
 * which does everything else exactly as ptbot on one thread does. Socket Mode, the sandbox and the tests that inject
 * a clock or a store run on one thread (`startPtbot`).
 */
import { Worker } from "node:worker_threads";
import { bounded } from "../bounded-step.js";
import type { Config } from "../config.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { CoreThreadData } from "./core-thread.js";
import { type ReceivingFront, startReceivingFront } from "./receiving-front.js";
import type { FromCore, ToCore } from "./thread-messages.js";

type Answer = Extract<FromCore, { type: "answer" }>;

export interface ThreadedPtbotOptions extends CoreThreadData {
  /** Already parsed from `env` (the core's thread parses it again, in the same way). */
  readonly config: Config;
  readonly logger: Logger;
  /** Called when the core's thread ends on its own (a crash): the process should end too, for its supervisor. */
  readonly onCoreExit?: (code: number) => void;
}

export interface ThreadedPtbot {
  readonly port: number;
  /** Stops receiving, then drains the core (bounded as `startPtbot`'s `stop`), then ends its thread. */
  stop(): Promise<void>;
}

/**
 * How long each part of `stop()` may take, 9.4 s in all, within the process's 9.5 s backstop and Docker's 10 s: the
 * receiving thread stops accepting (a request still open, e.g. a slow client's, is not waited for), then the core
 * drains under its own bounds, ended when they run long (work abandoned so is safe: see `startPtbot`'s `stop`).
 */
const STOP_MS = { receiving: 500, core: 8_900 } as const;

export async function startThreadedPtbot(options: ThreadedPtbotOptions): Promise<ThreadedPtbot> {
  const { logger } = options;
  // Under tsx (tests, bench) this file is TypeScript, and so is its sibling; built, both are JavaScript.
  const extension = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const data: CoreThreadData = {
    env: options.env,
    ...(options.owner === undefined ? {} : { owner: options.owner }),
    ...(options.clockSkewMs === undefined ? {} : { clockSkewMs: options.clockSkewMs }),
  };
  const worker = new Worker(new URL(`./core-thread.${extension}`, import.meta.url), { workerData: data });
  const waiting = new Map<number, (answer: Answer | undefined) => void>();
  let stopping = false;
  let running = false;
  let stopped: (() => void) | undefined;
  const started = new Promise<Extract<FromCore, { type: "ready" }>>((resolve, reject) => {
    worker.on("message", (message: FromCore) => {
      if (message.type === "ready") {
        running = true;
        resolve(message);
      } else if (message.type === "failed")
        reject(new PtbotError(message.code ?? "core_failed", message.message));
      else if (message.type === "answer") {
        waiting.get(message.id)?.(message);
        waiting.delete(message.id);
      } else if (message.type === "stopped") stopped?.();
    });
    worker.on("error", (error) => {
      logger.error({ err: error }, "core thread failed");
      // The cause is in the log line above; the start's own error stays one plain line for the operator.
      reject(new PtbotError("core_failed", "the core's thread failed (see the log)", { cause: error }));
    });
    worker.on("exit", (code) => {
      reject(new PtbotError("core_failed", `the core's thread ended (${code}) before it started`));
      // Before it started, the start's own error says why; once stopping, the end is expected.
      if (!running || stopping) return;
      logger.fatal({ code }, "core thread ended");
      options.onCoreExit?.(code);
    });
  });
  let ready: Extract<FromCore, { type: "ready" }>;
  try {
    ready = await started;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  // Messages to the core go in batches, flushed once the loop has taken every request that has come in.
  let batch: ToCore[] = [];
  const flush = () => {
    const messages = batch;
    batch = [];
    worker.postMessage(messages);
  };
  const send = (message: ToCore) => {
    if (batch.length === 0) setImmediate(flush);
    batch.push(message);
  };
  /** Drains the core under its own bounds, ended when they run long, then ends its thread. */
  const stopCore = async () => {
    stopping = true;
    const drained = new Promise<void>((resolve) => {
      stopped = resolve;
      worker.once("exit", () => resolve());
    });
    send({ type: "stop" });
    await bounded(drained, STOP_MS.core, "core thread drain", logger);
    await worker.terminate();
  };
  // Both threads read the policy (the core from the environment again): a file changed in between would make the
  // acks (help, channels' workspaces) follow another policy than the work.
  if (ready.policyChecksum !== options.config.policyChecksum) {
    await stopCore();
    throw new PtbotError(
      "policy_changed",
      "the policy file changed while ptbot was starting; start it again to run the new one",
    );
  }
  let front: ReceivingFront;
  try {
    front = await startReceivingFront({
      config: options.config,
      logger,
      routes: ready.routes,
      routesPort: ready.routesPort,
      core: {
        send,
        answerOf: (id, timeoutMs) =>
          new Promise((resolve) => {
            const timer = setTimeout(() => {
              waiting.delete(id);
              resolve(undefined);
            }, timeoutMs);
            waiting.set(id, (answer) => {
              clearTimeout(timer);
              resolve(answer);
            });
          }),
      },
    });
  } catch (error) {
    await stopCore();
    throw error;
  }
  return {
    port: front.port,
    async stop() {
      stopping = true;
      await bounded(front.stop(), STOP_MS.receiving, "receiving thread stop", logger);
      // Every request received before the stop was handed on (the receiving thread refuses any after it), so the
      // core finishes them in its own drain.
      await stopCore();
    },
  };
}
