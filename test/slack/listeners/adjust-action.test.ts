/**
 * The Adjust button with hand-written fakes: the modal opens straight from the stored request, and every reason it
 * cannot (decided, out of time, not allowed, Slack let the trigger expire) is told privately.
 */
import { describe, expect, it } from "vitest";
import { approvalPolicy, type DeployRequest } from "../../../src/domain/index.js";
import { ADJUST_VIEW } from "../../../src/slack/ids.js";
import { handleAdjust } from "../../../src/slack/listeners/adjust-action.js";
import type { ListenerClient, ListenerDeps } from "../../../src/slack/listeners/deps.js";
import { requestIn, T0 } from "../../domain/fixtures.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { memoryLogger } from "../../fakes/memory-logger.js";
import { policy } from "../blocks/fixtures.js";

function harness(
  request: DeployRequest | undefined,
  options: { user?: string; openError?: string; groups?: boolean; now?: number; memberOf?: string[] } = {},
) {
  const opened: { trigger_id: string; view: { callback_id?: string } }[] = [];
  const answers: { text?: string; response_type?: string; replace_original?: boolean }[] = [];
  const client = {
    views: {
      open: async (args: { trigger_id: string; view: { callback_id?: string } }) => {
        if (options.openError !== undefined) {
          throw Object.assign(new Error(options.openError), {
            code: "slack_webapi_platform_error",
            data: { ok: false, error: options.openError },
          });
        }
        opened.push(args);
        return { ok: true };
      },
    },
  } as unknown as ListenerClient;
  const deps = {
    workflow: {
      actor: async (id: string) => ({ id, groups: options.memberOf ?? [] }),
    } as unknown as ListenerDeps["workflow"],
    store: { get: async () => request } as unknown as ListenerDeps["store"],
    databricks: {} as ListenerDeps["databricks"],
    policy: options.groups === false ? approvalPolicy({ approverUsers: ["U0APPROVER"] }) : policy,
    clock: new ManualClock(options.now ?? T0),
    logger: memoryLogger("silent").logger,
  } satisfies ListenerDeps;
  const run = () =>
    handleAdjust(
      {
        body: { user: { id: options.user ?? "U_REQ" }, actions: [{ value: "req-1" }], trigger_id: "T1" },
        ack: async () => undefined,
        respond: async (message) => {
          answers.push(message);
        },
        client,
      },
      deps,
    );
  return { opened, answers, run };
}

describe("handleAdjust", () => {
  it("opens the adjust modal for the requester, from the stored request", async () => {
    const h = harness(requestIn("awaiting_approval"));
    await h.run();
    expect(h.opened).toHaveLength(1);
    expect(h.opened[0]).toMatchObject({ trigger_id: "T1", view: { callback_id: ADJUST_VIEW } });
    expect(h.answers).toEqual([]);
  });

  it("tells the clicker privately when the request is already decided", async () => {
    const h = harness(requestIn("provisioning"));
    await h.run();
    expect(h.opened).toEqual([]);
    expect(h.answers[0]).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(h.answers[0]?.text).toContain("already approved");
  });

  it("refuses once the time ran out, before the sweep", async () => {
    const request = requestIn("awaiting_approval");
    const h = harness(request, { now: request.expiresAt });
    await h.run();
    expect(h.answers[0]?.text).toContain("expired");
  });

  it("refuses someone who is neither the requester nor an approver when no group could make them one", async () => {
    const h = harness(requestIn("awaiting_approval"), { user: "U0STRANGER", groups: false });
    await h.run();
    expect(h.opened).toEqual([]);
    expect(h.answers[0]?.text).toContain("can adjust this request");
  });

  it("refuses at once someone outside the approver groups, before any form opens", async () => {
    const h = harness(requestIn("awaiting_approval"), { user: "U0STRANGER", memberOf: [] });
    await h.run();
    expect(h.opened).toEqual([]);
    expect(h.answers[0]?.text).toContain("can adjust this request");
  });

  it("opens the form for a member of an approver group", async () => {
    const h = harness(requestIn("awaiting_approval"), { user: "U0MEMBER", memberOf: ["S0MLAPPROVE"] });
    await h.run();
    expect(h.opened).toHaveLength(1);
  });

  it("asks to press again when Slack let the trigger expire", async () => {
    const h = harness(requestIn("awaiting_approval"), { openError: "expired_trigger_id" });
    await h.run();
    expect(h.answers[0]?.text).toBe("Slack took too long to open the form. Press Adjust again.");
  });

  it("says so when the request is gone", async () => {
    const h = harness(undefined);
    await h.run();
    expect(h.answers[0]?.text).toContain("cannot find this request");
  });
});
