/**
 * The chat session against the real bot and both emulators, in process: what a person types becomes what Slack
 * sends, and what the bot does shows up in the transcript.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripAnsi } from "../../sandbox/ansi.js";
import { type ChatIo, ChatSession } from "../../sandbox/chat-session.js";
import { type RunningSandbox, startSandbox } from "../../sandbox/start-sandbox.js";
import { ACTIONS } from "../../src/slack/ids.js";

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ provisioningMs: 300, pollIntervalMs: 100, env: {} });
});
afterAll(async () => {
  await sandbox?.stop();
});

/** Answers reads from `lines`, then ends; keeps everything written. */
function scripted(lines: string[]): ChatIo & { transcript(): string } {
  const out: string[] = [];
  return {
    read: async () => lines.shift(),
    write: (text) => out.push(text),
    transcript: () => stripAnsi(out.join("\n")),
  };
}

function session(io: ChatIo, interactive: boolean, cardWaitMs = 5000): ChatSession {
  return new ChatSession({
    slack: sandbox.slack,
    driver: sandbox.driver,
    channel: sandbox.channel,
    users: sandbox.users,
    startAs: "U0REQUESTER",
    io,
    color: false,
    names: sandbox.names,
    interactive,
    echo: !interactive,
    settle: { quietMs: 150, maxMs: 3000 },
    cardWaitMs,
  });
}

const deliveredClicks = () =>
  sandbox.slack.events().filter((e) => e.type === "delivered" && e.delivery.kind === "block_actions").length;

describe("ChatSession with the real bot", () => {
  it("plays a script: a deploy, a stranger refused, the approver's click, and the thread up to READY", async () => {
    const io = scripted([
      "/pt deploy ml.llm-catalog.llama-13b 2",
      ":as linus",
      "a",
      ":as grace",
      ":click approve",
    ]);
    const chat = session(io, false);
    const since = sandbox.slack.lastSeq;
    expect(await chat.run()).toBe("end");
    await sandbox.slack.waitForMessage((m) => m.threadTs !== undefined && /is READY/.test(m.text), {
      since,
      timeoutMs: 10_000,
      description: "the READY reply",
    });
    chat.stop();
    const transcript = io.transcript();
    expect(transcript).toContain("» ada: /pt deploy ml.llm-catalog.llama-13b 2");
    expect(transcript).toMatch(/🚀 Deploy request: ml\.llm-catalog\.llama-13b v2/);
    // Cost on the card by default, priced at the sandbox's sample $0.07 per DBU: 72 DBU/h × 0.07 = $5.04/h.
    expect(transcript).toContain("48 DBU/h at min, 72 DBU/h at max · $5.04/h, $3,628.80 per 30 days at max");
    expect(transcript).toContain("[a] Approve  [d] Adjust  [r] Reject  [c] Cancel");
    expect(transcript).toMatch(/ptbot · only visible to you\n│ Only approvers can approve/);
    expect(transcript).toContain("(answered Approve)");
    expect(transcript).toContain("card updated");
    expect(transcript).toMatch(/ {4}↳ ptbot\n {4}│ .*READY/);
    expect(transcript).not.toContain("⚠");
  });

  it("asks confirm dialogs at a terminal, and plays the adjust modal with the bot's field errors", async () => {
    const io = scripted([
      "/pt deploy system.ai.dbrx_instruct 1",
      "as grace",
      "a",
      "n", // "Not yet": nothing is sent
      "as ada",
      "d",
      "0", // min 0 without scale to zero: the bot refuses it
      "",
      "",
      "",
      "1",
      "2",
      "",
      "dbrx-small",
      "as grace",
      "a",
      "y",
    ]);
    const chat = session(io, true);
    const clicksBefore = deliveredClicks();
    expect(await chat.run()).toBe("end");
    chat.stop();
    const transcript = io.transcript();
    expect(transcript).toContain("? Approve this deploy?");
    expect(transcript).toContain("Not yet: nothing sent.");
    expect(transcript).toContain("modal · Adjust deploy");
    expect(transcript).toMatch(/│ {3}⚠ .*scale to zero/);
    expect(transcript).toContain("The app refused some values");
    expect(transcript).toContain("Modal submitted.");
    expect(transcript).toMatch(/Endpoint: `dbrx-small`/);
    expect(transcript).toMatch(/Approved by @grace/);
    // Adjust and the final Approve reached the bot; the denied confirm did not.
    expect(deliveredClicks() - clicksBefore).toBe(2);
    expect(chat.prompt).toBe("grace@#ml-deploys> ");
  });

  it("says what is wrong instead of failing: unknown users, buttons and commands", async () => {
    const io = scripted(["as nobody", "click launch", "/nope", ":bogus", "show", "quit", "never read"]);
    const chat = session(io, true, 0);
    expect(await chat.run()).toBe("quit");
    chat.stop();
    const transcript = io.transcript();
    expect(transcript).toContain('No user "nobody". Users: ada, grace, linus');
    expect(transcript).toMatch(/There is no card with buttons|No button "launch"/);
    expect(transcript).toContain("/nope is not a valid command.");
    expect(transcript).toContain("No sandbox command :bogus");
    // `show` prints the latest card again with its thread: the dbrx one from the test before.
    expect(transcript).toMatch(
      /ptbot\n│ 🚀 Deploy request: system\.ai\.dbrx_instruct v1 → dbrx-small\n(.*\n)*? {4}↳ ptbot/,
    );
  });
});

describe("the sandbox's two workspaces (issue 14)", () => {
  it("deploys to dev by default, where ada approves her own, and to prod with --in, where she may not", async () => {
    expect(sandbox.workspaces.map((w) => w.name)).toEqual(["dev", "prod"]);
    const channel = sandbox.channel.id;
    const deployAndApprove = async (text: string, name: string) => {
      const since = sandbox.slack.lastSeq;
      await sandbox.driver.slashCommand({ user: "U0REQUESTER", channel, text });
      const card = await sandbox.slack.waitForMessage(
        (m) =>
          m.channel === channel &&
          m.threadTs === undefined &&
          JSON.stringify(m.blocks).includes(`→ ${name}`) &&
          JSON.stringify(m.blocks).includes(ACTIONS.approve),
        { since, timeoutMs: 10_000, description: `the card of ${text}` },
      );
      await sandbox.driver.clickButton({
        user: "U0REQUESTER",
        channel,
        messageTs: card.ts,
        actionId: ACTIONS.approve,
      });
      return { card, since };
    };
    const dev = await deployAndApprove("deploy ml.llm-catalog.llama-13b 2 --name in-dev", "in-dev");
    expect(JSON.stringify(dev.card.blocks)).toContain("Workspace `dev`");
    await sandbox.slack.waitForMessage(
      (m) => m.threadTs === dev.card.ts && /`in-dev` is READY/.test(m.text),
      {
        since: dev.since,
        timeoutMs: 10_000,
        description: "dev's READY reply",
      },
    );
    const prod = await deployAndApprove(
      "deploy ml.llm-catalog.llama-13b 2 --name in-prod --in prod",
      "in-prod",
    );
    expect(JSON.stringify(prod.card.blocks)).toContain("Workspace `prod`");
    await sandbox.slack.waitFor(
      (e) => e.type === "ephemeral_posted" && /Only approvers can approve/.test(e.ephemeral.text),
      { since: prod.since, timeoutMs: 10_000, description: "prod's refusal of ada's own approval" },
    );
    expect(sandbox.workspaces[1]?.databricks.endpoint("in-prod")).toBeUndefined();
  });
});
