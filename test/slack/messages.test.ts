import { describe, expect, it } from "vitest";
import { REASON_CODES, type ReasonCode, type RejectionCode } from "../../src/domain/index.js";
import type { ParseProblem } from "../../src/slack/command-parser.js";
import {
  approversText,
  cardPostFailureText,
  closedConversationText,
  groupLookupFailedText,
  lookupFailureText,
  modalErrorText,
  parseProblemText,
  reasonText,
  rejectionText,
  stateText,
} from "../../src/slack/messages.js";
import { requestIn } from "../domain/fixtures.js";
import { HOSTILE, policy } from "./blocks/fixtures.js";

/** The start of the sentence for a reason code this version has no words for (only read from storage). */
const STORED_FALLBACK = "The request could not go ahead";

const live = (text: string) => text.includes("<!channel>") || text.includes("<@U0BOSS>");

// Every code, as a record: a code added to the union and not here fails the type check, so none goes untested.
const ALL_REJECTIONS: Record<RejectionCode, true> = {
  already_approved: true,
  already_decided: true,
  superseded: true,
  already_serving: true,
  name_not_confirmed: true,
  expired: true,
  not_expired: true,
  not_an_approver: true,
  self_approval_forbidden: true,
  not_requester: true,
  not_requester_or_approver: true,
  duplicate_approval: true,
  request_changed: true,
  channel_not_allowed: true,
  invalid_plan: true,
  nothing_changed: true,
  not_stuck: true,
  already_reported: true,
  frozen: true,
  already_reminded: true,
  invalid_transition: true,
};
const REJECTIONS = Object.keys(ALL_REJECTIONS) as RejectionCode[];

describe("rejectionText", () => {
  it.each(REJECTIONS)("answers %s with words, not the code's log message", (code) => {
    const text = rejectionText(
      { code, message: HOSTILE, violations: [{ field: "max", code: "above_limit", message: HOSTILE }] },
      { action: "approve", policy, request: requestIn("awaiting_approval") },
    );
    expect(text.length).toBeGreaterThan(10);
    expect(live(text)).toBe(false);
  });

  it("tells a scale, rollback or delete to ask again with its own command, not /pt deploy", () => {
    for (const kind of ["scale", "rollback", "delete"] as const) {
      const base = requestIn("expired");
      const request = { ...base, kind, ask: { ...base.ask, endpointName: "team-llama" } };
      for (const code of ["expired", "already_decided"] as const) {
        const text = rejectionText({ code, message: "x" }, { action: "approve", policy, request });
        expect(text).toContain(`Run \`/pt ${kind} team-llama\` again to ask anew.`);
        expect(text).not.toContain("/pt deploy");
      }
      const unresolved = {
        ...requestIn("unresolvable"),
        kind,
        ask: { ...base.ask, endpointName: "team-llama" },
      };
      expect(
        rejectionText(
          { code: "invalid_transition", message: "x" },
          { action: "approve", policy, request: unresolved },
        ),
      ).toContain(`\`/pt ${kind} team-llama\``);
      expect(
        rejectionText({ code: "not_requester", message: "x" }, { action: "cancel", policy, request }),
      ).toContain(`who asked for this ${kind},`);
    }
    // A deploy is asked again with its model.
    expect(
      rejectionText(
        { code: "expired", message: "x" },
        { action: "approve", policy, request: requestIn("expired") },
      ),
    ).toContain("Run `/pt deploy ml.llm-catalog.llama-13b` again to ask anew.");
  });

  it("words an approved request's next step by its kind", () => {
    const approved = requestIn("approved");
    expect(stateText("approved", approved)).toBe("approved, about to create the endpoint");
    expect(stateText("approved", { ...approved, kind: "scale" })).toBe(
      "approved, about to update the endpoint",
    );
    expect(stateText("approved", { ...approved, kind: "rollback" })).toBe(
      "approved, about to update the endpoint",
    );
    expect(stateText("approved", { ...approved, kind: "delete" })).toBe(
      "approved, about to delete the endpoint",
    );
    expect(
      stateText("approved", { kind: "deploy", mode: { kind: "update", current: undefined as never } }),
    ).toBe("approved, about to update the endpoint");
  });

  it("names who approved already", () => {
    const text = rejectionText(
      { code: "already_approved", message: "x" },
      { action: "approve", policy, request: requestIn("provisioning") },
    );
    expect(text).toBe("This request was already approved by <@U_APPROVER>; nothing more to do.");
  });

  it("names who may approve when someone else tries", () => {
    const text = rejectionText({ code: "not_an_approver", message: "x" }, { action: "reject", policy });
    expect(text).toBe(
      "Only approvers can reject deploys: any of <@U0APPROVER> or members of <!subteam^S0MLAPPROVE>. Ask one of them to look at it.",
    );
  });

  it("tells the requester someone else must approve", () => {
    expect(
      rejectionText({ code: "self_approval_forbidden", message: "x" }, { action: "approve", policy }),
    ).toContain("someone else has to approve");
  });

  it("says who may cancel, and who rejected or cancelled a closed request", () => {
    const request = requestIn("awaiting_approval");
    expect(
      rejectionText({ code: "not_requester", message: "x" }, { action: "cancel", policy, request }),
    ).toContain("Only <@U_REQ>");
    expect(
      rejectionText(
        { code: "already_decided", message: "x" },
        { action: "approve", policy, request: requestIn("rejected") },
      ),
    ).toContain("already rejected by <@U_APPROVER2>");
  });

  it("counts the approvals still needed after a duplicate one", () => {
    const twoNeeded = { ...policy, requiredApprovals: 2 };
    expect(
      rejectionText(
        { code: "duplicate_approval", message: "x" },
        { action: "approve", policy: twoNeeded, request: requestIn("approved") },
      ),
    ).toContain("needs 1 more approval");
  });

  it("lists every invalid setting, escaped", () => {
    const text = rejectionText(
      {
        code: "invalid_plan",
        message: "x",
        violations: [
          { field: "name", code: "name_bad_characters", message: `name may not contain ${HOSTILE}` },
          { field: "max", code: "above_limit", message: "max must be at most 20×, got 25×" },
        ],
      },
      { action: "deploy", policy },
    );
    expect(text).toContain("• name may not contain &lt;!channel&gt;");
    expect(text).toContain("• max must be at most 20×, got 25×");
  });
});

describe("reasonText", () => {
  it.each(REASON_CODES)("explains %s in its own words and escapes Databricks' words", (code) => {
    const text = reasonText({ code, message: HOSTILE }, requestIn("unresolvable"));
    expect(text.length).toBeGreaterThan(20);
    expect(live(text)).toBe(false);
    // Not the fallback for codes stored by another version: every code ptbot writes has its own sentence.
    expect(text).not.toContain(STORED_FALLBACK);
    expect(text).not.toContain(`\`${code}\``);
  });

  it("words a code stored by another version of ptbot with the one fallback, escaped", () => {
    const stored = { code: "something_new" as string as ReasonCode, message: HOSTILE };
    const text = reasonText(stored, requestIn("failed"));
    expect(text).toContain(STORED_FALLBACK);
    expect(text).toContain("`something_new`");
    expect(live(text)).toBe(false);
  });

  it("says what to do about a version that is not READY", () => {
    const text = reasonText(
      {
        code: "model_version_not_ready",
        message: "ml.llm-catalog.llama-13b version 4 is PENDING_REGISTRATION, not READY",
      },
      requestIn("unresolvable"),
    );
    expect(text).toContain("not READY");
    expect(text).toContain("PENDING_REGISTRATION");
    expect(text).toContain("/pt deploy ml.llm-catalog.llama-13b");
  });

  it("bounds a huge message", () => {
    const text = reasonText({ code: "deployment_failed", message: "x".repeat(100_000) }, requestIn("failed"));
    expect(text.length).toBeLessThan(1000);
  });
});

describe("parseProblemText", () => {
  const problems: readonly ParseProblem["code"][] = [
    "unknown_subcommand",
    "missing_model",
    "invalid_model_name",
    "invalid_version",
    "alias_and_version",
    "unknown_flag",
    "missing_flag_value",
    "invalid_multiple",
    "unexpected_argument",
    "missing_endpoint",
    "nothing_to_scale",
  ];

  it.each(problems)("explains %s, escaping what the user typed", (code) => {
    const text = parseProblemText({ code, detail: "<!channel>" });
    expect(text.length).toBeGreaterThan(10);
    expect(text).not.toContain("<!channel>");
  });
});

describe("other answers", () => {
  it("asks to invite the bot when it is not in the channel", () => {
    expect(cardPostFailureText("not_in_channel", "U0PTBOT00")).toContain(
      "Invite <@U0PTBOT00> to this channel (`/invite @ptbot`)",
    );
    expect(cardPostFailureText("channel_not_found")).toContain("/invite @ptbot");
    expect(cardPostFailureText("<!channel>")).not.toContain("<!channel>");
  });

  it.each([
    "is_archived",
    "is_inactive",
    "restricted_action",
    "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "missing_scope",
    "invalid_auth",
    "token_revoked",
  ])("words a card refused with %s as permanent, without 'try again'", (slackError) => {
    const text = cardPostFailureText(slackError);
    expect(text).not.toMatch(/try again in a moment/i);
    expect(text).not.toContain("/invite");
  });

  it("says why a conversation is closed to ptbot, for each permanent answer", () => {
    expect(closedConversationText("is_inactive")).toBe("the channel is archived");
    expect(closedConversationText("restricted_action_read_only_channel")).toBe("the channel is read-only");
    expect(closedConversationText("thread_locked")).toBe("the thread is locked");
    expect(closedConversationText("not_in_channel")).toContain("removed from the channel");
  });

  it("tells an approver a group lookup that cannot pass by itself without 'try again'", () => {
    const permanent = groupLookupFailedText("S0TYPO", { kind: "slack_error", error: "no_such_subteam" });
    expect(permanent).toContain("no_such_subteam");
    expect(permanent).not.toContain("try again");
    expect(groupLookupFailedText("S0OK", { kind: "no_answer" })).toContain("try again in a moment");
  });

  it("explains lookups that could not reach Databricks", () => {
    expect(lookupFailureText("databricks_unavailable")).toContain("could not reach");
    expect(lookupFailureText("databricks_unauthorized")).toContain("credentials");
  });

  it("words modal errors without mentions (field errors are plain text)", () => {
    for (const code of REJECTIONS) expect(modalErrorText({ code, message: "x" })).not.toMatch(/[<>`]/);
  });

  it("describes the approvers, or says none are configured", () => {
    expect(approversText({ ...policy, approverUsers: ["U1AAA"], approverGroups: [] })).toBe("<@U1AAA>");
    expect(approversText({ ...policy, approverUsers: [], approverGroups: [] })).toContain("nobody");
  });
});
