import { describe, expect, it } from "vitest";
import { stripAnsi } from "../../sandbox/ansi.js";
import { type NameLookup, renderMrkdwn, unescapeEntities } from "../../sandbox/render-mrkdwn.js";

const names: NameLookup = {
  user: (id) => ({ U0REQUESTER: "ada", U0APPROVER: "grace" })[id],
  channel: (id) => (id === "C0MLDEPLOY" ? "ml-deploys" : undefined),
  usergroup: (id) => (id === "S0MLAPPROVE" ? "ml-approvers" : undefined),
};
const plain = (text: string) => renderMrkdwn(text, { color: false, names });
const color = (text: string) => renderMrkdwn(text, { color: true, names });

describe("renderMrkdwn", () => {
  it("turns user, channel, group and special mentions into names", () => {
    expect(plain("by <@U0REQUESTER> and <@U0APPROVER|someone>")).toBe("by @ada and @grace");
    expect(plain("<@U0NOBODY> <@U0NOBODY|linus>")).toBe("@U0NOBODY @linus");
    expect(plain("in <#C0MLDEPLOY> or <#C0OTHER|general>")).toBe("in #ml-deploys or #general");
    expect(plain("ask <!subteam^S0MLAPPROVE> or <!subteam^S0MLAPPROVE|@approvers>")).toBe(
      "ask @ml-approvers or @approvers",
    );
    expect(plain("<!here> <!channel> <!everyone>")).toBe("@here @channel @everyone");
  });

  it("shows links as their text followed by the URL, unescaping the URL", () => {
    expect(plain("see <https://x.io/a?b=1&amp;c=2|the docs>")).toBe("see the docs (https://x.io/a?b=1&c=2)");
    expect(plain("<https://x.io>")).toBe("https://x.io");
    expect(plain("<https://x.io|https://x.io>")).toBe("https://x.io");
    expect(plain("<mailto:ada@example.com|ada@example.com>")).toBe("ada@example.com");
  });

  it("shows a date token's fallback text", () => {
    expect(plain("expires <!date^1700000000^{date_short_pretty} at {time}|Nov 14, 2023 22:13 UTC>")).toBe(
      "expires Nov 14, 2023 22:13 UTC",
    );
  });

  it("unescapes &lt; &gt; &amp; after parsing tokens, so escaped text never becomes a mention", () => {
    expect(plain("&lt;!channel&gt; &amp;lt; a &amp; b")).toBe("<!channel> &lt; a & b");
    expect(unescapeEntities("&amp;gt;")).toBe("&gt;");
  });

  it("drops emphasis markers in plain text and styles them with ANSI in colour", () => {
    expect(plain("*Waiting for approval*: _soon_ ~never~")).toBe("Waiting for approval: soon never");
    const styled = color("*bold* _it_ ~gone~");
    expect(styled).toBe("\x1b[1mbold\x1b[22m \x1b[3mit\x1b[23m \x1b[9mgone\x1b[29m");
    expect(stripAnsi(color("*Ready*, approved by <@U0APPROVER>."))).toBe("Ready, approved by @grace.");
  });

  it("leaves markers that Slack would not treat as emphasis", () => {
    expect(plain("snake_case_name a*b*c 2 * 3 * 4 *not closed")).toBe(
      "snake_case_name a*b*c 2 * 3 * 4 *not closed",
    );
  });

  it("keeps inline code literal (backticks in plain text, cyan in colour) and formats nothing inside it", () => {
    expect(plain("endpoint `llama_13b_3` and `*x* &lt;y&gt;`")).toBe("endpoint `llama_13b_3` and `*x* <y>`");
    expect(color("`a_b_`")).toBe("\x1b[36ma_b_\x1b[39m");
  });

  it("indents code blocks on lines of their own, unescaped and unformatted", () => {
    expect(plain("Build logs:\n```\nerror: *no* GPU &lt;A100&gt;\n  retrying\n```\nDone.")).toBe(
      "Build logs:\n    error: *no* GPU <A100>\n      retrying\nDone.",
    );
    expect(plain("logs: ```one line``` end")).toBe("logs:\n    one line\nend");
    expect(plain("an unclosed ``` fence")).toBe("an unclosed ``` fence");
  });

  it("marks quoted lines (sent as > or &gt;)", () => {
    expect(plain("Databricks said:\n&gt; *no capacity*\n> retry")).toBe(
      "Databricks said:\n│ no capacity\n│ retry",
    );
  });

  it("replaces known emoji shortcodes and keeps unknown ones", () => {
    expect(plain(":white_check_mark: done :rocket: :not_an_emoji:")).toBe("✅ done 🚀 :not_an_emoji:");
  });
});
