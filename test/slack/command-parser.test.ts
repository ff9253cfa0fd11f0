import { describe, expect, it } from "vitest";
import { MAX_COMMAND_LENGTH, parseCommand } from "../../src/slack/command-parser.js";

describe("parseCommand", () => {
  it.each([
    [
      "deploy ml.llm-catalog.llama-13b 3",
      { kind: "deploy", model: "ml.llm-catalog.llama-13b", version: 3, scaleToZero: false },
    ],
    [
      "deploy ml.llm-catalog.llama-13b",
      { kind: "deploy", model: "ml.llm-catalog.llama-13b", version: "latest", scaleToZero: false },
    ],
    [
      "deploy ml.llm-catalog.llama-13b latest",
      { kind: "deploy", model: "ml.llm-catalog.llama-13b", version: "latest", scaleToZero: false },
    ],
    [
      "deploy ml.llm-catalog.llama-13b@champion",
      { kind: "deploy", model: "ml.llm-catalog.llama-13b", version: "@champion", scaleToZero: false },
    ],
    [
      "  DEPLOY   system.ai.dbrx_instruct 2 --name dbrx-prod --min 0 --max 4 --scale-to-zero ",
      {
        kind: "deploy",
        model: "system.ai.dbrx_instruct",
        version: 2,
        name: "dbrx-prod",
        min: 0,
        max: 4,
        scaleToZero: true,
      },
    ],
    [
      "deploy a.b.c --max=5 --name=x",
      { kind: "deploy", model: "a.b.c", version: "latest", name: "x", max: 5, scaleToZero: false },
    ],
    [
      "deploy a.b.c 1 —max 5 –min 1",
      { kind: "deploy", model: "a.b.c", version: 1, min: 1, max: 5, scaleToZero: false },
    ],
    ["status llama-13b-3", { kind: "status", endpoint: "llama-13b-3" }],
    ["list", { kind: "list" }],
    ["cancel llama-13b-3", { kind: "cancel", target: "llama-13b-3" }],
    ["CANCEL 0b8e-uuid-like", { kind: "cancel", target: "0b8e-uuid-like" }],
    ["", { kind: "help" }],
    ["help", { kind: "help" }],
  ])("parses %j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each([
    ["launch a.b.c", "unknown_subcommand", "launch"],
    ["deploy", "missing_model", undefined],
    ["deploy llama-13b", "invalid_model_name", "llama-13b"],
    ["deploy a.b.c.d", "invalid_model_name", "a.b.c.d"],
    ["deploy a.b.c three", "invalid_version", "three"],
    ["deploy a.b.c 0", "invalid_version", "0"],
    ["deploy a.b.c -1", "invalid_version", "-1"],
    ["deploy a.b.c@ 1", "invalid_version", "@"],
    ["deploy a.b.c@champion 3", "alias_and_version", "a.b.c@champion 3"],
    ["deploy a.b.c --size 3", "unknown_flag", "--size"],
    ["deploy a.b.c --max", "missing_flag_value", "--max"],
    ["deploy a.b.c --max lots", "invalid_multiple", "--max lots"],
    ["deploy a.b.c --min -2", "invalid_multiple", "--min -2"],
    ["deploy a.b.c 3 4", "unexpected_argument", "4"],
    ["status", "missing_endpoint", undefined],
    ["status a b", "unexpected_argument", "b"],
    ["list all", "unexpected_argument", "all"],
    ["cancel", "missing_cancel_target", undefined],
    ["cancel a b", "unexpected_argument", "b"],
  ])("answers %j with help and %s", (text, code, detail) => {
    const parsed = parseCommand(text);
    expect(parsed).toEqual({ kind: "help", problem: detail === undefined ? { code } : { code, detail } });
  });

  it.each([
    ["deploy a.b.c --scale-to-zero", true],
    ["deploy a.b.c --scale-to-zero=true", true],
    ["deploy a.b.c --scale-to-zero=TRUE", true],
    ["deploy a.b.c --scale-to-zero true", true],
    ["deploy a.b.c --scale-to-zero=false", false],
    ["deploy a.b.c --scale-to-zero false", false],
    ["deploy a.b.c --no-scale-to-zero", false],
    ["deploy a.b.c —no-scale-to-zero", false],
    ["deploy a.b.c", false],
  ])("reads %j as scale to zero %s", (text, scaleToZero) => {
    expect(parseCommand(text)).toMatchObject({ kind: "deploy", model: "a.b.c", scaleToZero });
  });

  it.each([
    ["deploy a.b.c 3 --scale-to-zero=false", { version: 3, scaleToZero: false }],
    ["deploy a.b.c --min=0 --max=2 --scale-to-zero=true", { min: 0, max: 2, scaleToZero: true }],
    ["deploy a.b.c --name=x-1 --max=4", { name: "x-1", max: 4 }],
  ])("takes --flag=value for every flag: %j", (text, expected) => {
    expect(parseCommand(text)).toMatchObject({ kind: "deploy", ...expected });
  });

  it.each([
    ["deploy a.b.c --max 2 --max 3", "repeated_flag", "--max"],
    ["deploy a.b.c --min=1 --min 1", "repeated_flag", "--min"],
    ["deploy a.b.c --name a --name=b", "repeated_flag", "--name"],
    ["deploy a.b.c --scale-to-zero --scale-to-zero", "repeated_flag", "--scale-to-zero"],
    ["deploy a.b.c --scale-to-zero --no-scale-to-zero", "repeated_flag", "--no-scale-to-zero"],
    ["deploy a.b.c --scale-to-zero=maybe", "invalid_flag_value", "--scale-to-zero=maybe"],
    ["deploy a.b.c --no-scale-to-zero=true", "invalid_flag_value", "--no-scale-to-zero=true"],
    ["deploy a.b.c --max 0", "max_zero", "--max 0"],
    ["deploy a.b.c --max=0000", "max_zero", "--max 0000"],
    ["deploy a.b.c --name=", "missing_flag_value", "--name"],
  ])("answers %j with its own problem %s", (text, code, detail) => {
    expect(parseCommand(text)).toEqual({ kind: "help", problem: { code, detail } });
  });

  it("reads --ttl on a deploy (m, h, d; 10m to 366d), once, and refuses it elsewhere", () => {
    expect(parseCommand("deploy ml.llm-catalog.llama-13b 3 --ttl 7d")).toMatchObject({
      kind: "deploy",
      ttlMs: 7 * 86_400_000,
    });
    expect(parseCommand("deploy ml.llm-catalog.llama-13b --ttl=30m")).toMatchObject({ ttlMs: 30 * 60_000 });
    expect(parseCommand("deploy ml.llm-catalog.llama-13b 3")).not.toHaveProperty("ttlMs");
    for (const bad of ["7w", "5m", "367d", "x"]) {
      expect(parseCommand(`deploy ml.llm-catalog.llama-13b --ttl ${bad}`)).toMatchObject({
        kind: "help",
        problem: { code: "invalid_ttl" },
      });
    }
    expect(parseCommand("deploy ml.llm-catalog.llama-13b --ttl")).toMatchObject({
      problem: { code: "missing_flag_value" },
    });
    expect(parseCommand("deploy ml.llm-catalog.llama-13b --ttl 1d --ttl 2d")).toMatchObject({
      problem: { code: "repeated_flag" },
    });
    expect(parseCommand("scale llama-13b-3 --ttl 1d")).toMatchObject({ problem: { code: "unknown_flag" } });
  });

  it("refuses a command longer than it accepts as too long, saying how long, instead of cutting it", () => {
    const text = `deploy a.b.c --name ${"n".repeat(10_000)}`;
    expect(parseCommand(text)).toEqual({
      kind: "help",
      problem: { code: "too_long", detail: String(text.length) },
    });
    const longest = `deploy a.b.c --name ${"n".repeat(MAX_COMMAND_LENGTH - 20)}`;
    expect(longest).toHaveLength(MAX_COMMAND_LENGTH);
    expect(parseCommand(longest)).toMatchObject({ kind: "deploy" });
  });

  it("bounds the echoed detail so a huge input cannot make a huge answer", () => {
    const parsed = parseCommand(`frobnicate${"x".repeat(5000)}`);
    expect(parsed.kind === "help" && (parsed.problem?.detail?.length ?? 0) <= 80).toBe(true);
  });
});

describe("parseCommand fuzz", () => {
  // A seeded generator keeps the fuzz reproducible: a failure names its seed and input.
  function random(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const pieces = [
    "deploy",
    "status",
    "list",
    "help",
    "a.b.c",
    "ml.llm-catalog.llama-13b",
    "@",
    "@champion",
    "--min",
    "--max",
    "--name",
    "--scale-to-zero",
    "=",
    "—",
    "3",
    "0",
    "-1",
    "99999",
    "<!channel>",
    "&",
    "`",
    "\n",
    "\t",
    "🙂",
    "\u0000",
    " ",
    "  ",
  ];

  it("never throws and always answers with a known kind, for 5000 random and mutated inputs", () => {
    const next = random(20261125);
    for (let i = 0; i < 5000; i++) {
      const parts = Array.from(
        { length: Math.floor(next() * 8) },
        () => pieces[Math.floor(next() * pieces.length)],
      );
      let text = parts.join(next() < 0.5 ? " " : "");
      if (next() < 0.3) text += String.fromCharCode(Math.floor(next() * 0xffff));
      const parsed = parseCommand(text);
      expect(["deploy", "status", "list", "help"], `input ${JSON.stringify(text)}`).toContain(parsed.kind);
      if (parsed.kind === "deploy") {
        expect(parsed.model).toMatch(/^[^.]+\.[^.]+\.[^.]+$/);
      }
    }
  });

  it("reads every flag as written, in any form and order, for 2000 generated deploy commands", () => {
    const next = random(20261201);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    for (let i = 0; i < 2000; i++) {
      const expected: Record<string, unknown> = { kind: "deploy", model: "a.b.c", version: "latest" };
      const tokens: string[] = [];
      const dash = () => pick(["--", "—", "–"]);
      if (next() < 0.5) {
        const name = `ep-${Math.floor(next() * 1000)}`;
        tokens.push(next() < 0.5 ? `${dash()}name=${name}` : `${dash()}name ${name}`);
        expected.name = name;
      }
      for (const flag of ["min", "max"] as const) {
        if (next() < 0.5) continue;
        const n = 1 + Math.floor(next() * 20);
        tokens.push(next() < 0.5 ? `${dash()}${flag}=${n}` : `${dash()}${flag} ${n}`);
        expected[flag] = n;
      }
      const stz = pick([undefined, true, false]);
      if (stz !== undefined) {
        const forms = stz
          ? ["scale-to-zero", "scale-to-zero=true", "scale-to-zero true"]
          : ["no-scale-to-zero", "scale-to-zero=false", "scale-to-zero false"];
        tokens.push(`${dash()}${pick(forms)}`);
      }
      expected.scaleToZero = stz ?? false;
      tokens.sort(() => next() - 0.5);
      const text = ["deploy", "a.b.c", ...tokens].join(" ");
      expect(parseCommand(text), `input ${JSON.stringify(text)}`).toEqual(expected);
    }
  });
});

describe("--break-glass and quoted words", () => {
  it("takes a quoted reason on every change command, in straight and smart quotes", () => {
    expect(parseCommand('deploy a.b.c 3 --break-glass "prod is down"')).toMatchObject({
      kind: "deploy",
      version: 3,
      breakGlass: "prod is down",
    });
    expect(parseCommand("scale ep-1 --max 4 --break-glass “checkout can’t pay”")).toMatchObject({
      kind: "scale",
      max: 4,
      breakGlass: "checkout can’t pay",
    });
    expect(parseCommand("rollback ep-1 —break-glass ‘v4 is broken’ --adopt")).toEqual({
      kind: "rollback",
      endpoint: "ep-1",
      adopt: true,
      breakGlass: "v4 is broken",
    });
    expect(parseCommand("delete ep-1 --break-glass='leaked key'")).toEqual({
      kind: "delete",
      endpoint: "ep-1",
      adopt: false,
      breakGlass: "leaked key",
    });
    expect(parseCommand("delete ep-1 --break-glass urgent")).toMatchObject({ breakGlass: "urgent" });
  });

  it("keeps an apostrophe inside a word, and refuses an unclosed quote or an empty reason", () => {
    expect(parseCommand("deploy a.b.c --break-glass 'it's down' --max 2")).toMatchObject({
      breakGlass: "it's down",
      max: 2,
    });
    expect(parseCommand('deploy a.b.c --break-glass "prod is down')).toEqual({
      kind: "help",
      problem: { code: "unclosed_quote", detail: '"prod is down' },
    });
    expect(parseCommand('deploy a.b.c --break-glass ""')).toMatchObject({
      problem: { code: "missing_flag_value" },
    });
    expect(parseCommand("deploy a.b.c --break-glass")).toMatchObject({
      problem: { code: "missing_flag_value" },
    });
    expect(parseCommand("status ep-1 --break-glass x")).toMatchObject({
      problem: { code: "unexpected_argument" },
    });
  });
});

describe("parseCommand --in (issue 14)", () => {
  it("takes the workspace on every command, wherever it stands", () => {
    expect(parseCommand("deploy ml.a.b 3 --in prod --max 4")).toEqual({
      kind: "deploy",
      model: "ml.a.b",
      version: 3,
      max: 4,
      scaleToZero: false,
      workspace: "prod",
    });
    expect(parseCommand("--in=dev status ep-1")).toEqual({
      kind: "status",
      endpoint: "ep-1",
      workspace: "dev",
    });
    expect(parseCommand("list —in prod")).toEqual({ kind: "list", workspace: "prod" });
    expect(parseCommand("scale ep-1 --max 2 --in dev")).toMatchObject({ kind: "scale", workspace: "dev" });
    expect(parseCommand("rollback ep-1 --in dev")).toMatchObject({ kind: "rollback", workspace: "dev" });
    expect(parseCommand("delete ep-1 --in dev")).toMatchObject({ kind: "delete", workspace: "dev" });
    expect(parseCommand("export ep-1 --in dev")).toMatchObject({ kind: "export", workspace: "dev" });
    expect(parseCommand("cancel ep-1 --in dev")).toMatchObject({ kind: "cancel", workspace: "dev" });
    expect(parseCommand("status ep-1")).toEqual({ kind: "status", endpoint: "ep-1" });
  });

  it("refuses --in without a value, or twice", () => {
    expect(parseCommand("list --in")).toEqual({
      kind: "help",
      problem: { code: "missing_flag_value", detail: "--in" },
    });
    expect(parseCommand("list --in --max 3")).toMatchObject({ problem: { code: "missing_flag_value" } });
    expect(parseCommand("list --in a --in b")).toMatchObject({
      problem: { code: "repeated_flag", detail: "--in" },
    });
  });
});
