/**
 * The door in front of Bolt's HTTP receiver at `/slack/events`: a body over the limit is refused with 413 before it
 * is buffered (a declared `content-length` over the limit at once, a chunked body as soon as it passes the limit),
 * and a signed body whose parsed form would not be an object (`payload=null`, `payload=[1]`, a JSON `null`) is
 * refused with 400. Bolt 5.1 reads `body.ssl_check` off whatever it parsed, so such a body would otherwise end as an
 * unhandled rejection inside the receiver, with no answer. Everything else goes on to Bolt untouched: the buffered
 * body is handed over as `rawBody`, which Bolt uses instead of reading the stream again.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { unescape as unescapeQuery } from "node:querystring";
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
 * body is not signed (Bolt's answer to any unsigned body), undefined to let Bolt have it. Cheap on the hot path
 * (microseconds for a click's few kilobytes): the form is split at `&` without decoding the payload, JSON is never
 * parsed (its first character says whether it opens an object), and the signature is checked here only for bodies
 * refused anyway.
 */
function shapeRefusal(req: IncomingMessage, rawBody: Buffer, signingSecret: string): 400 | 401 | undefined {
  const text = rawBody.toString();
  if (!parsesToNonObject(req.headers["content-type"], text)) return undefined;
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
 * Whether Bolt 5.1's `parseHTTPRequestBody` would turn this body into something other than an object (`null`, a
 * number, a string, a boolean, an array). False for an object or JSON that opens one and does not parse (Bolt answers
 * that 400 itself); either for other text that does not parse (400 both ways). Bolt's own choice of parser: JSON
 * unless the content type is exactly the form's.
 */
export function parsesToNonObject(contentType: string | undefined, text: string): boolean {
  if (contentType === "application/x-www-form-urlencoded") {
    const payload = loneFormPayload(text);
    return payload !== undefined && !opensObject(payload);
  }
  return !opensObject(text);
}

/**
 * What Bolt would `JSON.parse` from a form, the `payload` field's value, decoded only as far as its first character
 * that is not whitespace (that is all {@link opensObject} reads): undefined when Bolt parses no JSON, that is with
 * no `payload` field or several (Bolt then takes the fields themselves), or with `ssl_check=1` (Bolt answers that
 * itself after dropping every other field). Keys are decoded as `node:querystring` decodes them, as Bolt does.
 */
function loneFormPayload(form: string): string | undefined {
  let payload: string | undefined;
  let payloads = 0;
  let sslCheck: string | undefined;
  let sslChecks = 0;
  for (let start = 0; start < form.length; ) {
    const amp = form.indexOf("&", start);
    const end = amp === -1 ? form.length : amp;
    const eq = form.indexOf("=", start);
    const keyEnd = eq === -1 || eq > end ? end : eq;
    const key = formKey(form.slice(start, keyEnd));
    const value = keyEnd === end ? "" : form.slice(keyEnd + 1, end);
    if (key === "payload") {
      payloads++;
      payload = value;
    } else if (key === "ssl_check") {
      sslChecks++;
      sslCheck = value;
    }
    start = end + 1;
  }
  if (sslChecks === 1 && unescapeForm(sslCheck ?? "") === "1") return undefined;
  if (payloads !== 1 || payload === undefined) return undefined;
  return leadingDecoded(payload);
}

/** A form key decoded, or left as it is when too long to be one of the keys above (each character at most `%XX`). */
function formKey(raw: string): string {
  if (raw.length > 3 * "ssl_check".length || !/[%+]/.test(raw)) return raw;
  return unescapeForm(raw);
}

function unescapeForm(raw: string): string {
  return unescapeQuery(raw.replace(/\+/g, " "));
}

/** The encoded value's leading whitespace and first other character, decoded (`+`, `%XX` as querystring does). */
function leadingDecoded(raw: string): string {
  let decoded = "";
  for (let i = 0; i < raw.length; ) {
    let c = raw[i] ?? "";
    let width = 1;
    if (c === "+") c = " ";
    else if (c === "%" && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      c = String.fromCharCode(Number.parseInt(raw.slice(i + 1, i + 3), 16));
      width = 3;
    }
    decoded += c;
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return decoded;
    i += width;
  }
  return decoded;
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
