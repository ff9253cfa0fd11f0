/**
 * The door's shape check against Bolt's own parser (`HTTPModuleFunctions.parseHTTPRequestBody`, the code that
 * reads `body.ssl_check` off what it parsed): for hand-picked and seeded random bodies, the check must call a body
 * "not an object" exactly when Bolt would parse it to one that is not (null, a number, a string, a boolean, an
 * array), whatever the encoding of its keys and of the payload's leading whitespace.
 */
import { parse as parseQuery } from "node:querystring";
import { HTTPModuleFunctions } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { parsesToNonObject } from "../../src/slack/body-guard.js";

const FORM = "application/x-www-form-urlencoded";

/** What Bolt makes of a body: its parse (after dropping the rest of an `ssl_check=1` form), or "unparseable". */
function boltSees(contentType: string, text: string): "object" | "non-object" | "unparseable" {
  const body = contentType === FORM && parseQuery(text).ssl_check === "1" ? "ssl_check=1" : text;
  let parsed: unknown;
  try {
    parsed = HTTPModuleFunctions.parseHTTPRequestBody({
      rawBody: Buffer.from(body),
      headers: { "content-type": contentType },
    } as never);
  } catch {
    return "unparseable";
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? "object" : "non-object";
}

function agrees(contentType: string, text: string): boolean {
  const seen = boltSees(contentType, text);
  const refused = parsesToNonObject(contentType, text);
  // Unparseable bodies get Bolt's own 400 or the door's: either is right.
  return seen === "unparseable" || refused === (seen === "non-object");
}

const enc = encodeURIComponent;
const HAND_PICKED: readonly (readonly [string, string])[] = [
  [FORM, "payload=null"],
  [FORM, "payload="],
  [FORM, "payload"],
  [FORM, `payload=${enc('{"type":"block_actions"}')}`],
  [FORM, `payload=+%20%09%0A%0d${enc("{}")}`],
  [FORM, `payload=+%20${enc("[1]")}`],
  [FORM, "p%61yload=null"],
  [FORM, "payload+=null"],
  [FORM, "payload=null&payload=null"],
  [FORM, "ssl_check=1&payload=null"],
  [FORM, "ssl%5Fcheck=%31&payload=null"],
  [FORM, "ssl_check=1&ssl_check=1&payload=null"],
  [FORM, "ssl_check=0&payload=null"],
  [FORM, "command=%2Fpt&text=help"],
  [FORM, ""],
  [FORM, "&&=&payload=3&"],
  [FORM, "payload=%7"],
  [FORM, "payload=%7B"],
  [FORM, "payload=%7b%7d"],
  [FORM, "payload=%E2%80%A8{}"],
  ["application/json", "null"],
  ["application/json", " \n\t{}"],
  ["application/json", "[{}]"],
  ["application/json", "{not json"],
  ["application/json", ""],
  [`${FORM}; charset=utf-8`, "payload=null"],
  ["text/plain", '"x"'],
];

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["payload", "p%61yload", "%70ayload", "payload+", "ssl_check", "ssl%5Fcheck", "text", "", "pay"];
const SPACES = ["", "+", "%20", "%09", "%0A", "%0d", " ", "%0B", "%A0"];
const VALUES = ["null", "3", '"x"', "true", "[1,2]", "{}", '{"type":"view_submission"}', "{not", "", "1"];

function randomForm(next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
  const fields = Array.from({ length: 1 + Math.floor(next() * 4) }, () => {
    const value = `${pick(SPACES)}${pick(SPACES)}${next() < 0.5 ? enc(pick(VALUES)) : pick(VALUES)}`;
    return next() < 0.1 ? pick(KEYS) : `${pick(KEYS)}=${value}`;
  });
  return fields.join(next() < 0.1 ? "&&" : "&");
}

describe("the door's shape check", () => {
  it("agrees with Bolt's parser on hand-picked bodies", () => {
    expect(HAND_PICKED.filter(([type, text]) => !agrees(type, text))).toEqual([]);
    // Guards: both verdicts occur, so agreement is not the check saying the same thing to everything.
    expect(HAND_PICKED.filter(([type, text]) => parsesToNonObject(type, text)).length).toBeGreaterThan(8);
    expect(HAND_PICKED.filter(([type, text]) => !parsesToNonObject(type, text)).length).toBeGreaterThan(8);
  });

  it("agrees with Bolt's parser on 5000 random forms", () => {
    const next = random(16);
    const forms = Array.from({ length: 5000 }, () => randomForm(next));
    expect(forms.filter((f) => !agrees(FORM, f))).toEqual([]);
    expect(forms.filter((f) => boltSees(FORM, f) === "non-object").length).toBeGreaterThan(500);
  });
});
