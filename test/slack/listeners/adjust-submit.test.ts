/**
 * The modal submission's time budget, with hand-written fakes: a workflow slower than Slack's 3 s closes the modal
 * in time and sends a late refusal privately; a quick one answers in the ack.
 */
import { describe, expect, it } from "vitest";
import type { DeployRequest } from "../../../src/domain/index.js";
import { ADJUST_INPUTS } from "../../../src/slack/ids.js";
import { type AdjustSubmitArgs, handleAdjustSubmit } from "../../../src/slack/listeners/adjust-submit.js";
import type { ListenerClient, ListenerDeps } from "../../../src/slack/listeners/deps.js";
import type { Applied } from "../../../src/workflow/apply-event.js";
import { requestIn } from "../../domain/fixtures.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { memoryLogger } from "../../fakes/memory-logger.js";
import { policy } from "../blocks/fixtures.js";

function harness(adjust: () => Promise<Applied>, submitBudgetMs = 50) {
  const acks: unknown[] = [];
  const ephemerals: { channel: string; user: string; text: string }[] = [];
  const client = {
    chat: {
      postEphemeral: async (args: { channel: string; user: string; text: string }) => {
        ephemerals.push(args);
        return { ok: true };
      },
    },
  } as unknown as ListenerClient;
  const deps = {
    workflow: { adjust } as unknown as ListenerDeps["workflow"],
    store: {} as ListenerDeps["store"],
    databricks: {} as ListenerDeps["databricks"],
    policy,
    clock: new ManualClock(),
    logger: memoryLogger("silent").logger,
    submitBudgetMs,
  } satisfies ListenerDeps;
  const args: AdjustSubmitArgs = {
    body: {
      user: { id: "U0REQUESTER" },
      view: {
        private_metadata: "req-1",
        state: {
          values: {
            [ADJUST_INPUTS.min.block]: { [ADJUST_INPUTS.min.action]: { value: "2" } },
            [ADJUST_INPUTS.max.block]: { [ADJUST_INPUTS.max.action]: { value: "4" } },
            [ADJUST_INPUTS.name.block]: { [ADJUST_INPUTS.name.action]: { value: "llama-13b-3" } },
          },
        },
      },
    },
    ack: async (answer) => {
      acks.push(answer);
    },
    client,
  };
  return { acks, ephemerals, run: () => handleAdjustSubmit(args, deps) };
}

const closed: DeployRequest = requestIn("rejected");

describe("handleAdjustSubmit", () => {
  it("answers a quick refusal in the ack, under the first input", async () => {
    const h = harness(async () => ({
      ok: false,
      rejection: { code: "already_decided", message: "x" },
      request: closed,
    }));
    await h.run();
    expect(h.acks).toEqual([
      {
        response_action: "errors",
        errors: { [ADJUST_INPUTS.min.block]: "This request was already rejected or cancelled." },
      },
    ]);
    expect(h.ephemerals).toEqual([]);
  });

  it("closes the modal in time when the workflow is slow, then sends the refusal privately", async () => {
    let finish: (applied: Applied) => void = () => undefined;
    const h = harness(() => new Promise<Applied>((resolve) => (finish = resolve)));
    const running = h.run();
    // Poll with a short bound for the ack the budget forces, rather than sleeping a fixed time.
    for (let i = 0; i < 100 && h.acks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.acks).toEqual([undefined]);
    finish({ ok: false, rejection: { code: "already_decided", message: "x" }, request: closed });
    await running;
    expect(h.ephemerals).toHaveLength(1);
    expect(h.ephemerals[0]).toMatchObject({ channel: closed.channelId, user: "U0REQUESTER" });
    expect(h.ephemerals[0]?.text).toContain("Your adjustment was not saved");
  });

  it("closes the modal on success", async () => {
    const h = harness(async () => ({ ok: true, request: requestIn("awaiting_approval"), effects: [] }));
    await h.run();
    expect(h.acks).toEqual([undefined]);
  });

  it("shows an unexpected failure under the first input, in plain text", async () => {
    const h = harness(async () => {
      throw new Error("disk on fire");
    });
    await h.run();
    const [answer] = h.acks as { errors: Record<string, string> }[];
    expect(answer?.errors[ADJUST_INPUTS.min.block]).toContain("Something went wrong");
    expect(answer?.errors[ADJUST_INPUTS.min.block]).not.toContain("`");
  });
});
