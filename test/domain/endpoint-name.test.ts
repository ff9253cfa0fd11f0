import { describe, expect, it } from "vitest";
import {
  defaultEndpointName,
  ENDPOINT_NAME_MAX_LENGTH,
  validateEndpointName,
} from "../../src/domain/endpoint-name.js";

describe("defaultEndpointName", () => {
  it.each<[string, number, string]>([
    ["ml.llm-catalog.llama-13b", 3, "llama-13b-3"],
    ["system.ai.meta_llama_v3_1_8b_instruct", 1, "meta_llama_v3_1_8b_instruct-1"],
    ["Main.Models.MixedCase", 12, "MixedCase-12"],
    ["a.b.llama 13b", 2, "llama-13b-2"],
    ["a.b.llama!!13b", 2, "llama-13b-2"],
    ["a.b.llama--13b", 2, "llama-13b-2"],
    ["a.b.--llama--", 2, "llama-2"],
    ["a.b.lläma", 1, "llama-1"],
    ["a.b.Ångström-modèl", 4, "Angstrom-model-4"],
    ["a.b.模型", 1, "model-1"],
    ["a.b.模型-v2", 1, "v2-1"],
    ["a.b.🦙llama", 1, "llama-1"],
    ["no-dots", 5, "no-dots-5"],
    ["a.b.", 1, "model-1"],
  ])("%s v%i → %s", (fullName, version, expected) => {
    expect(defaultEndpointName(fullName, version)).toBe(expected);
  });

  it("truncates a long name, keeping the version suffix", () => {
    const name = defaultEndpointName(`cat.schema.${"x".repeat(100)}`, 123);
    expect(name).toHaveLength(ENDPOINT_NAME_MAX_LENGTH);
    expect(name.endsWith("-123")).toBe(true);
    expect(name).toBe(`${"x".repeat(59)}-123`);
  });

  it("does not leave a dash where the truncation cut", () => {
    // 58 x's, a dash, then more: the cut at 59 characters lands right after the dash.
    const name = defaultEndpointName(`c.s.${"x".repeat(58)}-yyyyyyyy`, 123);
    expect(name).toBe(`${"x".repeat(58)}-123`);
  });

  it("always produces a valid name (seeded fuzz)", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = ["a", "Z", "9", "-", "_", ".", " ", "é", "ß", "模", "🦙", "\t", "/", "\u0301"];
    for (let i = 0; i < 500; i++) {
      const length = Math.floor(random() * 90);
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const version = 1 + Math.floor(random() * 10_000);
      const name = defaultEndpointName(text, version);
      expect(validateEndpointName(name), `${JSON.stringify(text)} → ${name}`).toEqual([]);
      expect(name.endsWith(`-${version}`)).toBe(true);
    }
  });
});

describe("validateEndpointName", () => {
  it.each(["a", "llama-13b-3", "A_b-C", "x".repeat(63), "-leading-dash", "123"])("accepts %s", (name) => {
    expect(validateEndpointName(name)).toEqual([]);
  });

  it("refuses an empty name", () => {
    expect(validateEndpointName("")).toEqual([
      { field: "name", code: "name_empty", message: "name must not be empty" },
    ]);
  });

  it("refuses a name over 63 characters, saying how long it is", () => {
    expect(validateEndpointName("x".repeat(64))).toEqual([
      { field: "name", code: "name_too_long", message: "name is 64 characters long; the limit is 63" },
    ]);
  });

  it("names the characters it refuses, each once and visibly", () => {
    expect(validateEndpointName("my.end point.v2")).toEqual([
      {
        field: "name",
        code: "name_bad_characters",
        message: 'name may only contain letters, digits, "-" and "_"; not allowed: ".", " "',
      },
    ]);
    expect(validateEndpointName("tab\there")[0]?.message).toContain('"\\t"');
  });

  it("refuses unicode letters", () => {
    expect(validateEndpointName("lläma").map((v) => v.code)).toEqual(["name_bad_characters"]);
    expect(validateEndpointName("🦙")[0]?.message).toContain('"🦙"');
  });

  it("reports length and characters together", () => {
    expect(validateEndpointName(`${"x".repeat(70)}.`).map((v) => v.code)).toEqual([
      "name_too_long",
      "name_bad_characters",
    ]);
  });
});
