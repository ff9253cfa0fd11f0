import { describe, expect, it } from "vitest";
import type { SlackBlock, StoredEphemeral, StoredMessage } from "../../emulators/slack/index.js";
import { latestCard, matchButton } from "../../sandbox/latest-card.js";
import { buttonsOf } from "../../sandbox/render-message.js";

const options = { color: false, names: { user: () => undefined } };
const button = (action_id: string, text: string): Record<string, unknown> => ({
  type: "button",
  action_id,
  text: { type: "plain_text", text },
});
const actions = (...elements: Record<string, unknown>[]): SlackBlock[] => [
  { type: "actions", block_id: "b", elements },
];

function message(ts: string, blocks: SlackBlock[], threadTs?: string): StoredMessage {
  return {
    channel: "C1",
    ts,
    threadTs,
    user: "U0PTBOT00",
    botId: "B1",
    text: "",
    blocks,
    edits: [],
    deleted: false,
  };
}

function ephemeral(messageTs: string, user: string, blocks: SlackBlock[]): StoredEphemeral {
  return {
    messageTs,
    channel: "C1",
    user,
    threadTs: undefined,
    text: "",
    blocks,
    source: "chat.postEphemeral",
    replaced: false,
    deleted: false,
  };
}

describe("latestCard", () => {
  it("is the newest message with buttons among channel messages, replies and the user's own ephemerals", () => {
    const messages = [
      message("1700000000.000100", actions(button("old", "Old"))),
      message("1700000000.000300", actions(button("reply", "Retry")), "1700000000.000100"),
      message("1700000000.000400", []),
    ];
    const ephemerals = [
      ephemeral("1700000000.000200", "U1", actions(button("mine", "Mine"))),
      ephemeral("1700000000.000500", "U2", actions(button("theirs", "Theirs"))),
    ];
    const source = {
      channelMessages: (_c: string, q?: { includeReplies?: boolean }) =>
        q?.includeReplies === true ? messages : messages.filter((m) => m.threadTs === undefined),
      ephemerals: (f?: { user?: string }) => ephemerals.filter((e) => e.user === f?.user),
    };
    expect(latestCard(source, "C1", "U1", options)?.buttons.map((b) => b.actionId)).toEqual(["reply"]);
    expect(latestCard(source, "C1", "U2", options)?.ts).toBe("1700000000.000500");
    expect(
      latestCard({ channelMessages: () => [], ephemerals: () => [] }, "C1", "U1", options),
    ).toBeUndefined();
  });
});

describe("matchButton", () => {
  const buttons = buttonsOf(
    actions(
      button("ptbot_approve", ":white_check_mark: Approve"),
      button("ptbot_adjust", "Adjust"),
      button("ptbot_reject", "Reject"),
      button("open_logs", "Open build logs"),
    ),
    options,
  );
  const find = (target: string) => matchButton(buttons, target)?.actionId;

  it("finds a button by key, by text in any case, by action id, or by a word only one of them holds", () => {
    expect(find("a")).toBe("ptbot_approve");
    expect(find("d")).toBe("ptbot_adjust");
    expect(find("APPROVE")).toBe("ptbot_approve");
    expect(find("ptbot_reject")).toBe("ptbot_reject");
    expect(find("reject")).toBe("ptbot_reject");
    expect(find("logs")).toBe("open_logs");
  });

  it("finds nothing for an ambiguous or unknown name", () => {
    expect(find("ptbot")).toBeUndefined();
    expect(find("deploy")).toBeUndefined();
    expect(find("")).toBeUndefined();
  });
});
