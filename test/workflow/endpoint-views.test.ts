import { describe, expect, it } from "vitest";
import type { EndpointSummary, ServedEntity } from "../../src/databricks/index.js";
import type { EndpointTarget } from "../../src/domain/index.js";
import { readyFromSummary, servesTarget, summaryMatches } from "../../src/workflow/endpoint-views.js";

const MODEL = { fullName: "ml.llm-catalog.llama-13b", version: 3 };
const SPEC: EndpointTarget = {
  endpointName: "llama-13b-3",
  model: MODEL.fullName,
  version: 3,
  band: { kind: "tokens", minTokensPerSecond: 1960, maxTokensPerSecond: 2940, scaleToZero: false },
};
const BAND = {
  min_provisioned_throughput: 1960,
  max_provisioned_throughput: 2940,
  scale_to_zero_enabled: false,
};

function entry(
  ready: string,
  configUpdate: string,
  versions: string[] = ["3"],
  extra: Partial<ServedEntity> = {},
): EndpointSummary {
  return {
    name: "llama-13b-3",
    state: { ready, config_update: configUpdate },
    config: {
      served_entities: versions.map((v) => ({ entity_name: MODEL.fullName, entity_version: v, ...extra })),
    },
    tags: [],
  } as EndpointSummary;
}

describe("what a list entry alone proves", () => {
  it("READY and NOT_UPDATING on exactly this version and band is a success", () => {
    expect(readyFromSummary(entry("READY", "NOT_UPDATING", ["3"], BAND), SPEC, 5)).toEqual({
      kind: "ready",
      endpoint: { ready: "READY", configUpdate: "NOT_UPDATING", observedAt: 5 },
    });
  });

  it.each([
    ["still updating", entry("READY", "IN_PROGRESS")],
    ["a failed update on the old config", entry("READY", "UPDATE_FAILED")],
    ["not ready", entry("NOT_READY", "NOT_UPDATING")],
    ["no served entities in the entry", entry("READY", "NOT_UPDATING", [])],
    ["this version without its band (the list's summary config)", entry("READY", "NOT_UPDATING")],
  ])("%s needs the endpoint's details", (_, summary) => {
    expect(readyFromSummary(summary, SPEC, 5)).toBeUndefined();
  });

  it.each([
    ["another version", entry("READY", "NOT_UPDATING", ["2"])],
    ["two entities, one of them another version", entry("READY", "NOT_UPDATING", ["3", "2"])],
    ["another band", entry("READY", "NOT_UPDATING", ["3"], { ...BAND, max_provisioned_throughput: 3920 })],
  ])("%s is someone else's config", (_, summary) => {
    expect(readyFromSummary(summary, SPEC, 5)).toEqual({ kind: "other" });
  });

  it("matches the last observation on ready and config_update only", () => {
    const last = { ready: "NOT_READY", configUpdate: "IN_PROGRESS", observedAt: 1 } as const;
    expect(summaryMatches(entry("NOT_READY", "IN_PROGRESS"), last)).toBe(true);
    expect(summaryMatches(entry("NOT_READY", "UPDATE_FAILED"), last)).toBe(false);
    expect(summaryMatches(entry("NOT_READY", "IN_PROGRESS"), undefined)).toBe(false);
  });
});

describe("whether served entities are exactly the request's config", () => {
  const entity = { entity_name: MODEL.fullName, entity_version: "3", ...BAND };
  it("compares Unity Catalog names case-insensitively", () => {
    expect(servesTarget([{ ...entity, entity_name: "ML.LLM-Catalog.Llama-13B" }], SPEC)).toBe("yes");
  });
  it("needs the band and scale to zero to match", () => {
    expect(servesTarget([{ ...entity, min_provisioned_throughput: 980 }], SPEC)).toBe("no");
    expect(servesTarget([{ ...entity, scale_to_zero_enabled: true }], SPEC)).toBe("no");
    expect(servesTarget([{ entity_name: MODEL.fullName, entity_version: "3" }], SPEC)).toBe("unknown");
  });
  it("compares model units for model-unit models", () => {
    const units: EndpointTarget = {
      endpointName: "gpt",
      model: "system.ai.gpt-oss-120b",
      version: 1,
      band: { kind: "model_units", units: 100 },
    };
    const e = { entity_name: "system.ai.gpt-oss-120b", entity_version: "1" };
    expect(servesTarget([{ ...e, provisioned_model_units: 100 }], units)).toBe("yes");
    expect(servesTarget([{ ...e, provisioned_model_units: 50 }], units)).toBe("no");
  });
});
