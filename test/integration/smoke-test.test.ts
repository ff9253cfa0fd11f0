/**
 * The smoke test after READY, through the front door: a signed `/pt deploy` and approval, the emulator's endpoint
 * becoming READY, then one query shaped for the model's task and one thread line saying how it answered.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Seed } from "../../emulators/databricks/index.js";
import type { StoredMessage } from "../../emulators/slack/index.js";
import { ACTIONS } from "../../src/slack/ids.js";
import { waitUntil } from "../chaos/wait-until.js";
import { APPROVER, type Harness, LLAMA, startHarness } from "./harness.js";

const INVOCATIONS = /^\/serving-endpoints\/[^/]+\/invocations$/;
const COMPLETIONS_MODEL = "ml.llm-catalog.mpt-completions";
const CUSTOM_MODEL = "ml.llm-catalog.custom-pyfunc";

/** The default seed plus a completions model and a model whose task Databricks does not say. */
function seed(): Seed {
  const base = defaultSeed();
  const llama = base.models.find((m) => m.full_name === LLAMA);
  if (llama === undefined) throw new Error("the default seed lost llama");
  return {
    ...base,
    models: [
      ...base.models,
      { ...llama, full_name: COMPLETIONS_MODEL, task: "llm/v1/completions", aliases: {} },
      { ...llama, full_name: CUSTOM_MODEL, task: null, aliases: {} },
    ],
  };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function deployToReady(harness: Harness, text: string): Promise<StoredMessage> {
  const card = await harness.deploy(text);
  await harness.driver.clickButton({
    user: APPROVER,
    channel: card.channel,
    messageTs: card.ts,
    actionId: ACTIONS.approve,
  });
  await harness.waitForReply(card, (t) => t.includes("is READY"));
  return card;
}

const smokeLine = (t: string) => t.includes("Smoke test");

describe("the smoke test after READY", () => {
  it("chat: one query with messages, a small max_tokens and logprobs; one line with latency, tokens, rate, logprob and the first words", async () => {
    h = await startHarness({ seed: seed(), invocationLatencyMs: 150 });
    const card = await deployToReady(h, `deploy ${LLAMA} 3`);
    const line = (await h.waitForReply(card, smokeLine)).text;
    expect(line).toMatch(
      /^🧪 Smoke test: `llama-13b-3` answered a chat query in (\d+) ms · \d+ tokens in, \d+ out · [\d.]+ tokens\/s · first token logprob -?\d\.\d{3} · “Emulated reply from/,
    );
    const latency = Number(/in (\d+) ms/.exec(line)?.[1]);
    expect(latency).toBeGreaterThanOrEqual(150);

    const queries = h.dbx.requestsTo("POST", INVOCATIONS);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.path).toBe("/serving-endpoints/llama-13b-3/invocations");
    expect(queries[0]?.body).toMatchObject({
      messages: [{ role: "user", content: expect.any(String) }],
      max_tokens: 16,
      logprobs: true,
      top_logprobs: 2,
    });
    // After the READY line, once.
    const replies = h.replies(card);
    expect(replies.filter(smokeLine)).toHaveLength(1);
    expect(replies.findIndex((t) => t.includes("is READY"))).toBeLessThan(replies.findIndex(smokeLine));
  });

  it("completions: a prompt; the line shows the first words of the text", async () => {
    h = await startHarness({ seed: seed() });
    const card = await deployToReady(h, `deploy ${COMPLETIONS_MODEL} 3`);
    const line = (await h.waitForReply(card, smokeLine)).text;
    expect(line).toContain("answered a completions query in");
    expect(line).toContain("“Emulated completion from");
    expect(line).not.toContain("logprob");
    const queries = h.dbx.requestsTo("POST", INVOCATIONS);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.body).toEqual({ prompt: expect.any(String), max_tokens: 16 });
  });

  it("embeddings: an input; the line shows the vector's length", async () => {
    h = await startHarness();
    const card = await deployToReady(h, "deploy system.ai.gte_large_en_v1_5 2");
    const line = (await h.waitForReply(card, smokeLine)).text;
    expect(line).toMatch(
      /answered an embeddings query in \d+ ms · \d+ tokens in · [\d.]+ tokens\/s · vector of 1,024 dimensions$/,
    );
    const queries = h.dbx.requestsTo("POST", INVOCATIONS);
    expect(queries).toHaveLength(1);
    expect(queries[0]?.body).toEqual({ input: expect.any(String) });
  });

  it("a model whose task Databricks does not say: the line says so and nothing is sent", async () => {
    h = await startHarness({ seed: seed() });
    const card = await deployToReady(h, `deploy ${CUSTOM_MODEL} 3`);
    const line = (await h.waitForReply(card, smokeLine)).text;
    expect(line).toContain(
      "🧪 Smoke test skipped: Databricks does not say which task `custom-pyfunc-3` serves",
    );
    expect(h.dbx.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
  });

  it("a failed query is reported with its error (⚠️), once, not retried, and the endpoint is left as it is", async () => {
    h = await startHarness();
    h.dbx.injectFault({
      kind: "status",
      status: 500,
      path: INVOCATIONS,
      message: "Model server crashed <!channel>",
      times: Number.POSITIVE_INFINITY,
    });
    const card = await deployToReady(h, `deploy ${LLAMA} 3`);
    const reply = await h.waitForReply(card, smokeLine);
    expect(reply.text).toMatch(/^⚠️ Smoke test: a chat query to `llama-13b-3` failed after \d+ ms: /);
    expect(reply.text).toContain("Model server crashed &lt;!channel&gt;");
    expect(reply.text).toContain("The endpoint is left as it is.");
    expect(h.dbx.requestsTo("POST", INVOCATIONS)).toHaveLength(1);
    const writes = h.dbx.requests.filter(
      (r) => r.method !== "GET" && !INVOCATIONS.test(r.path) && r.path !== "/api/2.0/serving-endpoints",
    );
    expect(writes).toEqual([]);
    expect((h.dbx.endpoint("llama-13b-3") as { state: { ready: string } }).state.ready).toBe("READY");
  });

  it("a query refused with 503 is sent once, not retried as other calls are, and reported", async () => {
    h = await startHarness();
    h.dbx.injectFault({
      kind: "status",
      status: 503,
      path: INVOCATIONS,
      message: "temporarily unavailable",
      times: Number.POSITIVE_INFINITY,
    });
    const card = await deployToReady(h, `deploy ${LLAMA} 3`);
    const reply = await h.waitForReply(card, smokeLine);
    expect(reply.text).toMatch(/^⚠️ Smoke test: a chat query to `llama-13b-3` failed after \d+ ms: /);
    expect(h.dbx.requestsTo("POST", INVOCATIONS)).toHaveLength(1);
  });

  it("a query slower than its bound is reported as unanswered once the bound has passed, and sent once", async () => {
    h = await startHarness({ invocationLatencyMs: 3_000, env: { PTBOT_SMOKE_TEST_TIMEOUT_MS: "300" } });
    const card = await deployToReady(h, `deploy ${LLAMA} 3`);
    const reply = await h.waitForReply(card, smokeLine);
    expect(reply.text).toMatch(
      /^⚠️ Smoke test: a chat query to `llama-13b-3` failed after \d+ ms: no answer within/,
    );
    expect(h.dbx.requestsTo("POST", INVOCATIONS)).toHaveLength(1);
  });

  it("PTBOT_SMOKE_TEST=false: no query and no line", async () => {
    h = await startHarness({ env: { PTBOT_SMOKE_TEST: "false" } });
    const card = await deployToReady(h, `deploy ${LLAMA} 3`);
    const harness = h;
    await waitUntil(() => harness.logs.some((l) => l.msg === "smoke test off; not sent"), {
      timeoutMs: 5000,
      description: "the smoke test to be passed over",
    });
    expect(h.dbx.requestsTo("POST", INVOCATIONS)).toHaveLength(0);
    expect(h.replies(card).filter(smokeLine)).toEqual([]);
  });
});
