import { describe, expect, it } from "vitest";
import { validateMessageBlocks } from "../../../emulators/slack/index.js";
import type { DeployRequest, Notice, Reason } from "../../../src/domain/index.js";
import { threadNotice } from "../../../src/slack/blocks/thread-notice.js";
import { requestIn } from "../../domain/fixtures.js";
import { ctx, expectNothingLive, HOSTILE, hostile, mrkdwnTexts } from "./fixtures.js";

const reason: Reason = { code: "deployment_failed", message: `GPU capacity ${HOSTILE}` };

/**
 * Every notice that posts a reply, each carrying hostile text in a field it echoes: the person in `by`, a note or a
 * reason message from the notice, or the request's endpoint name and requester (see {@link hostileRequest}). Each
 * case checks that the hostile text does reach the reply, escaped, so the "nothing live" check cannot pass just
 * because nothing was echoed. `provisioning` echoes nothing at all and is checked apart.
 */
const notices: readonly Notice[] = [
  { type: "approval_recorded", by: HOSTILE, given: 1, required: 2 },
  { type: "approved", by: ["U0APPROVER", HOSTILE] },
  { type: "adjusted", by: HOSTILE, approvalsCleared: 1 },
  { type: "rejected", by: "U0APPROVER", note: HOSTILE },
  { type: "cancelled", by: HOSTILE },
  { type: "expired" },
  { type: "unresolvable", reason: { code: "model_not_found", message: HOSTILE } },
  { type: "creating" },
  { type: "ready" },
  { type: "failed", reason },
  { type: "create_slow", forMs: 6 * 60_000 },
  { type: "stuck", forMs: 65 * 60_000 },
];

/** The hostile fixture, with hostile text also where a reply echoes the request: its endpoint and requester. */
function hostileRequest(): DeployRequest {
  const base = hostile("failed");
  return { ...base, endpointName: HOSTILE, requester: { ...base.requester, id: HOSTILE } };
}

/** The hostile text as it shows once escaped (in plain mrkdwn or in inline code). */
const ESCAPED = "&lt;!channel&gt; &lt;@U0BOSS&gt;";

describe("threadNotice", () => {
  it.each(["card_changed", "approval_needed"] as const)(
    "posts nothing for %s (the card shows it)",
    (type) => {
      expect(threadNotice(requestIn("awaiting_approval"), { type }, ctx)).toBeUndefined();
    },
  );

  it.each(notices)("posts a valid, escaped reply for $type", (notice) => {
    const reply = threadNotice(hostileRequest(), notice, ctx);
    expect(reply).toBeDefined();
    if (reply === undefined) return;
    expect(validateMessageBlocks(reply.blocks)).toEqual([]);
    expect(reply.text.trim()).not.toBe("");
    expectNothingLive(reply);
    expect(mrkdwnTexts(reply).join("\n")).toContain(ESCAPED);
  });

  it("posts the same words for provisioning whatever the request holds (it echoes nothing)", () => {
    const reply = threadNotice(hostileRequest(), { type: "provisioning" }, ctx);
    expect(reply).toBeDefined();
    if (reply === undefined) return;
    expect(validateMessageBlocks(reply.blocks)).toEqual([]);
    expect(reply).toEqual(threadNotice(requestIn("provisioning"), { type: "provisioning" }, ctx));
  });

  it("says creating, provisioning and ready in words with the endpoint, the band and the link", () => {
    const ready = threadNotice(requestIn("ready"), { type: "ready" }, ctx);
    expect(ready?.text).toContain("`llama-13b-3` is READY: 1,960–2,940 tokens/s");
    expect(ready?.text).toContain(
      "<https://adb-1.azuredatabricks.net/ml/endpoints/llama-13b-3|open in Databricks>",
    );
    expect(ready?.text).toContain("<@U_REQ>");
    expect(threadNotice(requestIn("creating"), { type: "creating" }, ctx)?.text).toContain(
      "Creating endpoint `llama-13b-3`",
    );
    expect(threadNotice(requestIn("provisioning"), { type: "provisioning" }, ctx)?.text).toContain(
      "provisioning",
    );
  });

  it("shows the deployment message and the end of a 100 kB build log in a code block", () => {
    const base = requestIn("failed");
    const log = `${"early line\n".repeat(10_000)}ERROR allocating GPUs <!channel>\nBuild failed`;
    if (base.endpoint === undefined) throw new Error("fixture: a failed request has an observation");
    const request = { ...base, endpoint: { ...base.endpoint, buildLogTail: log } };
    const reply = threadNotice(request, { type: "failed", reason }, ctx);
    expect(reply).toBeDefined();
    if (reply === undefined) return;
    expect(validateMessageBlocks(reply.blocks)).toEqual([]);
    const logBlock = JSON.stringify(reply.blocks[1]);
    expect(logBlock).toContain("```");
    expect(logBlock).toContain("Build failed");
    expect(logBlock).toContain("ERROR allocating GPUs &lt;!channel&gt;");
    expect(JSON.stringify(reply.blocks[0])).toContain("GPU capacity");
    expectNothingLive(reply);
  });

  it("reports how long a stuck request has been provisioning", () => {
    expect(
      threadNotice(requestIn("provisioning"), { type: "stuck", forMs: 65 * 60_000 }, ctx)?.text,
    ).toContain("1 h 5 min");
  });

  it("asks for approval again when an adjustment cleared approvals", () => {
    const text = threadNotice(
      requestIn("awaiting_approval"),
      { type: "adjusted", by: "U0REQUESTER", approvalsCleared: 1 },
      ctx,
    )?.text;
    expect(text).toContain("please approve again");
    expect(text).toContain("1,960–2,940 tokens/s");
  });
});
