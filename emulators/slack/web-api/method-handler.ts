import type { EmulatorState } from "../emulator-state.js";
import type { ApiArgs } from "./api-args.js";

/**
 * One Web API method: returns the success body (the dispatcher adds `ok: true`) or throws `ApiFailure`.
 * Handlers are synchronous: the emulator's state changes atomically per call.
 */
export type MethodHandler = (state: EmulatorState, args: ApiArgs) => Record<string, unknown>;
