/**
 * What the production build ships: `npm run build` compiles `src/` alone, and the Docker image copies that output
 * with the runtime dependencies. The emulators and the sandbox are development tools that live beside `src/`; this
 * test builds into a temporary folder and checks that none of them (nor anything they alone need) reaches it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  readonly dependencies: Record<string, string>;
};

let out: string;
let files: string[];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(out, join(e.parentPath, e.name)));
}

/** Bare package names a built file imports (`@scope/name` or `name`), node built-ins left out. */
function packagesImportedBy(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)"([^"./][^"]*)"/gm)].map(
    (m) => m[1] ?? "",
  );
  return specifiers
    .filter((s) => !s.startsWith("node:") && !builtinModules.includes(s))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : (s.split("/")[0] ?? s)));
}

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), "ptbot-build-"));
  // The same compiler and project file as `npm run build`, into a folder of the test's own.
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", out], { cwd: ROOT });
  files = listFiles(out);
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

describe("the production build", () => {
  it("holds the product's entry point and no emulator or sandbox file", () => {
    // Guards: the build ran and produced the product, so the checks below have something to look at.
    expect(files).toContain("main.js");
    expect(files.filter((f) => f.endsWith(".js")).length).toBeGreaterThan(40);
    const tooling = files.filter((f) => /(^|\/)(emulators|sandbox|test|bench)(\/|$)/.test(f));
    expect(tooling).toEqual([]);
  });

  it("imports only runtime dependencies, and every runtime dependency is imported", () => {
    const imported = new Set(
      files
        .filter((f) => f.endsWith(".js"))
        .flatMap((f) => packagesImportedBy(readFileSync(join(out, f), "utf8"))),
    );
    expect(imported.size).toBeGreaterThan(3);
    const runtime = Object.keys(pkg.dependencies).sort();
    expect([...imported].filter((name) => !runtime.includes(name))).toEqual([]);
    expect(runtime.filter((name) => !imported.has(name))).toEqual([]);
  });
});
