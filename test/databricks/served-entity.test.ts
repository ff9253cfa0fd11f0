import { describe, expect, it } from "vitest";
import { servedBand, toEndpointConfigInput, toServedEntityInput } from "../../src/databricks/index.js";
import type { EndpointTarget } from "../../src/domain/index.js";

const tokens: EndpointTarget = {
  endpointName: "llama-13b-3",
  model: "ml.llm-catalog.llama-13b",
  version: 3,
  band: { kind: "tokens", minTokensPerSecond: 0, maxTokensPerSecond: 3920, scaleToZero: true },
};
const units: EndpointTarget = {
  endpointName: "big",
  model: "system.ai.big_model",
  version: 2,
  band: { kind: "model_units", units: 100 },
};

describe("the served-entity payload for a target", () => {
  it("tokens route: min/max throughput in tokens per second, version as a string", () => {
    expect(toServedEntityInput(tokens)).toEqual({
      entity_name: "ml.llm-catalog.llama-13b",
      entity_version: "3",
      min_provisioned_throughput: 0,
      max_provisioned_throughput: 3920,
      scale_to_zero_enabled: true,
    });
  });

  it("model-units route: provisioned_model_units only", () => {
    const entity = toServedEntityInput(units);
    expect(entity).toEqual({
      entity_name: "system.ai.big_model",
      entity_version: "2",
      provisioned_model_units: 100,
    });
    expect(Object.keys(entity)).not.toContain("scale_to_zero_enabled");
  });

  it("a config with the one served entity", () => {
    expect(toEndpointConfigInput(units)).toEqual({ served_entities: [toServedEntityInput(units)] });
  });
});

describe("the band a served entity provisions", () => {
  const entity = { entity_name: "m", entity_version: "1" };
  it("reads tokens per second, scale to zero off when absent", () => {
    expect(
      servedBand({ ...entity, min_provisioned_throughput: 980, max_provisioned_throughput: 1960 }, "tokens"),
    ).toEqual({ kind: "tokens", minTokensPerSecond: 980, maxTokensPerSecond: 1960, scaleToZero: false });
  });
  it("reads model units", () => {
    expect(servedBand({ ...entity, provisioned_model_units: 50 }, "model_units")).toEqual({
      kind: "model_units",
      units: 50,
    });
  });
  it("is unknown without sizes of that kind", () => {
    expect(servedBand(entity, "tokens")).toBeUndefined();
    expect(servedBand(entity, "model_units")).toBeUndefined();
  });
});
