/** The injection scan must flag raw mrkdwn wherever Slack would render it, and only there. */
import { describe, expect, it } from "vitest";
import type { SlackEmulatorEvent, StoredMessage } from "../../emulators/slack/index.js";
import { unescapedInjections } from "./mrkdwn-scan.js";

const message = (text: string, blocks: StoredMessage["blocks"] = []): SlackEmulatorEvent => ({
  type: "message_posted",
  seq: 1,
  message: {
    channel: "C1",
    ts: "1.1",
    threadTs: undefined,
    user: "UBOT",
    botId: "B1",
    text,
    blocks,
    edits: [],
    deleted: false,
  },
});

describe("unescapedInjections", () => {
  it.each<[string, SlackEmulatorEvent]>([
    ["a message's text", message("hi <!channel>")],
    ["a mrkdwn section", message("ok", [{ type: "section", text: { type: "mrkdwn", text: "<!channel>" } }])],
    [
      "a section field",
      message("ok", [{ type: "section", fields: [{ type: "mrkdwn", text: "x <!channel>" }] }]),
    ],
    [
      "an ack body",
      {
        type: "delivered",
        seq: 2,
        delivery: {
          kind: "slash_command",
          user: "U",
          channel: "C",
          status: 200,
          body: { text: "<!channel>" },
          ackMs: 1,
        },
      },
    ],
  ])("flags raw text in %s", (_where, event) => {
    expect(unescapedInjections([event], ["<!channel>"])).toHaveLength(1);
  });

  it("leaves escaped text, plain_text objects, ids and a person's own messages alone", () => {
    const events: SlackEmulatorEvent[] = [
      message("&lt;!channel&gt;", [
        { type: "header", text: { type: "plain_text", text: "<!channel>" } },
        { type: "actions", block_id: "<!channel>", elements: [{ type: "button", value: "<!channel>" }] },
      ]),
      {
        ...message("<!channel>"),
        message: {
          ...(message("x") as { message: StoredMessage }).message,
          text: "<!channel>",
          botId: undefined,
        },
      } as SlackEmulatorEvent,
    ];
    expect(unescapedInjections(events, ["<!channel>"])).toEqual([]);
  });
});
