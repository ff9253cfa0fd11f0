/**
 * The Adjust button and its modal over signed HTTP: the modal opens pre-filled, field errors appear under the input
 * that caused them (and nothing changes), and a valid submission closes the modal and re-renders the card.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS, ADJUST_INPUTS, ADJUST_VIEW, SCALE_TO_ZERO_OPTION } from "../../src/slack/ids.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  LLAMA,
  REQUESTER,
  STRANGER,
  startHarness,
} from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function openModal(harness: Harness, user: string, ts: string) {
  const since = harness.slack.lastSeq;
  await harness.driver.clickButton({ user, channel: CHANNEL, messageTs: ts, actionId: ACTIONS.adjust });
  const opened = await harness.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
  if (opened.type !== "view_opened") throw new Error("no view");
  return opened.view;
}

describe("adjusting a request", () => {
  it("opens the modal with the plan's values, shows field errors, then saves and re-renders the card", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const view = await openModal(h, REQUESTER, card.ts);
    expect(view.view.callback_id).toBe(ADJUST_VIEW);
    const inputs = JSON.stringify(view.view.blocks);
    expect(inputs).toContain('"initial_value":"2"');
    expect(inputs).toContain('"initial_value":"3"');
    expect(inputs).toContain('"initial_value":"llama-13b-3"');

    const minAboveMax = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: { [ADJUST_INPUTS.min.action]: 5, [ADJUST_INPUTS.max.action]: 4 },
    });
    expect(minAboveMax.body).toMatchObject({ response_action: "errors" });
    expect(minAboveMax.view?.open).toBe(true);
    expect(minAboveMax.view?.errors?.[ADJUST_INPUTS.min.block]).toContain("must not be greater than max");

    const aboveLimit = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: { [ADJUST_INPUTS.max.action]: 25 },
    });
    expect(aboveLimit.view?.errors?.[ADJUST_INPUTS.max.block]).toContain("at most 20×");

    const badName = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: { [ADJUST_INPUTS.max.action]: 4, [ADJUST_INPUTS.name.action]: "my endpoint!" },
    });
    expect(badName.view?.errors?.[ADJUST_INPUTS.name.block]).toContain("may only contain letters");
    expect(h.slack.calls("chat.update")).toHaveLength(0);

    const saved = await h.driver.submitView({
      user: REQUESTER,
      viewId: view.id,
      values: {
        [ADJUST_INPUTS.min.action]: 0,
        [ADJUST_INPUTS.max.action]: 4,
        [ADJUST_INPUTS.scaleToZero.action]: [SCALE_TO_ZERO_OPTION],
        [ADJUST_INPUTS.name.action]: "llama-prod",
      },
    });
    expect(saved.body).toBeUndefined();
    expect(saved.view?.open).toBe(false);
    const updated = await h.waitForCard(card, (m) => blockText(m).includes("llama-prod"));
    expect(blockText(updated)).toContain("0–3,920 tokens/s (0×–4× of 980)");
    expect(blockText(updated)).toContain("*Scale to zero*\\non");
    await h.waitForReply(card, (t) => t.includes("adjusted the request"));

    // Approving now deploys the adjusted settings.
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForReply(card, (t) => t.includes("Creating endpoint"));
    const [create] = h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints");
    expect(create?.body).toMatchObject({
      name: "llama-prod",
      config: {
        served_entities: [
          { min_provisioned_throughput: 0, max_provisioned_throughput: 3920, scale_to_zero_enabled: true },
        ],
      },
    });
  });

  it("says nothing changed when the form is saved as it was", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const view = await openModal(h, APPROVER, card.ts);
    const same = await h.driver.submitView({ user: APPROVER, viewId: view.id });
    expect(Object.values(same.view?.errors ?? {}).join(" ")).toContain("Nothing changed");
  });

  it("tells a stranger privately that only the requester or an approver may adjust", async () => {
    h = await startHarness({ env: { PTBOT_APPROVERS: APPROVER } });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const answer = await h.waitForEphemeral(STRANGER, (t) => t.includes("can adjust this request"));
    expect(answer).toContain(`<@${REQUESTER}>`);
    expect(h.slack.views()).toHaveLength(0);
  });

  it("refuses a group stranger before the form opens (issue 9: no longer only on Save)", async () => {
    h = await startHarness();
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const since = h.slack.lastSeq;
    await h.driver.clickButton({
      user: STRANGER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.adjust,
    });
    const answer = await h.waitForEphemeral(STRANGER, (t) => t.includes("can adjust this request"), since);
    expect(answer).toContain("or an approver");
    expect(h.slack.views()).toHaveLength(0);
    expect(h.slack.calls("chat.update")).toHaveLength(0);
  });
});
