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
  | "deleteServingEndpoint"
  | "getBuildLogs"
  | "endpointUrl"
  | "queryChat"
  | "queryCompletions"
  | "queryEmbeddings"
>;

/**
 * Tells a request's audience what happened: re-render its card (`card_changed`) or post in its thread. Called by the
 * notice dispatcher with the request as it was saved with the notice; a request without a card yet is the
 * notifier's to skip. Throwing means "not delivered": the dispatcher retries later. An answer that says the card can
 * never be changed again (an archived channel) is not thrown: it comes back as {@link DeliveryOutcome}, recorded on
 * the request, and the notice counts as done.
 */
export interface Notifier {
  // biome-ignore lint/suspicious/noConfusingVoidType: most deliveries have nothing to report.
  deliver(request: DeployRequest, notice: Notice, delivery?: NoticeDelivery): Promise<DeliveryOutcome | void>;
}

/** What a delivery found out about the request's card, beyond "delivered". */
export interface DeliveryOutcome {
  /** Slack's answer that the card can never be changed again (`is_inactive`, `is_archived`, …). */
  readonly cardUnreachable?: string;
}

/** Which outbox entry a delivery is, so that a post can be recognised in the thread later. */
export interface NoticeDelivery {
  /** The notice's outbox id: posted with the message (Slack message metadata) to find it again. */
  readonly outboxId: number;
  /**
   * An earlier attempt of this notice may have reached Slack (it was claimed before): look for it in the thread
   * before posting, and post only if it is not there. False on a first attempt, which never pays that read.
   */
  readonly claimedBefore: boolean;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The system clock run `skewMs` ahead (the chaos tests' stand-in for waiting out a killed process's leases). */
export function skewedClock(skewMs: number): Clock {
  return skewMs === 0 ? systemClock : { now: () => Date.now() + skewMs };
}
