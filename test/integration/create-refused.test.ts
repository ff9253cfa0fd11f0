/**
 * A create call Databricks refuses (not a transient failure) ends the request with a reason the thread words: the
 * Databricks error code is mapped to a domain reason code at the edge, never shown as the raw code with a default
 * sentence.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

const ENDPOINTS = "/api/2.0/serving-endpoints";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function refusedCreate(status: 500 | 503, errorCode: string): Promise<string> {
  h = await startHarness();
  h.dbx.injectFault({
    method: "POST",
    path: ENDPOINTS,
    kind: "status",
    status,
    errorCode,
    message: "the create went wrong <!channel>",
    times: Number.POSITIVE_INFINITY,
  });
  const card = await h.deploy(`deploy ${LLAMA} 3`);
  const click = await h.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
  const reply = await h.waitForReply(card, (t) => t.startsWith("❌"), 10_000);
  expect(reply.text).not.toContain("could not go ahead");
  expect(reply.text).not.toContain("<!channel>");
  return reply.text;
}

describe("a create Databricks refuses", () => {
  it("words a server error as an unexpected answer, not as the raw code", async () => {
    const text = await refusedCreate(500, "INTERNAL_ERROR");
    expect(text).toContain("Databricks answered with an error ptbot did not expect");
    expect(text).toContain("the create went wrong &lt;!channel&gt;");
  });
});
