/**
 * What the create step logs when its one Databricks call fails for good: a refusal by the workspace is told apart
 * from ptbot failing on its own side of the call (here its credentials setup), so an operator knows whose it is.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DatabricksApiError, DatabricksAuthConfigError } from "../../src/databricks/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { startCreate } from "../../src/tracker/start-create.js";
import type { DatabricksApi } from "../../src/workflow/ports.js";
import { policy, requestIn, T0 } from "../domain/fixtures.js";
import { memoryLogger } from "../fakes/memory-logger.js";

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** Creates the approved request's endpoint with a client whose every create fails with `error`; returns the logs. */
async function createFailingWith(error: Error) {
  store = await SqliteStore.open(":memory:", { now: () => T0 });
  const request = requestIn("approved", { id: "r-1" });
  await store.insert(request, { actor: "U_REQ", action: "opened", at: T0 });
  const databricks = {
    createServingEndpoint: async () => {
      throw error;
    },
  } as unknown as DatabricksApi;
  const { logger, lines } = memoryLogger("info");
  await startCreate(
    {
      store,
      clock: { now: () => T0 + 60_000 },
      policy,
      databricks,
      logger,
      createNoticeAfterMs: 60_000,
      createFailAfterMs: 600_000,
    },
    request,
  );
  return { lines, saved: await store.get("r-1") };
}

describe("startCreate's log of a failed endpoint call", () => {
  it("says Databricks refused it, at warn, with Databricks' code", async () => {
    const refusal = new DatabricksApiError({
      code: "databricks_permission_denied",
      message: "no CAN_MANAGE on serving endpoints",
      method: "POST",
      path: "/api/2.0/serving-endpoints",
      status: 403,
    });
    const { lines, saved } = await createFailingWith(refusal);
    expect(saved).toMatchObject({ state: "failed", reason: { code: "databricks_permission_denied" } });
    const failures = lines.filter((l) => (l.level as number) >= 40);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 40,
      msg: "endpoint call refused",
      code: "databricks_permission_denied",
      requestId: "r-1",
    });
  });

  it("says ptbot failed on its side, at error, with ptbot's code, never that Databricks refused it", async () => {
    const { lines, saved } = await createFailingWith(
      new DatabricksAuthConfigError("no OAuth secret for the workspace"),
    );
    expect(saved).toMatchObject({ state: "failed", reason: { code: "internal_error" } });
    expect(lines.filter((l) => l.msg === "endpoint call refused")).toEqual([]);
    const failures = lines.filter((l) => (l.level as number) >= 40);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 50,
      msg: "endpoint call failed in ptbot",
      code: "databricks_auth_config",
      requestId: "r-1",
    });
  });
});
