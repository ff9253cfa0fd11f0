import { performance } from "node:perf_hooks";
import { SlackEmulatorError } from "./errors.js";
import { signSlackRequest } from "./signing.js";
import type { EnvelopeType, SocketModeHub } from "./socket-mode-hub.js";

/** Ways to bend a request for security tests (HTTP transport only). */
export interface SendOptions {
  /** Sent as `X-Slack-Signature` instead of the correct one (a forgery). */
  readonly signature?: string;
  /** `X-Slack-Request-Timestamp` in epoch seconds, instead of now. */
  readonly timestamp?: number;
  /** Added to the timestamp: `-360` makes a request 6 minutes stale. */
  readonly timestampSkewSeconds?: number;
  /** Replaces the body after it was built (signed, unless `signature` or `unsigned` say otherwise). */
  readonly rawBody?: string;
  readonly contentType?: string;
  /** Omits both signature headers. */
  readonly unsigned?: boolean;
}

/** How the app answered a delivery. */
export interface Delivery {
  /** HTTP status (a Socket Mode ack counts as 200). */
  readonly status: number;
  /** The answer: parsed JSON, a string, or undefined when empty (an ack without payload). */
  readonly body: unknown;
  readonly rawBody: string;
  /** From sending to the complete answer. */
  readonly ackMs: number;
  /** Slack gives up after 3 s and shows the user `operation_timeout`. */
  readonly late: boolean;
  /** Over Socket Mode: the connection that received the envelope. */
  readonly connectionId?: string;
}

export interface Outgoing {
  readonly envelopeType: EnvelopeType;
  /** The Socket Mode payload (also the source of the HTTP body). */
  readonly payload: Record<string, unknown>;
  /** The HTTP body: the form fields of a slash command, or `payload=<JSON>` for interactions. */
  readonly formBody: string;
  /** The HTTP body's type when it is not a form: `application/json` for an Events API delivery. */
  readonly contentType?: string;
  readonly acceptsResponsePayload: boolean;
}

export interface DriverTransport {
  readonly kind: "http" | "socket";
  deliver(outgoing: Outgoing, options: SendOptions): Promise<Delivery>;
}

export const SLACK_ACK_LIMIT_MS = 3000;

function parseAnswer(text: string, contentType: string | null): unknown {
  if (text === "") return undefined;
  if (contentType?.includes("json") === true || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export interface HttpTransportOptions {
  readonly appUrl: string;
  readonly signingSecret: string;
  /** The signer's clock (epoch ms): the app compares timestamps with its own real time. */
  readonly clock: () => number;
  readonly ackTimeoutMs: number;
}

/** Signed POSTs to the app's request URL, as Slack sends them. */
export function httpTransport(options: HttpTransportOptions): DriverTransport {
  return {
    kind: "http",
    async deliver(outgoing, send) {
      const body = send.rawBody ?? outgoing.formBody;
      const timestamp =
        send.timestamp ?? Math.floor(options.clock() / 1000) + (send.timestampSkewSeconds ?? 0);
      const headers: Record<string, string> = {
        "content-type": send.contentType ?? outgoing.contentType ?? "application/x-www-form-urlencoded",
        "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        accept: "application/json,*/*",
      };
      if (send.unsigned !== true) {
        headers["x-slack-request-timestamp"] = String(timestamp);
        headers["x-slack-signature"] =
          send.signature ?? signSlackRequest({ signingSecret: options.signingSecret, timestamp, body });
      }
      const started = performance.now();
      let response: Response;
      let text: string;
      try {
        response = await fetch(options.appUrl, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(options.ackTimeoutMs),
        });
        text = await response.text();
      } catch (error) {
        if (error instanceof Error && error.name === "TimeoutError") {
          throw new SlackEmulatorError(
            "ack_timeout",
            `the app did not answer within ${options.ackTimeoutMs} ms`,
            {
              cause: error,
            },
          );
        }
        throw new SlackEmulatorError("delivery_failed", `could not reach the app at ${options.appUrl}`, {
          cause: error,
        });
      }
      const ackMs = performance.now() - started;
      return {
        status: response.status,
        body: parseAnswer(text, response.headers.get("content-type")),
        rawBody: text,
        ackMs,
        late: ackMs > SLACK_ACK_LIMIT_MS,
      };
    },
  };
}

export interface SocketTransportOptions {
  readonly hub: SocketModeHub;
  readonly ackTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Envelopes over the app's Socket Mode connection; the ack's payload plays the HTTP answer's part. */
export function socketTransport(options: SocketTransportOptions): DriverTransport {
  return {
    kind: "socket",
    async deliver(outgoing, send) {
      if (Object.keys(send).length > 0) {
        throw new SlackEmulatorError(
          "unsupported_option",
          `signature and body options apply to the http transport only (got ${Object.keys(send).join(", ")})`,
        );
      }
      const started = performance.now();
      const ack = await options.hub.deliver(outgoing.envelopeType, outgoing.payload, {
        acceptsResponsePayload: outgoing.acceptsResponsePayload,
        ackTimeoutMs: options.ackTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
      });
      const ackMs = performance.now() - started;
      return {
        status: 200,
        body: ack.payload,
        rawBody: ack.payload === undefined ? "" : JSON.stringify(ack.payload),
        ackMs,
        late: ackMs > SLACK_ACK_LIMIT_MS,
        connectionId: ack.connectionId,
      };
    },
  };
}
