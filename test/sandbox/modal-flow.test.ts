import { describe, expect, it } from "vitest";
import {
  type InputValue,
  type SlackBlock,
  SlackEmulatorError,
  type StoredView,
  type ViewSubmissionResult,
} from "../../emulators/slack/index.js";
import { fillModal, type ModalDeps } from "../../sandbox/modal-flow.js";

const text = (t: string) => ({ type: "plain_text", text: t });
const option = { text: text("Scale to zero when idle"), value: "on" };

/** Shaped like ptbot's adjust modal. */
const blocks: SlackBlock[] = [
  { type: "section", text: { type: "mrkdwn", text: "`ml.llm-catalog.llama-13b` version 3" } },
  {
    type: "input",
    block_id: "b_min",
    label: text("Minimum"),
    element: { type: "number_input", action_id: "min", is_decimal_allowed: false, initial_value: "2" },
  },
  {
    type: "input",
    block_id: "b_max",
    label: text("Maximum"),
    element: { type: "number_input", action_id: "max", is_decimal_allowed: false, initial_value: "3" },
  },
  {
    type: "input",
    block_id: "b_scale",
    optional: true,
    label: text("Scale to zero"),
    element: { type: "checkboxes", action_id: "scale_to_zero", options: [option] },
  },
  {
    type: "input",
    block_id: "b_size",
    label: text("GPU"),
    element: {
      type: "static_select",
      action_id: "gpu",
      options: [
        { text: text("Small"), value: "s" },
        { text: text("Large"), value: "l" },
      ],
      initial_option: { text: text("Small"), value: "s" },
    },
  },
  {
    type: "input",
    block_id: "b_name",
    label: text("Endpoint name"),
    element: { type: "plain_text_input", action_id: "name", initial_value: "llama-13b" },
  },
];

function storedView(overrides: Partial<StoredView> = {}): StoredView {
  return {
    id: "V1",
    user: "U1",
    open: true,
    errors: undefined,
    view: {
      id: "V1",
      type: "modal",
      hash: "h1",
      callback_id: "adjust",
      private_metadata: "",
      blocks,
      state: { values: {} },
      root_view_id: "V1",
      previous_view_id: null,
      title: text("Adjust deploy"),
    },
    ...overrides,
  };
}

function result(view: StoredView | undefined): ViewSubmissionResult {
  return {
    status: 200,
    body: undefined,
    rawBody: "",
    ackMs: 5,
    late: false,
    triggerId: "t",
    responseUrl: undefined,
    payload: {},
    view,
  };
}

/** A modal played against scripted answers; `answer` decides what the app does with each submission. */
function harness(
  lines: string[],
  answer: (values: Readonly<Record<string, InputValue>>, round: number) => StoredView,
) {
  let current = storedView();
  const out: string[] = [];
  const submitted: Readonly<Record<string, InputValue>>[] = [];
  let closed = false;
  const deps: ModalDeps = {
    color: false,
    names: { user: () => undefined },
    echo: true,
    io: {
      read: async () => lines.shift(),
      write: (t) => out.push(t),
    },
    view: () => current,
    submit: async (values) => {
      submitted.push(values);
      current = answer(values, submitted.length);
      return result(current);
    },
    close: async () => {
      closed = true;
      current = { ...current, open: false };
    },
    replacedSince: () => false,
    lastSeq: () => 0,
    report: () => undefined,
    settle: async () => undefined,
  };
  return { deps, out, submitted, closed: () => closed };
}

describe("fillModal", () => {
  it("asks for each input with its current value as default, and submits what was typed", async () => {
    const h = harness(["4", "", "y", "2", "my-endpoint"], () => storedView({ open: false }));
    expect(await fillModal(h.deps, "V1")).toBe("submitted");
    expect(h.submitted).toEqual([{ min: "4", scale_to_zero: ["on"], gpu: "l", name: "my-endpoint" }]);
    const transcript = h.out.join("\n");
    expect(transcript).toContain("modal · Adjust deploy");
    expect(transcript).toContain("  Minimum [2]: 4");
    expect(transcript).toContain("  Maximum [3]: ");
    expect(transcript).toContain("  Scale to zero (y/n) [n]: y");
    expect(transcript).toContain("    1) Small   2) Large");
    expect(transcript).toContain("  GPU [Small]: 2");
    expect(transcript).toContain("Modal submitted.");
  });

  it("shows the app's field errors and asks again, keeping what was typed as the defaults", async () => {
    const h = harness(["0", "", "", "", "", "1", "", "n", "", ""], (_values, round) =>
      round === 1
        ? storedView({ errors: { b_min: "0 only with scale to zero." } })
        : storedView({ open: false }),
    );
    expect(await fillModal(h.deps, "V1")).toBe("submitted");
    expect(h.submitted).toEqual([{ min: "0" }, { min: "1", scale_to_zero: null }]);
    const transcript = h.out.join("\n");
    expect(transcript).toContain("⚠ 0 only with scale to zero.");
    expect(transcript).toContain("The app refused some values");
    expect(transcript).toContain("  Minimum [0]: 1");
  });

  it("offers a ticked checkbox as y, and unticks it on n", async () => {
    const ticked = blocks.map((b) =>
      b.block_id === "b_scale"
        ? { ...b, element: { ...(b.element as object), initial_options: [option] } }
        : b,
    );
    const h = harness(["", "", "n", "", ""], () => storedView({ open: false }));
    const view = storedView();
    await fillModal({ ...h.deps, view: () => ({ ...view, view: { ...view.view, blocks: ticked } }) }, "V1");
    expect(h.out).toContain("  Scale to zero (y/n) [y]: n");
    expect(h.out.join("\n")).toContain("Scale to zero (optional): ☑ Scale to zero when idle");
    expect(h.submitted).toEqual([{ scale_to_zero: null }]);
  });

  it("re-asks an answer that is not one of the choices", async () => {
    const h = harness(["", "", "maybe", "y", "huge", "Large", ""], () => storedView({ open: false }));
    await fillModal(h.deps, "V1");
    expect(h.submitted).toEqual([{ scale_to_zero: ["on"], gpu: "l" }]);
    expect(h.out.filter((l) => l.includes("Not one of the choices"))).toHaveLength(2);
  });

  it("reports values Slack's client refuses and asks again", async () => {
    const h = harness(["x", "", "", "", "", "5", "", "", "", ""], (values) => {
      if (values.min === "x")
        throw new SlackEmulatorError("invalid_input", 'input b_min/min: "x" is not a valid number');
      return storedView({ open: false });
    });
    expect(await fillModal(h.deps, "V1")).toBe("submitted");
    expect(h.out.join("\n")).toContain("Slack won't submit this: input b_min/min");
    expect(h.submitted.at(-1)).toEqual({ min: "5" });
  });

  it("closes the modal on :cancel or when the input ends", async () => {
    const cancelled = harness(["3", ":cancel"], () => storedView({ open: false }));
    expect(await fillModal(cancelled.deps, "V1")).toBe("cancelled");
    expect(cancelled.closed()).toBe(true);
    expect(cancelled.submitted).toEqual([]);
    const ended = harness([], () => storedView({ open: false }));
    expect(await fillModal(ended.deps, "V1")).toBe("cancelled");
    expect(ended.closed()).toBe(true);
  });

  it("does nothing for a modal that is no longer open", async () => {
    const h = harness(["1"], () => storedView());
    expect(await fillModal({ ...h.deps, view: () => storedView({ open: false }) }, "V1")).toBe("gone");
  });
});
