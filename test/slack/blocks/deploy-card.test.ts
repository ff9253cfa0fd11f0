import { describe, expect, it } from "vitest";
import { validateMessageBlocks } from "../../../emulators/slack/index.js";
import { DEPLOY_STATES, type DeployRequest } from "../../../src/domain/index.js";
import { deployCard } from "../../../src/slack/blocks/deploy-card.js";
import { ACTIONS, CARD_BLOCKS } from "../../../src/slack/ids.js";
import { requestIn, unitsModel } from "../../domain/fixtures.js";
import { ctx, expectNothingLive, HOSTILE, hostile } from "./fixtures.js";

const shown = (r: DeployRequest) => JSON.stringify(deployCard(r, ctx));

describe("deployCard", () => {
  it.each(DEPLOY_STATES)("renders a valid card with a fallback in state %s", (state) => {
    const card = deployCard(requestIn(state), ctx);
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expect(card.text.trim()).not.toBe("");
    expect(card.blocks.some((b) => b.block_id === CARD_BLOCKS.status)).toBe(true);
    expect(card.blocks.some((b) => b.block_id === CARD_BLOCKS.actions)).toBe(state === "awaiting_approval");
  });

  it.each(DEPLOY_STATES)("stays within Block Kit's limits with hostile, huge inputs in state %s", (state) => {
    const card = deployCard(hostile(state), ctx);
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expectNothingLive(card);
    expect(JSON.stringify(card)).toContain("&lt;!channel&gt;");
    expect(card.text.length).toBeLessThanOrEqual(3000);
  });

  it("shows what will be deployed, where, by whom, who may approve, and when it expires", () => {
    const text = shown(requestIn("awaiting_approval"));
    for (const part of [
      "ml.llm-catalog.llama-13b",
      "*Version*\\n3",
      "*Model type*\\nllama",
      "*Chunk size*\\n980 tokens/s",
      "1,960–2,940 tokens/s (2×–3× of 980)",
      "*Scale to zero*\\noff",
      "`llama-13b-3` (new)",
      "<@U_REQ>",
      "<@U0APPROVER>",
      "<!subteam^S0MLAPPROVE>",
      "needs 1 approval",
      "*Approvals*\\n0 of 1",
      "<!date^",
    ]) {
      expect(text).toContain(part);
    }
  });

  it("has Approve (primary, confirmed), Adjust, Reject (danger) and Cancel, each carrying the request id (Approve also its revision)", () => {
    const request = requestIn("awaiting_approval");
    const actions = deployCard(request, ctx).blocks.find((b) => b.block_id === CARD_BLOCKS.actions);
    expect(actions).toMatchObject({
      type: "actions",
      elements: [
        {
          action_id: ACTIONS.approve,
          style: "primary",
          value: `${request.id}@1`,
          confirm: { title: expect.any(Object) },
        },
        { action_id: ACTIONS.adjust, value: request.id },
        { action_id: ACTIONS.reject, style: "danger", value: request.id },
        { action_id: ACTIONS.cancel, value: request.id },
      ],
    });
  });

  it("puts the revision it shows on the Approve button, so an approval names what was seen", () => {
    const request = { ...requestIn("awaiting_approval"), revision: 3 };
    const actions = deployCard(request, ctx).blocks.find((b) => b.block_id === CARD_BLOCKS.actions);
    expect(JSON.stringify(actions)).toContain(`"value":"${request.id}@3"`);
  });

  it("names the approvers after approval, and drops the buttons", () => {
    const text = shown(requestIn("provisioning"));
    expect(text).toContain("✅ *Approved* by <@U_APPROVER>.");
    expect(text).not.toContain(ACTIONS.approve);
  });

  it("links the endpoint once it is ready", () => {
    expect(shown(requestIn("ready"))).toContain(
      "<https://adb-1.azuredatabricks.net/ml/endpoints/llama-13b-3|Open the endpoint in Databricks>",
    );
  });

  it("shows the change for an update of an existing endpoint", () => {
    const request = requestIn("awaiting_approval", {
      mode: {
        kind: "update",
        current: {
          entityName: "ml.llm-catalog.llama-13b",
          entityVersion: 2,
          plan: { minMultiple: 1, maxMultiple: 2, scaleToZero: false },
          minThroughput: 980,
          maxThroughput: 1960,
        },
      },
    });
    const text = shown(request);
    expect(text).toContain("(update)");
    expect(text).toContain("v2 at 980–1,960 tokens/s → v3 at 1,960–2,940 tokens/s");
  });

  describe("a change to an existing endpoint shows what its kind is about, not a deploy's fields", () => {
    const update = {
      mode: {
        kind: "update" as const,
        current: {
          entityName: "ml.llm-catalog.llama-13b",
          entityVersion: 2,
          plan: { minMultiple: 1, maxMultiple: 2, scaleToZero: false },
          minThroughput: 980,
          maxThroughput: 1960,
        },
      },
    };
    const of = (
      kind: "scale" | "rollback" | "delete",
      state: "awaiting_approval" | "deleting" = "awaiting_approval",
    ) => shown({ ...requestIn(state, update), kind });
    const deployOnly = ["*Model type*", "*Chunk size*", "(to delete)", "(new)"];

    it("scale: the current and proposed band, in tokens/s and multiples", () => {
      const text = of("scale");
      expect(text).toContain("*Throughput now*\\nv2 at 980–1,960 tokens/s (1×–2×)");
      expect(text).toContain("*Proposed*\\n1,960–2,940 tokens/s (2×–3× of 980)");
      expect(text).toContain("*Scale to zero*\\noff (unchanged)");
      expect(text).toContain("`llama-13b-3` (update)");
      for (const part of deployOnly) expect(text).not.toContain(part);
    });

    it("rollback: the config now and the one it goes back to", () => {
      const text = of("rollback");
      expect(text).toContain("*Serves now*\\n`ml.llm-catalog.llama-13b` v2 at 980–1,960 tokens/s");
      expect(text).toContain(
        "*Rolls back to*\\n`ml.llm-catalog.llama-13b` v3 at 1,960–2,940 tokens/s (2×–3× of 980)",
      );
      for (const part of deployOnly) expect(text).not.toContain(part);
    });

    it("delete: what is served now, and that it goes away", () => {
      for (const state of ["awaiting_approval", "deleting"] as const) {
        const text = of("delete", state);
        expect(text).toContain("*Serves now*\\n`ml.llm-catalog.llama-13b` v2 at 980–1,960 tokens/s");
        expect(text).toContain("The endpoint and its config are gone; queries to it fail.");
        expect(text).not.toContain("*Throughput*");
        for (const part of deployOnly) expect(text).not.toContain(part);
      }
    });
  });

  it("sizes model-unit models in units, without scale to zero", () => {
    const request = requestIn("awaiting_approval", { model: unitsModel, endpointName: "big-2" });
    const text = shown(request);
    expect(text).toContain("model units");
    expect(text).toContain("not available (model units)");
  });

  it("says why a request could not be resolved, escaped", () => {
    const base = requestIn("unresolvable");
    const request = { ...base, reason: { code: "model_not_found" as const, message: HOSTILE } };
    const text = shown(request);
    expect(text).toContain("Could not be resolved");
    expect(text).toContain("&lt;!channel&gt;");
  });
});
