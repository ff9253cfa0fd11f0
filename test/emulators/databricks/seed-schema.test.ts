import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultSeed,
  loadSeed,
  parseSeed,
  startDatabricksEmulator,
} from "../../../emulators/databricks/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "dbx-seed-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("default seed", () => {
  it("holds the models the brief promises and no endpoints", () => {
    const seed = defaultSeed();
    const model = (name: string) => seed.models.find((m) => m.full_name === name);
    const llama = model("ml.llm-catalog.llama-13b");
    expect(llama?.optimization).toMatchObject({ model_type: "llama", throughput_chunk_size: 980, dbus: 24 });
    expect(llama?.aliases).toEqual({ champion: 3 });
    expect(llama?.versions.map((v) => [v.version, v.status]).sort()).toEqual([
      [1, "READY"],
      [2, "READY"],
      [3, "READY"],
      [4, "PENDING_REGISTRATION"],
    ]);
    // The publicly observed figure for Llama 3.1 8B (issue 13): 106 DBU/h per 19,000 tokens/s chunk.
    expect(model("system.ai.meta_llama_v3_1_8b_instruct")?.optimization).toMatchObject({
      throughput_chunk_size: 19000,
      dbus: 106,
    });
    expect(model("system.ai.dbrx_instruct")?.optimization.throughput_chunk_size).toBe(1580);
    expect(model("system.ai.gte_large_en_v1_5")?.optimization.model_type).toBe("gte-large");
    expect(model("system.ai.gpt-oss-120b")?.optimization.model_unit_chunk_size).toBe(50);
    expect(model("ml.sandbox.sklearn-churn")?.optimization).toEqual({ optimizable: false });
    expect(seed.endpoints ?? []).toEqual([]);
  });
});

describe("loadSeed", () => {
  it("loads a replacement seed file that the emulator then serves", async () => {
    const path = join(dir, "seed.json");
    await writeFile(
      path,
      JSON.stringify({
        models: [
          {
            full_name: "main.team.tiny-llm",
            optimization: { optimizable: true, model_type: "mistral", throughput_chunk_size: 500 },
            versions: [{ version: 1, status: "READY" }],
          },
        ],
      }),
    );
    const emulator = await startDatabricksEmulator({ seed: await loadSeed(path) });
    try {
      const headers = { authorization: `Bearer ${emulator.token}` };
      const info = await fetch(
        `${emulator.url}/api/2.0/serving-endpoints/get-model-optimization-info/main.team.tiny-llm/1`,
        { headers },
      );
      expect(await info.json()).toEqual({
        optimizable: true,
        model_type: "mistral",
        throughput_chunk_size: 500,
      });
      const llama = await fetch(`${emulator.url}/api/2.1/unity-catalog/models/ml.llm-catalog.llama-13b`, {
        headers,
      });
      expect(llama.status).toBe(404);
    } finally {
      await emulator.close();
    }
  });

  it("reports every problem of an invalid seed at once", async () => {
    const path = join(dir, "bad.json");
    await writeFile(
      path,
      JSON.stringify({
        models: [
          {
            full_name: "not-three-parts",
            optimization: { optimizable: true },
            versions: [{ version: 1, status: "READY" }],
            aliases: { champion: 9 },
          },
        ],
      }),
    );
    const error = await loadSeed(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "emulator_seed_invalid" });
    const message = (error as Error).message;
    expect(message).toMatch(/catalog\.schema\.model/);
    expect(message).toMatch(/model_type/);
    expect(message).toMatch(/chunk/);
    expect(message).toMatch(/champion/);
  });

  it("tells a missing file from a file that is not JSON", async () => {
    await expect(loadSeed(join(dir, "missing.json"))).rejects.toMatchObject({
      code: "emulator_seed_unreadable",
    });
    const path = join(dir, "text.json");
    await writeFile(path, "not json");
    await expect(loadSeed(path)).rejects.toMatchObject({ code: "emulator_seed_invalid" });
  });

  it("validates programmatic seeds the same way", async () => {
    expect(() => parseSeed({ models: [{ full_name: "a.b.c" }] })).toThrow(/optimization/);
    await expect(
      startDatabricksEmulator({ seed: { models: [], endpoints: [{ name: "x", served_entities: [] }] } }),
    ).rejects.toMatchObject({
      code: "emulator_seed_invalid",
    });
  });
});
