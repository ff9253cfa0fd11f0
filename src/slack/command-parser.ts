/**
 * Parses the text after `/pt` into a command. Pure: never throws, and every input gets an answer (a command, or
 * `help` with the problem found), because a slash command must always be answered.
 */

import { parseTtl } from "../domain/lifetime.js";
import { tokenize } from "./command-tokens.js";

/** Which version of the model to deploy: a number, the highest READY one, or the one an alias points to. */
export type VersionSpec = number | "latest" | `@${string}`;

export type ParsedCommand = (
  | {
      readonly kind: "deploy";
      readonly model: string;
      readonly version: VersionSpec;
      readonly name?: string;
      readonly min?: number;
      readonly max?: number;
      readonly scaleToZero: boolean;
      /** `--break-glass "reason"`: a change during a freeze. */
      readonly breakGlass?: string;
      /** `--ttl 7d`: the endpoint should go away this long after it is READY. */
      readonly ttlMs?: number;
    }
  /** Flags left out keep the endpoint's current value. */
  | {
      readonly kind: "scale";
      readonly endpoint: string;
      readonly min?: number;
      readonly max?: number;
      readonly scaleToZero?: boolean;
      readonly adopt: boolean;
      readonly breakGlass?: string;
    }
  | {
      readonly kind: "rollback";
      readonly endpoint: string;
      readonly adopt: boolean;
      readonly breakGlass?: string;
    }
  | {
      readonly kind: "delete";
      readonly endpoint: string;
      readonly adopt: boolean;
      readonly breakGlass?: string;
    }
  | { readonly kind: "status"; readonly endpoint: string }
  /** The endpoint's config as a bundle resource and a Terraform resource, privately. */
  | { readonly kind: "export"; readonly endpoint: string }
  /** `target` is an endpoint name or a request id. */
  | { readonly kind: "cancel"; readonly target: string }
  | { readonly kind: "list" }
  /** What the managed endpoints cost (issue 13). */
  | { readonly kind: "cost" }
  | { readonly kind: "help"; readonly problem?: ParseProblem }
) &
  CommonOptions;

/** The options every command takes, wherever they stand in its text (issue 14). */
export interface CommonOptions {
  /** `--in <workspace>`: the workspace the command is for (absent: the channel's, else the only one). */
  readonly workspace?: string;
}

/** Why the text could not be understood; `detail` is the offending user text (escape it before showing it). */
export interface ParseProblem {
  readonly code:
    | "unknown_subcommand"
    | "missing_model"
    | "invalid_model_name"
    | "invalid_version"
    | "alias_and_version"
    | "unknown_flag"
    | "missing_flag_value"
    /** A flag given twice (`--scale-to-zero` and `--no-scale-to-zero` count as one). */
    | "repeated_flag"
    /** A value a flag does not take: `--scale-to-zero=maybe`, `--no-scale-to-zero=true`. */
    | "invalid_flag_value"
    | "invalid_multiple"
    /** `--ttl` with something other than a whole number and `m`, `h` or `d`, or out of range. */
    | "invalid_ttl"
    /** `--max 0`: an endpoint that can never serve. */
    | "max_zero"
    | "unexpected_argument"
    | "missing_endpoint"
    | "missing_cancel_target"
    /** `/pt scale <endpoint>` with no flag: nothing to change. */
    | "nothing_to_scale"
    | "missing_export_endpoint"
    /** Longer than {@link MAX_COMMAND_LENGTH}; `detail` is the length. */
    | "too_long"
    /** A quote opened and never closed (`--break-glass "prod is down`); `detail` is the text from it. */
    | "unclosed_quote";
  readonly detail?: string;
  /** The subcommand whose options an `unknown_flag` is judged against (absent: deploy). */
  readonly command?: FlagCommand;
}

/** The subcommands that take options, and which ones. */
export type FlagCommand = "deploy" | "scale" | "rollback" | "delete";

type FlagKey = "name" | "min" | "max" | "scaleToZero" | "adopt" | "breakGlass" | "ttl";

const FLAGS_OF: Record<FlagCommand, readonly FlagKey[]> = {
  deploy: ["name", "min", "max", "scaleToZero", "breakGlass", "ttl"],
  scale: ["min", "max", "scaleToZero", "adopt", "breakGlass"],
  rollback: ["adopt", "breakGlass"],
  delete: ["adopt", "breakGlass"],
};

const MODEL_PART = "[A-Za-z0-9_][A-Za-z0-9_-]*";
const MODEL_NAME = new RegExp(`^${MODEL_PART}\\.${MODEL_PART}\\.${MODEL_PART}$`);
const ALIAS = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
/** The longest command text read; a longer one is refused as a whole, never cut. */
export const MAX_COMMAND_LENGTH = 1000;

/** Slack clients may "smarten" `--` into an em or en dash; accept them as the flag prefix people meant to type. */
function normaliseFlag(token: string): string {
  return token.replace(/^(—|–|-{1,2})(?=[a-z])/, "--");
}

type HelpCommand = Extract<ParsedCommand, { kind: "help" }>;

function problem(code: ParseProblem["code"], detail?: string): HelpCommand {
  return { kind: "help", problem: detail === undefined ? { code } : { code, detail: detail.slice(0, 80) } };
}

function parseMultiple(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,4}$/.test(raw)) return undefined;
  return Number(raw);
}

/** `true`/`false` (any case) as a boolean, else undefined. */
function parseBoolean(raw: string | undefined): boolean | undefined {
  const word = raw?.toLowerCase();
  return word === "true" ? true : word === "false" ? false : undefined;
}

interface Flags {
  name?: string;
  min?: number;
  max?: number;
  scaleToZero?: boolean;
  adopt?: boolean;
  breakGlass?: string;
  ttlMs?: number;
}

/** The words and the options of a subcommand's arguments, or the problem found. */
function parseArgs(
  args: readonly string[],
  command: FlagCommand,
): { positional: string[]; flags: Flags } | HelpCommand {
  const allowed = FLAGS_OF[command];
  const positional: string[] = [];
  const flags: Flags = {};
  const unknown = (raw: string): HelpCommand => {
    const found = problem("unknown_flag", raw);
    return command === "deploy" || found.problem === undefined
      ? found
      : { kind: "help", problem: { ...found.problem, command } };
  };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i] ?? "";
    const token = normaliseFlag(raw);
    if (!token.startsWith("--")) {
      positional.push(raw);
      continue;
    }
    const [flag = "", inline] = token.split(/=(.*)/s, 2);
    if (flag === "--adopt" && allowed.includes("adopt")) {
      if (flags.adopt !== undefined) return problem("repeated_flag", flag);
      if (inline !== undefined) return problem("invalid_flag_value", `${flag}=${inline}`);
      flags.adopt = true;
      continue;
    }
    if ((flag === "--scale-to-zero" || flag === "--no-scale-to-zero") && !allowed.includes("scaleToZero")) {
      return unknown(raw);
    }
    if (flag === "--scale-to-zero" || flag === "--no-scale-to-zero") {
      if (flags.scaleToZero !== undefined) return problem("repeated_flag", flag);
      if (flag === "--no-scale-to-zero") {
        if (inline !== undefined) return problem("invalid_flag_value", `${flag}=${inline}`);
        flags.scaleToZero = false;
        continue;
      }
      if (inline !== undefined) {
        const on = parseBoolean(inline);
        if (on === undefined) return problem("invalid_flag_value", `${flag}=${inline}`);
        flags.scaleToZero = on;
        continue;
      }
      // `--scale-to-zero false` means what it says; any other next word is not the flag's.
      const next = parseBoolean(args[i + 1]);
      if (next !== undefined) i++;
      flags.scaleToZero = next ?? true;
      continue;
    }
    if (flag === "--break-glass") {
      if (!allowed.includes("breakGlass")) return unknown(raw);
      if (flags.breakGlass !== undefined) return problem("repeated_flag", flag);
      const reason = (inline ?? args[++i])?.trim();
      if (reason === undefined || reason === "") return problem("missing_flag_value", flag);
      flags.breakGlass = reason;
      continue;
    }
    if (flag === "--ttl") {
      if (!allowed.includes("ttl")) return unknown(raw);
      if (flags.ttlMs !== undefined) return problem("repeated_flag", flag);
      const value = inline ?? args[++i];
      if (value === undefined || value === "") return problem("missing_flag_value", flag);
      const ttl = parseTtl(value);
      if (!ttl.ok) return problem("invalid_ttl", `${flag} ${value}`);
      flags.ttlMs = ttl.ttlMs;
      continue;
    }
    if (flag !== "--name" && flag !== "--min" && flag !== "--max") return unknown(raw);
    const key = flag === "--name" ? "name" : flag === "--min" ? "min" : "max";
    if (!allowed.includes(key)) return unknown(raw);
    if (flags[key] !== undefined) return problem("repeated_flag", flag);
    const value = inline ?? args[++i];
    if (value === undefined || value === "") return problem("missing_flag_value", flag);
    if (key === "name") {
      flags.name = value;
      continue;
    }
    const multiple = parseMultiple(value);
    if (multiple === undefined) return problem("invalid_multiple", `${flag} ${value}`);
    if (key === "max" && multiple === 0) return problem("max_zero", `${flag} ${value}`);
    flags[key] = multiple;
  }
  return { positional, flags };
}

function parseDeploy(args: readonly string[]): ParsedCommand {
  const parsed = parseArgs(args, "deploy");
  if ("kind" in parsed) return parsed;
  const { positional, flags } = parsed;
  const [target, versionText, extra] = positional;
  if (target === undefined) return problem("missing_model");
  if (extra !== undefined) return problem("unexpected_argument", extra);
  const [model = "", alias] = target.split(/@(.*)/s, 2);
  if (!MODEL_NAME.test(model)) return problem("invalid_model_name", target);
  let version: VersionSpec = "latest";
  if (alias !== undefined) {
    if (!ALIAS.test(alias)) return problem("invalid_version", `@${alias}`);
    if (versionText !== undefined) return problem("alias_and_version", `${target} ${versionText}`);
    version = `@${alias}`;
  } else if (versionText !== undefined && versionText !== "latest") {
    if (!/^[1-9]\d{0,8}$/.test(versionText)) return problem("invalid_version", versionText);
    version = Number(versionText);
  }
  return {
    kind: "deploy",
    model,
    version,
    scaleToZero: flags.scaleToZero ?? false,
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.min === undefined ? {} : { min: flags.min }),
    ...(flags.max === undefined ? {} : { max: flags.max }),
    ...(flags.breakGlass === undefined ? {} : { breakGlass: flags.breakGlass }),
    ...(flags.ttlMs === undefined ? {} : { ttlMs: flags.ttlMs }),
  };
}

/** `scale`, `rollback` or `delete`: one endpoint name, then the subcommand's options. */
function parseChange(args: readonly string[], command: Exclude<FlagCommand, "deploy">): ParsedCommand {
  const parsed = parseArgs(args, command);
  if ("kind" in parsed) return parsed;
  const { positional, flags } = parsed;
  const [endpoint, extra] = positional;
  if (endpoint === undefined) return problem("missing_endpoint");
  if (extra !== undefined) return problem("unexpected_argument", extra);
  const adopt = flags.adopt === true;
  const breakGlass = flags.breakGlass === undefined ? {} : { breakGlass: flags.breakGlass };
  if (command !== "scale") return { kind: command, endpoint, adopt, ...breakGlass };
  if (flags.min === undefined && flags.max === undefined && flags.scaleToZero === undefined) {
    return problem("nothing_to_scale", endpoint);
  }
  return {
    kind: "scale",
    endpoint,
    adopt,
    ...(flags.min === undefined ? {} : { min: flags.min }),
    ...(flags.max === undefined ? {} : { max: flags.max }),
    ...(flags.scaleToZero === undefined ? {} : { scaleToZero: flags.scaleToZero }),
    ...breakGlass,
  };
}

/**
 * Takes the options every command shares ({@link CommonOptions}) out of its words, wherever they stand, so each
 * subcommand's own parsing never sees them. Another shared option is one more case here.
 */
function takeCommonOptions(
  tokens: readonly string[],
): { rest: string[]; common: CommonOptions } | HelpCommand {
  const rest: string[] = [];
  let workspace: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i] ?? "";
    const [flag = "", inline] = normaliseFlag(raw).split(/=(.*)/s, 2);
    if (flag !== "--in") {
      rest.push(raw);
      continue;
    }
    if (workspace !== undefined) return problem("repeated_flag", flag);
    const value = inline ?? tokens[++i];
    if (value === undefined || value === "" || normaliseFlag(value).startsWith("--")) {
      return problem("missing_flag_value", flag);
    }
    workspace = value;
  }
  return { rest, common: workspace === undefined ? {} : { workspace } };
}

/** Parses `/pt` text such as `deploy ml.llm-catalog.llama-13b 3 --max 4 --in prod`. */
export function parseCommand(text: string): ParsedCommand {
  if (text.length > MAX_COMMAND_LENGTH) return problem("too_long", String(text.length));
  const tokens = tokenize(text);
  if (!tokens.ok) return problem("unclosed_quote", tokens.unclosed);
  const taken = takeCommonOptions(tokens.words);
  if ("kind" in taken) return taken;
  const parsed = parseSubcommand(taken.rest);
  return parsed.kind === "help" ? parsed : { ...parsed, ...taken.common };
}

function parseSubcommand(tokens: readonly string[]): ParsedCommand {
  const [sub, ...args] = tokens;
  switch (sub?.toLowerCase()) {
    case undefined:
    case "help":
    case "-h":
    case "--help":
      return { kind: "help" };
    case "deploy":
      return parseDeploy(args);
    case "scale":
    case "rollback":
    case "delete":
      return parseChange(args, sub.toLowerCase() as Exclude<FlagCommand, "deploy">);
    case "status": {
      const [endpoint, extra] = args;
      if (endpoint === undefined) return problem("missing_endpoint");
      if (extra !== undefined) return problem("unexpected_argument", extra);
      return { kind: "status", endpoint };
    }
    case "export": {
      const [endpoint, extra] = args;
      if (endpoint === undefined) return problem("missing_export_endpoint");
      if (extra !== undefined) return problem("unexpected_argument", extra);
      return { kind: "export", endpoint };
    }
    case "cancel": {
      const [target, extra] = args;
      if (target === undefined) return problem("missing_cancel_target");
      if (extra !== undefined) return problem("unexpected_argument", extra);
      return { kind: "cancel", target };
    }
    case "list":
      return args.length === 0 ? { kind: "list" } : problem("unexpected_argument", args[0]);
    case "cost":
      return args.length === 0 ? { kind: "cost" } : problem("unexpected_argument", args[0]);
    default:
      return problem("unknown_subcommand", sub);
  }
}
