/**
 * The core thread's receiver under a real Bolt app (no HTTP, no Slack: authorize is local): a modal submission's ack
 * goes back to the receiving thread as the listener gave it; a listener that throws before acking is answered as a
 * failure at once (ptbot's own error handler makes Bolt resolve, so nothing else would tell); a request the
 * receiving thread answered already gets no second answer.
 */
import { App } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { ForwardedReceiver } from "../../src/threads/forwarded-receiver.js";
import type { FromCore } from "../../src/threads/thread-messages.js";

type Answer = Extract<FromCore, { type: "answer" }>;

function appWith(receiver: ForwardedReceiver): App {
  const app = new App({
    receiver,
    authorize: async () => ({ botToken: "xoxb-test", botId: "B0PTBOT", botUserId: "U0PTBOT" }),
  });
  app.error(async () => {});
  app.view("answers", async ({ ack }) => {
    await ack({ response_action: "errors", errors: { block: "Too many." } });
  });
  app.view("throws", async () => {
    throw new Error("boom");
  });
  return app;
}

const submission = (callbackId: string) => ({
  type: "view_submission",
  team: { id: "T0TEAM" },
  user: { id: "U0REQUESTER" },
  view: { id: "V1", callback_id: callbackId, state: { values: {} } },
});

async function deliver(receiver: ForwardedReceiver, id: number, callbackId: string, acked: boolean) {
  const answers: Answer[] = [];
  await receiver.deliver({ type: "event", id, body: submission(callbackId), acked }, (a) => answers.push(a));
  return answers;
}

describe("ForwardedReceiver", () => {
  it("relays a submission's ack, answers a listener that threw as failed, and never answers twice", async () => {
    const receiver = new ForwardedReceiver();
    appWith(receiver);
    expect(await deliver(receiver, 1, "answers", false)).toEqual([
      { type: "answer", id: 1, response: { response_action: "errors", errors: { block: "Too many." } } },
    ]);
    expect(await deliver(receiver, 2, "throws", false)).toEqual([{ type: "answer", id: 2, failed: true }]);
    expect(await deliver(receiver, 3, "answers", true)).toEqual([]);
    expect(await deliver(receiver, 4, "throws", true)).toEqual([]);
  });
});
