import { describe, expect, it } from "vitest";
import {
  type BandCost,
  bandCost,
  type CostPolicy,
  checkDbuCap,
  costChange,
  costTier,
  DEFAULT_COST_POLICY,
  type ModelInfo,
} from "../../src/domain/index.js";

// The publicly observed figures: a 970 tokens/s chunk at 24 DBU/h, a 19,000 tokens/s chunk at 106 DBU/h.
const llama2: ModelInfo = {
  fullName: "ml.ft.llama-2-7b",
  version: 1,
  modelType: "llama",
  unit: "tokens_per_second",
  chunkSize: 970,
  dbus: 24,
};
const llama31: ModelInfo = {
  ...llama2,
  fullName: "system.ai.meta_llama_v3_1_8b_instruct",
  chunkSize: 19_000,
  dbus: 106,
};
const { dbus: _dbus, ...noDbus } = llama2;
const unitsModel: ModelInfo = {
  fullName: "system.ai.gpt-oss-120b",
  version: 1,
  modelType: "gpt-oss",
  unit: "model_units",
  chunkSize: 50,
};

const priced: CostPolicy = { ...DEFAULT_COST_POLICY, dbuPrice: 0.07, currency: "EUR" };
const plan = (minMultiple: number, maxMultiple: number, scaleToZero = false) => ({
  minMultiple,
  maxMultiple,
  scaleToZero,
});

describe("bandCost", () => {
  it.each([
    ["chunk model, 2×–3×", llama2, plan(2, 3), DEFAULT_COST_POLICY, { min: 48, max: 72 }],
    ["chunk model, 1×–1×", llama31, plan(1, 1), DEFAULT_COST_POLICY, { min: 106, max: 106 }],
    [
      "chunk model scaling to zero from 0",
      llama31,
      plan(0, 4, true),
      DEFAULT_COST_POLICY,
      { min: 0, max: 424 },
    ],
    [
      "model-unit model at the configured rate (one size: its max)",
      unitsModel,
      plan(1, 2),
      { ...DEFAULT_COST_POLICY, dbuPerModelUnit: 0.5 },
      { min: 50, max: 50 },
    ],
    [
      "model-unit model with Databricks' dbus, which wins over the rate",
      { ...unitsModel, dbus: 30 },
      plan(1, 2),
      { ...DEFAULT_COST_POLICY, dbuPerModelUnit: 0.5 },
      { min: 60, max: 60 },
    ],
  ] as const)("%s", (_name, model, p, policy, expected) => {
    const cost = bandCost(model, p, policy);
    expect(cost).toMatchObject({ known: true, minDbuPerHour: expected.min, maxDbuPerHour: expected.max });
    if (cost.known) expect(cost.price).toBeUndefined();
  });

  it.each([
    ["a chunk model without dbus", noDbus, { ...DEFAULT_COST_POLICY, dbuPerModelUnit: 0.5 }],
    ["a model-unit model without dbus and no rate", unitsModel, priced],
  ] as const)("is unknown for %s, never a guess", (_name, model, policy) => {
    expect(bandCost(model, plan(2, 3), policy)).toEqual({ known: false });
  });

  it("says where the rate came from", () => {
    expect(bandCost(llama2, plan(1, 1), DEFAULT_COST_POLICY)).toMatchObject({ source: "databricks" });
    expect(bandCost(unitsModel, plan(1, 1), { ...DEFAULT_COST_POLICY, dbuPerModelUnit: 1 })).toMatchObject({
      source: "configured_rate",
    });
  });

  it.each([
    [plan(2, 3), { currency: "EUR", perHourAtMax: 5.04, per30DaysAtMax: 3628.8 }],
    [plan(1, 10), { currency: "EUR", perHourAtMax: 16.8, per30DaysAtMax: 12096 }],
  ])("prices the max band per hour and per 30 days when a DBU price is set (%o)", (p, price) => {
    expect(bandCost(llama2, p, priced)).toMatchObject({ known: true, price });
  });
});

describe("costChange", () => {
  const before = bandCost(llama2, plan(2, 3), priced);
  it("gives the change between two bands, + and −", () => {
    expect(costChange(before, bandCost(llama2, plan(2, 5), priced))).toEqual({
      known: true,
      minDbuPerHour: 0,
      maxDbuPerHour: 48,
      pricePerHourAtMax: 3.36,
    });
    expect(costChange(before, bandCost(llama2, plan(1, 2), priced))).toMatchObject({
      minDbuPerHour: -24,
      maxDbuPerHour: -24,
    });
  });
  it("has no price change without a price, and is unknown when either side is", () => {
    const a = bandCost(llama2, plan(2, 3), DEFAULT_COST_POLICY);
    expect(costChange(a, bandCost(llama2, plan(2, 4), DEFAULT_COST_POLICY))).toMatchObject({
      maxDbuPerHour: 24,
      pricePerHourAtMax: undefined,
    });
    expect(costChange(a, { known: false })).toEqual({ known: false });
    expect(costChange({ known: false }, a)).toEqual({ known: false });
  });
});

describe("checkDbuCap", () => {
  const cost = (max: number): BandCost => ({
    known: true,
    minDbuPerHour: 0,
    maxDbuPerHour: max,
    source: "databricks",
    price: undefined,
  });
  const capped = { ...DEFAULT_COST_POLICY, maxDbuPerHour: 100 };
  it.each([
    ["no cap", cost(10_000), DEFAULT_COST_POLICY, { ok: true }],
    ["at the cap", cost(100), capped, { ok: true }],
    [
      "over the cap",
      cost(106),
      capped,
      { ok: false, code: "over_dbu_cap", maxDbuPerHour: 106, capDbuPerHour: 100 },
    ],
    [
      "cost unknown under a cap",
      { known: false },
      capped,
      { ok: false, code: "cost_unknown", capDbuPerHour: 100 },
    ],
    ["cost unknown, no cap", { known: false }, DEFAULT_COST_POLICY, { ok: true }],
  ] as const)("%s", (_name, c, policy, expected) => {
    expect(checkDbuCap(c, policy)).toEqual(expected);
  });
});

describe("costTier", () => {
  const high = {
    dbuPerHour: 100,
    requiredApprovals: 2,
    approverUsers: ["U_CFO"],
    approverGroups: ["S_FINOPS"],
  };
  const tiered: CostPolicy = { ...DEFAULT_COST_POLICY, highCost: high };
  it.each([
    ["no tier configured", plan(1, 10), DEFAULT_COST_POLICY, { tier: "standard" }],
    [
      "at the threshold",
      plan(1, 1),
      { ...tiered, highCost: { ...high, dbuPerHour: 106 } },
      { tier: "standard" },
    ],
    [
      "above the threshold",
      plan(1, 2),
      tiered,
      {
        tier: "high",
        because: "above_threshold",
        thresholdDbuPerHour: 100,
        maxDbuPerHour: 212,
        requiredApprovals: 2,
        approverUsers: ["U_CFO"],
        approverGroups: ["S_FINOPS"],
      },
    ],
  ] as const)("%s", (_name, p, policy, expected) => {
    expect(costTier(bandCost(llama31, p, policy), policy)).toEqual(expected);
  });
  it("puts a band of unknown cost in the high tier when one is configured", () => {
    expect(costTier({ known: false }, tiered)).toMatchObject({ tier: "high", because: "cost_unknown" });
    expect(costTier({ known: false }, DEFAULT_COST_POLICY)).toEqual({ tier: "standard" });
  });
});
