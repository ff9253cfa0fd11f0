/**
 * Bad input at the door, over real HTTP into the real app: a body over the 1 MiB limit is refused with 413 before it
 * is buffered (a declared length at once, a chunked body as soon as it passes the limit, both while the client still
 * holds the rest back), a body of exactly the limit is still served, and a signed body Bolt cannot parse into an
 * object gets 400 (an unsigned one 401), never an unhandled rejection: vitest would fail the run on one.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCredentials, slackSignatureHeaders } from "../../emulators/slack/index.js";
import { DEFAULT_BODY_LIMIT_BYTES } from "../../src/slack/body-guard.js";
import { CHANNEL, type Harness, REQUESTER, startHarness } from "./harness.js";

const LIMIT = DEFAULT_BODY_LIMIT_BYTES;
const FORM = "application/x-www-form-urlencoded";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function signed(body: string, contentType = FORM): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    "content-type": contentType,
    ...slackSignatureHeaders({ signingSecret: defaultCredentials.signingSecret, timestamp, body }),
  };
}

interface Opened {
  /** Resolves with the status as soon as the answer's head arrives, whatever the client is still sending. */
  readonly status: Promise<number>;
  write(chunk: string | Buffer): Promise<void>;
  end(): void;
  destroy(): void;
}

/** A POST to the app whose body the test writes piece by piece, and may never finish. */
function open(url: string, headers: Record<string, string>): Opened {
  const req = request(url, { method: "POST", headers });
  const status = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
  });
  // The server closes the connection after its 413: writes after that fail, which is the point.
  status.catch(() => undefined);
  return {
    status,
    write: (chunk) =>
      new Promise<void>((resolve) => {
        req.write(chunk, () => resolve());
      }),
    end: () => req.end(),
    destroy: () => req.destroy(),
  };
}

async function post(body: string, headers: Record<string, string>): Promise<number> {
  const sent = open(h.appUrl, { ...headers, "content-length": String(Buffer.byteLength(body)) });
  await sent.write(body);
  sent.end();
  return sent.status;
}

/** A `/pt help` form padded with a field Bolt ignores to exactly `bytes` bytes. */
function commandOf(bytes: number): string {
  const fields = new URLSearchParams({
    command: "/pt",
    text: "help",
    user_id: REQUESTER,
    channel_id: CHANNEL,
    team_id: "T0PTBOT00",
    filler: "",
  }).toString();
  return fields + "a".repeat(bytes - fields.length);
}

describe("bodies over the limit", () => {
  it("refuses a declared length over the limit at once, before any of the body arrives", async () => {
    // Between ptbot's limit and Bolt's own (4 MB), where Bolt alone would wait for the body.
    const sent = open(h.appUrl, {
      ...signed("x"),
      "content-length": String(2 * LIMIT),
    });
    await sent.write("command=%2Fpt");
    expect(await sent.status).toBe(413);
    sent.destroy();
  });

  it("cuts a chunked body off as soon as it passes the limit, without waiting for its end", async () => {
    const sent = open(h.appUrl, { ...signed("x"), "transfer-encoding": "chunked" });
    const piece = Buffer.alloc(64 * 1024, "a");
    for (let written = 0; written < LIMIT; written += piece.length) await sent.write(piece);
    await sent.write("a");
    // The body is never ended: only the limit can have answered it.
    expect(await sent.status).toBe(413);
    sent.destroy();
  });

  it("serves a signed body of exactly the limit, and refuses one byte more", async () => {
    const exact = commandOf(LIMIT);
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    expect(await post(exact, signed(exact))).toBe(200);
    const over = commandOf(LIMIT + 1);
    expect(await post(over, signed(over))).toBe(413);
  });
});

describe("signed bodies Bolt cannot parse into an object", () => {
  const form = (payload: string) => `payload=${encodeURIComponent(payload)}`;
  const BAD: readonly (readonly [string, string, string])[] = [
    ["payload=null", "payload=null", FORM],
    ["an empty payload", "payload=", FORM],
    ["a payload that is not JSON", form("{not json"), FORM],
    ["a payload that is an array", form("[1,2]"), FORM],
    ["a payload that is a number", form("3"), FORM],
    ["a payload that is a string", form('"x"'), FORM],
    ["a payload that is true", form(" true"), FORM],
    ["a JSON null", "null", "application/json"],
    ["a JSON array", "[{}]", "application/json"],
    ["a JSON string", '"event_callback"', "application/json"],
    ["JSON that does not parse", "{not json", "application/json"],
  ];

  it("answers each with 400 at once, and an unsigned one with 401", async () => {
    const answers = await Promise.all(
      BAD.map(async ([what, body, type]) => ({ what, status: await post(body, signed(body, type)) })),
    );
    expect(answers).toEqual(BAD.map(([what]) => ({ what, status: 400 })));
    expect(await post("payload=null", { "content-type": FORM })).toBe(401);
    const forged = { ...signed("payload=null"), "x-slack-signature": `v0=${"0".repeat(64)}` };
    expect(await post("payload=null", forged)).toBe(401);
  });

  it("goes on serving genuine requests, logging nothing unhandled", async () => {
    const answer = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" });
    expect(answer.status).toBe(200);
    expect(h.logs.filter((l) => l.level === 50 || l.level === 60).map((l) => l.msg)).toEqual([]);
    // Guards: the refusals above were seen and logged, so the empty list is not vacuous.
    expect(h.logs.filter((l) => l.msg === "slack request body not an object").length).toBeGreaterThan(5);
    expect(h.logs.filter((l) => l.msg === "slack request body too large").length).toBeGreaterThanOrEqual(3);
  });
});
