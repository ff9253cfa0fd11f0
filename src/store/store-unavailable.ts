/**
 * The store could not be reached (the database restarting, failing over, or cut off by the network): nothing was
 * written, and the same call may succeed in a moment. Adapters raise it for connection failures only, never for a
 * refused write, so callers may answer "try again in a minute" and workers may simply wait for their next round.
 */
import { PtbotError } from "../errors.js";

export class StoreUnavailableError extends PtbotError {
  constructor(options?: { cause?: unknown }) {
    super("store_unavailable", "the database cannot be reached", options);
  }
}
