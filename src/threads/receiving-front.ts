/**
 * The receiving thread: Slack's requests verified (signature, body guard) and parsed by Bolt's own HTTP receiver,
 * answered at once, and handed to the core's thread, which does the work. Nothing else runs on this thread's event
 * loop, so an ack never waits behind a request's work (Unity Catalog, the store, posting cards): its latency is
 * Bolt's own. What each ack says is decided by the same pure code as in a single thread (`commandAck`); a modal
 * submission, whose answer depends on the work (field errors), waits for the core's ack, within Slack's 3 s. The health
 * routes are the core's, passed on to its loopback port.
 */
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type { CustomRoute, ReceiverEvent } from "@slack/bolt";
import type { Config } from "../config.js";
import { approvalPolicy } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import { boltLogger } from "../slack/bolt-logger.js";
import { guardedReceiver } from "../slack/guarded-receiver.js";
import { COMMAND } from "../slack/ids.js";
import { type CommandAckContext, commandAck } from "../slack/listeners/command-ack.js";
import type { AckKind } from "../slack/listeners/deps.js";
import type { FromCore, RouteShape, ToCore } from "./thread-messages.js";

type Answer = Extract<FromCore, { type: "answer" }>;

/** How the receiving thread reaches the core's. */
export interface CoreLink {
  send(message: ToCore): void;
  /** The core's ack of request `id`, or undefined when none came within `timeoutMs`. */
  answerOf(id: number, timeoutMs: number): Promise<Answer | undefined>;
}

export interface ReceivingFrontOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly core: CoreLink;
  /** The core's health routes and the loopback port they listen on. */
  readonly routes: readonly RouteShape[];
  readonly routesPort: number;
  /**
   * How long a modal submission waits for the core's answer before the modal is closed anyway: Slack waits 3 s, and
   * the core's listener answers within its own 2 s budget. Default 2.7 s.
   */
  readonly submissionWaitMs?: number;
}

export interface ReceivingFront {
  readonly port: number;
  /** Stops receiving (a request arriving after this is refused with 500); requests answered have been handed on. */
  stop(): Promise<void>;
}

/** Listens on `config.port` and hands every verified request to the core. */
export async function startReceivingFront(options: ReceivingFrontOptions): Promise<ReceivingFront> {
  const { config, core } = options;
  const logger = options.logger.child({ component: "receiver" });
  const sdkLogger = boltLogger(options.logger);
  const context: CommandAckContext = {
    policy: approvalPolicy(config.policy),
    workspaces: { names: config.workspaces.map((w) => w.name) },
    channels: config.channels,
  };
  const waitMs = options.submissionWaitMs ?? 2_700;
  let ids = 0;
  // Set when the stop begins: a request still arriving on an open connection is refused (Slack says so to the person,
  // who tries again on a replica that runs), never acked and handed to a core that is draining.
  let closing = false;

  const processEvent = async (event: ReceiverEvent): Promise<void> => {
    if (closing) throw new PtbotError("shutting_down", "ptbot is shutting down");
    const begun = performance.now();
    const body = event.body as Record<string, unknown>;
    const id = ++ids;
    const kind = ackKindOf(body);
    const handOn = (acked: boolean) =>
      core.send({
        type: "event",
        id,
        body,
        acked,
        ...(event.retryNum === undefined ? {} : { retryNum: event.retryNum }),
        ...(event.retryReason === undefined ? {} : { retryReason: event.retryReason }),
        ...(acked && kind !== undefined
          ? { ackedIn: { kind, seconds: (performance.now() - begun) / 1000 } }
          : {}),
      });
    if (body.type === "view_submission") {
      const answered = core.answerOf(id, waitMs);
      handOn(false);
      const answer = await answered;
      if (answer?.failed === true)
        throw new PtbotError("listener_failed", "the modal submission's listener failed");
      if (answer === undefined) logger.warn({ waitMs }, "modal submission closed before the core answered");
      await event.ack(answer?.response);
      core.send({ type: "ack-time", kind: "view_submission", seconds: (performance.now() - begun) / 1000 });
    } else {
      await event.ack(body.command === COMMAND ? commandAck(commandFields(body), context).answer : undefined);
      handOn(true);
    }
  };

  const receiver = guardedReceiver({
    signingSecret: config.slack.signingSecret,
    customRoutes: options.routes.map((r) => passOn(r, options.routesPort)),
    sdkLogger,
    logger,
  });
  // The receiver hands each request to an `App`; here the only part of one it uses is `processEvent`.
  receiver.init({ processEvent } as unknown as Parameters<typeof receiver.init>[0]);
  const server = (await receiver.start(config.port)) as { address(): AddressInfo | string | null };
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, "receiving thread listening");
  return {
    port,
    async stop() {
      closing = true;
      await receiver.stop();
    },
  };
}

function ackKindOf(body: Record<string, unknown>): AckKind | undefined {
  if (typeof body.command === "string") return "command";
  if (body.type === "block_actions") return "block_actions";
  if (body.type === "view_submission") return "view_submission";
  return undefined;
}

/** A slash command's fields as `commandAck` reads them (Bolt hands the listener the same, unchecked). */
function commandFields(body: Record<string, unknown>) {
  const text = (v: unknown) => (typeof v === "string" ? v : "");
  return {
    text: text(body.text),
    channel_id: text(body.channel_id),
    ...(typeof body.channel_name === "string" ? { channel_name: body.channel_name } : {}),
  };
}

/** A route of the core's, passed on to its loopback port as it is (status, headers, body). */
function passOn(route: RouteShape, routesPort: number): CustomRoute {
  return {
    path: route.path,
    method: [...route.method],
    handler: (req: IncomingMessage, res: ServerResponse) => {
      const upstream = httpRequest(
        { host: "127.0.0.1", port: routesPort, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        // The core's thread does not answer: neither alive nor ready, as far as a probe can tell.
        res.writeHead(503, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify({ ok: false, detail: "core_unreachable" }));
      });
      req.pipe(upstream);
    },
  };
}
