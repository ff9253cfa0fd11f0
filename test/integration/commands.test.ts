/**
 * `/pt` answers over signed HTTP: help and parse problems in the ack, lookups answered privately after it, and every
 * error a person can cause explained, with what to do, without a card.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
  LLAMA,
  REQUESTER,
  startHarness,
} from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("/pt", () => {
  it("answers help in the ack, with usage and examples", async () => {
    h = await startHarness();
    const result = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "help" });
    const body = JSON.stringify(result.body);
    expect(body).toContain("/pt deploy");
    expect(body).toContain("/pt status");
    expect(body).toContain("/pt list");
    expect(body).toContain('"response_type":"ephemeral"');
    expect(h.slack.calls("chat.postMessage")).toHaveLength(0);
  });

  it("says what it could not parse first, with the user's text escaped", async () => {
    h = await startHarness();
    const result = await h.driver.slashCommand({
      user: REQUESTER,
      channel: CHANNEL,
      text: "deploy <!channel>&co 3",
    });
    const body = result.body as { text: string; blocks: unknown[] };
    expect(body.text).toContain("is not a Unity Catalog model name");
    expect(JSON.stringify(body)).toContain("&lt;!channel&gt;&amp;co");
    expect(JSON.stringify(body)).not.toContain("<!channel>");
    expect(JSON.stringify(body.blocks[0])).toContain("not a Unity Catalog model name");
  });

  it("explains a model that is not eligible for provisioned throughput", async () => {
    h = await startHarness();
    const text = await h.answer("deploy ml.sandbox.sklearn-churn 2");
    expect(text).toContain("not eligible for provisioned throughput");
    expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(0);
  });

  it("explains a version that is not READY", async () => {
    h = await startHarness();
    const text = await h.answer(`deploy ${LLAMA} 4`);
    expect(text).toContain("is not READY");
    expect(text).toContain("PENDING_REGISTRATION");
  });

  it("finds a model named in another case, as Unity Catalog does, and proposes its usual endpoint", async () => {
    h = await startHarness();
    const card = await h.deploy("deploy ML.LLM-Catalog.Llama-13B 3");
    expect(blockText(card)).toContain("*Model*\\n`ml.llm-catalog.llama-13b`");
    expect(blockText(card)).toContain("*Endpoint*\\n`llama-13b-3` (new)");
  });

  it("explains an unknown model", async () => {
    h = await startHarness();
    const text = await h.answer("deploy ml.nowhere.nothing 1");
    expect(text).toContain("could not find");
  });

  it("refuses an invalid endpoint name at once", async () => {
    h = await startHarness();
    const text = await h.answer(`deploy ${LLAMA} 3 --name bad.name`);
    expect(text).toContain("not valid");
    expect(text).toContain('"."');
  });

  it("says when Databricks cannot be reached, and creates nothing", async () => {
    h = await startHarness();
    h.dbx.injectFault({ kind: "status", status: 500, path: /unity-catalog/, times: 10 });
    const text = await h.answer(`deploy ${LLAMA} 3`);
    expect(text).toContain("could not reach the Databricks workspace");
  });

  it("refuses a channel that is not allowed", async () => {
    h = await startHarness({ env: { PTBOT_ALLOWED_CHANNELS: "C0ELSEWHERE" } });
    const text = await h.answer(`deploy ${LLAMA} 3`);
    expect(text).toContain("cannot be requested in this channel");
    expect(text).toContain("<#C0ELSEWHERE>");
  });

  it("asks to be invited when it is not in the channel, and leaves nothing waiting", async () => {
    h = await startHarness();
    h.slack.setChannelMember(CHANNEL, h.slack.bot.userId, false);
    const text = await h.answer(`deploy ${LLAMA} 3`);
    expect(text).toContain("/invite @ptbot");
    // The request was cancelled: a new one for the same endpoint is not "in use".
    h.slack.setChannelMember(CHANNEL, h.slack.bot.userId, true);
    await h.deploy(`deploy ${LLAMA} 3`);
  });

  it("says another request is in progress for the same endpoint", async () => {
    h = await startHarness();
    await h.deploy(`deploy ${LLAMA} 3`);
    const text = await h.answer(`deploy ${LLAMA} 3`);
    expect(text).toContain("Another request");
    expect(text).toContain("llama-13b-3");
  });

  it("shows an endpoint's status: state, model, throughput, who asked and approved, and the link", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"));
    const since = h.slack.lastSeq;
    await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: "status llama-13b-3" });
    await h.waitForEphemeral(REQUESTER, (t) => t.includes("ready"), since);
    const shown = JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks);
    expect(shown).toContain("🟢 ready");
    expect(shown).toContain(`\`${LLAMA}\` v3 at 1,960–2,940 tokens/s`);
    expect(shown).toContain(`*Requested by*: <@${REQUESTER}>`);
    expect(shown).toContain(`*Approved by*: <@${APPROVER}>`);
    expect(shown).toContain(`${h.dbx.url}/ml/endpoints/llama-13b-3`);
  });

  it("says when there is no such endpoint", async () => {
    h = await startHarness();
    const text = await h.answer("status nothing-here");
    expect(text).toContain("not found");
    const shown = JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks);
    expect(shown).toContain("no endpoint");
  });

  it("lists managed endpoints and requests in flight", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("is READY"));
    await h.deploy(`deploy ${LLAMA} 2 --name llama-old`);
    const text = await h.answer("list");
    expect(text).toContain("ptbot manages 1 endpoint; 1 request in flight");
    const shown = JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks);
    expect(shown).toContain("llama-13b-3");
    expect(shown).toContain("🟢 ready");
    expect(shown).toContain("*Requests in flight* (1)");
    expect(shown).toContain("`llama-old`");
    expect(shown).toContain("waiting for approval");
  });
});
