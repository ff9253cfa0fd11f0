import { describe, expect, it } from "vitest";
import { DEPLOY_STATES } from "../../src/domain/request.js";
import { retryAsk } from "../../src/domain/retry-ask.js";
import { llama, requestIn } from "./fixtures.js";

describe("retryAsk", () => {
  it("repeats a failed request's settings: model and version as resolved, endpoint name, band", () => {
    const failed = requestIn("failed");
    expect(retryAsk(failed)).toEqual({
      model: llama.fullName,
      version: llama.version,
      endpointName: failed.endpointName,
      min: failed.plan?.minMultiple,
      max: failed.plan?.maxMultiple,
    });
  });

  it("keeps scale to zero, and gives model-unit models no min", () => {
    const failed = requestIn("failed");
    const stz = { ...failed, plan: { minMultiple: 0, maxMultiple: 2, scaleToZero: true } };
    expect(retryAsk(stz)).toMatchObject({ min: 0, max: 2, scaleToZero: true });
    const units = { ...failed, model: { ...llama, unit: "model_units" as const, chunkSize: 50 } };
    expect(retryAsk(units)).not.toHaveProperty("min");
  });

  it("keeps a break-glass reason and an asked lifetime: the same change, needing the same approvals", () => {
    const failed = requestIn("failed");
    const urgent = { ...failed, ask: { ...failed.ask, breakGlass: "prod hotfix", ttlMs: 7_200_000 } };
    expect(retryAsk(urgent)).toMatchObject({ breakGlass: "prod hotfix", ttlMs: 7_200_000 });
    expect(retryAsk(failed)).not.toHaveProperty("breakGlass");
  });

  it("is undefined for every state but failed", () => {
    for (const state of DEPLOY_STATES.filter((s) => s !== "failed")) {
      expect(retryAsk(requestIn(state)), state).toBeUndefined();
    }
  });

  it("repeats a failed scale as a deploy of the config it asked for, and has nothing to repeat for a failed delete", () => {
    const failed = requestIn("failed");
    expect(retryAsk({ ...failed, kind: "scale" })).toEqual(retryAsk(failed));
    expect(retryAsk({ ...failed, kind: "delete" })).toBeUndefined();
  });
});
