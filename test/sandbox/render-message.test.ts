import { describe, expect, it } from "vitest";
import type { SlackBlock } from "../../emulators/slack/index.js";
import { stripAnsi } from "../../sandbox/ansi.js";
import { assignKeys, buttonsOf, renderMessage, renderModal } from "../../sandbox/render-message.js";
import type { NameLookup } from "../../sandbox/render-mrkdwn.js";

const names: NameLookup = { user: (id) => ({ U0REQUESTER: "ada", U0APPROVER: "grace" })[id] };
const plain = { color: false, names };

const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const text = (t: string) => ({ type: "plain_text", text: t });

/** Shaped like ptbot's deploy card (header, status, fields, actions with confirm dialogs, context). */
const card: SlackBlock[] = [
  { type: "header", text: text("🚀 Deploy request: ml.llm-catalog.llama-13b v3 → llama-13b") },
  {
    type: "section",
    block_id: "ptbot_card_status",
    text: mrkdwn(
      "⏳ *Waiting for approval*: needs 1 approval from members of <!subteam^S0MLAPPROVE|@ml-approvers>",
    ),
  },
  {
    type: "section",
    fields: [
      mrkdwn("*Model*\n`ml.llm-catalog.llama-13b`"),
      mrkdwn("*Version*\n3"),
      mrkdwn("*Throughput*\n1,960 – 2,940 tokens/s"),
      mrkdwn("*Requested by*\n<@U0REQUESTER>"),
      mrkdwn("*A field with a very long label that cannot share its line*\nvalue"),
      mrkdwn("*Short*\nx"),
    ],
  },
  {
    type: "actions",
    block_id: "ptbot_card_actions",
    elements: [
      {
        type: "button",
        action_id: "ptbot_approve",
        text: text("Approve"),
        style: "primary",
        value: "r1",
        confirm: {
          title: text("Approve this deploy?"),
          text: text("Create endpoint llama-13b."),
          confirm: text("Approve"),
          deny: text("Not yet"),
        },
      },
      { type: "button", action_id: "ptbot_adjust", text: text("Adjust"), value: "r1" },
      { type: "button", action_id: "ptbot_reject", text: text("Reject"), style: "danger", value: "r1" },
      { type: "button", action_id: "ptbot_cancel", text: text("Cancel"), value: "r1" },
    ],
  },
  { type: "context", elements: [mrkdwn("Request `r1`"), mrkdwn("<https://x.io/ml/endpoints/e|open>")] },
];

describe("assignKeys", () => {
  it("gives each button a distinct letter from its text, then digits", () => {
    expect(assignKeys(["Approve", "Adjust", "Reject", "Cancel"])).toEqual(["a", "d", "r", "c"]);
    expect(assignKeys(["Open logs", "Open endpoint"])).toEqual(["o", "e"]);
    expect(assignKeys([":white_check_mark: Yes", "a", "a"])).toEqual(["y", "a", "1"]);
  });
});

describe("buttonsOf", () => {
  it("lists buttons with keys, action and block ids, style and confirm dialog", () => {
    const buttons = buttonsOf(card, plain);
    expect(buttons.map((b) => `${b.key}:${b.actionId}`)).toEqual([
      "a:ptbot_approve",
      "d:ptbot_adjust",
      "r:ptbot_reject",
      "c:ptbot_cancel",
    ]);
    expect(buttons[0]).toMatchObject({
      blockId: "ptbot_card_actions",
      style: "primary",
      confirm: {
        title: "Approve this deploy?",
        text: "Create endpoint llama-13b.",
        confirm: "Approve",
        deny: "Not yet",
      },
    });
    expect(buttons[1]?.confirm).toBeUndefined();
  });

  it("finds section accessory buttons too", () => {
    const blocks: SlackBlock[] = [
      {
        type: "section",
        text: mrkdwn("Logs"),
        accessory: { type: "button", action_id: "logs", text: text("Show") },
      },
    ];
    expect(buttonsOf(blocks, plain).map((b) => b.key)).toEqual(["s"]);
  });
});

describe("renderMessage", () => {
  it("renders a card: author line, header, status, fields in two columns, buttons with keys, context", () => {
    const out = renderMessage(
      { author: "ptbot", time: "12:00:01", text: "fallback", blocks: card, inThread: false },
      plain,
    );
    expect(out.split("\n")).toEqual([
      "ptbot · 12:00:01",
      "│ 🚀 Deploy request: ml.llm-catalog.llama-13b v3 → llama-13b",
      "│ ⏳ Waiting for approval: needs 1 approval from members of @ml-approvers",
      "│ Model: `ml.llm-catalog.llama-13b`     Version: 3",
      "│ Throughput: 1,960 – 2,940 tokens/s    Requested by: @ada",
      "│ A field with a very long label that cannot share its line: value",
      "│ Short: x",
      "│ [a] Approve  [d] Adjust  [r] Reject  [c] Cancel",
      "│ Request `r1`  open (https://x.io/ml/endpoints/e)",
    ]);
    expect(out).not.toContain("fallback");
  });

  it("colours buttons by style and greys the context when asked", () => {
    const out = renderMessage(
      { author: "ptbot", text: "", blocks: card, inThread: false },
      { color: true, names },
    );
    expect(out).toContain("\x1b[32mApprove\x1b[39m");
    expect(out).toContain("\x1b[31mReject\x1b[39m");
    expect(out).toContain("\x1b[90mRequest \x1b[36mr1\x1b[39m");
    expect(stripAnsi(out)).toContain("[a] Approve  [d] Adjust");
  });

  it("indents thread replies and shows their text when they have no blocks", () => {
    const out = renderMessage(
      {
        author: "ptbot",
        time: "12:00:09",
        text: "🔧 Provisioning *llama-13b*…\nsecond line",
        blocks: [],
        inThread: true,
      },
      plain,
    );
    expect(out).toBe("    ↳ ptbot · 12:00:09\n    │ 🔧 Provisioning llama-13b…\n    │ second line");
  });

  it("marks card updates, deletions and ephemeral messages", () => {
    const updated = renderMessage(
      { author: "ptbot", text: "", blocks: card.slice(0, 1), inThread: false, change: "updated" },
      plain,
    );
    expect(updated.split("\n")[0]).toBe("ptbot · card updated");
    const deleted = renderMessage(
      { author: "ptbot", text: "x", blocks: [], inThread: false, change: "deleted" },
      plain,
    );
    expect(deleted).toBe("ptbot · deleted");
    const ephemeral = renderMessage(
      {
        author: "ptbot",
        text: "Only members of <!subteam^S1|@ml-approvers> may approve.",
        blocks: [],
        inThread: false,
        visibleTo: "you",
      },
      plain,
    );
    expect(ephemeral).toBe("ptbot · only visible to you\n│ Only members of @ml-approvers may approve.");
  });

  it("greys the lines an update kept, so what changed stands out", () => {
    const before = card.slice(0, 3);
    const after = [card[0], { type: "section", text: mrkdwn("✅ *Approved*") }, card[2]] as SlackBlock[];
    const out = renderMessage(
      {
        author: "ptbot",
        text: "",
        blocks: after,
        inThread: false,
        change: "updated",
        previous: { text: "", blocks: before },
      },
      { color: true, names },
    ).split("\n");
    expect(out[1]).toBe(
      "\x1b[90m│\x1b[39m \x1b[90m🚀 Deploy request: ml.llm-catalog.llama-13b v3 → llama-13b\x1b[39m",
    );
    expect(out[2]).toBe("\x1b[90m│\x1b[39m ✅ \x1b[1mApproved\x1b[22m");
    expect(stripAnsi(out.join("\n"))).toContain("Requested by: @ada");
  });

  it("shows other blocks for what they are", () => {
    const blocks: SlackBlock[] = [
      { type: "divider" },
      { type: "image", image_url: "https://x.io/a.png", alt_text: "a chart" },
      {
        type: "actions",
        elements: [{ type: "static_select", action_id: "s", placeholder: text("Pick one") }],
      },
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "hi " },
              { type: "user", user_id: "U0APPROVER" },
            ],
          },
        ],
      },
      { type: "video" },
    ];
    const out = renderMessage({ author: "ptbot", text: "", blocks, inThread: false }, plain)
      .split("\n")
      .slice(1);
    expect(out).toEqual([
      `│ ${"─".repeat(40)}`,
      "│ [image: a chart]",
      "│ ‹static select: Pick one›",
      "│ hi @grace",
      "│ [video block]",
    ]);
  });
});

describe("renderModal", () => {
  it("shows the title, the inputs with their current values, hints, and the app's field errors", () => {
    const blocks: SlackBlock[] = [
      { type: "section", text: mrkdwn("`ml.llm-catalog.llama-13b` version 3") },
      {
        type: "input",
        block_id: "ptbot_adjust_min",
        label: text("Minimum"),
        element: { type: "number_input", action_id: "min", is_decimal_allowed: false, initial_value: "2" },
      },
      {
        type: "input",
        block_id: "ptbot_adjust_scale_to_zero",
        optional: true,
        label: text("Scale to zero"),
        element: {
          type: "checkboxes",
          action_id: "scale_to_zero",
          options: [{ text: text("Scale to zero when idle"), value: "on" }],
          initial_options: [{ text: text("Scale to zero when idle"), value: "on" }],
        },
      },
      {
        type: "input",
        block_id: "ptbot_adjust_name",
        label: text("Endpoint name"),
        hint: text("Letters, digits, - and _."),
        element: { type: "plain_text_input", action_id: "name", initial_value: "llama-13b" },
      },
    ];
    const out = renderModal(
      { title: text("Adjust deploy"), blocks },
      { ptbot_adjust_min: "Must be at least 1." },
      plain,
    );
    expect(out.split("\n")).toEqual([
      "modal · Adjust deploy",
      "│ `ml.llm-catalog.llama-13b` version 3",
      "│ Minimum: 2",
      "│   ⚠ Must be at least 1.",
      "│ Scale to zero (optional): ☑ Scale to zero when idle",
      "│ Endpoint name: llama-13b",
      "│   Letters, digits, - and _.",
    ]);
  });
});
