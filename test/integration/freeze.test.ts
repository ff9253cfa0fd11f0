/**
 * Change freezes and break-glass changes, over signed HTTP with a policy file: a request for a frozen workspace is
 * refused before any card with the window and its end in the workspace's time zone; `--break-glass "reason"` lets it
 * through, marked on the card and in the thread, needing the break-glass quorum; the reason is in the audit log; an
 * approval given after a freeze began (the card posted before) is refused unless the request is a break-glass change.
 */
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import type { Store } from "../../src/store/store.js";
import {
  APPROVER,
  blockText,
  CHANNEL,
  type Harness,
  isCard,
  LLAMA,
  STRANGER,
  startHarness,
} from "./harness.js";

const HOUR = 3_600_000;
const ZONE = "Europe/Paris";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** `2026-12-01 18:00`: the wall-clock time of `ms` in {@link ZONE}, to the minute, as the policy file writes it. */
function wall(ms: number): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
}

/** One workspace, approvers APPROVER and STRANGER, one approval, frozen from `from` to `to` (instants). */
function policyFile(from: number, to: number): (url: string) => string {
  return (url) => `
defaults:
  approvers: [${APPROVER}, ${STRANGER}]
  required_approvals: 1
workspaces:
  prod:
    host: ${url}
    auth:
      token_env: HARNESS_DATABRICKS_TOKEN
    policy:
      freezes:
        time_zone: ${ZONE}
        periods:
          - from: ${wall(from)}
            to: ${wall(to)}
            reason: year-end <release>
`;
}

async function click(
  harness: Harness,
  user: string,
  card: StoredMessage,
  actionId: string = ACTIONS.approve,
) {
  const result = await harness.driver.clickButton({ user, channel: CHANNEL, messageTs: card.ts, actionId });
  expect(result.status).toBe(200);
}

describe("change freezes", () => {
  it("refuses a request during a freeze before any card, with the window and its end in the workspace's zone", async () => {
    const now = Date.now();
    const ends = now + 2 * 24 * HOUR;
    h = await startHarness({ policyFile: policyFile(now - 24 * HOUR, ends) });
    for (const text of [
      `deploy ${LLAMA} 3`,
      "scale llama-13b-3 --max 5",
      "rollback llama-13b-3",
      "delete x-1",
    ]) {
      const answer = await h.answer(text);
      expect(answer).toContain("change freeze (year-end &lt;release&gt;)");
      expect(answer).toContain(`${wall(ends).slice(11)} ${ZONE}`);
      expect(answer).toContain("--break-glass");
    }
    expect(h.slack.channelMessages(CHANNEL).filter(isCard)).toHaveLength(0);
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
  });

  it("lets a break-glass change through: marked with its escaped reason, in the thread, needing two approvals", async () => {
    const now = Date.now();
    let store: Store | undefined;
    const file = policyFile(now - HOUR, now + 24 * HOUR);
    h = await startHarness({
      policyFile: file,
      wrapStore: (s) => {
        store = s;
        return s;
      },
    });
    const card = await h.deploy(`deploy ${LLAMA} 3 --break-glass “checkout <is> down”`);
    expect(blockText(card)).toContain("Break-glass change");
    expect(blockText(card)).toContain("checkout &lt;is&gt; down");
    expect(blockText(card)).toContain("needs 2 approvals");
    await h.waitForReply(
      card,
      (t) => t.includes("Break-glass change") && t.includes("checkout &lt;is&gt; down"),
    );

    await click(h, APPROVER, card);
    await h.waitForReply(card, (t) => t.includes("(1 of 2)"));
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(0);
    await click(h, STRANGER, card);
    await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);

    const id = /Request `([^`]+)`/.exec(blockText(card))?.[1] ?? "";
    const audit = (await store?.audit(id)) ?? [];
    expect(audit[0]?.after.breakGlass).toEqual({ reason: "checkout <is> down", quorum: 2 });
    expect(audit.map((e) => e.action)).toContain("approved");
    // Each decision's row records the checksum of the policy file it was judged by.
    const checksum = createHash("sha256").update(file(h.dbx.url)).digest("hex");
    expect(audit.map((e) => e.policyChecksum)).toEqual(audit.map(() => checksum));
  });

  it("refuses an approval given after a freeze began on a card posted before it, and lets a break-glass one count", async () => {
    const now = Date.now();
    h = await startHarness({ policyFile: policyFile(now + 2 * HOUR, now + 30 * HOUR) });
    const plain = await h.deploy(`deploy ${LLAMA} 3`);
    const urgent = await h.deploy(`deploy ${LLAMA} 3 --name urgent-1 --break-glass 'prod hotfix'`);
    h.clock.advance(3 * HOUR);
    const since = h.slack.lastSeq;
    await click(h, APPROVER, plain);
    const answer = await h.waitForEphemeral(APPROVER, (t) => t.includes("Not approved"), since);
    expect(answer).toContain("change freeze");
    expect(h.latest(plain).edits).toHaveLength(0);
    // Someone who may not approve at all hears that, not the freeze.
    const before = h.slack.lastSeq;
    await click(h, "U0REQUESTER", plain);
    await h.waitForEphemeral("U0REQUESTER", (t) => t.includes("Only approvers"), before);

    await click(h, APPROVER, urgent);
    await h.waitForReply(urgent, (t) => t.includes("(1 of 2)"));
  });

  it("does not open the Delete form during a freeze, nor for someone who may not approve: they hear why at once", async () => {
    const now = Date.now();
    h = await startHarness({ policyFile: policyFile(now + 2 * HOUR, now + 30 * HOUR) });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await click(h, APPROVER, card);
    await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
    const deletion = await h.deploy("delete llama-13b-3");
    const opened = () => h?.slack.events().filter((e) => e.type === "view_opened").length ?? 0;

    let since = h.slack.lastSeq;
    await click(h, "U0REQUESTER", deletion, ACTIONS.delete);
    expect(await h.waitForEphemeral("U0REQUESTER", (t) => t.includes("Only approvers"), since)).toBeDefined();
    h.clock.advance(3 * HOUR);
    since = h.slack.lastSeq;
    await click(h, APPROVER, deletion, ACTIONS.delete);
    const answer = await h.waitForEphemeral(APPROVER, (t) => t.includes("Not approved"), since);
    expect(answer).toContain("change freeze");
    expect(opened()).toBe(0);
    expect(h.dbx.requestsTo("DELETE", "/api/2.0/serving-endpoints/llama-13b-3")).toHaveLength(0);
  });
});
