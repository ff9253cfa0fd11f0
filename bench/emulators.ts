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
  type SlackEmulator,
  startSlackEmulator,
} from "../emulators/slack/index.js";

/** Epoch milliseconds with sub-millisecond precision: the benches' one time base. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

export interface EmulatorPair {
  readonly slack: SlackEmulator;
  readonly dbx: DatabricksEmulator;
  close(): Promise<void>;
}

export async function startEmulators(options: {
  readonly provisioningMs: number;
  /** Told of every Databricks request once it is answered (its `time` is when it arrived). */
  readonly onDatabricksRequest?: (request: RecordedRequest) => void;
}): Promise<EmulatorPair> {
  const dbx = await startDatabricksEmulator({
    port: 0,
    now: preciseNow,
    provisioningMs: options.provisioningMs,
    ...(options.onDatabricksRequest === undefined ? {} : { onRequest: options.onDatabricksRequest }),
  });
  const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  return {
    slack,
    dbx,
    close: async () => {
      await Promise.all([slack.close(), dbx.close()]);
    },
  };
}
