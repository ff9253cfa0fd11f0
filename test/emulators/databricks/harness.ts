import {
  type DatabricksEmulator,
  type DatabricksEmulatorOptions,
  startDatabricksEmulator,
} from "../../../emulators/databricks/index.js";

/** A clock the test moves by hand; starts at a realistic epoch so `ms` timestamps look like real ones. */
export interface FakeClock {
  readonly now: () => number;
  advance(ms: number): void;
  readonly start: number;
}

export function fakeClock(start = 1_760_000_000_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    start,
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface Harness {
  readonly emulator: DatabricksEmulator;
  readonly clock: FakeClock;
  /** A plain `fetch` with the PAT (override `authorization` in `headers`, or set it to "" to send none). */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export const PROVISIONING_MS = 60_000;

export async function startHarness(options: DatabricksEmulatorOptions = {}): Promise<Harness> {
  const clock = fakeClock();
  const emulator = await startDatabricksEmulator({
    now: clock.now,
    provisioningMs: PROVISIONING_MS,
    ...options,
  });
  return {
    emulator,
    clock,
    async call(method, path, body, headers = {}) {
      const merged: Record<string, string> = {
        authorization: `Bearer ${emulator.token}`,
        ...(body === undefined || typeof body === "string" ? {} : { "content-type": "application/json" }),
        ...headers,
      };
      const all = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== ""));
      const res = await fetch(`${emulator.url}${path}`, {
        method,
        headers: all,
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) };
    },
  };
}

/** A valid tokens-per-second create body for `ml.llm-catalog.llama-13b` (chunk 980). */
export function llamaCreate(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    config: {
      served_entities: [
        {
          entity_name: "ml.llm-catalog.llama-13b",
          entity_version: "3",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 1960,
          ...overrides,
        },
      ],
    },
  };
}

/** Asserts the Databricks error body: `{ error_code, message, details? }` and nothing else. */
export function expectErrorBody(reply: Reply, status: number, errorCode: string, message?: RegExp): void {
  const body = reply.body;
  if (reply.status !== status || at(body, "error_code") !== errorCode) {
    throw new Error(`expected ${status} ${errorCode}, got ${reply.status} ${JSON.stringify(body)}`);
  }
  const keys = Object.keys(body as object).filter((k) => !["error_code", "message", "details"].includes(k));
  const text = at(body, "message");
  if (keys.length > 0 || typeof text !== "string" || text === "") {
    throw new Error(`not a Databricks error body: ${JSON.stringify(body)}`);
  }
  if (message !== undefined && !message.test(text)) {
    throw new Error(`message ${JSON.stringify(text)} does not match ${message}`);
  }
  const details = at(body, "details");
  if (details !== undefined && !Array.isArray(details)) throw new Error("details must be a list");
}

/** Reads `a.b.0.c` out of parsed JSON; undefined when any step is missing. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Like {@link at}, for a list. */
export function list(value: unknown, path: string): unknown[] {
  const found = at(value, path);
  if (!Array.isArray(found)) throw new Error(`${path} is not a list in ${JSON.stringify(value)}`);
  return found;
}
