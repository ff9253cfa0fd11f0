import { describe, expect, it } from "vitest";
import type { ModelInfo } from "../../src/domain/model.js";
import {
  describePlan,
  endpointTarget,
  normalizePlan,
  type Plan,
  proposePlan,
  validateDeploySettings,
  validatePlan,
} from "../../src/domain/plan.js";
import { llama, policy, unitsModel } from "./fixtures.js";

const plan = (minMultiple: number, maxMultiple: number, scaleToZero = false): Plan => ({
  minMultiple,
  maxMultiple,
  scaleToZero,
});

const codes = (model: ModelInfo, p: Plan) =>
  validatePlan(model, p, policy).map((v) => `${v.field}:${v.code}`);

describe("validatePlan (tokens per second)", () => {
  it.each<[string, Plan, string[]]>([
    ["the default 2×–3×", plan(2, 3), []],
    ["min equal to max", plan(4, 4), []],
    ["min 0 with scale to zero", plan(0, 1, true), []],
    ["max at the limit", plan(1, 20), []],
    ["scale to zero with a positive min", plan(1, 2, true), []],
    ["fractional max", plan(1, 2.5), ["max:not_integer"]],
    ["fractional min", plan(1.5, 2), ["min:not_integer"]],
    ["NaN max", plan(1, Number.NaN), ["max:not_integer"]],
    ["max 0", plan(0, 0, true), ["max:below_one"]],
    ["negative max", plan(0, -1, true), ["max:below_one"]],
    ["negative min", plan(-1, 2), ["min:negative"]],
    ["min 0 without scale to zero", plan(0, 2), ["min:zero_needs_scale_to_zero"]],
    ["min above max", plan(4, 3), ["min:min_above_max"]],
    ["max above the limit", plan(2, 21), ["max:above_limit"]],
    ["several at once", plan(0, 25), ["max:above_limit", "min:zero_needs_scale_to_zero"]],
    ["min above a too-large max", plan(30, 25), ["max:above_limit", "min:min_above_max"]],
    ["both fractional", plan(0.5, 1.5), ["max:not_integer", "min:not_integer"]],
  ])("%s", (_label, p, expected) => {
    expect(codes(llama, p)).toEqual(expected);
  });

  it("says which field and what is wrong, in words", () => {
    expect(validatePlan(llama, plan(4, 21), policy)).toEqual([
      { field: "max", code: "above_limit", message: "max must be at most 20×, got 21×" },
    ]);
    expect(validatePlan(llama, plan(4, 3), policy)).toEqual([
      { field: "min", code: "min_above_max", message: "min (4×) must not be greater than max (3×)" },
    ]);
    expect(validatePlan(llama, plan(0, 3), policy)[0]?.message).toBe(
      "min can be 0 only with scale to zero turned on",
    );
  });

  it("uses the policy's limit", () => {
    expect(validatePlan(llama, plan(2, 8), { ...policy, maxMultipleLimit: 5 }).map((v) => v.code)).toEqual([
      "above_limit",
    ]);
  });
});

describe("validatePlan (model units)", () => {
  it.each<[string, Plan, string[]]>([
    ["a fixed size", plan(3, 3), []],
    ["min is not checked (it mirrors max)", plan(0, 3), []],
    ["min above max is irrelevant", plan(9, 3), []],
    ["max 0", plan(0, 0), ["max:below_one"]],
    ["max above the limit", plan(1, 21), ["max:above_limit"]],
    ["scale to zero", plan(0, 2, true), ["min:scale_to_zero_unsupported"]],
    ["several at once", plan(1, 2.5, true), ["max:not_integer", "min:scale_to_zero_unsupported"]],
  ])("%s", (_label, p, expected) => {
    expect(codes(unitsModel, p)).toEqual(expected);
  });
});

describe("validateDeploySettings", () => {
  it("returns plan and name violations together", () => {
    expect(
      validateDeploySettings(llama, plan(0, 2), "a.b", policy).map((v) => `${v.field}:${v.code}`),
    ).toEqual(["min:zero_needs_scale_to_zero", "name:name_bad_characters"]);
  });
});

describe("proposePlan", () => {
  it.each<[string, ModelInfo, Parameters<typeof proposePlan>[2], Plan]>([
    ["the policy defaults", llama, {}, plan(2, 3)],
    ["a given max below the default min lowers min", llama, { max: 1 }, plan(1, 1)],
    ["a given min above the default max raises max", llama, { min: 5 }, plan(5, 5)],
    ["both given", llama, { min: 1, max: 8 }, plan(1, 8)],
    ["scale to zero without a min starts at 0", llama, { scaleToZero: true }, plan(0, 3, true)],
    ["scale to zero with a min keeps it", llama, { scaleToZero: true, min: 1 }, plan(1, 3, true)],
    ["model units: one size, the max", unitsModel, {}, plan(3, 3)],
    ["model units: a given min is ignored", unitsModel, { min: 1, max: 4 }, plan(4, 4)],
  ])("%s", (_label, model, ask, expected) => {
    expect(proposePlan(model, policy, ask)).toEqual(expected);
  });

  it("uses the policy's defaults", () => {
    expect(proposePlan(llama, { ...policy, defaultMinMultiple: 1, defaultMaxMultiple: 6 })).toEqual(
      plan(1, 6),
    );
  });

  it("proposes a plan that validates by default", () => {
    expect(validatePlan(llama, proposePlan(llama, policy), policy)).toEqual([]);
    expect(validatePlan(unitsModel, proposePlan(unitsModel, policy), policy)).toEqual([]);
  });
});

describe("normalizePlan", () => {
  it("leaves tokens plans alone and makes model-unit plans one size", () => {
    expect(normalizePlan(llama, plan(1, 4))).toEqual(plan(1, 4));
    expect(normalizePlan(unitsModel, plan(1, 4))).toEqual(plan(4, 4));
  });
});

describe("describePlan", () => {
  it("gives tokens per second for min and max, with DBUs when known", () => {
    expect(describePlan(llama, plan(2, 3))).toEqual({
      route: "tokens",
      min: { multiple: 2, value: 1960, unit: "tokens/s", dbus: 48 },
      max: { multiple: 3, value: 2940, unit: "tokens/s", dbus: 72 },
      scaleToZero: false,
    });
  });

  it("leaves DBUs out when the model has none", () => {
    const { dbus: _dbus, ...noDbus } = llama;
    expect(describePlan(noDbus, plan(0, 1, true))).toEqual({
      route: "tokens",
      min: { multiple: 0, value: 0, unit: "tokens/s" },
      max: { multiple: 1, value: 980, unit: "tokens/s" },
      scaleToZero: true,
    });
  });

  it("gives one size in model units for model-unit models", () => {
    expect(describePlan(unitsModel, plan(4, 4))).toEqual({
      route: "model_units",
      units: { multiple: 4, value: 200, unit: "model units" },
    });
  });
});

describe("endpointTarget", () => {
  it("tokens: min/max multiples become tokens per second, with scale to zero", () => {
    expect(endpointTarget({ model: llama, plan: plan(0, 4, true), endpointName: "llama-13b-3" })).toEqual({
      endpointName: "llama-13b-3",
      model: "ml.llm-catalog.llama-13b",
      version: 3,
      band: { kind: "tokens", minTokensPerSecond: 0, maxTokensPerSecond: 3920, scaleToZero: true },
    });
  });

  it("model units: one size, from max alone", () => {
    expect(endpointTarget({ model: unitsModel, plan: plan(2, 2), endpointName: "big" })).toEqual({
      endpointName: "big",
      model: "system.ai.big_model",
      version: 2,
      band: { kind: "model_units", units: 100 },
    });
  });

  it("works with the chunk sizes seen in the wild", () => {
    for (const chunkSize of [970, 980, 1580, 19000]) {
      const target = endpointTarget({ model: { ...llama, chunkSize }, plan: plan(2, 3), endpointName: "x" });
      expect(target?.band).toMatchObject({
        minTokensPerSecond: 2 * chunkSize,
        maxTokensPerSecond: 3 * chunkSize,
      });
    }
  });

  it("is undefined until the request is resolved", () => {
    expect(endpointTarget({ plan: plan(2, 3), endpointName: "x" })).toBeUndefined();
    expect(endpointTarget({ model: llama, endpointName: "x" })).toBeUndefined();
    expect(endpointTarget({ model: llama, plan: plan(2, 3) })).toBeUndefined();
  });
});
