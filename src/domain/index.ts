/** The deploy domain: pure and synchronous, no I/O. Import from here. */

export * from "./cost.js";
export * from "./create-or-update.js";
export * from "./duration.js";
export * from "./effects.js";
export * from "./endpoint-name.js";
export * from "./events.js";
export * from "./freeze.js";
export * from "./lifetime.js";
export * from "./model.js";
export * from "./no-op.js";
export * from "./open-request.js";
export * from "./plan.js";
export * from "./policy.js";
export * from "./rejection.js";
export * from "./reminders.js";
export * from "./request.js";
export * from "./supersede.js";
export * from "./transition.js";
export * from "./violation.js";
export * from "./workspace-choice.js";
export * from "./workspace-policy.js";
export * from "./zoned-time.js";
