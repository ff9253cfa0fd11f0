/**
 * Bodies Slack never sends, signed and unsigned, against ptbot as a real process (`bot-process.ts`): an unhandled
 * rejection would end a process, where a test runner would only report it. Every one must be answered (or dropped)
 * without taking the bot down, nothing may reach the process's "unhandled rejection" log line, and the bot must go
 * on serving genuine requests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CHANNEL, REQUESTER } from "../../bench/ptbot-env.js";
import type { SendOptions } from "../../emulators/slack/index.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";
import { waitUntil } from "./wait-until.js";

/** Over the 1 MiB body limit once the form's other fields are added; `NEAR_LIMIT` stays under it. */
const MB = "a".repeat(1024 * 1024);
const NEAR_LIMIT = "a".repeat(1000 * 1000);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (value: unknown) => form({ payload: JSON.stringify(value) });
const command = (text: string) =>
  form({ command: "/pt", text, user_id: REQUESTER, channel_id: CHANNEL, team_id: "T0PTBOT00" });

/** `[what, body, options]`: signed with the right secret unless the options say otherwise. */
const BODIES: readonly (readonly [string, string, SendOptions])[] = [
  ["a 1 MB command text", command(MB), {}],
  ["a 1 MB interaction payload", payload({ type: "block_actions", filler: MB }), {}],
  ["a 1 MB body, unsigned", command(MB), { unsigned: true }],
  ["a 1 MB body, forged", command(MB), { signature: `v0=${"0".repeat(64)}` }],
  ["a body near the limit, unsigned", command(NEAR_LIMIT), { unsigned: true }],
  ["a body near the limit, forged", command(NEAR_LIMIT), { signature: `v0=${"0".repeat(64)}` }],
  ["payload=null", "payload=null", {}],
  ["an empty payload", "payload=", {}],
  ["JSON null", "null", { contentType: "application/json" }],
  ["payload that is not JSON", "payload=%7Bnot-json", {}],
  ["payload that is an array", payload([1, 2]), {}],
  ["payload that is a number", "payload=3", {}],
  ["payload that is a string", payload("x"), {}],
  [
    "block_actions without actions or user",
    payload({ type: "block_actions", team: { id: "T0PTBOT00" } }),
    {},
  ],
  [
    "an approve click naming no request",
    payload({
      type: "block_actions",
      user: { id: "U0APPROVER" },
      team: { id: "T0PTBOT00" },
      channel: { id: CHANNEL },
      actions: [{ action_id: "ptbot_approve", block_id: "x", type: "button" }],
    }),
    {},
  ],
  [
    "an approve click on a request that does not exist",
    payload({
      type: "block_actions",
      user: { id: "U0APPROVER" },
      team: { id: "T0PTBOT00" },
      channel: { id: CHANNEL },
      actions: [{ action_id: "ptbot_approve", block_id: "x", type: "button", value: "no-such-request" }],
    }),
    {},
  ],
  [
    "an adjust submission with junk metadata and values",
    payload({
      type: "view_submission",
      user: { id: "U0REQUESTER" },
      team: { id: "T0PTBOT00" },
      view: { callback_id: "ptbot_adjust", private_metadata: "{}", state: { values: { x: { y: null } } } },
    }),
    {},
  ],
  ["a command without text, user or channel", form({ command: "/pt" }), {}],
  ["an empty body", "", {}],
  ["bytes that are not a form", "\u0000\u0001%%%=&&=%zz", {}],
  ["JSON that does not parse", "{not json", { contentType: "application/json" }],
  [
    "a JSON event",
    JSON.stringify({ type: "event_callback", event: null }),
    { contentType: "application/json" },
  ],
  ["plain text", "hello", { contentType: "text/plain" }],
  [
    "a form with a charset",
    command("help"),
    { contentType: "application/x-www-form-urlencoded; charset=utf-8" },
  ],
];

/** What Bolt cannot parse into an object: 400, where Bolt 5.1 alone left `payload=null` an unhandled rejection. */
const UNPARSEABLE = [
  "payload=null",
  "an empty payload",
  "JSON null",
  "payload that is not JSON",
  "payload that is an array",
  "payload that is a number",
  "payload that is a string",
  "JSON that does not parse",
];

describe("malformed bodies against ptbot's process", () => {
  let world: BotWorld | undefined;
  let answers: { what: string; status: number | string }[] = [];
  let aliveAfterOthers = false;
  let genuineAfterOthers = 0;
  let logs: readonly Record<string, unknown>[] = [];
  let exitedSoon: { code: number | null } | "still running" = "still running";

  // Set up outside the tests, so a broken setup fails loudly instead of passing vacuously below.
  beforeAll(async () => {
    world = await startBotWorld({ provisioningMs: 300 });
    const w = world;
    const driver = w.slack.driver({ appUrl: w.appUrl, ackTimeoutMs: 8_000 });
    answers = await Promise.all(
      BODIES.map(async ([what, body, options]) => {
        const { contentType, ...rest } = options;
        const sent = await driver
          .sendRaw(contentType === undefined ? { body } : { body, contentType }, rest)
          .then((d) => d.status)
          .catch((error: unknown) => String(error));
        return { what, status: sent };
      }),
    );
    aliveAfterOthers = w.bot.alive();
    genuineAfterOthers = (await driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" }))
      .status;
    // Each refusal is logged (the two bodies that are not JSON at all are Bolt's own 400s, logged by Bolt); once all
    // are in, whatever those requests could log has been logged.
    await waitUntil(
      () =>
        w.bot.logs.filter((l) => l.msg === "slack request body not an object").length >=
        UNPARSEABLE.length - 2,
      { timeoutMs: 5_000, description: "the bot to log each unparseable body" },
    ).catch(() => undefined);
    logs = [...w.bot.logs];
    exitedSoon = await Promise.race([w.bot.exited, Promise.resolve("still running" as const)]);
    await w.close();
  }, 30_000);

  it("answers every malformed body without a crash, and keeps serving", () => {
    // An answer, any answer: no timeout, no connection dropped, and no 500 (Bolt alone answered a JSON event with a
    // null `event` 500, which Slack would retry; the receiving thread acks an event at once and hands it on, and the
    // core's Bolt app drops what it cannot route).
    const unanswered = answers.filter((a) => typeof a.status !== "number" || a.status < 200);
    expect(unanswered).toEqual([]);
    expect(answers.filter((a) => (a.status as number) >= 500).map((a) => a.what)).toEqual([]);
    // Over the limit: refused before anything is read, signed or not. Under it, forgeries are refused unparsed.
    expect(
      answers.filter((a) => a.what.includes("unsigned") || a.what.includes("forged")).map((a) => a.status),
    ).toEqual([413, 413, 401, 401]);
    expect(answers.filter((a) => a.what.startsWith("a 1 MB")).map((a) => a.status)).toEqual(
      Array(4).fill(413),
    );
    expect(aliveAfterOthers).toBe(true);
    expect(genuineAfterOthers).toBe(200);
    expect(exitedSoon).toBe("still running");
  });

  it("answers a signed body Bolt cannot parse into an object with 400, and nothing is left unhandled", () => {
    expect(answers.filter((a) => UNPARSEABLE.includes(a.what))).toEqual(
      UNPARSEABLE.map((what) => ({ what, status: 400 })),
    );
    expect(logs.filter((l) => l.msg === "unhandled rejection")).toEqual([]);
    // Guard: the log was read (the bot started and logged its refusals), so the empty list above means something.
    expect(logs.some((l) => l.msg === "ptbot started")).toBe(true);
    expect(logs.filter((l) => l.msg === "slack request body too large").length).toBe(4);
  });
});
