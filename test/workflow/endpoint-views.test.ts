import { describe, expect, it } from "vitest";
import type { EndpointSummary } from "../../src/databricks/index.js";
import { readyFromSummary, summaryMatches } from "../../src/workflow/endpoint-views.js";

const MODEL = { fullName: "ml.llm-catalog.llama-13b", version: 3 };

function entry(ready: string, configUpdate: string, versions: string[] = ["3"]): EndpointSummary {
  return {
    name: "llama-13b-3",
    state: { ready, config_update: configUpdate },
    config: { served_entities: versions.map((v) => ({ entity_name: MODEL.fullName, entity_version: v })) },
    tags: [],
  } as EndpointSummary;
}

describe("what a list entry alone proves", () => {
  it("READY and NOT_UPDATING on exactly this version is a success", () => {
    expect(readyFromSummary(entry("READY", "NOT_UPDATING"), MODEL, 5)).toEqual({
      ready: "READY",
      configUpdate: "NOT_UPDATING",
      observedAt: 5,
    });
  });

  it.each([
    ["still updating", entry("READY", "IN_PROGRESS")],
    ["a failed update on the old config", entry("READY", "UPDATE_FAILED")],
    ["not ready", entry("NOT_READY", "NOT_UPDATING")],
    ["another version", entry("READY", "NOT_UPDATING", ["2"])],
    ["two entities, one of them another version", entry("READY", "NOT_UPDATING", ["3", "2"])],
    ["no served entities in the entry", entry("READY", "NOT_UPDATING", [])],
  ])("%s needs the endpoint's details", (_, summary) => {
    expect(readyFromSummary(summary, MODEL, 5)).toBeUndefined();
  });

  it("matches the last observation on ready and config_update only", () => {
    const last = { ready: "NOT_READY", configUpdate: "IN_PROGRESS", observedAt: 1 } as const;
    expect(summaryMatches(entry("NOT_READY", "IN_PROGRESS"), last)).toBe(true);
    expect(summaryMatches(entry("NOT_READY", "UPDATE_FAILED"), last)).toBe(false);
    expect(summaryMatches(entry("NOT_READY", "IN_PROGRESS"), undefined)).toBe(false);
  });
});
