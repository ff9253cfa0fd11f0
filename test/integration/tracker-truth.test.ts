/**
 * What the thread says about an endpoint is what Databricks serves: READY only on this request's model, version
 * and band (issue 9, item 2), and a config update that never reached Databricks is sent again, never called
 * accepted (item 3b). Another client changes the endpoint through the emulator's own HTTP API, as any would.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIONS } from "../../src/slack/ids.js";
import { APPROVER, CHANNEL, type Harness, LLAMA, startHarness } from "./harness.js";

const OTHER_MODEL = "system.ai.meta_llama_v3_1_8b_instruct";
const ENDPOINTS = "/api/2.0/serving-endpoints";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Another team's call to the workspace, with the workspace's token. */
async function otherClient(harness: Harness, method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${harness.dbx.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${harness.dbx.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
}

async function approve(harness: Harness, ts: string): Promise<void> {
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

const state = (harness: Harness, name: string) =>
  (harness.dbx.endpoint(name) as { state?: { ready?: string; config_update?: string } } | undefined)?.state;

describe("READY means the endpoint serves what was asked", () => {
  it("reports no READY when someone deletes the endpoint and recreates it with another model", async () => {
    h = await startHarness({ provisioningMs: 1_500 });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, card.ts);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    // The swap is what this test is about, not the moment between its two calls: a poll landing between them would
    // rightly report the endpoint deleted (seen once in a full run). ptbot's list calls are throttled meanwhile.
    h.dbx.injectFault({
      method: "GET",
      path: ENDPOINTS,
      kind: "status",
      status: 429,
      retryAfterSeconds: 600,
      times: Number.POSITIVE_INFINITY,
    });

    await otherClient(h, "DELETE", `${ENDPOINTS}/llama-13b-3`);
    await otherClient(h, "POST", ENDPOINTS, {
      name: "llama-13b-3",
      config: {
        served_entities: [
          {
            entity_name: OTHER_MODEL,
            entity_version: "3",
            min_provisioned_throughput: 19000,
            max_provisioned_throughput: 19000,
          },
        ],
      },
    });
    h.dbx.clearFaults();

    const notice = await h.waitForReply(card, (t) => t.includes("changed outside ptbot"), 10_000);
    expect(notice.text).toContain(OTHER_MODEL);
    await h.waitForCard(card, (m) => JSON.stringify(m.blocks).includes("*Failed*"));
    expect(h.replies(card).filter((t) => t.includes("is READY"))).toEqual([]);
  });

  it("reports no READY for our band when another team's update lands just after ours", async () => {
    h = await startHarness({ provisioningMs: 1_000 });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, card.ts);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    // ptbot does not get to look between ours ending and theirs starting: its list calls are throttled meanwhile.
    h.dbx.injectFault({
      method: "GET",
      path: ENDPOINTS,
      kind: "status",
      status: 429,
      retryAfterSeconds: 600,
      times: Number.POSITIVE_INFINITY,
    });
    await expect
      .poll(() => state(h as Harness, "llama-13b-3")?.config_update, { timeout: 10_000 })
      .toBe("NOT_UPDATING");
    await otherClient(h, "PUT", `${ENDPOINTS}/llama-13b-3/config`, {
      served_entities: [
        {
          entity_name: LLAMA,
          entity_version: "3",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 3920,
        },
      ],
    });
    h.dbx.clearFaults();

    const notice = await h.waitForReply(card, (t) => t.includes("changed outside ptbot"), 10_000);
    expect(notice.text).toContain("980–3920 tokens/s");
    expect(h.replies(card).filter((t) => t.includes("is READY"))).toEqual([]);
  });
});

describe("a config update that never reached Databricks", () => {
  it("is sent again and never called accepted before Databricks accepted it", async () => {
    h = await startHarness();
    const first = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, first.ts);
    await h.waitForReply(first, (t) => t.includes("is READY"));

    const put = `${ENDPOINTS}/llama-13b-3/config`;
    // Every PUT the client tries in its first call is lost before Databricks reads it.
    h.dbx.injectFault({ method: "PUT", path: put, kind: "drop", times: 3 });
    const card = await h.deploy(`deploy ${LLAMA} 3 --max 4`);
    await approve(h, card.ts);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    expect(h.dbx.requestsTo("PUT", put).filter((r) => r.status === 200)).toHaveLength(1);

    const ready = await h.waitForReply(card, (t) => t.includes("is READY"), 10_000);
    expect(ready.text).toContain("1,960–3,920 tokens/s");
    const served = (
      h.dbx.endpoint("llama-13b-3") as { config: { served_entities: Record<string, unknown>[] } }
    ).config.served_entities;
    expect(served).toMatchObject([{ min_provisioned_throughput: 1960, max_provisioned_throughput: 3920 }]);
  });
});
