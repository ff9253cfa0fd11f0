import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GTE, type Harness, llamaCreate, startHarness } from "./emulator.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ provisioningMs: 1_000 });
  await h.client.createServingEndpoint(llamaCreate("chat"));
  await h.client.createServingEndpoint({
    name: "embed",
    config: {
      served_entities: [
        {
          entity_name: GTE,
          entity_version: "1",
          min_provisioned_throughput: 970,
          max_provisioned_throughput: 970,
        },
      ],
    },
  });
  h.clock.advance(1_001);
});
afterAll(async () => {
  await h.close();
});

describe("queries at /serving-endpoints/{name}/invocations", () => {
  it("chats, with per-token logprobs when asked", async () => {
    const answer = await h.client.queryChat("chat", {
      messages: [{ role: "user", content: "Say hello" }],
      max_tokens: 8,
      logprobs: true,
      top_logprobs: 2,
    });
    expect(answer.object).toBe("chat.completion");
    const choice = answer.choices[0];
    expect(typeof choice?.message.content).toBe("string");
    expect(choice?.logprobs?.content?.length).toBeGreaterThan(0);
    expect(choice?.logprobs?.content?.[0]?.top_logprobs?.length).toBe(2);
    expect(answer.usage?.total_tokens).toBeGreaterThan(0);
    const [call] = h.emu.requestsTo("POST", "/serving-endpoints/chat/invocations");
    expect(call?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
  });

  it("completes a prompt", async () => {
    const answer = await h.client.queryCompletions("chat", { prompt: "Once upon a time", max_tokens: 5 });
    expect(answer.object).toBe("text_completion");
    expect(typeof answer.choices[0]?.text).toBe("string");
  });

  it("embeds text", async () => {
    const answer = await h.client.queryEmbeddings("embed", { input: ["a", "b"] });
    expect(answer.object).toBe("list");
    expect(answer.data).toHaveLength(2);
    expect(answer.data[0]?.embedding.length).toBeGreaterThan(0);
  });
});
