import { DatabricksEmulatorError } from "./errors.js";

interface FaultMatch {
  /** Any method when absent; compared case-insensitively. */
  readonly method?: string;
  /** A string matches the path (no query string) exactly; a RegExp is tested against it. */
  readonly path: string | RegExp;
  /** How many matching requests it hits; default 1, `Infinity` for all. */
  readonly times?: number;
  /**
   * Only requests about this endpoint: the `name` in a create's JSON body, or the endpoint segment of a
   * `/serving-endpoints/{name}…` path. Any endpoint when absent.
   */
  readonly endpointName?: string;
}

/**
 * A scripted failure for the next matching requests:
 * - `status`: answer 429/500/503/504 with a Databricks error body (and `Retry-After` when given), or 400 with an
 *   `errorCode` such as `INVALID_STATE` (how a workspace may refuse an update while another is in progress);
 * - `delay`: wait `ms` of real time (network time, not the emulator's clock), then answer normally;
 * - `drop`: destroy the connection without answering or processing;
 * - `drop-after`: process the request fully, then destroy the connection: a create the workspace accepted
 *   but whose answer never arrived;
 * - `delay-after`: process the request fully, then wait `ms` of real time before answering: a slow answer to a
 *   call the workspace already carried out.
 */
export type FaultSpec = FaultMatch &
  (
    | {
        readonly kind: "status";
        readonly status: 400 | 429 | 500 | 503 | 504;
        readonly retryAfterSeconds?: number;
        readonly errorCode?: string;
        readonly message?: string;
      }
    | { readonly kind: "delay" | "delay-after"; readonly ms: number }
    | { readonly kind: "drop" }
    | { readonly kind: "drop-after" }
  );

const STATUS_DEFAULTS: Record<number, { errorCode: string; message: string }> = {
  400: { errorCode: "INVALID_PARAMETER_VALUE", message: "The request is invalid." },
  429: {
    errorCode: "REQUEST_LIMIT_EXCEEDED",
    message: "Exceeded the rate limit for this API. Please retry later.",
  },
  500: { errorCode: "INTERNAL_ERROR", message: "An internal error occurred. Please retry the request." },
  503: {
    errorCode: "TEMPORARILY_UNAVAILABLE",
    message: "The service is temporarily unavailable. Please retry later.",
  },
  504: {
    errorCode: "DEADLINE_EXCEEDED",
    message: "The request timed out before the workspace could answer it.",
  },
};

/** The error body a `status` fault answers with. */
export function faultError(fault: Extract<FaultSpec, { kind: "status" }>): {
  errorCode: string;
  message: string;
} {
  const defaults = STATUS_DEFAULTS[fault.status] ?? {
    errorCode: "INTERNAL_ERROR",
    message: "Internal error.",
  };
  return { errorCode: fault.errorCode ?? defaults.errorCode, message: fault.message ?? defaults.message };
}

/** Faults waiting for their requests, consumed first come, first served. */
export class FaultQueue {
  readonly #faults: { spec: FaultSpec; remaining: number }[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times >= 1 && (Number.isInteger(times) || times === Number.POSITIVE_INFINITY))) {
      throw new DatabricksEmulatorError(
        "emulator_fault_invalid",
        `fault times must be a positive integer; got ${times}`,
      );
    }
    if (
      (spec.kind === "delay" || spec.kind === "delay-after") &&
      !(Number.isFinite(spec.ms) && spec.ms >= 0)
    ) {
      throw new DatabricksEmulatorError(
        "emulator_fault_invalid",
        `delay ms must be a non-negative number; got ${spec.ms}`,
      );
    }
    if (spec.kind === "status" && STATUS_DEFAULTS[spec.status] === undefined) {
      throw new DatabricksEmulatorError(
        "emulator_fault_invalid",
        `unsupported fault status ${String(spec.status)}`,
      );
    }
    this.#faults.push({ spec, remaining: times });
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** The first fault matching the request (`body` is its raw text), counted as used. */
  take(method: string, path: string, body = ""): FaultSpec | undefined {
    const index = this.#faults.findIndex((f) => matches(f.spec, method, path, body));
    const found = this.#faults[index];
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.#faults.splice(index, 1);
    return found.spec;
  }
}

function matches(spec: FaultSpec, method: string, path: string, body: string): boolean {
  if (spec.method !== undefined && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.endpointName !== undefined && endpointOf(path, body) !== spec.endpointName) return false;
  return pathMatches(spec.path, path);
}

/** The endpoint a serving-endpoints request is about: from the path, or from a create's body. */
function endpointOf(path: string, body: string): string | undefined {
  const inPath = /^\/api\/2\.0\/serving-endpoints\/(?:pt\/)?([^/]+)/.exec(path)?.[1];
  if (inPath !== undefined && inPath !== "pt" && inPath !== "get-model-optimization-info") {
    try {
      return decodeURIComponent(inPath);
    } catch {
      return inPath;
    }
  }
  try {
    const parsed: unknown = JSON.parse(body);
    const name = (parsed as { name?: unknown } | null)?.name;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Exact equality for strings; for a RegExp, a test that ignores any `g`/`y` state. */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (typeof pattern === "string") return pattern === path;
  pattern.lastIndex = 0;
  return pattern.test(path);
}
