/**
 * What the workflow and the tracker need from the outside world, as small interfaces. `src/main.ts` passes the real
 * adapters; tests pass the emulator-backed client and hand-written fakes.
 */
import type { DatabricksClient } from "../databricks/index.js";
import type { DeployRequest, Notice } from "../domain/index.js";

/** The Databricks calls a deploy needs; the real client satisfies it as it is. */
export type DatabricksApi = Pick<
  DatabricksClient,
  | "resolveModelVersion"
  | "getOptimizationInfo"
  | "getServingEndpoint"
  | "listServingEndpoints"
  | "createServingEndpoint"
  | "updateServingEndpointConfig"
  | "patchServingEndpointTags"
  | "getBuildLogs"
  | "endpointUrl"
>;

/**
 * Tells a request's audience what happened: re-render its card (`card_changed`) or post in its thread. Called by the
 * notice dispatcher with the request as it was saved with the notice; a request without a card yet is the
 * notifier's to skip. Throwing means "not delivered": the dispatcher retries later.
 */
export interface Notifier {
  deliver(request: DeployRequest, notice: Notice): Promise<void>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
