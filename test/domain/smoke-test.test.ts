import { describe, expect, it } from "vitest";
import { type SmokeResult, smokeTokensPerSecond } from "../../src/domain/smoke-test.js";
import { transition } from "../../src/domain/transition.js";
import { HOUR, policy, requestIn, T0 } from "./fixtures.js";

const NOW = T0 + 2 * HOUR;
const answered: SmokeResult = {
  outcome: "answered",
  task: "chat",
  latencyMs: 500,
  promptTokens: 12,
  completionTokens: 8,
  answer: "Hello there",
  logprob: -0.2,
};

describe("the smoke-test step of a ready request", () => {
  it("is claimed once, ends once with its result, and only the end posts a notice", () => {
    const ready = requestIn("ready");
    const started = transition(ready, { type: "smoke_test_started" }, { now: NOW, policy });
    if (!started.ok) throw new Error(started.rejection.message);
    expect(started.request.smokeTest).toEqual({ startedAt: NOW });
    expect(started.effects).toEqual([]);

    const again = transition(started.request, { type: "smoke_test_started" }, { now: NOW + 1, policy });
    expect(again.ok ? "ok" : again.rejection.code).toBe("already_reported");

    const finished = transition(
      started.request,
      { type: "smoke_test_finished", result: answered },
      { now: NOW + 600, policy },
    );
    if (!finished.ok) throw new Error(finished.rejection.message);
    expect(finished.request.smokeTest).toEqual({ startedAt: NOW, result: answered });
    expect(finished.request.state).toBe("ready");
    expect(finished.effects).toEqual([
      { type: "notify", notice: { type: "smoke_tested", result: answered } },
    ]);

    const twice = transition(
      finished.request,
      { type: "smoke_test_finished", result: { outcome: "interrupted" } },
      { now: NOW + 700, policy },
    );
    expect(twice.ok ? "ok" : twice.rejection.code).toBe("already_reported");
  });

  it("a ready request asks for its smoke test behind the READY notice", () => {
    const provisioning = requestIn("provisioning");
    const ready = transition(
      provisioning,
      {
        type: "provisioning_succeeded",
        endpoint: { ready: "READY", configUpdate: "NOT_UPDATING", observedAt: NOW },
      },
      { now: NOW, policy },
    );
    if (!ready.ok) throw new Error(ready.rejection.message);
    expect(ready.effects.map((e) => e.notice.type)).toEqual(["card_changed", "ready", "smoke_test"]);
  });

  it("tokens per second: generated tokens over the latency; input tokens for embeddings", () => {
    expect(smokeTokensPerSecond(answered)).toBe(16);
    expect(
      smokeTokensPerSecond({
        outcome: "answered",
        task: "embeddings",
        latencyMs: 250,
        promptTokens: 5,
        dimensions: 8,
      }),
    ).toBe(20);
    expect(
      smokeTokensPerSecond({ outcome: "answered", task: "chat", latencyMs: 0, completionTokens: 3 }),
    ).toBe(undefined);
    expect(smokeTokensPerSecond({ outcome: "skipped" })).toBe(undefined);
  });
});
