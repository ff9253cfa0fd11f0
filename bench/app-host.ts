/** Starts the app under test in a worker thread (see `app-worker.ts`) and talks to it. */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import type { AppWorkerData } from "./app-worker.js";

export interface HostedApp {
  /** `http://127.0.0.1:PORT/slack/events`. */
  readonly url: string;
  /** How long the app's event loop was blocked since the last call (p99 and max, ms). */
  eventLoopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  stop(): Promise<void>;
}

export async function startHostedApp(data: AppWorkerData): Promise<HostedApp> {
  const worker = new Worker(new URL("./app-worker.ts", import.meta.url), { workerData: data });
  const failed = once(worker, "error").then(([error]) => {
    throw error;
  });
  const [message] = (await Promise.race([once(worker, "message"), failed])) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}/slack/events`,
    async eventLoopDelay() {
      worker.postMessage("event-loop-delay");
      const [answer] = (await once(worker, "message")) as [{ p99Ms: number; maxMs: number }];
      return answer;
    },
    async stop() {
      worker.postMessage("stop");
      await Promise.race([once(worker, "message"), once(worker, "exit")]);
      await worker.terminate();
    },
  };
}
