/**
 * Serving endpoint names: Databricks accepts letters, digits, `-` and `_`, 1 to 63 characters, no dots.
 */
import type { PlanViolation } from "./violation.js";

export const ENDPOINT_NAME_MAX_LENGTH = 63;

const VALID_CHAR = /[A-Za-z0-9_-]/u;

/**
 * The endpoint name ptbot proposes: the model's last name part and the version, as Databricks names served
 * entities (`ml.llm-catalog.llama-13b` v3 → `llama-13b-3`), made valid: accents dropped, every other character
 * outside `[A-Za-z0-9_-]` replaced by `-`, runs of `-` collapsed, `-` trimmed at both ends, and the base shortened so
 * the `-{version}` suffix always survives. A base with nothing usable left becomes `model`.
 */
export function defaultEndpointName(fullName: string, version: number): string {
  const lastPart = fullName.slice(fullName.lastIndexOf(".") + 1);
  const suffix = `-${version}`;
  const base =
    clean(lastPart)
      .slice(0, Math.max(1, ENDPOINT_NAME_MAX_LENGTH - suffix.length))
      .replace(/-+$/, "") || "model";
  return `${base}${suffix}`;
}

/** Every reason `name` is not a valid endpoint name (empty when it is valid); each names the field `name`. */
export function validateEndpointName(name: string): PlanViolation[] {
  if (name.length === 0) {
    return [{ field: "name", code: "name_empty", message: "name must not be empty" }];
  }
  const violations: PlanViolation[] = [];
  const chars = [...name];
  if (chars.length > ENDPOINT_NAME_MAX_LENGTH) {
    violations.push({
      field: "name",
      code: "name_too_long",
      message: `name is ${chars.length} characters long; the limit is ${ENDPOINT_NAME_MAX_LENGTH}`,
    });
  }
  const bad = [...new Set(chars.filter((c) => !VALID_CHAR.test(c)))];
  if (bad.length > 0) {
    // JSON quoting makes spaces, tabs and look-alike characters visible in the message.
    violations.push({
      field: "name",
      code: "name_bad_characters",
      message: `name may only contain letters, digits, "-" and "_"; not allowed: ${bad
        .map((c) => JSON.stringify(c))
        .join(", ")}`,
    });
  }
  return violations;
}

function clean(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}
