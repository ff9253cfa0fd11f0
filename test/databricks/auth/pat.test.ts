import { afterEach, describe, expect, it } from "vitest";
import { createPatCredentials } from "../../../src/databricks/auth/pat.js";
import { DatabricksApiError } from "../../../src/databricks/errors.js";
import { type Harness, startHarness } from "../emulator.js";
import { errorTexts, rejectionOf } from "../helpers.js";

const WRONG = "dapi0123456789abcdef0123456789abcdef";
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("PAT", () => {
  it("sends the token as a bearer header", async () => {
    h = await startHarness();
    await h.client.listServingEndpoints();
    expect(h.emu.requests.map((r) => r.status)).toEqual([200]);
  });

  it("maps a refused token to databricks_unauthorized, once, with status, errorCode and requestId and no token", async () => {
    h = await startHarness({ credentials: () => createPatCredentials(WRONG) });
    const error = await rejectionOf(h.client.getServingEndpoint("anything"));
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect(error).toMatchObject({
      code: "databricks_unauthorized",
      status: 401,
      errorCode: "UNAUTHENTICATED",
      method: "GET",
      path: "/api/2.0/serving-endpoints/anything",
    });
    expect((error as DatabricksApiError).requestId).toMatch(/\S+/);
    expect(h.emu.requests).toHaveLength(1);
    expect(errorTexts(error)).not.toContain(WRONG);
  });
});
