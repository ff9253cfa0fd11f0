/**
 * The policy file's rules that tie settings together: one way to authenticate per workspace, the environment
 * variables it names set, approvers for every workspace, min ≤ max ≤ the largest multiple, freezes that end after
 * they start, channels that name known workspaces. They read the raw document, defensively, so that they are
 * reported with every other mistake even when some setting fails its own check.
 */
import { parseLocalDateTime, parseWeekTime } from "./policy-file-schema.js";
import type { SettingPath } from "./yaml-locations.js";

export interface PathProblem {
  readonly path: SettingPath;
  readonly message: string;
}

type Env = Readonly<Record<string, string | undefined>>;
type Raw = Record<string, unknown>;

const asMap = (v: unknown): Raw | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : undefined;

/** Every cross-setting problem of the raw file `raw`, with the path to report it at. */
export function crossCheck(raw: unknown, env: Env): PathProblem[] {
  const problems: PathProblem[] = [];
  const root = asMap(raw) ?? {};
  const workspaces = asMap(root.workspaces) ?? {};
  const names = Object.keys(workspaces);
  const defaults = asMap(root.defaults);
  if (defaults !== undefined) problems.push(...freezeProblems(defaults, ["defaults"]));
  for (const name of names) {
    const ws = asMap(workspaces[name]);
    if (ws === undefined) continue;
    const at: SettingPath = ["workspaces", name];
    problems.push(...authProblems(ws, at, env));
    const policy = asMap(ws.policy);
    if (policy !== undefined) problems.push(...freezeProblems(policy, [...at, "policy"]));
    problems.push(...mergedProblems(policy, defaults, at));
  }
  const channels = asMap(root.channels) ?? {};
  const known = names.length === 0 ? "none is configured" : `they are ${names.join(", ")}`;
  for (const [channel, value] of Object.entries(channels)) {
    const rule = asMap(value);
    if (rule === undefined) continue;
    const at: SettingPath = ["channels", channel];
    const listed = Array.isArray(rule.workspaces) ? rule.workspaces : undefined;
    listed?.forEach((w, i) => {
      if (typeof w === "string" && !names.includes(w)) {
        problems.push({
          path: [...at, "workspaces", i],
          message: `names no workspace of this file (${known})`,
        });
      }
    });
    if (typeof rule.default === "string") {
      if (!names.includes(rule.default)) {
        problems.push({ path: [...at, "default"], message: `names no workspace of this file (${known})` });
      } else if (listed !== undefined && !listed.includes(rule.default)) {
        problems.push({ path: [...at, "default"], message: "must be one of the channel's own workspaces" });
      }
    }
  }
  return problems;
}

function authProblems(ws: Raw, at: SettingPath, env: Env): PathProblem[] {
  const auth = asMap(ws.auth);
  if (auth === undefined) return [];
  const problems: PathProblem[] = [];
  const has = (key: string) => auth[key] !== undefined;
  const kinds = [
    has("token_env"),
    has("client_id") || has("client_id_env") || has("client_secret_env"),
    has("profile"),
  ];
  if (kinds.filter(Boolean).length !== 1) {
    problems.push({
      path: [...at, "auth"],
      message:
        "must name one way to authenticate: token_env, client_id (or client_id_env) with client_secret_env, or profile",
    });
  } else if (kinds[1] === true) {
    if (has("client_id") && has("client_id_env")) {
      problems.push({
        path: [...at, "auth", "client_id_env"],
        message: "and client_id are both set: keep one",
      });
    } else if (!has("client_id") && !has("client_id_env")) {
      problems.push({
        path: [...at, "auth"],
        message: "needs client_id (or client_id_env) with client_secret_env",
      });
    }
    if (!has("client_secret_env")) {
      problems.push({ path: [...at, "auth"], message: "needs client_secret_env with client_id" });
    }
  }
  if (ws.host === undefined && !has("profile")) {
    problems.push({ path: at, message: "needs a host (only a profile can give the host instead)" });
  }
  for (const key of ["token_env", "client_id_env", "client_secret_env"]) {
    const name = auth[key];
    if (typeof name === "string" && (env[name] ?? "").trim() === "") {
      problems.push({
        path: [...at, "auth", key],
        message: `names ${name}, which is not set in the environment`,
      });
    }
  }
  return problems;
}

/** Rules on the policy as it applies: the workspace's own settings over `defaults`. */
function mergedProblems(policy: Raw | undefined, defaults: Raw | undefined, at: SettingPath): PathProblem[] {
  const problems: PathProblem[] = [];
  const where = (key: string): SettingPath =>
    policy?.[key] !== undefined
      ? [...at, "policy", key]
      : defaults?.[key] !== undefined
        ? ["defaults", key]
        : at;
  const value = (key: string): unknown => policy?.[key] ?? defaults?.[key];
  const approvers = value("approvers");
  if (!Array.isArray(approvers) || approvers.length === 0) {
    problems.push({
      path: where("approvers"),
      message: "has no approvers: list who may approve (policy.approvers here, or in defaults)",
    });
  }
  const num = (key: string, fallback: number) => {
    const v = value(key);
    return v === undefined ? fallback : typeof v === "number" ? v : undefined;
  };
  const min = num("default_min_multiple", 2);
  const max = num("default_max_multiple", 3);
  const ceiling = num("max_multiple", 20);
  if (min !== undefined && max !== undefined && min > max) {
    problems.push({
      path: where("default_min_multiple"),
      message: "must not be greater than default_max_multiple",
    });
  }
  if (max !== undefined && ceiling !== undefined && max > ceiling) {
    problems.push({ path: where("default_max_multiple"), message: "must not be greater than max_multiple" });
  }
  return problems;
}

function freezeProblems(policy: Raw, at: SettingPath): PathProblem[] {
  const freezes = asMap(policy.freezes);
  if (freezes === undefined) return [];
  const problems: PathProblem[] = [];
  const list = (key: string) => (Array.isArray(freezes[key]) ? (freezes[key] as unknown[]) : []);
  list("weekly").forEach((w, i) => {
    const window = asMap(w);
    const from = typeof window?.from === "string" ? parseWeekTime(window.from) : undefined;
    const to = typeof window?.to === "string" ? parseWeekTime(window.to) : undefined;
    if (from !== undefined && to !== undefined && from.day === to.day && from.minute === to.minute) {
      problems.push({ path: [...at, "freezes", "weekly", i, "to"], message: "must differ from from" });
    }
  });
  list("periods").forEach((p, i) => {
    const period = asMap(p);
    const from = typeof period?.from === "string" ? parseLocalDateTime(period.from) : undefined;
    const to = typeof period?.to === "string" ? parseLocalDateTime(period.to) : undefined;
    if (from !== undefined && to !== undefined) {
      const key = (t: typeof from) =>
        [t.year, t.month, t.day, t.minute].map((n) => String(n).padStart(4, "0")).join("");
      if (key(to) <= key(from)) {
        problems.push({ path: [...at, "freezes", "periods", i, "to"], message: "must be after from" });
      }
    }
  });
  return problems;
}
