/**
 * `/pt` run in a DM or a group DM between people, where ptbot cannot post: a deploy is answered through the
 * command's response_url with what to do (a channel the app is in), not "/invite @ptbot", and nothing is looked
 * up, created or posted; the read-only subcommands still answer there.
 */
import { afterEach, describe, expect, it } from "vitest";
import { APPROVER, type Harness, LLAMA, REQUESTER, STRANGER, startHarness } from "./harness.js";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("/pt in a conversation between people", () => {
  it.each([
    ["a DM between two people", [REQUESTER, APPROVER]],
    ["a group DM", [REQUESTER, APPROVER, STRANGER]],
  ])("answers a deploy in %s privately with where to run it", async (_what, people) => {
    h = await startHarness();
    const conversation = h.slack.openPeopleConversation(people);
    const answer = await h.answer(`deploy ${LLAMA} 3`, REQUESTER, conversation);
    expect(answer).toContain("direct message or a group DM");
    expect(answer).toContain("in a channel");
    expect(answer).not.toContain("/invite");
    expect(h.slack.responses().at(-1)?.origin.channel).toBe(conversation);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(0);
    expect(h.dbx.requestsTo("GET", /unity-catalog/)).toHaveLength(0);
  });

  it("still answers /pt list there", async () => {
    h = await startHarness();
    const conversation = h.slack.openPeopleConversation([REQUESTER, APPROVER]);
    const answer = await h.answer("list", REQUESTER, conversation);
    expect(answer).not.toContain("direct message");
  });
});
