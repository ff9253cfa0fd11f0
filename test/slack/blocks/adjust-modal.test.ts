import { describe, expect, it } from "vitest";
import { validateModalView } from "../../../emulators/slack/index.js";
import { isResolved, type ResolvedDeployRequest } from "../../../src/domain/index.js";
import {
  adjustModal,
  readAdjustSubmission,
  violationErrors,
} from "../../../src/slack/blocks/adjust-modal.js";
import { ADJUST_INPUTS, ADJUST_VIEW, SCALE_TO_ZERO_OPTION } from "../../../src/slack/ids.js";
import { requestIn, unitsModel } from "../../domain/fixtures.js";
import { policy } from "./fixtures.js";

function resolved(request: ReturnType<typeof requestIn>): ResolvedDeployRequest {
  if (!isResolved(request)) throw new Error("fixture is not resolved");
  return request;
}

describe("adjustModal", () => {
  it("is a valid modal pre-filled from the plan, with the request id as private metadata", () => {
    const request = resolved(requestIn("awaiting_approval"));
    const view = adjustModal(request, policy);
    expect(validateModalView(view)).toEqual([]);
    expect(view.callback_id).toBe(ADJUST_VIEW);
    expect(view.private_metadata).toBe(request.id);
    const shown = JSON.stringify(view.blocks);
    expect(shown).toContain(`"block_id":"${ADJUST_INPUTS.min.block}"`);
    expect(shown).toContain('"initial_value":"2"');
    expect(shown).toContain('"initial_value":"3"');
    expect(shown).toContain('"initial_value":"llama-13b-3"');
    expect(shown).toContain("At most 20×");
  });

  it("pre-ticks scale to zero when the plan has it", () => {
    const base = resolved(requestIn("awaiting_approval"));
    const view = adjustModal(
      { ...base, plan: { minMultiple: 0, maxMultiple: 2, scaleToZero: true } },
      policy,
    );
    expect(JSON.stringify(view.blocks)).toContain('"initial_options"');
  });

  it("asks model-unit models for a size only: no min, no scale to zero", () => {
    const request = resolved(requestIn("awaiting_approval", { model: unitsModel, endpointName: "big-2" }));
    const view = adjustModal(request, policy);
    expect(validateModalView(view)).toEqual([]);
    const shown = JSON.stringify(view.blocks);
    expect(shown).not.toContain(ADJUST_INPUTS.min.block);
    expect(shown).not.toContain(ADJUST_INPUTS.scaleToZero.block);
    expect(shown).toContain("model units");
  });

  it("keeps within the modal's limits with a 63-character name", () => {
    const base = resolved(requestIn("awaiting_approval", { endpointName: "n".repeat(63) }));
    expect(validateModalView(adjustModal(base, policy))).toEqual([]);
  });
});

describe("readAdjustSubmission", () => {
  const values = (min: string | null, max: string | null, scale: boolean, name: string) => ({
    [ADJUST_INPUTS.min.block]: { [ADJUST_INPUTS.min.action]: { value: min } },
    [ADJUST_INPUTS.max.block]: { [ADJUST_INPUTS.max.action]: { value: max } },
    [ADJUST_INPUTS.scaleToZero.block]: {
      [ADJUST_INPUTS.scaleToZero.action]: {
        selected_options: scale ? [{ value: SCALE_TO_ZERO_OPTION }] : [],
      },
    },
    [ADJUST_INPUTS.name.block]: { [ADJUST_INPUTS.name.action]: { value: name } },
  });

  it("reads the plan and the trimmed name", () => {
    expect(readAdjustSubmission(values("0", "4", true, " llama-prod "))).toEqual({
      ok: true,
      plan: { minMultiple: 0, maxMultiple: 4, scaleToZero: true },
      endpointName: "llama-prod",
    });
  });

  it("refuses what is not a whole number, under its own input", () => {
    expect(readAdjustSubmission(values("two", null, false, "x"))).toEqual({
      ok: false,
      errors: {
        [ADJUST_INPUTS.min.block]: "Enter a whole number.",
        [ADJUST_INPUTS.max.block]: "Enter a whole number.",
      },
    });
  });

  it("mirrors max into min when the modal had no min input (model units)", () => {
    const { [ADJUST_INPUTS.min.block]: _, ...withoutMin } = values("1", "3", false, "big-2");
    expect(readAdjustSubmission(withoutMin)).toMatchObject({
      ok: true,
      plan: { minMultiple: 3, maxMultiple: 3 },
    });
  });
});

describe("violationErrors", () => {
  it("puts each violation under its input, as sentences", () => {
    expect(
      violationErrors(
        [
          { field: "min", code: "min_above_max", message: "min (5×) must not be greater than max (4×)" },
          {
            field: "name",
            code: "name_bad_characters",
            message: 'name may only contain letters; not allowed: " "',
          },
          { field: "name", code: "name_too_long", message: "name is 70 characters long; the limit is 63" },
        ],
        { hasMinInput: true },
      ),
    ).toEqual({
      [ADJUST_INPUTS.min.block]: "Min (5×) must not be greater than max (4×).",
      [ADJUST_INPUTS.name.block]:
        'Name may only contain letters; not allowed: " ". Name is 70 characters long; the limit is 63.',
    });
  });

  it("puts min problems under max when there is no min input", () => {
    expect(
      Object.keys(
        violationErrors([{ field: "min", code: "scale_to_zero_unsupported", message: "no" }], {
          hasMinInput: false,
        }),
      ),
    ).toEqual([ADJUST_INPUTS.max.block]);
  });
});
