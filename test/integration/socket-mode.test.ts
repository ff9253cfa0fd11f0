/**
 * The same app over Socket Mode: ptbot connects out with its app token, commands and clicks arrive as envelopes, and
 * `/healthz` is still served on the HTTP port.
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

describe("Socket Mode", () => {
  it("takes a deploy and an approval over the socket, and serves /healthz over HTTP", async () => {
    h = await startHarness({ socketMode: true });
    expect(h.slack.socketConnectionCount).toBe(1);
    const health = await fetch(`http://127.0.0.1:${h.running.port}/healthz`);
    expect(health.status).toBe(200);

    const ack = await h.driver.slashCommand({ user: REQUESTER, channel: CHANNEL, text: `deploy ${LLAMA} 3` });
    expect(JSON.stringify(ack.body)).toContain("Looking up");
    const card = await h.slack.waitForMessage((m) => isCard(m), { timeoutMs: 5000 });
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    await h.waitForCard(card, (m) => blockText(m).includes("Approved"));
  });
});
