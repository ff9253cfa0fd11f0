import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const DOMAIN = new URL("../../src/domain/", import.meta.url);

describe("the domain is pure", () => {
  const files = readdirSync(DOMAIN).filter((f) => f.endsWith(".ts"));

  it.each(files)("%s imports only other domain files, and reads no clock or randomness", (file) => {
    const source = readFileSync(new URL(file, DOMAIN), "utf8");
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map(
      (m) => m[1],
    );
    for (const specifier of specifiers) expect(specifier, file).toMatch(/^\.\/[a-z-]+\.js$/);
    expect(source).not.toMatch(/Date\.now|Math\.random|new Date\(\)|process\./);
  });
});
