import { describe, expect, it } from "vitest";
import { smokeLine } from "../../../src/slack/blocks/smoke-line.js";

const NAME = "`llama-13b-3`";

describe("smokeLine", () => {
  it("shows latency, tokens in and out, the rate, the logprob and the answer, escaped", () => {
    const line = smokeLine(NAME, {
      outcome: "answered",
      task: "chat",
      latencyMs: 250,
      promptTokens: 9,
      completionTokens: 12,
      logprob: -0.0312,
      answer: "Hi <!channel> & *all*",
    });
    expect(line).toBe(
      "🧪 Smoke test: `llama-13b-3` answered a chat query in 250 ms · 9 tokens in, 12 out · 48.0 tokens/s · " +
        "first token logprob -0.031 · “Hi &lt;!channel&gt; &amp; *all*”",
    );
  });

  it("shows an embeddings vector's length, without an answer", () => {
    const line = smokeLine(NAME, {
      outcome: "answered",
      task: "embeddings",
      latencyMs: 40,
      promptTokens: 5,
      dimensions: 1024,
    });
    expect(line).toContain(
      "answered an embeddings query in 40 ms · 5 tokens in · 125.0 tokens/s · vector of 1,024 dimensions",
    );
    expect(line).not.toContain("“");
  });

  it("words a failure, a skip and an interruption", () => {
    expect(
      smokeLine(NAME, { outcome: "failed", task: "completions", latencyMs: 12, error: "boom <@U1>" }),
    ).toBe(
      "⚠️ Smoke test: a completions query to `llama-13b-3` failed after 12 ms: boom &lt;@U1&gt;. The endpoint is left as it is.",
    );
    expect(smokeLine(NAME, { outcome: "skipped", detail: "task <x>" })).toContain("(task &lt;x&gt;)");
    expect(smokeLine(NAME, { outcome: "interrupted" })).toMatch(/^⚠️|^🧪/);
  });
});
