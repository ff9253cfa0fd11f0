/**
 * The core's thread: ptbot as `startPtbot` builds it (store, workspaces, core, Bolt app and listeners), fed by the
 * receiving thread instead of its own HTTP server, so that the work after an ack never delays the next ack (the
 * receiving thread's event loop does nothing else). Started by `threaded-ptbot.ts`; configured from the same
 * environment as the process.
 */
import { parentPort, workerData } from "node:worker_threads";
import { pino } from "pino";
import { loadConfig } from "../config.js";
import { PtbotError } from "../errors.js";
import { createLogger } from "../logger.js";
import { type RunningPtbot, startPtbot } from "../main.js";
import { skewedClock } from "../workflow/ports.js";
import { ForwardedReceiver } from "./forwarded-receiver.js";
import type { FromCore, ToCore } from "./thread-messages.js";

/** What the receiving thread starts this thread with. */
export interface CoreThreadData {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly owner?: string;
  /** This thread's clock runs this far ahead of real time (the chaos tests' stand-in for waiting out leases). */
  readonly clockSkewMs?: number;
}

const port = parentPort;
if (port === null) throw new Error("core-thread.ts runs as a worker thread");
const data = workerData as CoreThreadData;
const send = (message: FromCore) => port.postMessage(message);

const config = loadConfig(data.env);
// Written at once, not buffered: pino flushes a buffer at exit only on the main thread, and the receiving thread ends
// this one as soon as the drain is done, which would lose the drain's last lines.
const logger = config.log.pretty
  ? createLogger({ level: config.log.level, pretty: true })
  : createLogger({ level: config.log.level, destination: pino.destination({ dest: 1, sync: true }) });
// As in the process (`runProcess`): one bad request must not take down the core and every conversation with it.
process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason }, "unhandled rejection");
});
const receiver = new ForwardedReceiver();
let running: RunningPtbot | undefined;
try {
  running = await startPtbot({
    config,
    logger,
    receiver,
    ...(data.owner === undefined ? {} : { owner: data.owner }),
    clock: skewedClock(data.clockSkewMs ?? 0),
  });
} catch (error) {
  // Logged first: the receiving thread ends this one when it hears of the failure, and the log is the cause's record.
  logger.fatal({ err: error }, "core failed to start");
  send({
    type: "failed",
    ...(error instanceof PtbotError
      ? { code: error.code, message: error.message }
      : { message: "start failed" }),
  });
}
if (running !== undefined) {
  const core = running;
  let stopping = false;
  port.on("message", (batch: readonly ToCore[]) => {
    for (const message of batch) {
      if (message.type === "event" && stopping) {
        // The receiving thread refuses requests once it stops, so none should come; one that does is not worked on.
        logger.warn({ type: message.body.type }, "request after the drain began not processed");
      } else if (message.type === "event") {
        if (message.ackedIn !== undefined) core.recordAck(message.ackedIn.kind, message.ackedIn.seconds);
        void receiver.deliver(message, send);
      } else if (message.type === "ack-time") core.recordAck(message.kind, message.seconds);
      else if (message.type === "stop") {
        stopping = true;
        void core.stop().finally(() => send({ type: "stopped" }));
      }
    }
  });
  send({
    type: "ready",
    routesPort: core.port ?? 0,
    routes: core.routes,
    policyChecksum: config.policyChecksum,
  });
}
