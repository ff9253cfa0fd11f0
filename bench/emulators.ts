/**
 * The two emulators the benches run ptbot between. The Databricks emulator's clock is `performance`-based wall
 * time, so request arrival times in its log compare with the driver's own timings to a fraction of a millisecond.
 */
import { performance } from "node:perf_hooks";
import {
  type DatabricksEmulator,
  type RecordedRequest,
  startDatabricksEmulator,
} from "../emulators/databricks/index.js";
import {
  defaultCredentials,
  defaultWorkspace,
  type PostRateLimit,
  type SlackEmulator,
  startSlackEmulator,
} from "../emulators/slack/index.js";

/** Epoch milliseconds with sub-millisecond precision: the benches' one time base. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** The id of the `i`-th extra channel of {@link startEmulators}. */
export function benchChannel(i: number): string {
  return `C0BENCH${String(i).padStart(4, "0")}`;
}

export interface EmulatorPair {
  readonly slack: SlackEmulator;
  readonly dbx: DatabricksEmulator;
  close(): Promise<void>;
}

export async function startEmulators(options: {
  readonly provisioningMs: number;
  /** Told of every Databricks request once it is answered (its `time` is when it arrived). */
  readonly onDatabricksRequest?: (request: RecordedRequest) => void;
  /**
   * Slack's limit on posts per channel (about one a second). Off unless a scenario asks: the benches measure ptbot,
   * and hundreds of conversations in one channel would measure that limit instead (a row that runs them so says so).
   */
  readonly postRateLimit?: PostRateLimit | "off";
  /** Channels beside `#ml-deploys`, with the same members (see {@link benchChannel}). */
  readonly extraChannels?: number;
}): Promise<EmulatorPair> {
  const dbx = await startDatabricksEmulator({
    port: 0,
    now: preciseNow,
    provisioningMs: options.provisioningMs,
    ...(options.onDatabricksRequest === undefined ? {} : { onRequest: options.onDatabricksRequest }),
  });
  const [deploys] = defaultWorkspace.channels;
  const extra = Array.from({ length: options.extraChannels ?? 0 }, (_, i) => ({
    ...deploys,
    id: benchChannel(i),
    name: `ml-deploys-${i}`,
  }));
  const slack = await startSlackEmulator({
    ...defaultWorkspace,
    channels: [deploys, ...extra],
    ...defaultCredentials,
    port: 0,
    postRateLimit: options.postRateLimit ?? "off",
  });
  return {
    slack,
    dbx,
    close: async () => {
      await Promise.all([slack.close(), dbx.close()]);
    },
  };
}
