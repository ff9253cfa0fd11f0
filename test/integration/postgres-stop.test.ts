/**
 * Stopping ptbot while its PostgreSQL cannot be reached (a cut network: nothing answers, nothing is refused): every
 * part of the drain is bounded, closing the store and the wake-up connection included, so the process can still
 * exit within its supervisor's stop timeout rather than at the backstop.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type CutProxy, startCutProxy } from "../postgres/cut-proxy.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";
import { type Harness, startHarness } from "./harness.js";

let h: Harness | undefined;
let db: TestDatabase | undefined;
let proxy: CutProxy | undefined;
afterEach(async () => {
  proxy?.heal();
  await h?.close().catch(() => {});
  h = undefined;
  await proxy?.close();
  proxy = undefined;
  await db?.drop();
  db = undefined;
});

describe("stopping while the database is cut off", () => {
  it("ends within the 9.5 s backstop, closing the store given up on", async () => {
    db = await createTestDatabase();
    proxy = await startCutProxy(db.url);
    const harness = await startHarness({ databaseUrl: proxy.url });
    h = harness;
    proxy.cut();
    const started = performance.now();
    await harness.close();
    h = undefined;
    const tookMs = performance.now() - started;
    expect(tookMs).toBeLessThan(9_500);
    const abandoned = harness.logs.filter((l) => l.msg === "shutdown step abandoned").map((l) => l.part);
    expect(abandoned).toContain("store");
  }, 30_000);
});
