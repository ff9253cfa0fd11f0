import { PtbotError } from "../../../src/errors.js";

/**
 * A Web API method's `ok: false` answer, thrown inside a handler and turned into the response by the dispatcher.
 * `messages` become `response_metadata.messages` (Slack's `[ERROR] ...` lines, which WebClient logs).
 */
export class ApiFailure extends PtbotError {
  readonly messages: readonly string[];
  /** Extra top-level fields of the answer (`missing_scope` carries `needed` and `provided`). */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(
    error: string,
    messages: readonly string[] = [],
    fields: Readonly<Record<string, unknown>> = {},
  ) {
    super(error, messages.length > 0 ? `${error}: ${messages.join("; ")}` : error);
    this.messages = messages;
    this.fields = fields;
  }
}

/** A method's arguments, from a form or a JSON body; form values arrive as strings. */
export class ApiArgs {
  constructor(readonly raw: Readonly<Record<string, unknown>>) {}

  has(key: string): boolean {
    const v = this.raw[key];
    return v !== undefined && v !== null && v !== "";
  }

  optionalString(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null || v === "") return undefined;
    return typeof v === "string"
      ? v
      : typeof v === "number" || typeof v === "boolean"
        ? String(v)
        : JSON.stringify(v);
  }

  /** A required argument; its absence is Slack's `invalid_arguments`. */
  string(key: string): string {
    const v = this.optionalString(key);
    if (v === undefined)
      throw new ApiFailure("invalid_arguments", [`[ERROR] missing required field: ${key}`]);
    return v;
  }

  bool(key: string): boolean {
    const v = this.raw[key];
    return v === true || v === "true" || v === "1" || v === 1;
  }

  /** A JSON argument (form bodies carry it stringified); `error` names the failure for unparsable input. */
  json(key: string, error = "invalid_arguments"): unknown {
    const v = this.raw[key];
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw new ApiFailure(error, [`[ERROR] ${key} is not valid JSON`]);
    }
  }
}
