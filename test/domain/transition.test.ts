import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../src/domain/events.js";
import { eventActor } from "../../src/domain/events.js";
import { openRequest } from "../../src/domain/open-request.js";
import { endpointTarget } from "../../src/domain/plan.js";
import { type Actor, approvalPolicy } from "../../src/domain/policy.js";
import { isResolved } from "../../src/domain/request.js";
import {
  createRetriesExhausted,
  isStuck,
  mayAdjust,
  type TransitionResult,
  transition,
} from "../../src/domain/transition.js";
import {
  apply,
  approver,
  approver2,
  groupMember,
  HOUR,
  llama,
  MINUTE,
  observation,
  opened,
  policy,
  requester,
  requestIn,
  resolvedEvent,
  stranger,
  T0,
  unitsModel,
} from "./fixtures.js";

const NOW = T0 + HOUR;

function rejection(result: TransitionResult) {
  if (result.ok) throw new Error(`expected a rejection, got state ${result.request.state}`);
  return result.rejection;
}

function success(result: TransitionResult) {
  if (!result.ok)
    throw new Error(`expected success, got ${result.rejection.code}: ${result.rejection.message}`);
  return result;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const quorum2 = approvalPolicy({ ...policy, requiredApprovals: 2 });

describe("openRequest", () => {
  it("opens a resolving request, version 1, expiring after the TTL, with nothing for the outbox (it has no card yet)", () => {
    const result = success(
      openRequest(
        { id: "r1", ask: { model: llama.fullName, version: 3 }, requester, channelId: "C1" },
        { now: T0, policy },
      ),
    );
    expect(result.request).toEqual({
      id: "r1",
      workspace: "default",
      ask: { model: llama.fullName, version: 3 },
      requester,
      channelId: "C1",
      approvals: [],
      state: "resolving",
      createdAt: T0,
      updatedAt: T0,
      expiresAt: T0 + 24 * HOUR,
      version: 1,
    });
    expect(result.effects).toEqual([]);
  });

  it("keeps a given workspace", () => {
    const result = success(
      openRequest(
        {
          id: "r1",
          workspace: "prod",
          ask: { model: "a.b.c", version: "latest" },
          requester,
          channelId: "C1",
        },
        { now: T0, policy },
      ),
    );
    expect(result.request.workspace).toBe("prod");
  });

  it("refuses a channel outside the allow-list, naming it", () => {
    const strict = approvalPolicy({ ...policy, allowedChannels: ["C_OK"] });
    const input = {
      id: "r1",
      ask: { model: "a.b.c", version: "latest" as const },
      requester,
      channelId: "C_NO",
    };
    const r = rejection(openRequest(input, { now: T0, policy: strict }));
    expect(r.code).toBe("channel_not_allowed");
    expect(r.message).toContain("C_NO");
    expect(openRequest({ ...input, channelId: "C_OK" }, { now: T0, policy: strict }).ok).toBe(true);
  });

  it("refuses an invalid endpoint name at once, with the field errors", () => {
    const r = rejection(
      openRequest(
        {
          id: "r1",
          ask: { model: "a.b.c", version: 1, endpointName: "my.endpoint" },
          requester,
          channelId: "C1",
        },
        { now: T0, policy },
      ),
    );
    expect(r.code).toBe("invalid_plan");
    expect(r.violations).toEqual([expect.objectContaining({ field: "name", code: "name_bad_characters" })]);
  });
});

describe("transition", () => {
  it("never mutates its input", () => {
    const request = deepFreeze(requestIn("awaiting_approval"));
    const before = structuredClone(request);
    success(transition(request, { type: "approved", by: approver, revision: 1 }, { now: NOW, policy }));
    expect(request).toEqual(before);
  });

  describe("resolved", () => {
    it("keeps the model, plan, name and mode and waits for approval", () => {
      const r = success(transition(opened(), resolvedEvent(), { now: NOW, policy })).request;
      expect(r.state).toBe("awaiting_approval");
      expect(isResolved(r)).toBe(true);
      expect(r).toMatchObject({
        model: llama,
        plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
        endpointName: "llama-13b-3",
        mode: { kind: "create" },
      });
    });

    it("normalises a model-unit plan: min mirrors max", () => {
      const event: DeployEvent = {
        type: "resolved",
        model: unitsModel,
        plan: { minMultiple: 1, maxMultiple: 4, scaleToZero: false },
        endpointName: "big-model-2",
        mode: { kind: "create" },
      };
      const r = success(transition(opened({ model: unitsModel }), event, { now: NOW, policy })).request;
      expect(r.plan).toEqual({ minMultiple: 4, maxMultiple: 4, scaleToZero: false });
    });

    it("ends unresolvable with every violation when the plan or name is invalid", () => {
      const event: DeployEvent = {
        type: "resolved",
        model: llama,
        plan: { minMultiple: 0, maxMultiple: 50, scaleToZero: false },
        endpointName: "bad name",
        mode: { kind: "create" },
      };
      const result = success(transition(opened(), event, { now: NOW, policy }));
      expect(result.request.state).toBe("unresolvable");
      expect(result.request.reason?.code).toBe("invalid_plan");
      expect(result.request.reason?.violations?.map((v) => `${v.field}:${v.code}`)).toEqual([
        "max:above_limit",
        "min:zero_needs_scale_to_zero",
        "name:name_bad_characters",
      ]);
      expect(result.effects).toContainEqual({
        type: "notify",
        notice: { type: "unresolvable", reason: result.request.reason },
      });
    });
  });

  it("resolution_failed keeps the code and message as the reason", () => {
    const r = success(
      transition(
        opened(),
        { type: "resolution_failed", code: "endpoint_busy", message: "endpoint x is being updated" },
        { now: NOW, policy },
      ),
    ).request;
    expect(r.reason).toEqual({ code: "endpoint_busy", message: "endpoint x is being updated" });
  });

  describe("approved", () => {
    it("with a quorum of 2: counts the first, refuses the same person twice, approves on the second", () => {
      const start = requestIn("awaiting_approval", { policy: quorum2 });
      const first = success(
        transition(start, { type: "approved", by: approver, revision: 1 }, { now: NOW, policy: quorum2 }),
      );
      expect(first.request.state).toBe("awaiting_approval");
      expect(first.request.approvals).toEqual([{ by: approver.id, at: NOW }]);
      expect(first.effects).toEqual([
        { type: "notify", notice: { type: "card_changed" } },
        { type: "notify", notice: { type: "approval_recorded", by: approver.id, given: 1, required: 2 } },
      ]);

      const twice = rejection(
        transition(
          first.request,
          { type: "approved", by: approver, revision: 1 },
          { now: NOW + 1, policy: quorum2 },
        ),
      );
      expect(twice.code).toBe("duplicate_approval");
      expect(twice.message).toContain(approver.id);

      const second = success(
        transition(
          first.request,
          { type: "approved", by: groupMember, revision: 1 },
          { now: NOW + 2, policy: quorum2 },
        ),
      );
      expect(second.request.state).toBe("approved");
      expect(second.request.approvals.map((a) => a.by)).toEqual([approver.id, groupMember.id]);
      expect(second.effects[0]).toEqual({ type: "notify", notice: { type: "card_changed" } });
      expect(second.effects).toContainEqual({
        type: "notify",
        notice: { type: "approved", by: [approver.id, groupMember.id] },
      });
    });

    it("refuses a non-approver, naming who can approve", () => {
      const r = rejection(
        transition(
          requestIn("awaiting_approval"),
          { type: "approved", by: stranger, revision: 1 },
          { now: NOW, policy },
        ),
      );
      expect(r.code).toBe("not_an_approver");
      expect(r.message).toBe(
        "U_STRANGER is not an approver; approvers are any of U_APPROVER, U_APPROVER2, or members of S_ML",
      );
    });

    it("refuses self-approval unless the policy allows it", () => {
      const selfApprover = { id: requester.id, groups: ["S_ML"] };
      const r = rejection(
        transition(
          requestIn("awaiting_approval"),
          { type: "approved", by: selfApprover, revision: 1 },
          { now: NOW, policy },
        ),
      );
      expect(r.code).toBe("self_approval_forbidden");
      const lenient = approvalPolicy({ ...policy, allowSelfApproval: true });
      const ok = success(
        transition(
          requestIn("awaiting_approval", { policy: lenient }),
          { type: "approved", by: selfApprover, revision: 1 },
          { now: NOW, policy: lenient },
        ),
      );
      expect(ok.request.state).toBe("approved");
    });

    it("refuses after expiresAt even before the expiry sweep ran", () => {
      const request = requestIn("awaiting_approval");
      const r = rejection(
        transition(
          request,
          { type: "approved", by: approver, revision: 1 },
          { now: request.expiresAt, policy },
        ),
      );
      expect(r).toEqual({ code: "expired", message: "request expired at 2025-01-02T12:00:00.000Z" });
      expect(
        transition(
          request,
          { type: "approved", by: approver, revision: 1 },
          { now: request.expiresAt - 1, policy },
        ).ok,
      ).toBe(true);
    });

    it("says who approved when the request is past approval", () => {
      const r = rejection(
        transition(
          requestIn("provisioning"),
          { type: "approved", by: approver2, revision: 1 },
          { now: NOW, policy },
        ),
      );
      expect(r).toEqual({ code: "already_approved", message: "already approved by U_APPROVER" });
    });

    it("says who rejected or cancelled a closed request", () => {
      expect(
        rejection(
          transition(
            requestIn("rejected"),
            { type: "approved", by: approver, revision: 1 },
            { now: NOW, policy },
          ),
        ),
      ).toEqual({ code: "already_decided", message: "request was rejected by U_APPROVER2" });
      expect(
        rejection(
          transition(
            requestIn("cancelled"),
            { type: "approved", by: approver, revision: 1 },
            { now: NOW, policy },
          ),
        ),
      ).toEqual({ code: "already_decided", message: "request was cancelled by U_REQ" });
    });
  });

  describe("rejected", () => {
    it("records who and why", () => {
      const result = success(
        transition(
          requestIn("awaiting_approval"),
          { type: "rejected", by: groupMember, note: "  too big  " },
          { now: NOW, policy },
        ),
      );
      expect(result.request.reason).toEqual({ code: "rejected", message: "rejected by U_GROUPIE: too big" });
      expect(result.request.closedBy).toEqual({ by: groupMember.id, at: NOW });
      expect(result.effects).toContainEqual({
        type: "notify",
        notice: { type: "rejected", by: groupMember.id, note: "too big" },
      });
    });

    it("is for approvers only", () => {
      const r = rejection(
        transition(requestIn("awaiting_approval"), { type: "rejected", by: stranger }, { now: NOW, policy }),
      );
      expect(r.code).toBe("not_an_approver");
    });
  });

  describe("cancelled", () => {
    it("is for the requester or an approver (issue 9: approvers may release a request too)", () => {
      const byApprover = success(
        transition(requestIn("awaiting_approval"), { type: "cancelled", by: approver }, { now: NOW, policy }),
      ).request;
      expect(byApprover.closedBy?.by).toBe(approver.id);
      const byGroup = success(
        transition(requestIn("resolving"), { type: "cancelled", by: groupMember }, { now: NOW, policy }),
      ).request;
      expect(byGroup.state).toBe("cancelled");
      const r = rejection(
        transition(requestIn("awaiting_approval"), { type: "cancelled", by: stranger }, { now: NOW, policy }),
      );
      expect(r.code).toBe("not_requester_or_approver");
      expect(r.message).toContain("U_REQ");
    });

    it("records who cancelled", () => {
      const r = success(
        transition(
          requestIn("resolving"),
          { type: "cancelled", by: { id: requester.id } },
          { now: NOW, policy },
        ),
      ).request;
      expect(r.closedBy).toEqual({ by: requester.id, at: NOW });
      expect(r.reason?.code).toBe("cancelled");
    });
  });

  describe("adjusted", () => {
    const adjust = (by: Actor): DeployEvent => ({
      type: "adjusted",
      by,
      plan: { minMultiple: 1, maxMultiple: 5, scaleToZero: false },
      endpointName: "llama-prod",
      mode: { kind: "create" },
    });

    it("takes the new plan and name and clears approvals given so far", () => {
      const partly = apply(
        requestIn("awaiting_approval", { policy: quorum2 }),
        { type: "approved", by: approver, revision: 1 },
        NOW,
        quorum2,
      );
      const result = success(
        transition(partly, adjust({ id: requester.id, groups: [] }), { now: NOW + 1, policy: quorum2 }),
      );
      expect(result.request).toMatchObject({
        state: "awaiting_approval",
        plan: { minMultiple: 1, maxMultiple: 5, scaleToZero: false },
        endpointName: "llama-prod",
        approvals: [],
      });
      expect(result.effects).toContainEqual({
        type: "notify",
        notice: { type: "adjusted", by: requester.id, approvalsCleared: 1 },
      });
    });

    it("an approver may adjust; anyone else may not", () => {
      expect(transition(requestIn("awaiting_approval"), adjust(groupMember), { now: NOW, policy }).ok).toBe(
        true,
      );
      const r = rejection(transition(requestIn("awaiting_approval"), adjust(stranger), { now: NOW, policy }));
      expect(r.code).toBe("not_requester_or_approver");
    });

    it("revalidates the plan and name, returning every violation", () => {
      const r = rejection(
        transition(
          requestIn("awaiting_approval"),
          {
            type: "adjusted",
            by: approver,
            plan: { minMultiple: 6, maxMultiple: 5.5, scaleToZero: false },
            endpointName: "",
            mode: { kind: "create" },
          },
          { now: NOW, policy },
        ),
      );
      expect(r.code).toBe("invalid_plan");
      expect(r.violations?.map((v) => `${v.field}:${v.code}`)).toEqual([
        "max:not_integer",
        "name:name_empty",
      ]);
    });

    it("refuses an adjustment that changes nothing", () => {
      const r = rejection(
        transition(
          requestIn("awaiting_approval"),
          {
            type: "adjusted",
            by: approver,
            plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
            endpointName: "llama-13b-3",
            mode: { kind: "create" },
          },
          { now: NOW, policy },
        ),
      );
      expect(r.code).toBe("nothing_changed");
    });

    it("a changed mode alone is a change (the endpoint appeared meanwhile)", () => {
      const mode = {
        kind: "update" as const,
        current: {
          entityName: llama.fullName,
          entityVersion: 2,
          plan: { minMultiple: 1, maxMultiple: 1, scaleToZero: false },
        },
      };
      const result = success(
        transition(
          requestIn("awaiting_approval"),
          {
            type: "adjusted",
            by: approver,
            plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
            endpointName: "llama-13b-3",
            mode,
          },
          { now: NOW, policy },
        ),
      );
      expect(result.request.mode).toEqual(mode);
    });
  });

  describe("expired", () => {
    it("does not apply before expiresAt", () => {
      const request = requestIn("awaiting_approval");
      const r = rejection(transition(request, { type: "expired" }, { now: request.expiresAt - 1, policy }));
      expect(r.code).toBe("not_expired");
    });

    it("records the reason", () => {
      const request = requestIn("awaiting_approval");
      const r = success(transition(request, { type: "expired" }, { now: request.expiresAt, policy })).request;
      expect(r.reason).toEqual({ code: "expired", message: "no decision before 2025-01-02T12:00:00.000Z" });
    });
  });

  describe("superseded", () => {
    const newer = { requestId: "req-2", requester, state: "resolving" as const };

    it("ends a card-less request as cancelled by nobody, with reason superseded, and refuses clicks honestly", () => {
      const r = success(
        transition(requestIn("awaiting_approval"), { type: "superseded", newer }, { now: NOW, policy }),
      ).request;
      expect(r.state).toBe("cancelled");
      expect(r.closedBy).toBeUndefined();
      expect(r.reason).toEqual({ code: "superseded", message: "replaced by request req-2", holder: newer });
      const click = transition(r, { type: "approved", by: approver, revision: 1 }, { now: NOW, policy });
      expect(!click.ok && click.rejection.code).toBe("superseded");
    });

    it("leaves a request whose card was recorded alone", () => {
      const carded = apply(
        requestIn("awaiting_approval"),
        { type: "message_posted", message: { channelId: "C1", ts: "1.1" } },
        NOW,
      );
      const result = transition(carded, { type: "superseded", newer }, { now: NOW, policy });
      expect(!result.ok && result.rejection.code).toBe("invalid_transition");
    });
  });

  describe("a deploy that changes nothing", () => {
    const serving = {
      kind: "update" as const,
      current: {
        entityName: llama.fullName,
        entityVersion: 3,
        plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
        minThroughput: 1960,
        maxThroughput: 2940,
      },
    };

    it("ends unresolvable with already_serving when resolved onto what the endpoint serves", () => {
      const result = success(transition(opened(), resolvedEvent({ mode: serving }), { now: NOW, policy }));
      expect(result.request.state).toBe("unresolvable");
      expect(result.request.reason).toMatchObject({ code: "already_serving", endpointName: "llama-13b-3" });
    });

    it("refuses an adjustment back to what the endpoint serves", () => {
      const request = apply(
        opened(),
        {
          type: "resolved",
          model: llama,
          plan: { minMultiple: 2, maxMultiple: 4, scaleToZero: false },
          endpointName: "llama-13b-3",
          mode: serving,
        },
        NOW,
      );
      expect(request.state).toBe("awaiting_approval");
      const result = transition(
        request,
        {
          type: "adjusted",
          by: approver,
          plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
          endpointName: "llama-13b-3",
          mode: serving,
        },
        { now: NOW, policy },
      );
      expect(!result.ok && result.rejection.code).toBe("already_serving");
    });
  });

  it("card_unreachable records Slack's answer once; a second report is already_reported", () => {
    const request = requestIn("provisioning");
    const event = { type: "card_unreachable", code: "is_inactive" } as const;
    const first = success(transition(request, event, { now: NOW, policy }));
    expect(first.request).toEqual({
      ...request,
      cardUnreachable: { code: "is_inactive", at: NOW },
      version: request.version + 1,
      updatedAt: NOW,
    });
    expect(first.effects).toEqual([]);
    const again = transition(first.request, event, { now: NOW + 1, policy });
    expect(!again.ok && again.rejection.code).toBe("already_reported");
  });

  it("message_posted only records the card's place", () => {
    const request = requestIn("awaiting_approval");
    const result = success(
      transition(
        request,
        { type: "message_posted", message: { channelId: "C1", ts: "123.456" } },
        { now: NOW, policy },
      ),
    );
    expect(result.request).toEqual({
      ...request,
      message: { channelId: "C1", ts: "123.456" },
      version: request.version + 1,
      updatedAt: NOW,
    });
    expect(result.effects).toEqual([]);
  });

  describe("create_started", () => {
    it("claims the create: creating, aiming at the request's tokens endpoint", () => {
      const result = success(
        transition(requestIn("approved"), { type: "create_started" }, { now: NOW, policy }),
      );
      expect(result.request.state).toBe("creating");
      expect(result.request.mode?.kind).toBe("create");
      expect(endpointTarget(result.request)).toEqual({
        endpointName: "llama-13b-3",
        model: "ml.llm-catalog.llama-13b",
        version: 3,
        band: { kind: "tokens", minTokensPerSecond: 1960, maxTokensPerSecond: 2940, scaleToZero: false },
      });
    });

    it("claims an update in update mode, in model units for a model-unit model", () => {
      const mode = {
        kind: "update" as const,
        current: {
          entityName: unitsModel.fullName,
          entityVersion: 1,
          plan: { minMultiple: 1, maxMultiple: 1, scaleToZero: false },
        },
      };
      const request = requestIn("approved", { model: unitsModel, mode, endpointName: "big" });
      const result = success(transition(request, { type: "create_started" }, { now: NOW, policy }));
      expect(result.request.state).toBe("creating");
      expect(result.request.mode?.kind).toBe("update");
      expect(endpointTarget(result.request)).toEqual({
        endpointName: "big",
        model: "system.ai.big_model",
        version: 2,
        band: { kind: "model_units", units: 150 },
      });
    });
  });

  it("create_accepted starts the provisioning clock and keeps what Databricks answered", () => {
    const endpoint = observation({ observedAt: NOW });
    const r = success(
      transition(requestIn("creating"), { type: "create_accepted", endpoint }, { now: NOW, policy }),
    ).request;
    expect(r).toMatchObject({ state: "provisioning", endpoint, provisioningStartedAt: NOW });
  });

  it("create_failed keeps its code and Databricks' message", () => {
    const r = success(
      transition(
        requestIn("creating"),
        { type: "create_failed", code: "databricks_permission_denied", message: "no access" },
        { now: NOW, policy },
      ),
    ).request;
    expect(r.reason).toEqual({ code: "databricks_permission_denied", message: "no access" });
  });

  it("create_failed sorts a refusal that says its kind, for the same advice as a failed deployment", () => {
    const refused = (message: string) =>
      success(
        transition(
          requestIn("creating"),
          { type: "create_failed", code: "databricks_invalid", message },
          { now: NOW, policy },
        ),
      ).request.reason;
    expect(refused("Provisioned throughput is not enabled for this workspace.")).toMatchObject({
      failureKind: "entitlement",
    });
    expect(refused("User does not have CAN MANAGE on the model")).toMatchObject({
      failureKind: "permissions",
    });
    expect(
      refused("served_entities[0].max_provisioned_throughput must be a multiple of 980"),
    ).not.toHaveProperty("failureKind");
  });

  describe("provisioning", () => {
    it("progress updates what was observed", () => {
      const endpoint = observation({ configVersion: 7, observedAt: NOW });
      const r = success(
        transition(
          requestIn("provisioning"),
          { type: "provisioning_progress", endpoint },
          { now: NOW, policy },
        ),
      ).request;
      expect(r.state).toBe("provisioning");
      expect(r.endpoint).toEqual(endpoint);
    });

    it("failure takes the deployment message (and keeps the log tail on the endpoint)", () => {
      const endpoint = observation({
        configUpdate: "UPDATE_FAILED",
        deploymentMessage: "insufficient capacity",
        buildLogTail: "OOM",
      });
      const r = success(
        transition(
          requestIn("provisioning"),
          { type: "provisioning_failed", endpoint },
          { now: NOW, policy },
        ),
      ).request;
      // The reason also says which kind of failure it is (issue 15), so the notice can advise.
      expect(r.reason).toEqual({
        code: "deployment_failed",
        message: "insufficient capacity",
        failureKind: "gpu_capacity",
      });
      expect(r.endpoint?.buildLogTail).toBe("OOM");
    });

    it("failure without a message says how it ended; an explicit code and message win", () => {
      const endpoint = observation({ configUpdate: "UPDATE_CANCELED" });
      const bare = success(
        transition(
          requestIn("provisioning"),
          { type: "provisioning_failed", endpoint },
          { now: NOW, policy },
        ),
      );
      expect(bare.request.reason?.message).toBe(
        "the endpoint update ended UPDATE_CANCELED without a message",
      );
      const explicit = success(
        transition(
          requestIn("provisioning"),
          {
            type: "provisioning_failed",
            endpoint,
            code: "endpoint_deleted",
            message: "the endpoint disappeared",
          },
          { now: NOW, policy },
        ),
      );
      expect(explicit.request.reason).toEqual({
        code: "endpoint_deleted",
        message: "the endpoint disappeared",
      });
    });

    it("stuck is reported once, and only past the limit", () => {
      const request = requestIn("provisioning");
      const since = request.provisioningStartedAt ?? 0;
      const limitMs = 30 * MINUTE;
      expect(isStuck(request, since + limitMs - 1, limitMs)).toBe(false);
      expect(
        rejection(
          transition(request, { type: "provisioning_stuck", limitMs }, { now: since + limitMs - 1, policy }),
        ).code,
      ).toBe("not_stuck");
      expect(isStuck(request, since + limitMs, limitMs)).toBe(true);
      const stuck = success(
        transition(request, { type: "provisioning_stuck", limitMs }, { now: since + limitMs, policy }),
      );
      expect(stuck.request.stuckReportedAt).toBe(since + limitMs);
      expect(stuck.effects).toContainEqual({ type: "notify", notice: { type: "stuck", forMs: limitMs } });
      expect(isStuck(stuck.request, since + 2 * limitMs, limitMs)).toBe(false);
      expect(
        rejection(
          transition(
            stuck.request,
            { type: "provisioning_stuck", limitMs },
            { now: since + 2 * limitMs, policy },
          ),
        ).code,
      ).toBe("already_reported");
    });
  });

  it("a whole happy path bumps the version once per transition", () => {
    const ready = requestIn("ready");
    // open(1) resolved(2) approved(3) create_started(4) create_accepted(5) provisioning_succeeded(6)
    expect(ready.version).toBe(6);
    expect(ready.state).toBe("ready");
  });
});

describe("a create Databricks has not taken yet", () => {
  const retrying = (since: number): DeployEvent => ({
    type: "create_retrying",
    since,
    message: "429 REQUEST_LIMIT_EXCEEDED",
    noticeAfterMs: 5 * MINUTE,
  });

  it("counts the attempts from the first try, tells the thread once past the bound, and gives up past the limit", () => {
    const creating = requestIn("creating");
    const first = success(transition(creating, retrying(NOW), { now: NOW, policy }));
    expect(first.effects).toEqual([]);
    expect(first.request.createRetry).toEqual({
      since: NOW,
      attempts: 1,
      lastError: "429 REQUEST_LIMIT_EXCEEDED",
    });
    const later = NOW + 6 * MINUTE;
    const second = success(transition(first.request, retrying(later), { now: later, policy }));
    expect(second.effects).toEqual([{ type: "notify", notice: { type: "create_slow", forMs: 6 * MINUTE } }]);
    expect(second.request.createRetry).toMatchObject({ since: NOW, attempts: 2, reportedAt: later });
    const third = success(
      transition(second.request, retrying(later + MINUTE), { now: later + MINUTE, policy }),
    );
    expect(third.effects).toEqual([]);
    expect(third.request.createRetry?.reportedAt).toBe(later);
    expect(createRetriesExhausted(third.request, NOW + 29 * MINUTE, 30 * MINUTE)).toBe(false);
    expect(createRetriesExhausted(third.request, NOW + 30 * MINUTE, 30 * MINUTE)).toBe(true);
    expect(createRetriesExhausted(creating, NOW + 30 * MINUTE, 30 * MINUTE)).toBe(false);
  });
});

describe("eventActor", () => {
  it.each<[DeployEvent, string]>([
    [{ type: "approved", by: approver, revision: 1 }, "U_APPROVER"],
    [{ type: "cancelled", by: { id: "U_REQ" } }, "U_REQ"],
    [{ type: "expired" }, "system"],
    [{ type: "create_started" }, "system"],
  ])("%j → %s", (event, actor) => {
    expect(eventActor(event)).toBe(actor);
  });
});

describe("revisions: an approval counts only for what the approver saw", () => {
  const adjustTo20 = {
    type: "adjusted",
    by: { id: requester.id, groups: [] },
    plan: { minMultiple: 2, maxMultiple: 20, scaleToZero: false },
    endpointName: "llama-13b-3",
    mode: { kind: "create" },
  } as const;

  it("bumps the revision on an adjustment only, not on a posted card or an approval", () => {
    const start = requestIn("awaiting_approval");
    expect(start.revision ?? 1).toBe(1);
    const posted = success(
      transition(
        start,
        { type: "message_posted", message: { channelId: "C1", ts: "1.2" } },
        { now: NOW, policy },
      ),
    ).request;
    expect(posted.revision ?? 1).toBe(1);
    const approvedOnce = success(
      transition(posted, { type: "approved", by: approver, revision: 1 }, { now: NOW, policy: quorum2 }),
    ).request;
    expect(approvedOnce.revision ?? 1).toBe(1);
    const adjusted = success(transition(approvedOnce, adjustTo20, { now: NOW, policy: quorum2 })).request;
    expect(adjusted.revision).toBe(2);
    expect(adjusted.version).toBe(approvedOnce.version + 1);
  });

  it("refuses an approval for an earlier revision as request_changed, and accepts the current one", () => {
    const adjusted = success(
      transition(requestIn("awaiting_approval"), adjustTo20, { now: NOW, policy }),
    ).request;
    const stale = rejection(
      transition(adjusted, { type: "approved", by: approver, revision: 1 }, { now: NOW, policy }),
    );
    expect(stale.code).toBe("request_changed");
    const fresh = success(
      transition(adjusted, { type: "approved", by: approver, revision: 2 }, { now: NOW, policy }),
    );
    expect(fresh.request.state).toBe("approved");
  });
});

describe("mayAdjust: the one rule behind the Adjust button and the adjusted event", () => {
  it("allows the requester and approvers while the request awaits approval, and no one else", () => {
    const request = requestIn("awaiting_approval");
    expect(mayAdjust(request, { id: requester.id, groups: [] }, policy, NOW).ok).toBe(true);
    expect(mayAdjust(request, approver, policy, NOW).ok).toBe(true);
    expect(mayAdjust(request, groupMember, policy, NOW).ok).toBe(true);
    const refused = mayAdjust(request, stranger, policy, NOW);
    expect(!refused.ok && refused.rejection.code).toBe("not_requester_or_approver");
  });

  it("refuses once the request is decided or out of time, as transition does", () => {
    const decided = mayAdjust(requestIn("provisioning"), approver, policy, NOW);
    expect(!decided.ok && decided.rejection.code).toBe("already_approved");
    const request = requestIn("awaiting_approval");
    const late = mayAdjust(request, approver, policy, request.expiresAt);
    expect(!late.ok && late.rejection.code).toBe("expired");
  });
});
