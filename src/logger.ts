import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Field names whose values are never logged, at any depth pino can address. */
const SECRET_KEYS = [
  "token",
  "accessToken",
  "access_token",
  "botToken",
  "appToken",
  "clientSecret",
  "client_secret",
  "signingSecret",
  "secret",
  "password",
  "authorization",
  "Authorization",
  "cookie",
];

const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

/** Token shapes that may hide inside strings (error messages, URLs): Databricks PATs, Slack tokens, bearer values. */
const SECRET_PATTERN =
  /\b(dapi[0-9a-f]{8,}(-\d+)?|xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+[^\s"',]+)/g;

/** Replaces token-shaped substrings with `[Redacted]`. */
export function scrubSecrets(text: string): string {
  return text.replace(SECRET_PATTERN, "[Redacted]");
}

function scrubDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubSecrets(value.message),
      stack: scrubSecrets(value.stack ?? ""),
      ...(scrubDeep({ ...value }, depth + 1) as object),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, depth + 1);
  return out;
}

export interface LoggerOptions {
  readonly level?: string;
  /** Human-readable lines for a terminal instead of JSON. */
  readonly pretty?: boolean;
  /** Where lines go; tests pass an in-memory stream. Defaults to stdout. */
  readonly destination?: DestinationStream;
}

/**
 * ptbot's logger: JSON lines in production, readable lines in a terminal. Secret fields are redacted by name and
 * token-shaped strings anywhere in a log line are scrubbed, so a token in an error message never reaches the log.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = {
    level: options.level ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[Redacted]" },
    formatters: { log: (object: Record<string, unknown>) => scrubDeep(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(
          this,
          args.map((a) => (typeof a === "string" ? scrubSecrets(a) : a)),
        );
      },
    },
  };
  if (options.destination !== undefined) return pino(base, options.destination);
  if (options.pretty === true) {
    return pino({
      ...base,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss" } },
    });
  }
  return pino(base);
}
