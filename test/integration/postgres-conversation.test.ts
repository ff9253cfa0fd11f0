/**
 * The whole conversation with ptbot on PostgreSQL: `/pt deploy` over signed HTTP, the approval click, and the thread
 * following the endpoint to READY, with every state change, audit row and notice going through the Postgres store.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { PostgresStore } from "../../src/store/postgres-store.js";
import { createTestDatabase, type TestDatabase } from "../postgres/database.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

let h: Harness | undefined;
let db: TestDatabase | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await db?.drop();
  db = undefined;
});

describe("a deploy on PostgreSQL", () => {
  it("goes from the command through the approval to READY, and the database holds the request's history", async () => {
    db = await createTestDatabase();
    h = await startHarness({ databaseUrl: db.url });
    expect(h.logs.find((l) => l.msg === "store opened")).toMatchObject({
      store: "postgres",
      database: db.name,
    });

    const card = await h.deploy(`deploy ${LLAMA} 3`);
    const click = await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
    });
    expect(click.status).toBe(200);
    await h.waitForCard(card, (m) => blockText(m).includes("Approved"));
    const ready = await h.waitForReply(card, (t) => t.includes("READY"));
    expect(ready.text).toContain(`${h.dbx.url}/ml/endpoints/llama-13b-3`);
    await h.waitForCard(card, (m) => blockText(m).includes("*Ready*"));
    const replies = h.replies(card);
    expect(replies.filter((t) => t.includes("Creating endpoint"))).toHaveLength(1);
    expect(replies.filter((t) => t.includes("is READY"))).toHaveLength(1);
    expect(h.dbx.requestsTo("POST", "/api/2.0/serving-endpoints")).toHaveLength(1);

    // What the thread showed is what a second replica reads from the shared database.
    const peer = await PostgresStore.open(db.url);
    try {
      const [request] = await peer.findByEndpointName("default", "llama-13b-3");
      expect(request?.state).toBe("ready");
      const actions = (await peer.audit(request?.id ?? "")).map((e) => e.action);
      expect(actions[0]).toBe("opened");
      expect(actions).toContain("approved");
      expect(actions).toContain("create_started");
    } finally {
      await peer.close();
    }
  });
});
