/** The deploy domain: pure and synchronous, no I/O. Import from here. */
export * from "./create-or-update.js";
export * from "./effects.js";
export * from "./endpoint-name.js";
export * from "./events.js";
export * from "./failure-kind.js";
export * from "./model.js";
export * from "./no-op.js";
export * from "./open-request.js";
export * from "./plan.js";
export * from "./policy.js";
export * from "./rejection.js";
export * from "./request.js";
export * from "./retry-ask.js";
export * from "./smoke-test.js";
export * from "./supersede.js";
export * from "./transition.js";
export * from "./violation.js";
