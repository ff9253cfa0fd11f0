import { describe, expect, it } from "vitest";
import { decideCreateOrUpdate, type ExistingEndpoint } from "../../src/domain/create-or-update.js";
import { llama, unitsModel } from "./fixtures.js";

const endpoint = (overrides: Partial<ExistingEndpoint> = {}): ExistingEndpoint => ({
  name: "llama-13b-3",
  servedEntities: [
    { entityName: "ml.llm-catalog.llama-13b", entityVersion: "2", minThroughput: 1960, maxThroughput: 2940 },
  ],
  busy: false,
  ...overrides,
});

describe("decideCreateOrUpdate", () => {
  it("creates when there is no endpoint", () => {
    expect(decideCreateOrUpdate(llama, undefined)).toEqual({ kind: "create" });
  });

  it("updates an endpoint serving the same model, with the current plan to show the change", () => {
    expect(decideCreateOrUpdate(llama, endpoint())).toEqual({
      kind: "update",
      current: {
        entityName: "ml.llm-catalog.llama-13b",
        entityVersion: 2,
        plan: { minMultiple: 2, maxMultiple: 3, scaleToZero: false },
        minThroughput: 1960,
        maxThroughput: 2940,
      },
    });
  });

  it("matches the model name case-insensitively (Unity Catalog names are)", () => {
    const upper = endpoint({
      servedEntities: [{ entityName: "ML.LLM-Catalog.Llama-13B", entityVersion: 3, maxThroughput: 980 }],
    });
    expect(decideCreateOrUpdate(llama, upper).kind).toBe("update");
  });

  it("keeps scale to zero and accepts a numeric version", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({
        servedEntities: [
          {
            entityName: llama.fullName,
            entityVersion: 7,
            minThroughput: 0,
            maxThroughput: 980,
            scaleToZero: true,
          },
        ],
      }),
    );
    expect(decision).toMatchObject({
      kind: "update",
      current: { entityVersion: 7, plan: { minMultiple: 0, maxMultiple: 1, scaleToZero: true } },
    });
  });

  it("gives fractional multiples when the old numbers do not fit the new chunk, keeping the raw numbers", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({
        servedEntities: [
          { entityName: llama.fullName, entityVersion: "1", minThroughput: 1470, maxThroughput: 2940 },
        ],
      }),
    );
    expect(decision).toMatchObject({
      kind: "update",
      current: { plan: { minMultiple: 1.5, maxMultiple: 3 }, minThroughput: 1470, maxThroughput: 2940 },
    });
  });

  it("derives a model-unit plan from provisioned units", () => {
    const decision = decideCreateOrUpdate(unitsModel, {
      name: "big",
      servedEntities: [{ entityName: unitsModel.fullName, entityVersion: "1", modelUnits: 150 }],
      busy: false,
    });
    expect(decision).toEqual({
      kind: "update",
      current: {
        entityName: unitsModel.fullName,
        entityVersion: 1,
        plan: { minMultiple: 3, maxMultiple: 3, scaleToZero: false },
        modelUnits: 150,
      },
    });
  });

  it("refuses an endpoint serving another model, saying what is there", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({
        servedEntities: [{ entityName: "ml.other.model", entityVersion: "2", maxThroughput: 980 }],
      }),
    );
    expect(decision).toEqual({
      kind: "refused",
      reason: {
        code: "endpoint_serves_other_model",
        message: "endpoint llama-13b-3 already serves ml.other.model v2",
      },
    });
  });

  it("names another team's model that has no version (an external model) without a version", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({ servedEntities: [{ entityName: "openai model gpt-4o" }] }),
    );
    expect(decision).toMatchObject({
      kind: "refused",
      reason: {
        code: "endpoint_serves_other_model",
        message: "endpoint llama-13b-3 already serves openai model gpt-4o",
      },
    });
  });

  it("names the other model even while the endpoint is busy", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({ busy: true, servedEntities: [{ entityName: "ml.other.model", entityVersion: "2" }] }),
    );
    expect(decision).toMatchObject({ kind: "refused", reason: { code: "endpoint_serves_other_model" } });
  });

  it("refuses while an update is in progress: try again when it finishes", () => {
    const decision = decideCreateOrUpdate(llama, endpoint({ busy: true }));
    expect(decision).toEqual({
      kind: "refused",
      reason: {
        code: "endpoint_busy",
        message: "endpoint llama-13b-3 is being updated; try again when the update in progress finishes",
      },
    });
  });

  it("refuses a busy endpoint with no config yet (being created by someone else)", () => {
    expect(decideCreateOrUpdate(llama, endpoint({ busy: true, servedEntities: [] }))).toMatchObject({
      kind: "refused",
      reason: { code: "endpoint_busy" },
    });
  });

  it("refuses an endpoint that serves nothing", () => {
    expect(decideCreateOrUpdate(llama, endpoint({ servedEntities: [] }))).toMatchObject({
      kind: "refused",
      reason: { code: "endpoint_serves_nothing", message: "endpoint llama-13b-3 exists but serves no model" },
    });
  });

  it("refuses an endpoint splitting traffic between versions (an update would drop one)", () => {
    const decision = decideCreateOrUpdate(
      llama,
      endpoint({
        servedEntities: [
          { entityName: llama.fullName, entityVersion: "1" },
          { entityName: llama.fullName, entityVersion: "2" },
        ],
      }),
    );
    expect(decision).toMatchObject({ kind: "refused", reason: { code: "endpoint_serves_several_models" } });
  });
});
