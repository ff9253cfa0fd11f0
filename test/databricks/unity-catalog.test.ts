import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelVersionNotReadyError } from "../../src/databricks/errors.js";
import { GPT_OSS, type Harness, LLAMA, startHarness } from "./emulator.js";
import { rejectionOf } from "./helpers.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("Unity Catalog", () => {
  it("gets a registered model with its aliases", async () => {
    const model = await h.client.getRegisteredModel(LLAMA);
    expect(model.full_name).toBe(LLAMA);
    expect(model.aliases).toContainEqual(expect.objectContaining({ alias_name: "champion", version_num: 3 }));
    const [request] = h.emu.requestsTo("GET", `/api/2.1/unity-catalog/models/${LLAMA}`);
    expect(request?.query).toMatchObject({ include_aliases: "true" });
  });

  it("gets a version by number and by alias, with an integer version", async () => {
    const v2 = await h.client.getModelVersion(LLAMA, 2);
    expect(v2).toMatchObject({ version: 2, status: "READY" });
    const champion = await h.client.getModelVersionByAlias(LLAMA, "champion");
    expect(champion.version).toBe(3);
    expect((await h.client.getModelVersionByAlias(LLAMA, "@champion")).version).toBe(3);
  });

  it("lists every version across pages, empty pages with a next token included", async () => {
    h.emu.clearRequests();
    const versions = await h.client.listModelVersions(LLAMA, { pageSize: 1 });
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
    const calls = h.emu.requestsTo("GET", `/api/2.1/unity-catalog/models/${LLAMA}/versions`);
    // Four one-item pages and the seed's empty page: reading stopped only when the token was gone.
    expect(calls.length).toBe(5);
    const all = await h.client.listModelVersions("system.ai.meta_llama_v3_1_8b_instruct");
    expect(all.map((v) => v.version).sort()).toEqual([1, 2, 3]);
  });

  it("reports a missing model, version or alias as databricks_not_found with Databricks' error code", async () => {
    for (const call of [
      h.client.getRegisteredModel("ml.nope.nothing"),
      h.client.getModelVersion(LLAMA, 99),
      h.client.getModelVersionByAlias(LLAMA, "nobody"),
    ]) {
      const error = await rejectionOf(call);
      expect(error).toMatchObject({
        code: "databricks_not_found",
        status: 404,
        errorCode: "RESOURCE_DOES_NOT_EXIST",
      });
    }
  });
});

describe("resolveModelVersion", () => {
  it("resolves a number, latest (the highest READY, skipping a pending v4) and an alias", async () => {
    expect((await h.client.resolveModelVersion(LLAMA, 2)).version).toBe(2);
    expect((await h.client.resolveModelVersion(LLAMA, "latest")).version).toBe(3);
    expect((await h.client.resolveModelVersion(LLAMA, "@champion")).version).toBe(3);
    expect(
      (await h.client.resolveModelVersion("system.ai.meta_llama_v3_1_8b_instruct", "latest")).version,
    ).toBe(3);
  });

  it("refuses a version that is not READY, saying its status", async () => {
    const error = await rejectionOf(h.client.resolveModelVersion(LLAMA, 4));
    expect(error).toBeInstanceOf(ModelVersionNotReadyError);
    expect(error).toMatchObject({
      code: "model_version_not_ready",
      status: "PENDING_REGISTRATION",
      version: 4,
      modelName: LLAMA,
    });
    expect((error as Error).message).toContain("PENDING_REGISTRATION");
  });
});

describe("getOptimizationInfo", () => {
  it("gives the throughput chunk and DBUs, the model-unit chunk, or optimizable false", async () => {
    expect(await h.client.getOptimizationInfo(LLAMA, 3)).toMatchObject({
      optimizable: true,
      model_type: "llama",
      throughput_chunk_size: 980,
      dbus: 24,
    });
    const units = await h.client.getOptimizationInfo(GPT_OSS, 1);
    expect(units).toMatchObject({ optimizable: true, model_unit_chunk_size: 50 });
    expect(units.throughput_chunk_size).toBeUndefined();
    const no = await h.client.getOptimizationInfo("ml.sandbox.sklearn-churn", 1);
    expect(no.optimizable).toBe(false);
    expect(no.throughput_chunk_size).toBeUndefined();
  });
});
