/**
 * Day two (issue 12) through signed HTTP into the real ptbot, between the Slack and Databricks emulators: `/pt scale`,
 * `/pt rollback` and `/pt delete` go through the same card, approval and thread as a deploy. Other teams change the
 * workspace through the emulator's own HTTP API, as any client would.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { configChange } from "../../src/domain/change.js";
import { ACTIONS, DELETE_INPUT, DELETE_VIEW } from "../../src/slack/ids.js";
import type { Store } from "../../src/store/store.js";
import { APPROVER, blockText, CHANNEL, type Harness, LLAMA, REQUESTER, startHarness } from "./harness.js";

const ENDPOINTS = "/api/2.0/serving-endpoints";
const NAME = "llama-13b-3";

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

function llamaEntity(version: string, min: number, max: number) {
  return {
    entity_name: LLAMA,
    entity_version: version,
    min_provisioned_throughput: min,
    max_provisioned_throughput: max,
  };
}

interface EndpointView {
  state?: { ready?: string; config_update?: string };
  config?: { served_entities?: { entity_version?: string; max_provisioned_throughput?: number }[] };
  tags?: { key: string; value: string }[];
}

const endpoint = (harness: Harness, name = NAME) => harness.dbx.endpoint(name) as EndpointView | undefined;

async function approve(harness: Harness, card: StoredMessage): Promise<void> {
  const click = await harness.driver.clickButton({
    user: APPROVER,
    channel: CHANNEL,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  expect(click.status).toBe(200);
}

/**
 * A ptbot-made endpoint serving LLAMA `version` at 2×–3×, READY, with its smoke-test line posted (it follows READY
 * on its own; a test counting posts after this would otherwise count it too).
 */
async function deployed(harness: Harness, version = 3, extra = ""): Promise<void> {
  const card = await harness.deploy(`deploy ${LLAMA} ${version}${extra}`);
  await approve(harness, card);
  await harness.waitForReply(card, (t) => t.includes("is READY"), 10_000);
  // The smoke test's line is the thread's last: later counts of posts start after it.
  await harness.waitForReply(card, (t) => t.includes("Smoke test"), 10_000);
}

/** Another team's endpoint (no ptbot tag), READY. */
async function foreignEndpoint(harness: Harness, name: string): Promise<void> {
  await otherClient(harness, "POST", ENDPOINTS, {
    name,
    config: { served_entities: [llamaEntity("3", 980, 1960)] },
  });
  await expect.poll(() => endpoint(harness, name)?.state?.ready, { timeout: 10_000 }).toBe("READY");
}

describe("/pt scale", () => {
  it("shows current → proposed band, and follows the approved update to done", async () => {
    let store: Store | undefined;
    h = await startHarness({
      wrapStore: (s) => {
        store = s;
        return s;
      },
    });
    await deployed(h);
    const card = await h.deploy(`scale ${NAME} --max 5`);
    const shown = blockText(card);
    expect(shown).toContain("Scale request: llama-13b-3");
    expect(shown).toContain("v3 at 1,960–2,940 tokens/s (2×–3×) → 1,960–4,900 tokens/s (2×–5× of 980)");
    expect(shown).not.toContain(ACTIONS.adjust);
    // The card is about the scale: the band now and proposed, not a deploy's model type and chunk size.
    expect(shown).toContain("*Throughput now*\\nv3 at 1,960–2,940 tokens/s (2×–3×)");
    expect(shown).toContain("*Proposed*\\n1,960–4,900 tokens/s (2×–5× of 980)");
    expect(shown).not.toContain("*Model type*");
    expect(shown).not.toContain("*Chunk size*");
    await approve(h, card);
    const done = await h.waitForReply(card, (t) => t.includes("done, `llama-13b-3` is READY"), 10_000);
    expect(done.text).toContain("1,960–4,900 tokens/s");
    expect(endpoint(h)?.config?.served_entities?.[0]?.max_provisioned_throughput).toBe(4900);
    await h.waitForCard(card, (m) => blockText(m).includes("*Done*"));
    // A scale's READY is smoke-tested like a deploy's: a second query, its line in the scale's thread.
    await h.waitForReply(card, (t) => t.includes("🧪 Smoke test: `llama-13b-3` answered"), 10_000);
    expect(h.dbx.requestsTo("POST", /\/invocations$/)).toHaveLength(2);
    // The endpoint is tagged with the request that last changed it, and the audit log has its before and after.
    const id = endpoint(h)?.tags?.find((t) => t.key === "ptbot_request_id")?.value ?? "";
    expect(blockText(h.latest(card))).toContain(id);
    // The change is recorded by the step that made it READY (the smoke test's bookkeeping comes after it).
    const last = (await store?.audit(id))?.findLast((e) => e.action === "provisioning_succeeded");
    expect(last?.action).toBe("provisioning_succeeded");
    const change = last === undefined ? undefined : configChange(last.after);
    expect(change?.before?.band).toEqual({
      kind: "tokens",
      minTokensPerSecond: 1960,
      maxTokensPerSecond: 2940,
      scaleToZero: false,
    });
    expect(change?.after?.band).toMatchObject({ maxTokensPerSecond: 4900 });
  });

  it("refuses, before any card: nothing to change, past the policy's maximum, min 0 without scale to zero", async () => {
    h = await startHarness();
    await deployed(h);
    const cards = () => h?.slack.calls("chat.postMessage").length ?? 0;
    const before = cards();
    expect(await h.answer(`scale ${NAME} --max 3`)).toContain("nothing to change");
    expect(await h.answer(`scale ${NAME} --max 25`)).toContain("max must be at most 20×, got 25×");
    expect(await h.answer(`scale ${NAME} --min 0`)).toContain("min can be 0 only with scale to zero");
    expect(await h.answer(`scale ${NAME}`)).toContain("needs something to change");
    expect(await h.answer("scale nowhere --max 4")).toContain("There is no endpoint `nowhere`");
    expect(cards()).toBe(before);
  });

  it("refuses while another update is in progress, and says what is in progress", async () => {
    h = await startHarness({ provisioningMs: 5_000 });
    h.dbx.setProvisioningMs(300);
    await deployed(h);
    h.dbx.setProvisioningMs(60_000);
    await otherClient(h, "PUT", `${ENDPOINTS}/${NAME}/config`, {
      served_entities: [llamaEntity("2", 980, 1960)],
    });
    const text = await h.answer(`scale ${NAME} --max 4`);
    expect(text).toContain("is being updated right now");
    expect(text).toContain(`deploying ${LLAMA} v2`);
  });

  it("refuses an endpoint ptbot did not create without --adopt; with it the card says so and it is managed after", async () => {
    h = await startHarness();
    await foreignEndpoint(h, "team-llama");
    expect(await h.answer("scale team-llama --max 4")).toContain("was not created by ptbot");
    const card = await h.deploy("scale team-llama --max 4 --adopt");
    expect(blockText(card)).toContain("Not created by ptbot");
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("done, `team-llama` is READY"), 10_000);
    expect(endpoint(h, "team-llama")?.tags?.some((t) => t.key === "ptbot_request_id")).toBe(true);
    // Managed from then on: no --adopt needed, and it is listed.
    const next = await h.deploy("scale team-llama --max 5");
    expect(blockText(next)).not.toContain("Not created by ptbot");
    await h.answer("list");
    expect(JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks)).toContain("team-llama");
  });

  it("says a failed update left the endpoint on its old config, with the build log", async () => {
    h = await startHarness();
    await deployed(h);
    const card = await h.deploy(`scale ${NAME} --max 6`);
    h.dbx.failProvisioning(NAME, { message: "not enough GPU capacity", buildLogs: "error: out of capacity" });
    await approve(h, card);
    // Databricks reports why in the failed config it leaves pending (its entity's deployment_state_message): quoted.
    const failed = await h.waitForReply(card, (t) => t.includes("❌"), 10_000);
    expect(failed.text).toContain("failed.\n> not enough GPU capacity\nIt is still READY on v3");
    expect(failed.text).toContain("It is still READY on v3 at 1,960–2,940 tokens/s");
    // Sorted like a failed deployment: the build log says capacity.
    expect(failed.text).toContain("💡");
    expect(blockText(failed)).toContain("error: out of capacity");
    const shown = await h.waitForCard(card, (m) => blockText(m).includes("*Failed*"));
    expect(blockText(shown)).toContain("still READY on v3 at 1,960–2,940 tokens/s");
    expect(endpoint(h)?.state?.ready).toBe("READY");
  });

  it("waits for another update that started after the card, says so once, then applies and follows it to done", async () => {
    h = await startHarness();
    await deployed(h);
    const card = await h.deploy(`scale ${NAME} --max 5`);
    h.dbx.setProvisioningMs(1_500);
    await otherClient(h, "PUT", `${ENDPOINTS}/${NAME}/config`, {
      served_entities: [llamaEntity("3", 980, 1960)],
    });
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("busy with another config update"), 10_000);
    await h.waitForReply(card, (t) => t.includes("done, `llama-13b-3` is READY"), 15_000);
    expect(h.replies(card).filter((t) => t.includes("busy with another config update"))).toHaveLength(1);
    expect(h.replies(card).filter((t) => t.includes("❌"))).toEqual([]);
    expect(endpoint(h)?.config?.served_entities?.[0]?.max_provisioned_throughput).toBe(4900);
  });
});

describe("an adopted endpoint serving two entities", () => {
  it("scales the one taking most of the traffic, follows it to done, and keeps the other", async () => {
    h = await startHarness();
    const small = "system.ai.meta_llama_v3_1_8b_instruct";
    await otherClient(h, "POST", ENDPOINTS, {
      name: "team-pair",
      config: {
        served_entities: [
          { ...llamaEntity("3", 980, 1960), name: "main" },
          {
            entity_name: small,
            entity_version: "2",
            name: "shadow",
            min_provisioned_throughput: 0,
            max_provisioned_throughput: 19000,
            scale_to_zero_enabled: true,
          },
        ],
        traffic_config: {
          routes: [
            { served_entity_name: "main", traffic_percentage: 90 },
            { served_entity_name: "shadow", traffic_percentage: 10 },
          ],
        },
      },
    });
    await expect
      .poll(() => endpoint(h as Harness, "team-pair")?.state?.ready, { timeout: 10_000 })
      .toBe("READY");
    const card = await h.deploy("scale team-pair --max 4 --adopt");
    expect(blockText(card)).toContain("Not created by ptbot");
    expect(blockText(card)).toContain("*Proposed*\\n980–3,920 tokens/s (1×–4× of 980)");
    await approve(h, card);
    // Read back among both entities: found as ours, not "changed by someone else".
    const done = await h.waitForReply(
      card,
      (t) => t.includes("done, `team-pair` is READY") || t.includes("❌"),
      10_000,
    );
    expect(done.text).toContain("done, `team-pair` is READY");
    const entities = endpoint(h, "team-pair")?.config?.served_entities as
      | { name?: string; entity_name?: string; max_provisioned_throughput?: number }[]
      | undefined;
    expect(entities?.map((e) => [e.name, e.entity_name, e.max_provisioned_throughput])).toEqual([
      ["main", LLAMA, 3920],
      ["shadow", small, 19000],
    ]);
    await h.waitForCard(card, (m) => blockText(m).includes("*Done*"));
  });
});

describe("a decided scale", () => {
  it("tells the approver to ask again with /pt scale, not /pt deploy", async () => {
    h = await startHarness();
    await deployed(h);
    const card = await h.deploy(`scale ${NAME} --max 5`);
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.reject,
    });
    await h.waitForCard(card, (m) => blockText(m).includes("*Rejected*"));
    const since = h.slack.lastSeq;
    // A client that has not re-rendered the card yet still shows Approve.
    await h.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.approve,
      version: 0,
    });
    const answer = await h.waitForEphemeral(APPROVER, (t) => t.includes("already rejected"), since);
    expect(answer).toContain("Run `/pt scale llama-13b-3` again to ask anew.");
    expect(answer).not.toContain("/pt deploy");
  });
});

describe("/pt scale of a model-unit endpoint", () => {
  it("takes --max alone, and updates the endpoint's model units through the /pt route", async () => {
    h = await startHarness();
    const first = await h.deploy("deploy system.ai.gpt-oss-120b 2 --max 2");
    await approve(h, first);
    await h.waitForReply(first, (t) => t.includes("is READY"), 10_000);
    expect(await h.answer("scale gpt-oss-120b-2 --min 1 --max 3")).toContain("`--min` does not apply");
    const card = await h.deploy("scale gpt-oss-120b-2 --max 3");
    expect(blockText(card)).toContain("v2 at 100 model units (2×) → 150 model units (3× of 50)");
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("done, `gpt-oss-120b-2` is READY"), 10_000);
    expect(h.dbx.requestsTo("PUT", `${ENDPOINTS}/pt/gpt-oss-120b-2/config`)).toHaveLength(1);
  });
});

describe("one request at a time per endpoint, whatever its kind", () => {
  it("refuses a scale while the endpoint's deploy is still in flight, naming it", async () => {
    h = await startHarness({ provisioningMs: 60_000 });
    const card = await h.deploy(`deploy ${LLAMA} 3`);
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("provisioning (this can take"));
    const text = await h.answer(`scale ${NAME} --max 4`);
    expect(text).toContain(
      "Another request for `llama-13b-3` (asked by you, provisioning) is still in progress",
    );
  });
});

describe("an update Databricks refuses as busy with 400 INVALID_STATE", () => {
  it("is waited out like a 409 RESOURCE_CONFLICT: told once, sent again, followed to done", async () => {
    h = await startHarness();
    await deployed(h);
    const card = await h.deploy(`scale ${NAME} --max 5`);
    h.dbx.injectFault({
      method: "PUT",
      path: `${ENDPOINTS}/${NAME}/config`,
      kind: "status",
      status: 400,
      errorCode: "INVALID_STATE",
      message: "Endpoint is currently being updated",
    });
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("done, `llama-13b-3` is READY"), 10_000);
    expect(h.replies(card).filter((t) => t.includes("busy with another config update"))).toHaveLength(1);
    expect(h.dbx.requestsTo("PUT", `${ENDPOINTS}/${NAME}/config`)).toHaveLength(2);
  });
});

describe("/pt rollback", () => {
  it("says there is no earlier config on record after a single deploy", async () => {
    h = await startHarness();
    await deployed(h);
    expect(await h.answer(`rollback ${NAME}`)).toContain("no earlier config on record");
  });

  it("refuses an endpoint ptbot did not create without --adopt; with it, ptbot has no earlier config on record", async () => {
    h = await startHarness();
    await foreignEndpoint(h, "team-llama");
    expect(await h.answer("rollback team-llama")).toContain("was not created by ptbot");
    expect(await h.answer("rollback team-llama --adopt")).toContain("no earlier config on record");
  });

  it("says a failed rollback left the endpoint on its current config, quoting Databricks", async () => {
    h = await startHarness();
    await deployed(h);
    await deployed(h, 2, ` --name ${NAME} --max 4`);
    const card = await h.deploy(`rollback ${NAME}`);
    h.dbx.failProvisioning(NAME, {
      message: "model artifact could not be loaded",
      buildLogs: "error: bad weights",
    });
    await approve(h, card);
    const failed = await h.waitForReply(card, (t) => t.includes("❌"), 10_000);
    expect(failed.text).toContain("> model artifact could not be loaded");
    expect(failed.text).toContain("It is still READY on v2 at 1,960–3,920 tokens/s");
    expect(blockText(failed)).toContain("error: bad weights");
    expect(endpoint(h)?.config?.served_entities?.[0]?.entity_version).toBe("2");
  });

  it("proposes the config ptbot applied before the current one, and applies it", async () => {
    let store: Store | undefined;
    h = await startHarness({
      wrapStore: (s) => {
        store = s;
        return s;
      },
    });
    await deployed(h);
    await deployed(h, 2, ` --name ${NAME} --max 4`);
    const card = await h.deploy(`rollback ${NAME}`);
    expect(blockText(card)).toContain("Rollback request: llama-13b-3");
    expect(blockText(card)).toContain(
      "v2 at 1,960–3,920 tokens/s → v3 at 1,960–2,940 tokens/s (2×–3× of 980)",
    );
    await approve(h, card);
    await h.waitForReply(card, (t) => t.includes("done, `llama-13b-3` is READY on v3"), 10_000);
    expect(endpoint(h)?.config?.served_entities?.[0]?.entity_version).toBe("3");
    // Smoke-tested like a deploy: the rollback's thread gets its own line (two deploys, then this one).
    await h.waitForReply(card, (t) => t.includes("🧪 Smoke test: `llama-13b-3` answered"), 10_000);
    expect(h.dbx.requestsTo("POST", /\/invocations$/)).toHaveLength(3);
    // The audit log has the rollback's before (v2) and after (v3).
    const id = endpoint(h)?.tags?.find((t) => t.key === "ptbot_request_id")?.value ?? "";
    const done = (await store?.audit(id))?.findLast((e) => e.action === "provisioning_succeeded");
    const change = done === undefined ? undefined : configChange(done.after);
    expect(change?.before).toMatchObject({ version: 2, band: { maxTokensPerSecond: 3920 } });
    expect(change?.after).toMatchObject({ version: 3, band: { maxTokensPerSecond: 2940 } });
  });
});

describe("/pt delete", () => {
  async function openDelete(harness: Harness, card: StoredMessage) {
    const since = harness.slack.lastSeq;
    await harness.driver.clickButton({
      user: APPROVER,
      channel: CHANNEL,
      messageTs: card.ts,
      actionId: ACTIONS.delete,
    });
    const opened = await harness.slack.waitFor((e) => e.type === "view_opened", { since, timeoutMs: 3000 });
    if (opened.type !== "view_opened") throw new Error("no view");
    return opened.view;
  }

  it("confirms by the typed name: a wrong one changes nothing, the right one deletes and the endpoint leaves the list", async () => {
    let store: Store | undefined;
    h = await startHarness({
      wrapStore: (s) => {
        store = s;
        return s;
      },
    });
    await deployed(h);
    const card = await h.deploy(`delete ${NAME}`);
    const shown = blockText(card);
    expect(shown).toContain("Delete request: llama-13b-3");
    expect(shown).toContain(
      '"action_id":"ptbot_delete","text":{"type":"plain_text","text":"Delete","emoji":true},"style":"danger"',
    );
    expect(shown).not.toContain(ACTIONS.approve);
    expect(shown).toContain("*Serves now*\\n`ml.llm-catalog.llama-13b` v3 at 1,960–2,940 tokens/s");
    expect(shown).toContain("The endpoint and its config are gone");
    expect(shown).not.toContain("*Model type*");
    expect(shown).not.toContain("(to delete)");
    // An approval without the typed name (the card has no Approve button; any other caller) deletes nothing.
    const id = blockText(card).match(/Request `([^`]+)`/)?.[1] ?? "";
    const bare = await h.running.workflow.approve(id, APPROVER, 1);
    expect(bare.ok || bare.rejection.code).toBe("name_not_confirmed");
    expect(endpoint(h)).toBeDefined();
    const view = await openDelete(h, card);
    expect(view.view.callback_id).toBe(DELETE_VIEW);

    const updatesBefore = h.slack.calls("chat.update").length;
    const wrong = await h.driver.submitView({
      user: APPROVER,
      viewId: view.id,
      values: { [DELETE_INPUT.action]: "llama-13b-2" },
    });
    expect(wrong.view?.open).toBe(true);
    expect(wrong.view?.errors?.[DELETE_INPUT.block]).toContain("type llama-13b-3 exactly");
    expect(endpoint(h)).toBeDefined();
    expect(h.slack.calls("chat.update")).toHaveLength(updatesBefore);

    const right = await h.driver.submitView({
      user: APPROVER,
      viewId: view.id,
      values: { [DELETE_INPUT.action]: NAME },
    });
    expect(right.view?.open).toBe(false);
    await h.waitForReply(card, (t) => t.includes("was deleted"), 10_000);
    expect(endpoint(h)).toBeUndefined();
    await h.waitForCard(card, (m) => blockText(m).includes("*Deleted*"));
    const list = await h.answer("list");
    expect(list).toContain("ptbot manages 0 endpoints");
    // /pt status says it was deleted, by whom and when, and lists the delete among ptbot's last changes.
    await h.answer(`status ${NAME}`);
    const status = JSON.stringify(h.slack.ephemerals({ user: REQUESTER }).at(-1)?.blocks);
    expect(status).toContain(`🗑️ \`${NAME}\` was deleted through ptbot <!date^`);
    expect(status).toContain(`requested by <@${REQUESTER}>, approved by <@${APPROVER}>.`);
    expect(status).toMatch(
      /\*Last changes by ptbot\*:\\n• <!date\^\d+[^•]*: ✅, deleted \(it served `ml.llm-catalog.llama-13b` v3 at 1,960–2,940 tokens\/s\)/u,
    );
    // The audit log has what the delete replaced (v3 at its band) and nothing after it.
    const deleted = (await store?.audit(id))?.findLast((e) => e.action === "deleted");
    const change = deleted === undefined ? undefined : configChange(deleted.after);
    expect(change?.before).toMatchObject({ version: 3, band: { maxTokensPerSecond: 2940 } });
    expect(change).not.toHaveProperty("after");
  });

  it("refuses an endpoint ptbot did not create without --adopt, and deletes it with --adopt", async () => {
    h = await startHarness();
    await foreignEndpoint(h, "team-llama");
    expect(await h.answer("delete team-llama")).toContain("was not created by ptbot");
    const card = await h.deploy("delete team-llama --adopt");
    expect(blockText(card)).toContain("Not created by ptbot");
    const view = await openDelete(h, card);
    await h.driver.submitView({
      user: APPROVER,
      viewId: view.id,
      values: { [DELETE_INPUT.action]: "team-llama" },
    });
    await h.waitForReply(card, (t) => t.includes("was deleted"), 10_000);
    expect(endpoint(h, "team-llama")).toBeUndefined();
  });
});
