import { describe, expect, it } from "vitest";
import { approveButtonValue } from "../../../src/slack/ids.js";
import { buttonRequestId, buttonRevision } from "../../../src/slack/listeners/deps.js";

const body = (value: string | undefined) => ({ user: { id: "U1" }, actions: [{ value }], trigger_id: "T1" });

describe("card button values", () => {
  it("round-trips the Approve button's request id and revision", () => {
    const value = approveButtonValue("0b8e4c1a-uuid", 7);
    expect(buttonRequestId(body(value))).toBe("0b8e4c1a-uuid");
    expect(buttonRevision(body(value))).toBe(7);
  });

  it("reads a bare request id (the other buttons, and cards posted before revisions) as revision 1", () => {
    expect(buttonRequestId(body("req-1"))).toBe("req-1");
    expect(buttonRevision(body("req-1"))).toBe(1);
  });

  it("rejects values that are not a request id", () => {
    expect(buttonRequestId(body("req 1"))).toBeUndefined();
    expect(buttonRequestId(body("req-1@0"))).toBeUndefined();
    expect(buttonRequestId(body("req-1@x"))).toBeUndefined();
    expect(buttonRequestId(body(undefined))).toBeUndefined();
  });
});
