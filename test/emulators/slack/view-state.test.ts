import { describe, expect, it } from "vitest";
import { SlackEmulatorError } from "../../../emulators/slack/errors.js";
import type { SlackBlock, WireView } from "../../../emulators/slack/types.js";
import { buildViewState } from "../../../emulators/slack/view-state.js";

const option = (value: string) => ({ text: { type: "plain_text", text: value.toUpperCase() }, value });

function view(blocks: SlackBlock[]): WireView {
  return {
    id: "V1",
    type: "modal",
    hash: "h",
    callback_id: "cb",
    private_metadata: "",
    blocks,
    state: { values: {} },
    root_view_id: "V1",
    previous_view_id: null,
  };
}

const input = (blockId: string, element: Record<string, unknown>, optional = false): SlackBlock => ({
  type: "input",
  block_id: blockId,
  optional,
  label: { type: "plain_text", text: blockId },
  element,
});

const form = view([
  input("reason_block", { type: "plain_text_input", action_id: "reason", max_length: 20 }, true),
  input("max_block", { type: "number_input", action_id: "max", is_decimal_allowed: false, min_value: "1" }),
  input(
    "flags_block",
    { type: "checkboxes", action_id: "flags", options: [option("zero"), option("dry")] },
    true,
  ),
  input("env_block", { type: "static_select", action_id: "env", options: [option("dev"), option("prod")] }),
  { type: "section", block_id: "note", text: { type: "mrkdwn", text: "not an input" } },
]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof SlackEmulatorError ? error.code : "other";
  }
}

describe("buildViewState", () => {
  it("shapes each element's state as Slack does, keyed by block_id then action_id", () => {
    const values = buildViewState(form, { reason: "capacity", max: 4, flags: ["dry"], env: "prod" });
    expect(values).toEqual({
      reason_block: { reason: { type: "plain_text_input", value: "capacity" } },
      max_block: { max: { type: "number_input", value: "4" } },
      flags_block: { flags: { type: "checkboxes", selected_options: [option("dry")] } },
      env_block: { env: { type: "static_select", selected_option: option("prod") } },
    });
  });

  it("keeps initial values (or nothing) for inputs the test leaves alone", () => {
    const withInitial = view([
      input("a", { type: "plain_text_input", action_id: "a", initial_value: "hello" }),
      input("b", {
        type: "static_select",
        action_id: "b",
        options: [option("x")],
        initial_option: option("x"),
      }),
      input("c", { type: "plain_text_input", action_id: "c" }, true),
    ]);
    expect(buildViewState(withInitial, {})).toEqual({
      a: { a: { type: "plain_text_input", value: "hello" } },
      b: { b: { type: "static_select", selected_option: option("x") } },
      c: { c: { type: "plain_text_input", value: null } },
    });
  });

  it("refuses what Slack's client would refuse before submitting", () => {
    expect(codeOf(() => buildViewState(form, { env: "prod" }))).toBe("required_input_missing");
    expect(codeOf(() => buildViewState(form, { max: "4.5", env: "prod" }))).toBe("invalid_input");
    expect(codeOf(() => buildViewState(form, { max: "0", env: "prod" }))).toBe("invalid_input");
    expect(codeOf(() => buildViewState(form, { max: 2, env: "staging" }))).toBe("invalid_input");
    expect(codeOf(() => buildViewState(form, { max: 2, env: "dev", reason: "r".repeat(21) }))).toBe(
      "invalid_input",
    );
  });

  it("names unknown action_ids (a test's typo must not pass silently)", () => {
    expect(codeOf(() => buildViewState(form, { max: 2, env: "dev", maxx: 3 }))).toBe("unknown_input");
  });
});
