import { describe, expect, it } from "vitest";
import type { DeployRequest } from "../../src/domain/request.js";
import { CARD_GRACE_MS, nameConflict, supersedes } from "../../src/domain/supersede.js";
import { opened, requestIn, T0 } from "./fixtures.js";

const holder = requestIn("awaiting_approval", { id: "old" });
const newer = (overrides: Partial<DeployRequest> = {}): DeployRequest => ({
  ...opened({ id: "new", now: holder.updatedAt + 1 }),
  ...overrides,
});
const afterGrace = holder.updatedAt + CARD_GRACE_MS;

describe("name conflicts", () => {
  it("supersedes the requester's own card-less request only once the grace has passed", () => {
    expect(supersedes(newer(), holder, afterGrace - 1)).toBe(false);
    expect(supersedes(newer(), holder, afterGrace)).toBe(true);
    expect(nameConflict(newer(), holder, afterGrace)).toBe("supersede");
  });

  it("calls the same ask by the same requester within the grace a duplicate", () => {
    expect(nameConflict(newer(), holder, holder.updatedAt + 5)).toBe("duplicate");
    const other = newer({ ask: { ...holder.ask, max: 9 } });
    expect(nameConflict(other, holder, holder.updatedAt + 5)).toBe("in_use");
  });

  it("never gives way to someone else, nor past a posted card", () => {
    const stranger = newer({ requester: { id: "U_OTHER" } });
    expect(nameConflict(stranger, holder, afterGrace)).toBe("in_use");
    const carded = { ...holder, message: { channelId: "C1", ts: "1.1" } };
    expect(nameConflict(newer(), carded, afterGrace)).toBe("in_use");
    expect(nameConflict(newer(), carded, holder.updatedAt + 5)).toBe("in_use");
    expect(supersedes(opened({ id: "older", now: T0 - 1 }), holder, afterGrace)).toBe(false);
  });
});
