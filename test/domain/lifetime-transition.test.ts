/**
 * The lifetime events on a ready deploy: the lifetime set at READY from the ask's TTL (with its tag as work), the
 * notice once, the policy's action at the moment once, Keep for the requester or an approver only, and the end of a
 * lifetime; plus which lifetime is in force for an endpoint.
 */
import { describe, expect, it } from "vitest";
import type { DeployEvent } from "../../src/domain/events.js";
import { lifetimeDueAt, lifetimeInForce } from "../../src/domain/lifetime.js";
import type { DeployRequest } from "../../src/domain/request.js";
import { transition } from "../../src/domain/transition.js";
import { approver, HOUR, observation, policy, requester, requestIn, stranger, T0 } from "./fixtures.js";

const DAY = 24 * HOUR;
const readyEvent: DeployEvent = {
  type: "provisioning_succeeded",
  endpoint: observation({ ready: "READY", configUpdate: "NOT_UPDATING" }),
};

function apply(request: DeployRequest, event: DeployEvent, now: number) {
  return transition(request, event, { now, policy });
}

function readyWithTtl(ttlMs = 3 * DAY, noticeMs = DAY): DeployRequest {
  const provisioning = requestIn("provisioning", { now: T0 });
  const withTtl = { ...provisioning, ask: { ...provisioning.ask, ttlMs, expiryNoticeMs: noticeMs } };
  const ready = apply(withTtl, readyEvent, T0 + HOUR);
  if (!ready.ok) throw new Error(ready.rejection.message);
  return ready.request;
}

const notices = (r: ReturnType<typeof apply>) =>
  r.ok ? r.effects.map((e) => e.notice.type) : [`rejected:${r.rejection.code}`];

describe("endpoint lifetime transitions", () => {
  it("starts at READY from the ask's TTL, with the tag as work after the READY notice; none without a TTL", () => {
    const ready = readyWithTtl();
    expect(ready.lifetime).toEqual({ expiresAt: T0 + HOUR + 3 * DAY, noticeMs: DAY });
    expect(lifetimeDueAt(ready.lifetime)).toBe(T0 + HOUR + 2 * DAY);
    const plain = apply(requestIn("provisioning", { now: T0 }), readyEvent, T0 + HOUR);
    expect(plain.ok && plain.request.lifetime).toBe(undefined);
    expect(notices(plain)).not.toContain("lifetime_tag");
    const tagged = apply(
      { ...requestIn("provisioning", { now: T0 }), ask: { ...requestIn("provisioning").ask, ttlMs: DAY } },
      readyEvent,
      T0 + HOUR,
    );
    expect(notices(tagged)).toEqual(["card_changed", "ready", "smoke_test", "lifetime_tag"]);
  });

  it("sends the notice once, from the notice time, and the policy's action once, at the moment", () => {
    const ready = readyWithTtl();
    const expiresAt = T0 + HOUR + 3 * DAY;
    expect(
      notices(apply(ready, { type: "lifetime_notice", onExpiry: "delete" }, expiresAt - DAY - 1)),
    ).toEqual(["rejected:already_reported"]);
    const noticed = apply(ready, { type: "lifetime_notice", onExpiry: "delete" }, expiresAt - DAY);
    expect(notices(noticed)).toEqual(["expiry_notice"]);
    if (!noticed.ok) return;
    expect(lifetimeDueAt(noticed.request.lifetime)).toBe(expiresAt);
    expect(
      notices(apply(noticed.request, { type: "lifetime_notice", onExpiry: "delete" }, expiresAt - 1)),
    ).toEqual(["rejected:already_reported"]);
    const expire: DeployEvent = { type: "lifetime_expired", action: "delete", by: { id: "policy" } };
    expect(notices(apply(noticed.request, expire, expiresAt - 1))).toEqual(["rejected:already_reported"]);
    const expired = apply(noticed.request, expire, expiresAt);
    expect(notices(expired)).toEqual(["endpoint_expired", "expiry_action"]);
    if (!expired.ok) return;
    expect(lifetimeDueAt(expired.request.lifetime)).toBeUndefined();
    expect(notices(apply(expired.request, expire, expiresAt + 1))).toEqual(["rejected:already_reported"]);
    // With notify, the moment is one more notice and no work.
    const notify = apply(noticed.request, { ...expire, action: "notify" }, expiresAt);
    expect(notices(notify)).toEqual(["endpoint_expired"]);
  });

  it("keeps for the requester or an approver: seven days after the later of the moment and now, notice again", () => {
    const ready = readyWithTtl();
    const expiresAt = T0 + HOUR + 3 * DAY;
    const noticed = apply(ready, { type: "lifetime_notice", onExpiry: "notify" }, expiresAt - DAY);
    if (!noticed.ok) throw new Error("not noticed");
    expect(
      notices(apply(noticed.request, { type: "lifetime_kept", by: stranger }, expiresAt - HOUR)),
    ).toEqual(["rejected:not_requester_or_approver"]);
    const kept = apply(
      noticed.request,
      { type: "lifetime_kept", by: { id: requester.id, groups: [] } },
      expiresAt - HOUR,
    );
    expect(notices(kept)).toEqual(["card_changed", "lifetime_kept", "lifetime_tag"]);
    if (!kept.ok) return;
    expect(kept.request.lifetime).toEqual({
      expiresAt: expiresAt + 7 * DAY,
      noticeMs: DAY,
      kept: { by: requester.id, at: expiresAt - HOUR },
    });
    expect(lifetimeDueAt(kept.request.lifetime)).toBe(expiresAt + 6 * DAY);
    // After the policy scaled or deleted it there is nothing to keep; after a notify there is.
    const acted = apply(
      noticed.request,
      { type: "lifetime_expired", action: "scale-to-zero", by: { id: "policy" } },
      expiresAt,
    );
    if (!acted.ok) throw new Error("not expired");
    expect(notices(apply(acted.request, { type: "lifetime_kept", by: approver }, expiresAt + 1))).toEqual([
      "rejected:already_decided",
    ]);
    const notified = apply(
      noticed.request,
      { type: "lifetime_expired", action: "notify", by: { id: "policy" } },
      expiresAt,
    );
    if (!notified.ok) throw new Error("not expired");
    const late = apply(notified.request, { type: "lifetime_kept", by: approver }, expiresAt + DAY);
    expect(late.ok && late.request.lifetime?.expiresAt).toBe(expiresAt + 8 * DAY);
  });

  it("ends once, and an ended lifetime is due no more", () => {
    const ended = apply(readyWithTtl(), { type: "lifetime_ended", by: "req-newer" }, T0 + 2 * HOUR);
    expect(notices(ended)).toEqual([]);
    if (!ended.ok) return;
    expect(lifetimeDueAt(ended.request.lifetime)).toBeUndefined();
    expect(notices(apply(ended.request, { type: "lifetime_ended", by: "x" }, T0 + 3 * HOUR))).toEqual([
      "rejected:already_reported",
    ]);
  });

  it("names the lifetime in force: the newest READY deploy's, past scales and rollbacks, none after a delete", () => {
    const deploy = readyWithTtl();
    const scale = { ...requestIn("ready"), id: "scale", kind: "scale" as const };
    expect(lifetimeInForce([scale, deploy])?.requestId).toBe(deploy.id);
    const deleted = { ...requestIn("ready"), id: "del", kind: "delete" as const, state: "deleted" as const };
    expect(lifetimeInForce([deleted, scale, deploy])).toBeUndefined();
    const newer = { ...requestIn("ready"), id: "newer" };
    expect(lifetimeInForce([newer, deploy])).toBeUndefined();
  });
});
