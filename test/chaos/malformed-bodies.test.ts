/**
 * Bodies Slack never sends, signed and unsigned, against ptbot as a real process (`bot-process.ts`): an unhandled
 * rejection would end a process, where a test runner would only report it. Every one must be answered (or dropped)
 * without taking the bot down, and the bot must go on serving genuine requests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CHANNEL, REQUESTER } from "../../bench/ptbot-env.js";
import type { SendOptions } from "../../emulators/slack/index.js";
import { type BotWorld, startBotWorld } from "./bot-world.js";

const MB = "a".repeat(1024 * 1024);
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

describe("malformed bodies against ptbot's process", () => {
  let world: BotWorld | undefined;
  let answers: { what: string; status: number | string }[] = [];
  let aliveAfterOthers = false;
  let genuineAfterOthers = 0;
  let nullPayloadExit: { code: number | null } | "still running" = "still running";

  // Set up outside the tests, so a broken setup fails loudly instead of passing as "the known bug" below.
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

    // Last, since Bolt rejects it unhandled: `payload=null`, signed. main() logs such a rejection and goes on.
    await driver.sendRaw({ body: "payload=null" }).catch(() => undefined);
    nullPayloadExit = await Promise.race([
      w.bot.exited,
      new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), 2_000)),
    ]);
    await w.close();
  }, 30_000);

  it("answers every other malformed body without a crash, and keeps serving", () => {
    // An answer, any answer: no timeout, no connection dropped. (Bolt answers a JSON event with a null `event` 500,
    // which Slack would retry; the process survives it.)
    const unanswered = answers.filter((a) => typeof a.status !== "number" || a.status < 200);
    expect(unanswered).toEqual([]);
    expect(answers.filter((a) => (a.status as number) >= 500).map((a) => a.what)).toEqual(["a JSON event"]);
    // Forgeries are refused before anything is parsed, however big.
    expect(
      answers.filter((a) => a.what.includes("unsigned") || a.what.includes("forged")).map((a) => a.status),
    ).toEqual([401, 401]);
    expect(aliveAfterOthers).toBe(true);
    expect(genuineAfterOthers).toBe(200);
  });

  it("a signed `payload=null` does not end the process", () => {
    expect(nullPayloadExit).toBe("still running");
  });
});
