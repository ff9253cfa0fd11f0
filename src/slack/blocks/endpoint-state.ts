/**
 * An endpoint's state as Databricks reports it, in words: the same line in `/pt status` and `/pt list`.
 */

export interface EndpointStateInput {
  /** Absent on some other teams' endpoints (a suspended one, say). */
  readonly ready?: string | undefined;
  readonly config_update?: string | undefined;
}

/** "🟢 ready", "🔧 updating", "❌ last update failed", "⚪ not ready". */
export function endpointStateText(state: EndpointStateInput): string {
  switch (state.config_update) {
    case "IN_PROGRESS":
      return state.ready === "READY" ? "🟢 ready, 🔧 an update is in progress" : "🔧 provisioning";
    case "UPDATE_FAILED":
      return state.ready === "READY" ? "🟢 ready, ❌ the last update failed" : "❌ failed";
    case "UPDATE_CANCELED":
      return state.ready === "READY"
        ? "🟢 ready, the last update was cancelled"
        : "⚪ not ready (update cancelled)";
    default:
      if (state.ready === undefined) return "⚪ state not reported";
      return state.ready === "READY" ? "🟢 ready" : "⚪ not ready";
  }
}
