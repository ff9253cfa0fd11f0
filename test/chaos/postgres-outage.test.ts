/**
 * The real thing: ptbot as a process (`runProcess`, as `npm start` runs it) on its own PostgreSQL server, which is
 * stopped in the middle of a conversation and started again. A server stopping ends every connection of the pool
 * (an `error` event on each idle client), then refuses new ones. The process must stay up through it; `/readyz`
 * answers 503 meanwhile and 200 after; a command meanwhile hears "ptbot cannot reach its database, try again in a
 * minute"; the conversation approved before the outage finishes after it, each notice once, and nothing is lost.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { approve, ConversationWatcher, command, isReadyText } from "../../bench/conversation.js";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type SlackEmulator,
  startSlackEmulator,
} from "../../emulators/slack/index.js";
import { STORE_UNAVAILABLE_TEXT } from "../../src/slack/messages.js";
import { startTestPostgres, type TestPostgres } from "../postgres/server.js";
import { type BotChild, freePort, startBotChild } from "./bot-child.js";
import { waitUntil } from "./wait-until.js";

const REQUESTER = "U0REQUESTER";
const CHANNEL = "C0MLDEPLOY";

let pg: TestPostgres | undefined;
let dbx: DatabricksEmulator | undefined;
let slack: SlackEmulator | undefined;
let bot: BotChild | undefined;
afterEach(async () => {
  bot?.kill("SIGKILL");
  await bot?.exited;
  await Promise.all([slack?.close(), dbx?.close(), pg?.stop()]);
  bot = undefined;
  slack = undefined;
  dbx = undefined;
  pg = undefined;
});

async function readyz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const endpointState = (name: string) =>
  (dbx?.endpoint(name) as { state?: { ready?: string; config_update?: string } } | undefined)?.state;

describe("PostgreSQL stopping and starting again under a running ptbot process", () => {
  it("keeps the process up, answers 503 and 'cannot reach its database' meanwhile, and finishes the conversation after", async () => {
    pg = await startTestPostgres();
    dbx = await startDatabricksEmulator({ port: 0, provisioningMs: 2_500 });
    slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "ptbot-pg-outage-"));
    bot = await startBotChild({
      env: {
        PORT: String(port),
        HOME: dir,
        LOG_LEVEL: "info",
        SLACK_BOT_TOKEN: defaultCredentials.botToken,
        SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
        SLACK_API_URL: slack.apiUrl,
        DATABRICKS_HOST: dbx.url,
        DATABRICKS_TOKEN: dbx.token,
        PTBOT_APPROVERS: "U0APPROVER",
        PTBOT_DATABASE_URL: pg.url,
        PTBOT_POLL_INTERVAL_MS: "100",
      },
      owner: "outage-bot",
      clockSkewMs: 0,
    });
    const running = bot;
    const watcher = new ConversationWatcher(slack);
    const driver = slack.driver({ appUrl: `http://127.0.0.1:${port}/slack/events`, ackTimeoutMs: 5_000 });

    const name = "through-the-outage";
    const { card } = await command(watcher, driver, name);
    await approve(driver, card);
    await watcher.reply(card, (t) => t.includes("provisioning"), 15_000);
    expect((await readyz(port)).status).toBe(200);

    await pg.halt();
    await waitUntil(async () => (await readyz(port)).status === 503, {
      timeoutMs: 10_000,
      description: "/readyz 503 while PostgreSQL is down",
    });
    expect((await readyz(port)).body).toMatchObject({ ready: false, checks: { store: { ok: false } } });

    const since = slack.lastSeq;
    const during = await driver.slashCommand({
      user: REQUESTER,
      channel: CHANNEL,
      text: "deploy ml.llm-catalog.llama-13b 2 --name asked-during",
    });
    expect(during).toMatchObject({ status: 200, late: false });
    await slack.waitFor(
      (e) =>
        e.type === "ephemeral_posted" &&
        e.ephemeral.user === REQUESTER &&
        e.ephemeral.text === STORE_UNAVAILABLE_TEXT,
      { since, timeoutMs: 15_000, description: "the 'cannot reach its database' answer" },
    );
    await waitUntil(() => endpointState(name)?.ready === "READY", {
      timeoutMs: 15_000,
      description: "the endpoint READY at Databricks while PostgreSQL is down",
    });
    expect(watcher.replies(card).some((r) => isReadyText(r.message.text))).toBe(false);
    expect(running.alive()).toBe(true);

    await pg.start();
    await watcher.reply(card, isReadyText, 20_000);
    await waitUntil(async () => (await readyz(port)).status === 200, {
      timeoutMs: 10_000,
      description: "/readyz 200 once PostgreSQL is back",
    });
    // The command refused during the outage works now; nothing asked during it was half-stored.
    const { card: after } = await command(watcher, driver, "asked-after", 15_000);
    expect(after.ts).not.toBe(card.ts);
    await expect(watcher.card("asked-during", 1)).rejects.toThrow();

    expect(running.alive()).toBe(true);
    const replies = watcher.replies(card).map((r) => r.message.text);
    for (const word of ["Creating endpoint", "provisioning (this can take", "is READY"]) {
      expect(replies.filter((t) => t.includes(word))).toHaveLength(1);
    }
    expect(dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);
    const msgs = running.logs.map((l) => l.msg);
    expect(msgs).toContain("database unreachable, work waits until it is back");
    expect(msgs).toContain("database reachable again");
    expect(msgs).not.toContain("unhandled rejection");
    // Connections lost and reconnects failing are warnings; nothing in the outage is an error.
    expect(running.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
    watcher.close();
  }, 90_000);
});
