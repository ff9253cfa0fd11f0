/**
 * Hostile and careless traffic through ptbot's front door, in process against the emulators: forged, stale,
 * replayed and oversized requests mixed into genuine conversations (which must still complete, with nothing done
 * for the others); mrkdwn injection in every field a person can type; and a seeded fuzz of `/pt` texts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, deployText } from "../../bench/conversation.js";
import { ACTIONS, ADJUST_INPUTS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "../integration/harness.js";
import { assertNothingLost } from "./assert-nothing-lost.js";
import { unescapedInjections } from "./mrkdwn-scan.js";
import { requestIdOf } from "./slack-cards.js";
import { isSmokeText, noticeOf, READY_THREAD } from "./thread-notices.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FORGED = `v0=${"0".repeat(64)}`;

describe("forged, stale, replayed and oversized requests among genuine conversations", () => {
  it("completes the genuine deploys and does nothing for the others", async () => {
    // Five conversations at once in one channel post about 25 messages within seconds: Slack's per-channel limit
    // (on by default) would spend 15 s of this test waiting out Retry-After, which is not what it is about.
    h = await startHarness({ slack: { postRateLimit: "off" } });
    const harness = h;
    const watcher = new ConversationWatcher(harness.slack);
    const genuine = ["genuine-0", "genuine-1", "genuine-2", "genuine-3", "genuine-4"];
    const padded = (bytes: number) =>
      new URLSearchParams({
        command: "/pt",
        text: `deploy ${LLAMA} 3 --name oversized ${"x".repeat(bytes)}`,
        user_id: REQUESTER,
        channel_id: CHANNEL,
        team_id: "T0PTBOT00",
      }).toString();
    const big = padded(1024 * 1024);
    const nearLimit = padded(1000 * 1000);
    const send = (text: string, options: Parameters<Harness["driver"]["slashCommand"]>[1]) =>
      harness.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text }, options).then((r) => r.status);

    const hostile = Promise.all([
      ...Array.from({ length: 20 }, (_, i) => send(deployText(`forged-${i}`), { signature: FORGED })),
      ...Array.from({ length: 10 }, (_, i) => send(deployText(`stale-${i}`), { timestampSkewSeconds: -600 })),
      ...Array.from({ length: 5 }, (_, i) => send(deployText(`unsigned-${i}`), { unsigned: true })),
      ...Array.from({ length: 3 }, () => send("help", { rawBody: big })),
      ...Array.from({ length: 3 }, () => send("help", { rawBody: big, unsigned: true })),
      ...Array.from({ length: 2 }, () => send("help", { rawBody: nearLimit })),
      ...Array.from({ length: 2 }, () => send("help", { rawBody: nearLimit, unsigned: true })),
    ]);
    const conversations = Promise.all(
      genuine.map(async (name) => {
        const { card } = await command(watcher, harness.driver, name);
        const click = { user: APPROVER, channel: CHANNEL, messageTs: card.ts, actionId: ACTIONS.approve };
        await approve(harness.driver, card);
        // The same click again, as an attacker replaying it: stale is refused; fresh is "already approved".
        const replays = await Promise.all([
          harness.driver.clickButton(click, { timestampSkewSeconds: -600 }),
          harness.driver.clickButton(click),
          harness.driver.clickButton(click),
        ]);
        await watcher.reply(card, isSmokeText, 20_000);
        return { name, card, replays: replays.map((r) => r.status) };
      }),
    );
    const [statuses, done] = await Promise.all([hostile, conversations]);

    expect(statuses.slice(0, 35)).toEqual(Array(35).fill(401));
    // Over the 1 MiB limit, signed or not, a body is refused before it is read (issue 16: it used to be buffered and
    // a signed one answered). Just under it, a signed command is answered (with help: the text is not a command) and
    // an unsigned one is refused.
    expect(statuses.slice(35)).toEqual([413, 413, 413, 413, 413, 413, 200, 200, 401, 401]);
    for (const d of done) expect(d.replays).toEqual([401, 200, 200]);
    const hostileNames = /forged-|stale-|unsigned-|oversized/;
    expect(
      harness.dbx.requests.filter((r) => hostileNames.test(`${r.path} ${JSON.stringify(r.body)}`)),
    ).toEqual([]);
    expect(harness.slack.calls().filter((c) => hostileNames.test(JSON.stringify(c.args)))).toEqual([]);

    const cardOf = new Map(done.map((d) => [d.name, d.card]));
    await assertNothingLost({
      expected: genuine.map((endpointName) => ({ endpointName, state: "ready" as const })),
      emu: harness.dbx,
      stateOf: async (e) => {
        const id = requestIdOf(cardOf.get(e.endpointName) ?? { blocks: [] });
        return id === undefined ? undefined : (await harness.running.workflow.get(id))?.state;
      },
      idOf: async (e) => requestIdOf(cardOf.get(e.endpointName) ?? { blocks: [] }),
      threadOf: (e) => {
        const card = cardOf.get(e.endpointName);
        return card === undefined ? [] : watcher.replies(card).map((s) => noticeOf(s.message));
      },
      expectedThread: () => READY_THREAD,
    });
    watcher.close();
  });
});

/** What a person might type to ping everyone, impersonate someone or disguise a link. */
const TOKENS = [
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<@U0INJECT>",
  "<https://evil.example|click>",
  "<!subteam^S0EVIL>",
  "<#C0EVIL>",
];

describe("mrkdwn injection in every field a person can type", () => {
  it("never echoes the injected text unescaped in anything ptbot sends", async () => {
    h = await startHarness();
    const harness = h;
    const texts = [
      ...TOKENS,
      ...TOKENS.map((t) => `deploy ${LLAMA} ${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 --name ${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 --name=${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 --min ${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 --max=${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 --${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA} 3 ${t}`),
      ...TOKENS.map((t) => `deploy ${LLAMA}@${t}`),
      ...TOKENS.map((t) => `deploy ${t}.b.c 1`),
      ...TOKENS.map((t) => `deploy ml.${t}.llama 1`),
      ...TOKENS.map((t) => `status ${t}`),
      ...TOKENS.map((t) => `list ${t}`),
      ...TOKENS.map((t) => `help ${t}`),
    ];
    for (const text of texts) {
      const answer = await harness.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text });
      expect(answer.status, text).toBe(200);
    }

    // The adjust modal: a genuine request, then every text field filled with an injection.
    const card = await harness.deploy(`deploy ${LLAMA} 3 --name injection-target`);
    const since = harness.slack.lastSeq;
    await harness.driver.clickButton({
      user: REQUESTER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const opened = await harness.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3_000 });
    if (opened.type !== "view_opened") throw new Error("no modal");
    for (const t of TOKENS) {
      for (const values of [
        { [ADJUST_INPUTS.name.action]: t },
        { [ADJUST_INPUTS.name.action]: `ok-${t}` },
        { [ADJUST_INPUTS.min.action]: t },
        { [ADJUST_INPUTS.max.action]: t },
      ]) {
        const submitted = await harness.driver
          .submitView({ user: REQUESTER, viewId: opened.view.id, values })
          .catch((error: unknown) => ({ status: String(error) }));
        // Number inputs may refuse text before it is sent, as Slack's client does; a text field never does.
        if (ADJUST_INPUTS.name.action in values) expect(submitted.status, JSON.stringify(values)).toBe(200);
      }
    }
    // Let the answers that go out after the ack (response_url posts) land before reading what was sent.
    await harness.slack
      .waitFor((e) => e.type === "response_posted" && JSON.stringify(e.response.body).includes("#C0EVIL"), {
        since,
        timeoutMs: 3_000,
      })
      .catch(() => undefined);
    await harness.waitForEphemeral(REQUESTER, (t) => t.includes("C0EVIL")).catch(() => undefined);

    const events = harness.slack.events();
    expect(unescapedInjections(events, TOKENS)).toEqual([]);
    // The scan has something to find: the injections did reach ptbot's answers, escaped.
    const rendered = JSON.stringify(events);
    expect(rendered).toContain("&lt;!channel&gt;");
    expect(rendered).toContain("&lt;@U0INJECT&gt;");
  });
});

describe("a fuzz of /pt texts through the signed front door", () => {
  it("answers 300 random and mutated texts with HTTP 200, within Slack's 3 s, and never echoes a broadcast", async () => {
    h = await startHarness();
    const harness = h;
    let s = 20261125;
    const random = () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const pieces = [
      "deploy",
      "status",
      "list",
      "help",
      LLAMA,
      "system.ai.dbrx_instruct",
      "a.b.c",
      "latest",
      "@champion",
      "3",
      "0",
      "99999",
      "--name",
      "--min",
      "--max",
      "--scale-to-zero",
      "=",
      "—",
      "fuzz-ep",
      ...TOKENS,
      "&amp;",
      "`",
      "```",
      "*bold*",
      "\n",
      "\t",
      "🙂",
      "\u0000",
      "\u202e",
      "%",
      "+",
      "x".repeat(1500),
    ];
    const texts = Array.from({ length: 300 }, () => {
      let text = Array.from({ length: 1 + Math.floor(random() * 7) }, () => pick(pieces)).join(
        random() < 0.8 ? " " : "",
      );
      if (random() < 0.3) {
        const at = Math.floor(random() * (text.length + 1));
        text = text.slice(0, at) + pick(["<", ">", "&", "|", "!", "\\", '"', "\ud800"]) + text.slice(at);
      }
      if (random() < 0.1) text = text.slice(0, Math.floor(random() * text.length));
      return text;
    });
    const answers: { text: string; status: number; late: boolean }[] = [];
    for (let i = 0; i < texts.length; i += 10) {
      const batch = texts.slice(i, i + 10);
      answers.push(
        ...(await Promise.all(
          batch.map(async (text) => {
            const r = await harness.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text });
            return { text, status: r.status, late: r.late };
          }),
        )),
      );
    }
    expect(answers.filter((a) => a.status !== 200 || a.late)).toEqual([]);
    // Still serving after all of it.
    expect(
      (await harness.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" })).status,
    ).toBe(200);
    expect(unescapedInjections(harness.slack.events(), TOKENS)).toEqual([]);
    expect(harness.logs.filter((l) => l.msg === "command failed")).toEqual([]);
  });
});
