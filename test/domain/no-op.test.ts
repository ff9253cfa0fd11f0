import { describe, expect, it } from "vitest";
import type { DeployMode } from "../../src/domain/create-or-update.js";
import { changesNothing } from "../../src/domain/no-op.js";
import { llama, unitsModel } from "./fixtures.js";

const band = (minMultiple: number, maxMultiple: number, scaleToZero = false) => ({
  minMultiple,
  maxMultiple,
  scaleToZero,
});

function serving(
  version: number,
  raw: { min?: number; max?: number; units?: number; stz?: boolean },
): DeployMode {
  const chunk = raw.units === undefined ? llama.chunkSize : unitsModel.chunkSize;
  return {
    kind: "update",
    current: {
      entityName: raw.units === undefined ? llama.fullName : unitsModel.fullName,
      entityVersion: version,
      plan: {
        minMultiple: (raw.min ?? raw.units ?? 0) / chunk,
        maxMultiple: (raw.max ?? raw.units ?? 0) / chunk,
        scaleToZero: raw.stz ?? false,
      },
      ...(raw.min === undefined ? {} : { minThroughput: raw.min }),
      ...(raw.max === undefined ? {} : { maxThroughput: raw.max }),
      ...(raw.units === undefined ? {} : { modelUnits: raw.units }),
    },
  };
}

describe("changesNothing", () => {
  it("is true for an update to the version and band the endpoint serves", () => {
    expect(changesNothing(serving(3, { min: 1960, max: 2940 }), llama, band(2, 3))).toBe(true);
  });

  it("is false for the same config on an endpoint that is not READY on it (a create that failed)", () => {
    const failed = serving(3, { min: 1960, max: 2940 });
    if (failed.kind !== "update") throw new Error("fixture");
    expect(
      changesNothing({ kind: "update", current: { ...failed.current, notReady: true } }, llama, band(2, 3)),
    ).toBe(false);
  });

  it("is false for a create, another version, another band or another scale to zero", () => {
    expect(changesNothing({ kind: "create" }, llama, band(2, 3))).toBe(false);
    expect(changesNothing(serving(2, { min: 1960, max: 2940 }), llama, band(2, 3))).toBe(false);
    expect(changesNothing(serving(3, { min: 1960, max: 2940 }), llama, band(2, 4))).toBe(false);
    expect(changesNothing(serving(3, { min: 0, max: 2940, stz: true }), llama, band(0, 3, true))).toBe(true);
    expect(changesNothing(serving(3, { min: 0, max: 2940, stz: false }), llama, band(0, 3, true))).toBe(
      false,
    );
    // Served numbers that are no whole multiple of the chunk never equal a plan.
    expect(changesNothing(serving(3, { min: 2000, max: 2940 }), llama, band(2, 3))).toBe(false);
  });

  it("compares model units for model-unit models", () => {
    expect(changesNothing(serving(2, { units: 100 }), unitsModel, band(2, 2))).toBe(true);
    expect(changesNothing(serving(2, { units: 150 }), unitsModel, band(2, 2))).toBe(false);
    expect(changesNothing(serving(1, { units: 100 }), unitsModel, band(2, 2))).toBe(false);
  });
});
