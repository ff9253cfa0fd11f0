import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, expectErrorBody, type Harness, list, startHarness } from "./harness.js";

const MODELS = "/api/2.1/unity-catalog/models";
const LLAMA = "ml.llm-catalog.llama-13b";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.emulator.close());

/** Reads every page of a model's versions, as a correct client must. */
async function readAllPages(fullName: string, maxResults?: number) {
  const pages: unknown[][] = [];
  let token: string | undefined;
  do {
    const query = new URLSearchParams();
    if (maxResults !== undefined) query.set("max_results", String(maxResults));
    if (token !== undefined) query.set("page_token", token);
    const reply = await h.call("GET", `${MODELS}/${fullName}/versions?${query}`);
    expect(reply.status).toBe(200);
    const versions = at(reply.body, "model_versions");
    pages.push(versions === undefined ? [] : (versions as unknown[]));
    const next = at(reply.body, "next_page_token");
    token = typeof next === "string" ? next : undefined;
    if (pages.length > 50) throw new Error("paging does not end");
  } while (token !== undefined);
  return pages;
}

describe("registered model", () => {
  it("answers the model with UC's field names and ms timestamps, aliases only when asked", async () => {
    const plain = await h.call("GET", `${MODELS}/${LLAMA}`);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({
      full_name: LLAMA,
      name: "llama-13b",
      catalog_name: "ml",
      schema_name: "llm-catalog",
      owner: expect.any(String),
      created_by: expect.any(String),
      comment: expect.any(String),
    });
    expect(at(plain.body, "created_at")).toBeGreaterThan(1e12);
    expect(at(plain.body, "updated_at")).toBeGreaterThanOrEqual(at(plain.body, "created_at") as number);
    expect(at(plain.body, "aliases")).toBeUndefined();

    const withAliases = await h.call("GET", `${MODELS}/${LLAMA}?include_aliases=true`);
    expect(at(withAliases.body, "aliases")).toEqual([{ alias_name: "champion", version_num: 3 }]);
  });

  it("finds a model whatever the case of its name, answering UC's lower-case name, as UC does", async () => {
    const mixed = "ML.LLM-Catalog.Llama-13B";
    const model = await h.call("GET", `${MODELS}/${mixed}`);
    expect(model.status).toBe(200);
    expect(model.body).toMatchObject({ full_name: LLAMA, name: "llama-13b" });
    expect((await h.call("GET", `${MODELS}/${mixed}/versions/3`)).body).toMatchObject({
      model_name: "llama-13b",
      version: 3,
    });
    expect((await h.call("GET", `${MODELS}/${mixed}/aliases/champion`)).status).toBe(200);
    const info = await h.call("GET", `/api/2.0/serving-endpoints/get-model-optimization-info/${mixed}/3`);
    expect(info.body).toMatchObject({ optimizable: true, throughput_chunk_size: 980 });
  });

  it("answers 404 RESOURCE_DOES_NOT_EXIST naming an unknown model", async () => {
    expectErrorBody(
      await h.call("GET", `${MODELS}/ml.nope.missing`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
      /ml\.nope\.missing/,
    );
  });
});

describe("model version", () => {
  it("answers a version with an integer version and its status", async () => {
    const reply = await h.call("GET", `${MODELS}/${LLAMA}/versions/3`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      model_name: "llama-13b",
      catalog_name: "ml",
      schema_name: "llm-catalog",
      version: 3,
      status: "READY",
      source: expect.any(String),
      storage_location: expect.any(String),
      run_id: expect.any(String),
      created_by: expect.any(String),
    });
    expect(at(reply.body, "created_at")).toBeGreaterThan(1e12);
    expect(at(reply.body, "aliases")).toBeUndefined();
    const pending = await h.call("GET", `${MODELS}/${LLAMA}/versions/4`);
    expect(at(pending.body, "status")).toBe("PENDING_REGISTRATION");
  });

  it("lists a version's aliases with include_aliases (Python sends True)", async () => {
    const three = await h.call("GET", `${MODELS}/${LLAMA}/versions/3?include_aliases=True`);
    expect(at(three.body, "aliases")).toEqual([{ alias_name: "champion", version_num: 3 }]);
    const two = await h.call("GET", `${MODELS}/${LLAMA}/versions/2?include_aliases=true`);
    expect(at(two.body, "aliases")).toBeUndefined();
  });

  it("answers 404 for an unknown version and 400 for a version that is not a number", async () => {
    expectErrorBody(
      await h.call("GET", `${MODELS}/${LLAMA}/versions/99`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
      /99/,
    );
    expectErrorBody(await h.call("GET", `${MODELS}/${LLAMA}/versions/abc`), 400, "INVALID_PARAMETER_VALUE");
  });
});

describe("alias", () => {
  it("answers the version an alias points to", async () => {
    const reply = await h.call("GET", `${MODELS}/${LLAMA}/aliases/champion`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ model_name: "llama-13b", version: 3, status: "READY" });
  });

  it("answers 404 for an unknown alias", async () => {
    expectErrorBody(
      await h.call("GET", `${MODELS}/${LLAMA}/aliases/challenger`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
      /challenger/,
    );
  });
});

describe("version list paging", () => {
  it("serves an empty page that still has a next_page_token, then the rest", async () => {
    const first = await h.call("GET", `${MODELS}/${LLAMA}/versions`);
    expect(list(first.body, "model_versions")).toHaveLength(2);
    const second = await h.call(
      "GET",
      `${MODELS}/${LLAMA}/versions?page_token=${at(first.body, "next_page_token")}`,
    );
    expect(second.status).toBe(200);
    // protobuf JSON omits an empty list: an empty page is just a token.
    expect(second.body).toEqual({ next_page_token: expect.any(String) });
    const third = await h.call(
      "GET",
      `${MODELS}/${LLAMA}/versions?page_token=${at(second.body, "next_page_token")}`,
    );
    expect(list(third.body, "model_versions")).toHaveLength(2);
    expect(at(third.body, "next_page_token")).toBeUndefined();
  });

  it("gives every version exactly once across all pages, unordered and without aliases", async () => {
    for (const maxResults of [undefined, 1, 3, 0, 5000]) {
      const pages = await readAllPages(LLAMA, maxResults);
      expect(pages.some((p) => p.length === 0)).toBe(true);
      const versions = pages.flat().map((v) => at(v, "version"));
      expect([...versions].sort()).toEqual([1, 2, 3, 4]);
      expect(versions).not.toEqual([1, 2, 3, 4]);
      for (const v of pages.flat()) {
        expect(typeof at(v, "version")).toBe("number");
        expect(at(v, "aliases")).toBeUndefined();
      }
    }
  });

  it("can start with an empty page (system.ai.meta_llama_v3_1_8b_instruct)", async () => {
    const first = await h.call("GET", `${MODELS}/system.ai.meta_llama_v3_1_8b_instruct/versions`);
    expect(first.body).toEqual({ next_page_token: expect.any(String) });
    const pages = await readAllPages("system.ai.meta_llama_v3_1_8b_instruct");
    expect(pages.flat()).toHaveLength(3);
  });

  it("refuses a negative max_results and a forged page token", async () => {
    expectErrorBody(
      await h.call("GET", `${MODELS}/${LLAMA}/versions?max_results=-1`),
      400,
      "INVALID_PARAMETER_VALUE",
    );
    expectErrorBody(
      await h.call("GET", `${MODELS}/${LLAMA}/versions?page_token=garbage`),
      400,
      "INVALID_PARAMETER_VALUE",
    );
  });

  it("answers 404 for the versions of an unknown model", async () => {
    expectErrorBody(
      await h.call("GET", `${MODELS}/ml.nope.missing/versions`),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });
});
