/**
 * The door in front of Bolt's HTTP receiver at `/slack/events`: a body over the limit is refused with 413 before it
 * is buffered (a declared `content-length` over the limit at once, a chunked body as soon as it passes the limit),
 * and a signed body whose parsed form would not be an object (`payload=null`, `payload=[1]`, a JSON `null`) is
 * refused with 400. Bolt 5.1 reads `body.ssl_check` off whatever it parsed, so such a body would otherwise end as an
 * unhandled rejection inside the receiver, with no answer. Everything else goes on to Bolt untouched: the buffered
 * body is handed over as `rawBody`, which Bolt uses instead of reading the stream again.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { parse as parseQuery } from "node:querystring";
import { isValidSlackRequest } from "@slack/bolt";
import type { Logger } from "../logger.js";

/** 1 MiB: Slack's own payloads are a few kilobytes (a full modal's state stays well under 100 kB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface BodyGuardOptions {
  /** Bolt's request listener (`HTTPReceiver#requestListener`). */
  readonly next: RequestListener;
  /** Paths whose POST bodies are Slack's (Bolt's `endpoints`), the only ones read here. */
  readonly endpoints: readonly string[];
  readonly limitBytes: number;
  /** To tell a forgery (401, as Bolt answers it) from a signed body that does not parse (400). */
  readonly signingSecret: string;
  readonly logger: Logger;
}

/** Wraps Bolt's request listener with the size limit and the shape check; see the file's comment. */
export function guardSlackBodies(options: BodyGuardOptions): RequestListener {
  const { next, endpoints, limitBytes, logger } = options;
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method?.toUpperCase() !== "POST" || !endpoints.includes(path)) {
      next(req, res);
      return;
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limitBytes) {
      logger.warn({ declaredBytes: declared, limitBytes }, "slack request body too large");
      refuse(res, 413);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off("data", onData);
        req.off("end", onEnd);
        req.pause();
        chunks.length = 0;
        logger.warn({ receivedBytes: size, limitBytes }, "slack request body too large");
        refuse(res, 413);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const rawBody = Buffer.concat(chunks, size);
      const refusal = shapeRefusal(req, rawBody, options.signingSecret);
      if (refusal !== undefined) {
        if (refusal === 400) logger.warn({ bytes: size }, "slack request body not an object");
        refuse(res, refusal);
        return;
      }
      Object.assign(req, { rawBody });
      try {
        next(req, res);
      } catch (error) {
        logger.error({ err: error }, "slack request dispatch failed");
        if (!res.headersSent) refuse(res, 500);
      }
    };
    req.on("data", onData);
    req.on("end", onEnd);
    // A client that goes away mid-body has nobody to answer; the socket's own error is handled by the server.
    req.on("error", () => undefined);
  };
}

/**
 * 400 when Bolt would parse `rawBody` to something other than an object and the request is signed, 401 when such a
 * body is not signed (Bolt's answer to any unsigned body), undefined to let Bolt have it. Cheap on the hot path: the
 * signature is checked here only for bodies refused anyway, and JSON is never parsed (the first character says it).
 */
function shapeRefusal(req: IncomingMessage, rawBody: Buffer, signingSecret: string): 400 | 401 | undefined {
  const text = rawBody.toString();
  // The same choice as Bolt's `parseHTTPRequestBody`: an exact form content type, else JSON.
  if (req.headers["content-type"] === "application/x-www-form-urlencoded") {
    const fields = parseQuery(text);
    // Bolt answers `ssl_check=1` itself, after dropping every other field.
    if (fields.ssl_check === "1" || typeof fields.payload !== "string") return undefined;
    if (opensObject(fields.payload)) return undefined;
  } else if (opensObject(text)) {
    return undefined;
  }
  const signed = isValidSlackRequest({
    signingSecret,
    body: text,
    headers: {
      "x-slack-signature": String(req.headers["x-slack-signature"] ?? ""),
      "x-slack-request-timestamp": Number(req.headers["x-slack-request-timestamp"]),
    },
  });
  return signed ? 400 : 401;
}

/**
 * Whether JSON text starts an object: then `JSON.parse` gives an object or throws (which Bolt answers with 400);
 * anything else parses to `null`, a number, a string, a boolean or an array.
 */
function opensObject(json: string): boolean {
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // JSON's whitespace: space, tab, line feed, carriage return.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b; // {
  }
  return false;
}

function refuse(res: ServerResponse, status: 400 | 401 | 413 | 500): void {
  // `connection: close`: Node then closes the socket once this answer is out, rather than reading the rest of a body
  // nobody wants.
  res.writeHead(status, { "content-type": "text/plain", connection: "close" });
  res.end();
}
