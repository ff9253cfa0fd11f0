/**
 * Scale, rollback and delete ride the deploy request's one state machine (issue 12, item 1): the same approvals,
 * supersede, expiry and audit, with what each kind needs on top. A stored request without a kind is a deploy.
 */
import { describe, expect, it } from "vitest";
import { configChange, currentTarget, earlierConfig, scalePlan } from "../../src/domain/change.js";
import type { CurrentServing, DeployMode } from "../../src/domain/create-or-update.js";
import { openRequest } from "../../src/domain/open-request.js";
import {
  type DeployRequest,
  heldEndpointName,
  type RequestKind,
  requestKind,
} from "../../src/domain/request.js";
import { mayAdjust, transition } from "../../src/domain/transition.js";
import { apply, approver, llama, MINUTE, policy, requester, requestIn, T0 } from "./fixtures.js";

const current: CurrentServing = {
  entityName: llama.fullName,
  entityVersion: 3,
  plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
  minThroughput: 1960,
  maxThroughput: 2940,
};
const update: DeployMode = { kind: "update", current };

function openedKind(kind: RequestKind, ask: Partial<DeployRequest["ask"]> = {}): DeployRequest {
  const result = openRequest(
    {
      id: `req-${kind}`,
      kind,
      ask: { model: "", version: "latest", endpointName: "llama-13b-3", ...ask },
      requester,
      channelId: "C_DEPLOYS",
    },
    { now: T0, policy },
  );
  if (!result.ok) throw new Error(result.rejection.message);
  return result.request;
}

function resolved(kind: RequestKind, plan = { minMultiple: 2, maxMultiple: 4, scaleToZero: false }) {
  return transition(
    openedKind(kind),
    { type: "resolved", model: llama, plan, endpointName: "llama-13b-3", mode: update },
    { now: T0 + 1000, policy },
  );
}

describe("request kinds", () => {
  it("a request stored without a kind is a deploy, and a deploy is stored without one", () => {
    expect(requestKind(requestIn("awaiting_approval"))).toBe("deploy");
    expect(requestIn("awaiting_approval").kind).toBeUndefined();
    expect(openedKind("scale").kind).toBe("scale");
  });

  it("a scale, rollback or delete holds its endpoint's name from the start, like a deploy with --name", () => {
    expect(heldEndpointName(openedKind("delete"))).toBe("llama-13b-3");
    const nameless = openRequest(
      { id: "r", kind: "scale", ask: { model: "", version: "latest" }, requester, channelId: "C_DEPLOYS" },
      { now: T0, policy },
    );
    expect(nameless.ok).toBe(false);
  });

  it("a scale that changes nothing ends as nothing_to_change, with no card to post", () => {
    const result = resolved("scale", { minMultiple: 2, maxMultiple: 3, scaleToZero: false });
    expect(result.ok && result.request.state).toBe("unresolvable");
    expect(result.ok && result.request.reason?.code).toBe("nothing_to_change");
  });

  it("a scale past the policy's maximum, or to min 0 without scale to zero, is refused with the rule", () => {
    const above = resolved("scale", {
      minMultiple: 2,
      maxMultiple: policy.maxMultipleLimit + 1,
      scaleToZero: false,
    });
    expect(above.ok && above.request.reason?.violations?.map((v) => v.code)).toEqual(["above_limit"]);
    const zero = resolved("scale", { minMultiple: 0, maxMultiple: 3, scaleToZero: false });
    expect(zero.ok && zero.request.reason?.violations?.map((v) => v.code)).toEqual([
      "zero_needs_scale_to_zero",
    ]);
  });

  it("a delete awaits approval with the endpoint's own band, unchecked, and goes approved → deleting → deleted", () => {
    const odd = resolved("delete", { minMultiple: 0.5, maxMultiple: 3, scaleToZero: false });
    if (!odd.ok) throw new Error(odd.rejection.message);
    expect(odd.request.state).toBe("awaiting_approval");
    // Approved only with the endpoint's exact name typed to confirm it.
    for (const confirmedName of [undefined, "llama-13b-2", "LLAMA-13B-3"]) {
      const refused = transition(
        odd.request,
        {
          type: "approved",
          by: approver,
          revision: 1,
          ...(confirmedName === undefined ? {} : { confirmedName }),
        },
        { now: T0 + 2000, policy },
      );
      expect(refused.ok || refused.rejection.code).toBe("name_not_confirmed");
    }
    let r = apply(
      odd.request,
      { type: "approved", by: approver, revision: 1, confirmedName: "llama-13b-3" },
      T0 + 2000,
    );
    const started = transition(r, { type: "create_started" }, { now: T0 + 3000, policy });
    if (!started.ok) throw new Error(started.rejection.message);
    expect(started.request.state).toBe("deleting");
    expect(started.effects.map((e) => e.notice.type)).toEqual(["card_changed", "deleting"]);
    r = apply(started.request, { type: "deleted" }, T0 + 4000);
    expect(r.state).toBe("deleted");
    expect(heldEndpointName(r)).toBeUndefined();
  });

  it("only a deploy can be adjusted", () => {
    const scale = resolved("scale");
    if (!scale.ok) throw new Error(scale.rejection.message);
    expect(mayAdjust(scale.request, { id: requester.id, groups: [] }, policy, T0 + 2000).ok).toBe(false);
  });

  it("an update refused because another is in progress is told once, at once; later retries are bookkeeping", () => {
    const creating = requestIn("creating");
    const busy = {
      type: "create_retrying" as const,
      since: T0,
      message: "busy",
      noticeAfterMs: 5 * MINUTE,
      busy: true,
    };
    const first = transition(creating, busy, { now: T0 + 10 * 1000, policy });
    if (!first.ok) throw new Error(first.rejection.message);
    expect(first.effects.map((e) => e.notice.type)).toEqual(["update_waiting"]);
    expect(first.request.createRetry?.waitingForUpdateSince).toBe(T0 + 10 * 1000);
    const again = transition(first.request, busy, { now: T0 + 20 * MINUTE, policy });
    expect(again.ok && again.effects).toEqual([]);
  });
});

describe("configChange: what the audit log's snapshots say a request changed", () => {
  it("an update has its before and after; a delete only its before; a create only its after", () => {
    const scale = resolved("scale");
    const del = resolved("delete");
    if (!scale.ok || !del.ok) throw new Error("not resolved");
    const before = { kind: "tokens", minTokensPerSecond: 1960, maxTokensPerSecond: 2940, scaleToZero: false };
    expect(configChange(scale.request)?.before?.band).toEqual(before);
    expect(configChange(scale.request)?.after?.band).toMatchObject({ maxTokensPerSecond: 3920 });
    expect(configChange(del.request)).toEqual({ before: expect.objectContaining({ band: before }) });
    expect(configChange(requestIn("ready"))?.before).toBeUndefined();
    expect(configChange(requestIn("resolving"))).toBeUndefined();
  });
});

describe("scalePlan and earlierConfig", () => {
  it("flags left out keep their current value", () => {
    expect(scalePlan(current, { max: 6 })).toEqual({ minMultiple: 2, maxMultiple: 6, scaleToZero: false });
    expect(scalePlan(current, { scaleToZero: true })).toEqual({
      minMultiple: 2,
      maxMultiple: 3,
      scaleToZero: true,
    });
  });

  it("finds the newest config ptbot applied that the endpoint no longer serves", () => {
    const v2 = { ...requestIn("ready", { model: { ...llama, version: 2 } }), id: "a", updatedAt: T0 + 1 };
    const v3 = { ...requestIn("ready"), id: "b", updatedAt: T0 + 2 };
    const now = currentTarget("llama-13b-3", current);
    expect(earlierConfig([v3, v2], now)?.id).toBe("a");
    expect(earlierConfig([v3], now)).toBeUndefined();
    expect(earlierConfig([{ ...v2, state: "failed" }, v3], now)).toBeUndefined();
  });
});
