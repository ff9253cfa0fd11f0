import type { z } from "zod";
import { scrubSecrets } from "../logger.js";
import { codeForResponse, DatabricksApiError } from "./errors.js";
import { type HttpResponse, header } from "./http.js";

/** What a response is read against: the request it answers and the secrets that must not leak into an error. */
export interface ResponseContext {
  readonly method: string;
  readonly path: string;
  /** Credential values sent with the request; removed from any text copied into an error. */
  readonly secrets: readonly string[];
  /** Whether the request changes something and a 504 may hide a success: see `HttpRequest.idempotent`. */
  readonly idempotent: boolean;
}

/** Removes every secret (and anything token-shaped) from a text bound for an error message. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[REDACTED]");
  return scrubSecrets(out);
}

const MAX_SNIPPET = 300;

/**
 * Turns an answer into the validated value, or into a {@link DatabricksApiError}: a non-2xx status (with Databricks'
 * `error_code` and `message`, or OAuth's `error` and `error_description`), a body that is not JSON, or JSON that does
 * not fit the schema. Unknown fields are kept by the schemas, never rejected.
 */
export function readResponse<S extends z.ZodType>(
  response: HttpResponse,
  schema: S,
  context: ResponseContext,
): z.output<S> {
  const requestId = header(response, "x-request-id") ?? header(response, "x-databricks-request-id");
  const common = {
    method: context.method,
    path: context.path,
    status: response.status,
    ...(requestId === undefined ? {} : { requestId }),
  };
  const json = parseJson(response.text);
  if (response.status < 200 || response.status >= 300) {
    const body = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
    const errorCode = stringField(body, "error_code") ?? stringField(body, "error");
    const said =
      stringField(body, "message") ??
      stringField(body, "error_description") ??
      (response.text.trim().slice(0, MAX_SNIPPET) || "(empty body)");
    return fail({
      ...common,
      code: codeForResponse(response.status, errorCode),
      ...(errorCode === undefined ? {} : { errorCode }),
      message: redact(
        `${context.method} ${context.path} answered ${response.status}${errorCode === undefined ? "" : ` ${errorCode}`}: ${said}`,
        context.secrets,
      ),
      outcomeUnknown: response.status === 504 && !context.idempotent,
    });
  }
  if (json === undefined) {
    return fail({
      ...common,
      code: "databricks_bad_response",
      message: `${context.method} ${context.path} answered ${response.status} with a body that is not JSON`,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    // Issue paths and zod's messages only: the body itself may hold a token (an OAuth answer does).
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    return fail({
      ...common,
      code: "databricks_bad_response",
      message: `${context.method} ${context.path} answered an unexpected shape: ${issues}`,
    });
  }
  return parsed.data;
}

function fail(details: ConstructorParameters<typeof DatabricksApiError>[0]): never {
  throw new DatabricksApiError(details);
}

function parseJson(text: string): unknown {
  // DELETE answers `{}`, but an empty body from a proxy should read the same way.
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}
