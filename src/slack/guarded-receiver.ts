/**
 * Slack's requests over HTTP: Bolt's own receiver behind the body guard, shared by the app that receives on its own
 * thread and by the receiving thread that hands the work on (`src/threads/`).
 */
import { type CustomRoute, HTTPReceiver, type ReceiverEvent } from "@slack/bolt";
import type { Logger } from "../logger.js";
import { DEFAULT_BODY_LIMIT_BYTES, guardSlackBodies } from "./body-guard.js";
import type { boltLogger } from "./bolt-logger.js";

export interface GuardedReceiverOptions {
  readonly signingSecret: string;
  readonly customRoutes: CustomRoute[];
  readonly sdkLogger: ReturnType<typeof boltLogger>;
  readonly logger: Logger;
  /** Default 1 MiB. */
  readonly bodyLimitBytes?: number;
}

/** Where a receiver hands each verified, parsed request: a Bolt `App`, or the receiving thread's forwarder. */
export interface EventSink {
  processEvent(event: ReceiverEvent): Promise<void>;
}
/**
 * Bolt's own HTTP receiver (what `new App({ signingSecret, customRoutes })` would build), its request listener
 * behind {@link guardSlackBodies}: oversized bodies refused before they are buffered, unparseable ones answered 400.
 */
export function guardedReceiver(options: GuardedReceiverOptions): HTTPReceiver {
  const { signingSecret, customRoutes, sdkLogger, logger } = options;
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const endpoints = ["/slack/events"];
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints,
    customRoutes,
    logger: sdkLogger,
    logLevel: sdkLogger.getLevel(),
    processBeforeResponse: false,
    bodyLimit: bodyLimitBytes,
  });
  receiver.requestListener = guardSlackBodies({
    next: receiver.requestListener,
    endpoints,
    limitBytes: bodyLimitBytes,
    signingSecret,
    logger,
  });
  return receiver;
}
