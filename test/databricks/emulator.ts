import type { Dispatcher } from "undici";
import { defaultSeed, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import type { CredentialsProvider } from "../../src/databricks/auth/credentials.js";
import { createPatCredentials } from "../../src/databricks/auth/pat.js";
import { createDatabricksClient, type DatabricksClient } from "../../src/databricks/client.js";
import type { RetryPolicy } from "../../src/databricks/retry.js";
import type { Logger } from "../../src/logger.js";
import { fakeClock, recordingSleep } from "./helpers.js";

export const LLAMA = "ml.llm-catalog.llama-13b";
export const GPT_OSS = "system.ai.gpt-oss-120b";
export const GTE = "system.ai.gte_large_en_v1_5";

/** Other teams' endpoints, which the emulator's default seed holds in every workspace. */
export const FOREIGN_ENDPOINTS: ReadonlySet<string> = new Set(
  (defaultSeed().foreign_endpoints ?? []).map((e) => e.name),
);

/** The endpoints of a list that are not other teams' (those the test made). */
export function ownEndpoints<E extends { readonly name: string }>(endpoints: readonly E[]): E[] {
  return endpoints.filter((e) => !FOREIGN_ENDPOINTS.has(e.name));
}

export type Emulator = Awaited<ReturnType<typeof startDatabricksEmulator>>;

export interface Harness {
  readonly emu: Emulator;
  readonly client: DatabricksClient;
  readonly clock: ReturnType<typeof fakeClock>;
  /** Every wait the client's retries asked for, in ms. */
  readonly waits: number[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly provisioningMs?: number;
  readonly tokenTtlSeconds?: number;
  readonly credentials?: (emu: Emulator) => CredentialsProvider;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  readonly dispatcher?: Dispatcher;
  readonly maxWriteAttempts?: number;
}

/**
 * The emulator on port 0 and a client for it, sharing one fake clock: the emulator's life cycle and the client's
 * retry bound both read it, and the client's sleeps move it (so retries take no real time).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = fakeClock();
  const emu = await startDatabricksEmulator({
    port: 0,
    provisioningMs: options.provisioningMs ?? 60_000,
    now: clock.now,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
  });
  const sleeper = recordingSleep(clock);
  const client = createDatabricksClient({
    host: emu.url,
    credentials: options.credentials?.(emu) ?? createPatCredentials(emu.token),
    now: clock.now,
    sleep: sleeper.sleep,
    random: () => 0.5,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    ...(options.maxWriteAttempts === undefined ? {} : { maxWriteAttempts: options.maxWriteAttempts }),
  });
  return { emu, client, clock, waits: sleeper.waits, close: () => emu.close() };
}

/** A tokens/second create for llama-13b, `min`/`max` in chunks of 980. */
export function llamaCreate(name: string, version = 3, min = 980, max = 1960) {
  return {
    name,
    config: {
      served_entities: [
        {
          entity_name: LLAMA,
          entity_version: version,
          min_provisioned_throughput: min,
          max_provisioned_throughput: max,
        },
      ],
    },
  };
}
