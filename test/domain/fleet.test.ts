import { describe, expect, it } from "vitest";
import {
  type CostPolicy,
  DEFAULT_COST_POLICY,
  type DeployRequest,
  type DeployState,
  fleetCost,
  managedEndpoints,
} from "../../src/domain/index.js";
import { requestIn, unitsModel } from "./fixtures.js";

/** A request on `endpoint` in `state`, last changed at `updatedAt`, at `max`× of the fixture's Llama (24 DBU/h). */
function on(
  endpoint: string,
  state: DeployState,
  updatedAt: number,
  max = 3,
  id = `${endpoint}-${updatedAt}`,
): DeployRequest {
  const r = requestIn(state === "deleted" ? "deleted" : "ready", { id });
  return {
    ...r,
    state,
    endpointName: endpoint,
    updatedAt,
    plan: { minMultiple: 1, maxMultiple: max, scaleToZero: false },
  };
}

const priced: CostPolicy = { ...DEFAULT_COST_POLICY, dbuPrice: 0.5 };

describe("managedEndpoints", () => {
  it.each([
    { what: "one READY deploy", requests: [on("a", "ready", 1)], up: ["a-1"] },
    { what: "a later scale wins", requests: [on("a", "ready", 1), on("a", "ready", 2, 5)], up: ["a-2"] },
    {
      what: "order of reading does not matter",
      requests: [on("a", "ready", 2), on("a", "ready", 1)],
      up: ["a-2"],
    },
    { what: "a later delete takes it out", requests: [on("a", "ready", 1), on("a", "deleted", 2)], up: [] },
    {
      what: "a redeploy after a delete counts",
      requests: [on("a", "deleted", 2), on("a", "ready", 3)],
      up: ["a-3"],
    },
    {
      what: "a later failure leaves it as it was",
      requests: [on("a", "ready", 1), on("a", "failed", 2)],
      up: ["a-1"],
    },
    { what: "two endpoints", requests: [on("a", "ready", 1), on("b", "ready", 1)], up: ["a-1", "b-1"] },
  ])("$what", ({ requests, up }) => {
    expect(
      managedEndpoints(requests)
        .map((r) => r.id)
        .sort(),
    ).toEqual(up);
  });
});

describe("fleetCost", () => {
  it("sorts by DBU/h at max, unknown last, and totals the known ones with their price", () => {
    const units = { ...on("u", "ready", 1), model: unitsModel };
    const fleet = fleetCost(
      managedEndpoints([
        on("small", "ready", 1, 1),
        units,
        on("big", "ready", 1, 10),
        on("mid", "ready", 1, 4),
      ]),
      () => priced,
    );
    expect(fleet.entries.map((e) => e.endpointName)).toEqual(["big", "mid", "small", "u"]);
    // 240 + 96 + 24 DBU/h; × 0.5 = 180/h; × 720 = 129,600.
    expect(fleet.totalDbuPerHour).toBe(360);
    expect(fleet.unknownCount).toBe(1);
    expect(fleet.totalPrice).toEqual({ currency: "USD", perHour: 180, per30Days: 129_600 });
  });

  it("gives no price total when a workspace has no price or another currency", () => {
    const endpoints = managedEndpoints([on("a", "ready", 1), { ...on("b", "ready", 1), workspace: "other" }]);
    expect(
      fleetCost(endpoints, (w) => (w === "other" ? DEFAULT_COST_POLICY : priced)).totalPrice,
    ).toBeUndefined();
    const eur = { ...priced, currency: "EUR" };
    expect(fleetCost(endpoints, (w) => (w === "other" ? eur : priced)).totalPrice).toBeUndefined();
    expect(fleetCost([], () => priced)).toEqual({
      entries: [],
      totalDbuPerHour: 0,
      unknownCount: 0,
      totalPrice: undefined,
    });
  });
});
