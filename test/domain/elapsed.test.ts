import { describe, expect, it } from "vitest";
import { isElapsedDue, shownProvisioningMs, transition } from "../../src/domain/transition.js";
import { MINUTE, policy, requestIn } from "./fixtures.js";

const event = { type: "provisioning_elapsed", typicalMs: 15 * MINUTE, everyMs: 5 * MINUTE } as const;

describe("the elapsed time on a provisioning card", () => {
  it("is due past the typical time, then at most every few minutes, and the card shows the time as of then", () => {
    const provisioning = requestIn("provisioning");
    const since = provisioning.provisioningStartedAt ?? provisioning.updatedAt;
    expect(isElapsedDue(provisioning, since + 14 * MINUTE, 15 * MINUTE, 5 * MINUTE)).toBe(false);
    const early = transition(provisioning, event, { now: since + 14 * MINUTE, policy });
    expect(early.ok ? "ok" : early.rejection.code).toBe("not_stuck");

    const first = transition(provisioning, event, { now: since + 34 * MINUTE, policy });
    if (!first.ok) throw new Error(first.rejection.message);
    expect(first.effects).toEqual([{ type: "notify", notice: { type: "card_changed" } }]);
    expect(shownProvisioningMs(first.request)).toBe(34 * MINUTE);

    const soon = transition(first.request, event, { now: since + 36 * MINUTE, policy });
    expect(soon.ok ? "ok" : soon.rejection.code).toBe("already_reported");
    const later = transition(first.request, event, { now: since + 39 * MINUTE, policy });
    if (!later.ok) throw new Error(later.rejection.message);
    expect(shownProvisioningMs(later.request)).toBe(39 * MINUTE);
  });

  it("is never due nor shown outside provisioning", () => {
    const ready = requestIn("ready");
    expect(isElapsedDue(ready, ready.updatedAt + 60 * MINUTE, 15 * MINUTE, 5 * MINUTE)).toBe(false);
    expect(shownProvisioningMs({ ...ready, elapsedShownAt: ready.updatedAt })).toBeUndefined();
  });
});
