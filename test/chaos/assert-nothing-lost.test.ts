/** The chaos suite's final check must itself be able to fail: fed what a lost or repeated effect looks like. */
import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../emulators/databricks/index.js";
import { assertNothingLost, type Expected, type NothingLostInput } from "./assert-nothing-lost.js";

const READY = ["approval_needed", "approved", "creating", "provisioning", "ready"];

function create(name: string, status: number): RecordedRequest {
  return {
    method: "POST",
    path: "/api/2.0/serving-endpoints",
    query: {},
    headers: {},
    body: { name },
    time: 0,
    status,
  };
}

function input(
  overrides: Partial<NothingLostInput> & { creates?: RecordedRequest[] } = {},
): NothingLostInput {
  const expected: Expected[] = [{ id: "req-1", endpointName: "ep-1", state: "ready" }];
  return {
    expected,
    emu: {
      requests: overrides.creates ?? [create("ep-1", 200)],
      endpoint: (name) =>
        name === "ep-1" ? { tags: [{ key: "ptbot_request_id", value: "req-1" }] } : undefined,
    },
    stateOf: async () => "ready",
    threadOf: () => READY,
    pendingNotices: async () => 0,
    ...overrides,
  };
}

describe("assertNothingLost", () => {
  it("passes a clean run", async () => {
    await assertNothingLost(input());
  });

  it.each<[string, Partial<NothingLostInput> & { creates?: RecordedRequest[] }]>([
    ["a request left provisioning", { stateOf: async () => "provisioning" }],
    ["a second create answered 200", { creates: [create("ep-1", 200), create("ep-1", 200)] }],
    ["a create nobody asked for", { creates: [create("ep-1", 200), create("ep-2", 200)] }],
    ["no create at all", { creates: [] }],
    ["a READY notice twice", { threadOf: () => [...READY, "ready"] }],
    ["a lost notice", { threadOf: () => READY.slice(0, 4) }],
    [
      "notices out of order",
      { threadOf: () => ["approval_needed", "approved", "provisioning", "creating", "ready"] },
    ],
    ["a notice left in the outbox", { pendingNotices: async () => 1 }],
    [
      "an endpoint tagged by another request",
      { idOf: async () => "req-9", expected: [{ endpointName: "ep-1", state: "ready" }] },
    ],
  ])("fails on %s", async (_what, overrides) => {
    await expect(assertNothingLost(input(overrides))).rejects.toThrow();
  });

  it("accepts a repeat only when the case explains it", async () => {
    const repeated = { threadOf: () => [...READY, "ready"] };
    await expect(assertNothingLost(input(repeated))).rejects.toThrow();
    await assertNothingLost(input({ ...repeated, explainRepeat: (_e, n) => n === "ready" }));
  });
});
