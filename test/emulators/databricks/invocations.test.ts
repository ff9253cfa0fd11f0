import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FAILURE_KINDS, FAILURE_PRESETS } from "../../../emulators/databricks/index.js";
import {
  at,
  expectErrorBody,
  type Harness,
  list,
  llamaCreate,
  PROVISIONING_MS,
  startHarness,
} from "./harness.js";

const API = "/api/2.0/serving-endpoints";
const invoke = (name: string) => `/serving-endpoints/${name}/invocations`;

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  await h.call("POST", API, llamaCreate("chat"));
  await h.call("POST", API, {
    name: "embed",
    config: {
      served_entities: [
        {
          entity_name: "system.ai.gte_large_en_v1_5",
          entity_version: "1",
          min_provisioned_throughput: 970,
          max_provisioned_throughput: 970,
        },
      ],
    },
  });
  h.clock.advance(PROVISIONING_MS);
});
afterEach(() => h.emulator.close());

describe("chat", () => {
  it("answers a chat.completion with usage and no logprobs by default", async () => {
    const reply = await h.call("POST", invoke("chat"), {
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Say hello" },
      ],
      max_tokens: 100,
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: expect.any(String),
      object: "chat.completion",
      created: Math.floor(h.clock.now() / 1000),
      model: expect.any(String),
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: expect.any(String) },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
    });
    const usage = at(reply.body, "usage") as Record<string, number>;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe((usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0));
  });

  it("answers token logprobs with top_logprobs when asked", async () => {
    const reply = await h.call("POST", invoke("chat"), {
      messages: [{ role: "user", content: "Hi" }],
      logprobs: true,
      top_logprobs: 3,
    });
    const content = String(at(reply.body, "choices.0.message.content"));
    const tokens = list(reply.body, "choices.0.logprobs.content");
    expect(tokens.map((t) => at(t, "token")).join("")).toBe(content);
    expect(tokens).toHaveLength(Number(at(reply.body, "usage.completion_tokens")));
    for (const t of tokens) {
      const logprob = at(t, "logprob") as number;
      expect(logprob).toBeLessThanOrEqual(0);
      expect(at(t, "bytes")).toEqual([...Buffer.from(String(at(t, "token")))]);
      const top = list(t, "top_logprobs");
      expect(top).toHaveLength(3);
      expect(top[0]).toMatchObject({ token: at(t, "token"), logprob });
      const total = top.reduce((p: number, x) => p + Math.exp(at(x, "logprob") as number), 0);
      expect(total).toBeLessThanOrEqual(1);
    }
  });

  it("stops at max_tokens with finish_reason length", async () => {
    const reply = await h.call("POST", invoke("chat"), {
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 2,
    });
    expect(at(reply.body, "choices.0.finish_reason")).toBe("length");
    expect(at(reply.body, "usage.completion_tokens")).toBe(2);
  });

  it("refuses top_logprobs without logprobs, and a request with neither messages nor prompt", async () => {
    expectErrorBody(
      await h.call("POST", invoke("chat"), { messages: [{ role: "user", content: "Hi" }], top_logprobs: 2 }),
      400,
      "BAD_REQUEST",
    );
    expectErrorBody(await h.call("POST", invoke("chat"), { input: "x" }), 400, "BAD_REQUEST");
  });
});

describe("completions", () => {
  it("answers a text_completion for a prompt", async () => {
    const reply = await h.call("POST", invoke("chat"), { prompt: "Once upon a time", max_tokens: 50 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: "text_completion",
      choices: [{ index: 0, text: expect.any(String), finish_reason: "stop" }],
      usage: { prompt_tokens: 4, completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
  });
});

describe("embeddings", () => {
  it("answers a list of unit-length, deterministic embeddings for an embeddings model", async () => {
    const reply = await h.call("POST", invoke("embed"), { input: ["first text", "second text"] });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      object: "list",
      data: [
        { object: "embedding", index: 0 },
        { object: "embedding", index: 1 },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    const first = list(reply.body, "data.0.embedding") as number[];
    expect(first).toHaveLength(1024);
    expect(first.every((x) => typeof x === "number")).toBe(true);
    expect(Math.hypot(...first)).toBeCloseTo(1, 3);
    expect(first).not.toEqual(list(reply.body, "data.1.embedding"));
    const again = await h.call("POST", invoke("embed"), { input: "first text" });
    expect(list(again.body, "data.0.embedding")).toEqual(first);
  });

  it("refuses chat messages on an embeddings model", async () => {
    expectErrorBody(
      await h.call("POST", invoke("embed"), { messages: [{ role: "user", content: "Hi" }] }),
      400,
      "BAD_REQUEST",
    );
  });
});

describe("endpoint state", () => {
  it("answers 404 for an unknown endpoint and 400 INVALID_STATE for one not ready", async () => {
    expectErrorBody(await h.call("POST", invoke("nope"), { prompt: "x" }), 404, "RESOURCE_DOES_NOT_EXIST");
    await h.call("POST", API, llamaCreate("creating"));
    expectErrorBody(
      await h.call("POST", invoke("creating"), { prompt: "x" }),
      400,
      "INVALID_STATE",
      /not ready/,
    );
  });

  it("keeps serving the old config while an update is in progress", async () => {
    await h.call("PUT", `${API}/chat/config`, {
      served_entities: [
        {
          entity_name: "ml.llm-catalog.llama-13b",
          entity_version: "2",
          min_provisioned_throughput: 980,
          max_provisioned_throughput: 980,
        },
      ],
    });
    const reply = await h.call("POST", invoke("chat"), { messages: [{ role: "user", content: "Hi" }] });
    expect(at(reply.body, "model")).toBe("llama-13b-3");
    h.clock.advance(PROVISIONING_MS);
    const after = await h.call("POST", invoke("chat"), { messages: [{ role: "user", content: "Hi" }] });
    expect(at(after.body, "model")).toBe("llama-13b-2");
  });
});

describe("latency and failure kinds", () => {
  it("answers after the configured invocation latency (real time), changeable while running", async () => {
    h.emulator.setInvocationLatencyMs(120);
    const begun = performance.now();
    const reply = await h.call("POST", invoke("chat"), { messages: [{ role: "user", content: "hi" }] });
    expect(reply.status).toBe(200);
    expect(performance.now() - begun).toBeGreaterThanOrEqual(110);
    h.emulator.setInvocationLatencyMs(0);
  });

  it("words each failure kind in the entity's deployment message and at the end of its build log", async () => {
    for (const kind of FAILURE_KINDS) {
      const name = `fail-${kind}`;
      h.emulator.failProvisioning(name, { kind });
      await h.call("POST", API, llamaCreate(name));
      h.clock.advance(PROVISIONING_MS);
      const got = await h.call("GET", `${API}/${name}`);
      expect(at(got.body, "state.config_update")).toBe("UPDATE_FAILED");
      expect(at(got.body, "config.served_entities.0.state.deployment_state_message")).toBe(
        FAILURE_PRESETS[kind].message,
      );
      const entity = String(at(got.body, "config.served_entities.0.name"));
      const logs = await h.call("GET", `${API}/${name}/served-models/${entity}/build-logs`);
      const text = String(at(logs.body, "logs"));
      for (const line of FAILURE_PRESETS[kind].logLines) expect(text).toContain(line);
    }
  });
});
