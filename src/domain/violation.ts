/**
 * One problem with what a person asked for, tied to the form field that caused it, so the Slack layer can show it
 * next to that field in the modal (or as a line under the command). Validators return every violation at once.
 */
export interface PlanViolation {
  readonly field: PlanField;
  readonly code: PlanViolationCode;
  /** Plain words for logs and for people ("max must be at most 20×, got 25×"); the Slack layer escapes it. */
  readonly message: string;
}

export type PlanField = "min" | "max" | "name";

export type PlanViolationCode =
  /** min or max is not a whole number of chunks. */
  | "not_integer"
  /** min is below zero. */
  | "negative"
  /** max is below one chunk. */
  | "below_one"
  /** min is 0 but scale to zero is off. */
  | "zero_needs_scale_to_zero"
  /** min is greater than max. */
  | "min_above_max"
  /** max is above the policy's `maxMultipleLimit`. */
  | "above_limit"
  /** scale to zero was asked for a model-unit model, which the `/pt` route provisions at one fixed size. */
  | "scale_to_zero_unsupported"
  /** a min was asked for a model-unit model, which is sized by max alone. */
  | "min_not_applicable"
  | "name_empty"
  | "name_too_long"
  | "name_bad_characters"
  /** Another live request holds the endpoint name. */
  | "name_in_use"
  /** The band's max costs more DBU/h than `PTBOT_MAX_DBU_PER_HOUR` allows. */
  | "over_dbu_cap"
  /** A DBU/h cap is set and this band's cost cannot be told (no `dbus`, no configured rate). */
  | "cost_unknown";

/**
 * The `invalid_plan` answer to settings with violations, as a refusal and as an unresolvable request's reason alike:
 * every violation, for the form's fields, and all of them in one message, for logs.
 */
export function invalidPlan(violations: readonly PlanViolation[]): {
  readonly code: "invalid_plan";
  readonly message: string;
  readonly violations: readonly PlanViolation[];
} {
  return {
    code: "invalid_plan",
    message: `invalid settings: ${violations.map((v) => v.message).join("; ")}`,
    violations,
  };
}
