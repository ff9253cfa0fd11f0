/**
 * `/pt` with hand-written fakes: what happens before the ack, and what waits for the after-ack queue.
 */

import type { RespondArguments } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import type { ListenerClient, ListenerDeps } from "../../../src/slack/listeners/deps.js";
import { handlePtCommand } from "../../../src/slack/listeners/pt-command.js";
import type { Applied } from "../../../src/workflow/apply-event.js";
import { T0 } from "../../domain/fixtures.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { memoryLogger } from "../../fakes/memory-logger.js";
import { policy } from "../blocks/fixtures.js";

function harness() {
  const events: string[] = [];
  const queued: (() => Promise<unknown>)[] = [];
  const refused = {
    ok: false,
    rejection: { code: "channel_not_allowed", message: "channel C0ELSEWHERE is not allowed" },
  } as unknown as Applied;
  const deps = {
    workflow: {
      request: async () => {
        events.push("request");
        return refused;
      },
    } as unknown as ListenerDeps["workflow"],
    store: {} as ListenerDeps["store"],
    databricks: {} as ListenerDeps["databricks"],
    policy,
    clock: new ManualClock(T0),
    logger: memoryLogger("silent").logger,
    afterAck: <T>(work: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        events.push("queued");
        queued.push(() => work().then(resolve, reject));
      }),
  } satisfies ListenerDeps;
  const args = {
    command: { text: "deploy ml.llm-catalog.llama-13b 3", user_id: "U0REQUESTER", channel_id: "C0ELSEWHERE" },
    ack: async () => {
      events.push("ack");
    },
    respond: async (answer: RespondArguments) => {
      events.push(`respond: ${answer.text ?? ""}`);
    },
    client: {} as ListenerClient,
    context: {},
  };
  return { deps, args, events, queued };
}

describe("/pt deploy and the after-ack queue", () => {
  it("acks first, and leaves the slow part to the queue until it is its turn", async () => {
    const h = harness();
    const handled = handlePtCommand(h.args, h.deps);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.events).toEqual(["ack", "queued"]);
    expect(h.queued).toHaveLength(1);
    await h.queued[0]?.();
    await handled;
    expect(h.events.slice(0, 3)).toEqual(["ack", "queued", "request"]);
    expect(h.events[3]).toMatch(/^respond: /);
  });
});
