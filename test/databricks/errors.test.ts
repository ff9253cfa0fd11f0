import { describe, expect, it } from "vitest";
import {
  codeForResponse,
  DatabricksApiError,
  isConflict,
  isModelVersionNotReady,
  isNotFound,
  isTransient,
  ModelVersionNotReadyError,
  NoReadyModelVersionError,
} from "../../src/databricks/errors.js";
import { PtbotError } from "../../src/errors.js";

describe("codeForResponse", () => {
  it("maps Databricks error codes first, then the status", () => {
    expect(codeForResponse(404, "RESOURCE_DOES_NOT_EXIST")).toBe("databricks_not_found");
    expect(codeForResponse(400, "RESOURCE_ALREADY_EXISTS")).toBe("databricks_conflict");
    expect(codeForResponse(409, "RESOURCE_CONFLICT")).toBe("databricks_conflict");
    expect(codeForResponse(400, "INVALID_PARAMETER_VALUE")).toBe("databricks_invalid");
    expect(codeForResponse(403, "PERMISSION_DENIED")).toBe("databricks_permission_denied");
    expect(codeForResponse(401, undefined)).toBe("databricks_unauthorized");
    expect(codeForResponse(400, "invalid_client")).toBe("databricks_unauthorized");
    expect(codeForResponse(429, undefined)).toBe("databricks_rate_limited");
    expect(codeForResponse(503, "TEMPORARILY_UNAVAILABLE")).toBe("databricks_unavailable");
    expect(codeForResponse(504, undefined)).toBe("databricks_unavailable");
    expect(codeForResponse(500, "INTERNAL_ERROR")).toBe("databricks_server_error");
    expect(codeForResponse(405, undefined)).toBe("databricks_invalid");
  });
});

describe("errors", () => {
  it("are PtbotErrors with stable codes, and the predicates tell them apart", () => {
    const notFound = new DatabricksApiError({
      code: "databricks_not_found",
      message: "m",
      method: "GET",
      path: "/p",
      status: 404,
    });
    expect(notFound).toBeInstanceOf(PtbotError);
    expect(notFound.name).toBe("DatabricksApiError");
    expect(notFound.outcomeUnknown).toBe(false);
    expect(isNotFound(notFound)).toBe(true);
    expect(isConflict(notFound)).toBe(false);
    expect(isTransient(notFound)).toBe(false);
    expect(
      isTransient(
        new DatabricksApiError({ code: "databricks_timeout", message: "m", method: "GET", path: "/" }),
      ),
    ).toBe(true);

    const notReady = new ModelVersionNotReadyError("ml.a.b", 4, "PENDING_REGISTRATION");
    expect(notReady.code).toBe("model_version_not_ready");
    expect(notReady.message).toContain("PENDING_REGISTRATION");
    expect(isModelVersionNotReady(notReady)).toBe(true);
    expect(isNotFound(notReady)).toBe(false);
    expect(new NoReadyModelVersionError("ml.a.b", 0).code).toBe("model_no_ready_version");
  });
});
