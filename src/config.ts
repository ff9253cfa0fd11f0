import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import {
  type ApprovalPolicy,
  type ChannelRules,
  DEFAULT_BREAK_GLASS_QUORUM,
  DEFAULT_REMINDER_POLICY,
  EXPIRY_ACTIONS,
  NO_FREEZES,
  OPEN_CHANNEL_RULES,
  parseTtl,
  type WorkspacePolicy,
} from "./domain/index.js";
import { PtbotError } from "./errors.js";
import { loadPolicyFile } from "./policy-file/load-policy-file.js";

/** ptbot's whole configuration, parsed once from the environment by {@link loadConfig}. */
export interface Config {
  readonly port: number;
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
  readonly slack: SlackConfig;
  readonly databricks: DatabricksEnv;
  /** Where requests are stored: a SQLite file (one host) or PostgreSQL (replicas on several hosts). */
  readonly database: DatabaseConfig;
  readonly pollIntervalMs: number;
  /** A request still provisioning after this long is reported as stuck (and still followed). */
  readonly provisioningLimitMs: number;
  /**
   * The query sent to an endpoint once it is READY (`PTBOT_SMOKE_TEST`, on by default; `false` turns it off), and
   * how long it may take in all (`PTBOT_SMOKE_TEST_TIMEOUT_MS`, default 60 s, at most 90 s).
   */
  readonly smokeTest: { readonly enabled: boolean; readonly timeoutMs: number };
  readonly policy: ApprovalPolicy;
  /**
   * `PTBOT_INSTANCE_ID`: this instance's lease owner, to be kept across its restarts (a restarted instance takes its
   * own leases back at once). Undefined: a name unique to each process (see `startPtbot`).
   */
  readonly instanceId: string | undefined;
  /**
   * The workspaces ptbot serves, in the policy file's order; without a file, one named `default` described by the
   * environment (`databricks` and `policy` above are the first workspace's, for the code that serves one).
   */
  readonly workspaces: readonly WorkspaceConfig[];
  /** Which channel may use which workspace, and its default (every channel, every workspace without a file). */
  readonly channels: ChannelRules;
  /** `PTBOT_CONFIG_FILE`, when the policy comes from a file. */
  readonly policyFile: string | undefined;
  /** sha256 (hex) of the policy file's bytes, or of the environment's policy: which policy made a decision. */
  readonly policyChecksum: string;
}

/** One Databricks workspace: its name (`--in`), how to reach it, and its rules. */
export interface WorkspaceConfig {
  readonly name: string;
  readonly databricks: DatabricksEnv;
  readonly policy: WorkspacePolicy;
}

/**
 * `PTBOT_DATABASE` (a SQLite file, the default) or `PTBOT_DATABASE_URL` (a `postgres://` URL; node-postgres also
 * reads the usual `PG*` variables, such as `PGPASSWORD` and `PGSSLMODE`, for whatever the URL leaves out).
 */
export type DatabaseConfig =
  | { readonly kind: "sqlite"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  /** Base URL of the Web API, ending in `/`; undefined means Slack's own. */
  readonly apiUrl: string | undefined;
  /** An `xapp-` app-level token: when set, the bot connects over Socket Mode. */
  readonly appToken: string | undefined;
}

/** The Databricks unified-configuration variables, as given; `resolveDatabricksAuth` turns them into credentials. */
export interface DatabricksEnv {
  readonly host: string | undefined;
  readonly token: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly profile: string | undefined;
  readonly configFile: string;
}

/** Raised by {@link loadConfig}; `problems` names every variable that is missing or invalid, never its value. */
export class ConfigError extends PtbotError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("config_invalid", `invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"], { message: "must be true or false" })
    .optional()
    .transform((v) => (v === undefined ? fallback : ["true", "1", "yes"].includes(v)));

const int = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const list = (pattern: RegExp, what: string, whenEmpty?: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const items = (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      if (items.length === 0 && whenEmpty !== undefined) {
        ctx.addIssue({ code: "custom", message: whenEmpty });
        return z.NEVER;
      }
      const bad = items.filter((s) => !pattern.test(s));
      if (bad.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `must be comma-separated ${what}; not valid: ${bad.join(", ")}`,
        });
        return z.NEVER;
      }
      return items;
    });

/** A positive decimal (`0.07`), or undefined when unset. */
const decimal = () =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) {
        ctx.addIssue({ code: "custom", message: "must be a number above 0" });
        return z.NEVER;
      }
      return n;
    });

const secret = (prefix?: string) =>
  z
    .string({ message: "is required" })
    .min(1, "is required")
    .refine((v) => prefix === undefined || v.startsWith(prefix), `must start with ${prefix ?? ""}`);

const optionalSecret = (prefix?: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine(
      (v) => v === undefined || prefix === undefined || v.startsWith(prefix),
      `must start with ${prefix ?? ""}`,
    );

const url = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), "must be an http(s) URL");

const EnvSchema = z.object({
  PORT: int(3000, 0, 65535),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: bool(false),
  SLACK_BOT_TOKEN: secret("xoxb-"),
  SLACK_SIGNING_SECRET: secret(),
  SLACK_API_URL: url,
  SLACK_APP_TOKEN: optionalSecret("xapp-"),
  DATABRICKS_HOST: url,
  DATABRICKS_TOKEN: optionalSecret(),
  DATABRICKS_CLIENT_ID: optionalSecret(),
  DATABRICKS_CLIENT_SECRET: optionalSecret(),
  DATABRICKS_CONFIG_PROFILE: z.string().optional(),
  DATABRICKS_CONFIG_FILE: z.string().optional(),
  HOME: z.string().optional(),
  PTBOT_DATABASE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v)),
  PTBOT_DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()))
    .refine(
      (v) => v === undefined || /^postgres(ql)?:\/\/\S*$/.test(v),
      "must be a postgres:// (or postgresql://) URL",
    ),
  PTBOT_POLL_INTERVAL_MS: int(15_000, 100, 3_600_000),
  PTBOT_PROVISIONING_LIMIT_MS: int(60 * 60_000, 1_000),
  // At most 90 s: well inside the 2 min a notice stays claimed, so no second deliverer finds it running.
  PTBOT_SMOKE_TEST_TIMEOUT_MS: int(60_000, 100, 90_000),
  PTBOT_APPROVERS: list(
    /^[UWS][A-Z0-9]{2,}$/,
    "Slack user ids (U…, W…) or user-group ids (S…)",
    "is required: list who may approve deploys (Slack user or user-group ids)",
  ),
  PTBOT_ALLOW_SELF_APPROVAL: bool(false),
  PTBOT_REQUIRED_APPROVALS: int(1, 1, 10),
  PTBOT_ALLOWED_CHANNELS: list(/^[CGD][A-Z0-9]{2,}$/, "Slack channel ids (C…, G…)"),
  PTBOT_REQUEST_TTL_MS: int(24 * 3_600_000, 60_000),
  // A default min of 0 would need scale to zero, which a default request does not ask for: every one would be refused.
  PTBOT_DEFAULT_MIN_MULTIPLE: int(2, 1, 1000),
  PTBOT_DEFAULT_MAX_MULTIPLE: int(3, 1, 1000),
  PTBOT_MAX_MULTIPLE: int(20, 1, 1000),
  PTBOT_INSTANCE_ID: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v))
    .refine(
      (v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(v),
      "must be 1 to 100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit",
    ),
  // The policy file, and the cost, lifetime and smoke-test settings of the one workspace described by the environment.
  PTBOT_CONFIG_FILE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim())),
  PTBOT_DBU_PER_MODEL_UNIT: decimal(),
  PTBOT_DBU_PRICE: decimal(),
  PTBOT_CURRENCY: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? "USD" : v.trim()))
    .refine((v) => /^[A-Z]{3}$/.test(v), "must be a currency code such as USD or EUR"),
  PTBOT_MAX_DBU_PER_HOUR: decimal(),
  PTBOT_HIGH_COST_DBU_PER_HOUR: decimal(),
  PTBOT_HIGH_COST_REQUIRED_APPROVALS: int(2, 1, 10),
  PTBOT_HIGH_COST_APPROVERS: list(/^[UWS][A-Z0-9]{2,}$/, "Slack user ids (U…, W…) or user-group ids (S…)"),
  PTBOT_DEFAULT_ENDPOINT_TTL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const ttl = parseTtl(v);
      if (ttl.ok) return ttl.ttlMs;
      ctx.addIssue({ code: "custom", message: "must be a TTL from 10m to 366d (units m, h, d), such as 7d" });
      return z.NEVER;
    }),
  PTBOT_EXPIRY_NOTICE_MS: int(24 * 3_600_000, 60_000),
  PTBOT_ON_ENDPOINT_EXPIRY: z
    .enum(EXPIRY_ACTIONS, `must be one of ${EXPIRY_ACTIONS.join(", ")}`)
    .default("notify"),
  PTBOT_SMOKE_TEST: bool(true),
});

/** The variables a policy file replaces: set beside one, they are refused rather than silently ignored. */
export const FILE_OWNED = [
  "DATABRICKS_HOST",
  "DATABRICKS_CONFIG_PROFILE",
  "PTBOT_APPROVERS",
  "PTBOT_ALLOW_SELF_APPROVAL",
  "PTBOT_REQUIRED_APPROVALS",
  "PTBOT_ALLOWED_CHANNELS",
  "PTBOT_REQUEST_TTL_MS",
  "PTBOT_DEFAULT_MIN_MULTIPLE",
  "PTBOT_DEFAULT_MAX_MULTIPLE",
  "PTBOT_MAX_MULTIPLE",
  "PTBOT_DBU_PER_MODEL_UNIT",
  "PTBOT_DBU_PRICE",
  "PTBOT_CURRENCY",
  "PTBOT_MAX_DBU_PER_HOUR",
  "PTBOT_HIGH_COST_DBU_PER_HOUR",
  "PTBOT_HIGH_COST_REQUIRED_APPROVALS",
  "PTBOT_HIGH_COST_APPROVERS",
  "PTBOT_DEFAULT_ENDPOINT_TTL",
  "PTBOT_EXPIRY_NOTICE_MS",
  "PTBOT_ON_ENDPOINT_EXPIRY",
  "PTBOT_SMOKE_TEST",
] as const;

/** With a policy file the approvers are the file's: the environment's are not required (and refused if set). */
const FileModeEnvSchema = EnvSchema.extend({
  PTBOT_APPROVERS: list(/^[UWS][A-Z0-9]{2,}$/, "Slack user ids (U…, W…) or user-group ids (S…)"),
});

export interface LoadConfigOptions {
  /** Reads the policy file; default `fs.readFileSync`. */
  readonly readFile?: (path: string) => Buffer;
}

/**
 * Turns the environment into ptbot's frozen config, or throws one {@link ConfigError} listing every problem.
 * The only place in ptbot that reads the environment; secret values are never echoed.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions = {},
): Config {
  const filePath = (env.PTBOT_CONFIG_FILE ?? "").trim() || undefined;
  const parsed = (filePath === undefined ? EnvSchema : FileModeEnvSchema).safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])} ${issue.message}`);
  }
  // Cross-field rules read the raw environment so that they are reported even when another variable fails to parse.
  if (filePath === undefined) {
    problems.push(...authProblems(env));
  } else {
    const both = FILE_OWNED.filter((name) => (env[name] ?? "").trim() !== "");
    if (both.length > 0) {
      problems.push(
        `${both.join(", ")} ${both.length === 1 ? "is" : "are"} set, and PTBOT_CONFIG_FILE replaces ${both.length === 1 ? "it" : "them"}: set ${both.length === 1 ? "it" : "them"} in the file instead`,
      );
    }
  }
  if ((env.PTBOT_HIGH_COST_DBU_PER_HOUR ?? "").trim() === "") {
    for (const name of ["PTBOT_HIGH_COST_REQUIRED_APPROVALS", "PTBOT_HIGH_COST_APPROVERS"]) {
      if ((env[name] ?? "").trim() !== "") problems.push(`${name} needs PTBOT_HIGH_COST_DBU_PER_HOUR`);
    }
  }
  const databricksConfigFile = env.DATABRICKS_CONFIG_FILE ?? join(env.HOME ?? homedir(), ".databrickscfg");
  const file =
    filePath === undefined
      ? undefined
      : loadPolicyFile(filePath, {
          env,
          readFile: options.readFile ?? ((path) => readFileSync(path)),
          databricksConfigFile,
        });
  if (file !== undefined && !file.ok) problems.push(...file.problems);
  if ((env.PTBOT_DATABASE ?? "").trim() !== "" && (env.PTBOT_DATABASE_URL ?? "").trim() !== "") {
    problems.push(
      "PTBOT_DATABASE and PTBOT_DATABASE_URL are both set: keep one (the SQLite file, or the PostgreSQL URL)",
    );
  }
  const min = multipleOf(env, "PTBOT_DEFAULT_MIN_MULTIPLE");
  const max = multipleOf(env, "PTBOT_DEFAULT_MAX_MULTIPLE");
  const ceiling = multipleOf(env, "PTBOT_MAX_MULTIPLE");
  if (min !== undefined && max !== undefined && min > max) {
    problems.push("PTBOT_DEFAULT_MIN_MULTIPLE must not be greater than PTBOT_DEFAULT_MAX_MULTIPLE");
  }
  if (max !== undefined && ceiling !== undefined && max > ceiling) {
    problems.push("PTBOT_DEFAULT_MAX_MULTIPLE must not be greater than PTBOT_MAX_MULTIPLE");
  }
  if (problems.length > 0 || !parsed.success || (file !== undefined && !file.ok))
    throw new ConfigError(problems);
  const e = parsed.data;
  const apiUrl = e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.replace(/\/?$/, "/");
  const fromEnv = environmentWorkspace(e, databricksConfigFile);
  const first = file === undefined ? fromEnv : file.file.workspaces[0];
  if (first === undefined) throw new ConfigError(["the policy file names no workspace"]);
  const workspaces = file === undefined ? [fromEnv] : file.file.workspaces;
  return deepFreeze({
    port: e.PORT,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl,
      appToken: e.SLACK_APP_TOKEN,
    },
    databricks: first.databricks,
    database:
      e.PTBOT_DATABASE_URL === undefined
        ? { kind: "sqlite", path: e.PTBOT_DATABASE ?? "./data/ptbot.db" }
        : { kind: "postgres", url: e.PTBOT_DATABASE_URL },
    pollIntervalMs: e.PTBOT_POLL_INTERVAL_MS,
    provisioningLimitMs: e.PTBOT_PROVISIONING_LIMIT_MS,
    smokeTest: { enabled: e.PTBOT_SMOKE_TEST, timeoutMs: e.PTBOT_SMOKE_TEST_TIMEOUT_MS },
    policy: first.policy.approval,
    instanceId: e.PTBOT_INSTANCE_ID,
    workspaces,
    channels: file === undefined ? OPEN_CHANNEL_RULES : file.file.channels,
    policyFile: filePath,
    policyChecksum: file === undefined ? environmentChecksum(fromEnv) : file.file.checksum,
  });
}

type ParsedEnv = z.output<typeof EnvSchema>;

/** The one workspace `default` the environment describes: today's variables, unchanged, plus cost and lifetime. */
function environmentWorkspace(e: ParsedEnv, configFile: string): WorkspaceConfig {
  const approvers = e.PTBOT_APPROVERS;
  const highApprovers = e.PTBOT_HIGH_COST_APPROVERS.length > 0 ? e.PTBOT_HIGH_COST_APPROVERS : approvers;
  return {
    name: "default",
    databricks: {
      host: e.DATABRICKS_HOST?.replace(/\/+$/, ""),
      token: e.DATABRICKS_TOKEN,
      clientId: e.DATABRICKS_CLIENT_ID,
      clientSecret: e.DATABRICKS_CLIENT_SECRET,
      profile: e.DATABRICKS_CONFIG_PROFILE,
      configFile,
    },
    policy: {
      approval: {
        approverUsers: approvers.filter((id) => !id.startsWith("S")),
        approverGroups: approvers.filter((id) => id.startsWith("S")),
        allowSelfApproval: e.PTBOT_ALLOW_SELF_APPROVAL,
        requiredApprovals: e.PTBOT_REQUIRED_APPROVALS,
        allowedChannels: e.PTBOT_ALLOWED_CHANNELS,
        requestTtlMs: e.PTBOT_REQUEST_TTL_MS,
        defaultMinMultiple: e.PTBOT_DEFAULT_MIN_MULTIPLE,
        defaultMaxMultiple: e.PTBOT_DEFAULT_MAX_MULTIPLE,
        maxMultipleLimit: e.PTBOT_MAX_MULTIPLE,
      },
      cost: {
        dbuPerModelUnit: e.PTBOT_DBU_PER_MODEL_UNIT,
        dbuPrice: e.PTBOT_DBU_PRICE,
        currency: e.PTBOT_CURRENCY,
        maxDbuPerHour: e.PTBOT_MAX_DBU_PER_HOUR,
        highCost:
          e.PTBOT_HIGH_COST_DBU_PER_HOUR === undefined
            ? undefined
            : {
                dbuPerHour: e.PTBOT_HIGH_COST_DBU_PER_HOUR,
                requiredApprovals: e.PTBOT_HIGH_COST_REQUIRED_APPROVALS,
                approverUsers: highApprovers.filter((id) => !id.startsWith("S")),
                approverGroups: highApprovers.filter((id) => id.startsWith("S")),
              },
      },
      lifetime: {
        defaultTtlMs: e.PTBOT_DEFAULT_ENDPOINT_TTL,
        noticeMs: e.PTBOT_EXPIRY_NOTICE_MS,
        onExpiry: e.PTBOT_ON_ENDPOINT_EXPIRY,
      },
      smokeTest: e.PTBOT_SMOKE_TEST,
      breakGlassQuorum: DEFAULT_BREAK_GLASS_QUORUM,
      freezes: NO_FREEZES,
      reminders: DEFAULT_REMINDER_POLICY,
    },
  };
}

/** The environment's policy as a checksum: its workspace's name, host and rules (never a credential). */
function environmentChecksum(workspace: WorkspaceConfig): string {
  const described = { name: workspace.name, host: workspace.databricks.host, policy: workspace.policy };
  return createHash("sha256").update(JSON.stringify(described)).digest("hex");
}

/** A whole-number variable parsed on its own, or undefined when invalid (its own problem is reported already). */
function multipleOf(
  env: Readonly<Record<string, string | undefined>>,
  key: "PTBOT_DEFAULT_MIN_MULTIPLE" | "PTBOT_DEFAULT_MAX_MULTIPLE" | "PTBOT_MAX_MULTIPLE",
): number | undefined {
  const result = EnvSchema.shape[key].safeParse(env[key]);
  return result.success ? result.data : undefined;
}

/** The Databricks unified-auth rules: one way to authenticate, and a host wherever credentials are given. */
function authProblems(env: Readonly<Record<string, string | undefined>>): string[] {
  const set = (name: string): boolean => (env[name] ?? "").trim() !== "";
  const problems: string[] = [];
  const hasToken = set("DATABRICKS_TOKEN");
  const hasClient = set("DATABRICKS_CLIENT_ID") || set("DATABRICKS_CLIENT_SECRET");
  if (hasToken && hasClient) {
    problems.push(
      "DATABRICKS_TOKEN and DATABRICKS_CLIENT_ID/DATABRICKS_CLIENT_SECRET are both set: keep one way to authenticate",
    );
  }
  if (hasClient && !(set("DATABRICKS_CLIENT_ID") && set("DATABRICKS_CLIENT_SECRET"))) {
    problems.push("DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET must be set together");
  }
  if ((hasToken || hasClient) && !set("DATABRICKS_HOST")) {
    problems.push("DATABRICKS_HOST is required with DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID");
  }
  if (!hasToken && !hasClient && set("DATABRICKS_HOST") && !set("DATABRICKS_CONFIG_PROFILE")) {
    problems.push(
      "DATABRICKS_HOST needs credentials: set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET",
    );
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
