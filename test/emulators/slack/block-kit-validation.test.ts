import { describe, expect, it } from "vitest";
import {
  formatProblems,
  validateMessageBlocks,
  validateModalView,
} from "../../../emulators/slack/block-kit-validation.js";

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (overrides: Record<string, unknown> = {}) => ({
  type: "button",
  action_id: "approve",
  text: { type: "plain_text", text: "Approve" },
  ...overrides,
});
const pointers = (blocks: unknown) => validateMessageBlocks(blocks).map((p) => p.pointer);

describe("validateMessageBlocks", () => {
  it("accepts a typical card", () => {
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "Deploy request" } },
      { type: "section", fields: [{ type: "mrkdwn", text: "*Model*\nllama" }], accessory: button() },
      { type: "context", elements: [{ type: "mrkdwn", text: "by <@U1>" }] },
      { type: "divider" },
      { type: "actions", elements: [button(), button({ action_id: "reject", style: "danger" })] },
    ];
    expect(validateMessageBlocks(blocks)).toEqual([]);
  });

  it("allows 50 blocks and refuses 51", () => {
    expect(validateMessageBlocks(Array.from({ length: 50 }, () => ({ type: "divider" })))).toEqual([]);
    expect(pointers(Array.from({ length: 51 }, () => ({ type: "divider" })))).toEqual(["/blocks"]);
  });

  it("limits section text to 3000 and refuses empty text", () => {
    expect(validateMessageBlocks([section("x".repeat(3000))])).toEqual([]);
    const problems = validateMessageBlocks([section("x".repeat(3001)), section("")]);
    expect(formatProblems(problems)).toEqual([
      "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
      "[ERROR] must be more than 0 characters [json-pointer:/blocks/1/text/text]",
    ]);
  });

  it("limits fields to 10 of at most 2000 characters", () => {
    const field = (n: number) => ({ type: "mrkdwn", text: "f".repeat(n) });
    expect(pointers([{ type: "section", fields: Array.from({ length: 11 }, () => field(1)) }])).toEqual([
      "/blocks/0/fields",
    ]);
    expect(pointers([{ type: "section", fields: [field(2000), field(2001)] }])).toEqual([
      "/blocks/0/fields/1/text",
    ]);
  });

  it("checks buttons: text ≤ 75 and plain, value ≤ 2000, action_id ≤ 255 and unique in the block", () => {
    expect(
      pointers([
        {
          type: "actions",
          elements: [
            button({ text: { type: "plain_text", text: "b".repeat(76) } }),
            button({ action_id: "a".repeat(256) }),
            button({ action_id: "v", value: "v".repeat(2001) }),
            button({ action_id: "m", text: { type: "mrkdwn", text: "*no*" } }),
            button({ action_id: "v" }),
          ],
        },
      ]),
    ).toEqual([
      "/blocks/0/elements/0/text/text",
      "/blocks/0/elements/1/action_id",
      "/blocks/0/elements/2/value",
      "/blocks/0/elements/3/text/type",
      "/blocks/0/elements/4/action_id",
    ]);
  });

  it("limits block_id to 255 and refuses duplicates and unknown block types", () => {
    expect(
      pointers([
        { type: "divider", block_id: "x".repeat(256) },
        { type: "divider", block_id: "same" },
        { type: "divider", block_id: "same" },
        { type: "sektion" },
      ]),
    ).toEqual(["/blocks/0/block_id", "/blocks/2/block_id", "/blocks/3/type"]);
  });

  it("refuses a section with neither text nor fields, and non-arrays", () => {
    expect(pointers([{ type: "section" }])).toEqual(["/blocks/0"]);
    expect(pointers("[]")).toEqual(["/blocks"]);
  });
});

describe("validateModalView", () => {
  const modal = (overrides: Record<string, unknown> = {}) => ({
    type: "modal",
    callback_id: "adjust",
    title: { type: "plain_text", text: "Adjust" },
    submit: { type: "plain_text", text: "Save" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [
      {
        type: "input",
        block_id: "max",
        label: { type: "plain_text", text: "Max" },
        element: { type: "number_input", action_id: "max_value", is_decimal_allowed: false },
      },
    ],
    ...overrides,
  });
  const viewPointers = (view: unknown) => validateModalView(view).map((p) => p.pointer);

  it("accepts a typical modal", () => {
    expect(validateModalView(modal())).toEqual([]);
  });

  it("limits title, submit and close to 24 characters", () => {
    const long = { type: "plain_text", text: "t".repeat(25) };
    expect(viewPointers(modal({ title: long, submit: long, close: long }))).toEqual([
      "/view/title/text",
      "/view/submit/text",
      "/view/close/text",
    ]);
  });

  it("limits private_metadata to 3000 and blocks to 100", () => {
    expect(viewPointers(modal({ private_metadata: "m".repeat(3001) }))).toEqual(["/view/private_metadata"]);
    expect(viewPointers(modal({ blocks: Array.from({ length: 101 }, () => ({ type: "divider" })) }))).toEqual(
      ["/view/blocks"],
    );
    expect(viewPointers(modal({ blocks: Array.from({ length: 100 }, () => ({ type: "divider" })) }))).toEqual(
      [],
    );
  });

  it("requires a title, and a submit button when there are inputs", () => {
    expect(viewPointers(modal({ title: undefined, submit: undefined }))).toEqual([
      "/view/title",
      "/view/submit",
    ]);
  });
});
