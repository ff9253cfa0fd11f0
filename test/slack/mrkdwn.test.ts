import { describe, expect, it } from "vitest";
import {
  code,
  codeBlock,
  escapeMrkdwn,
  formatDuration,
  formatNumber,
  link,
  mention,
  slackDate,
  truncateMrkdwn,
  truncateStart,
} from "../../src/slack/mrkdwn.js";

describe("mrkdwn", () => {
  it("escapes the three control characters", () => {
    expect(escapeMrkdwn("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
  });

  it("makes inline code that backticks cannot close", () => {
    expect(code("a`b<c>")).toBe("`aˋb&lt;c&gt;`");
  });

  it("mentions only what looks like an id", () => {
    expect(mention("U0APPROVER")).toBe("<@U0APPROVER>");
    expect(mention("<!channel>")).toBe("&lt;!channel&gt;");
  });

  it("cuts mrkdwn without leaving half an entity or half a reference", () => {
    expect(truncateMrkdwn("abc &amp; def", 7)).toBe("abc …");
    expect(truncateMrkdwn("hi <@U0APPROVER> there", 10)).toBe("hi …");
    expect(truncateMrkdwn("short", 10)).toBe("short");
  });

  it("keeps the end of a log", () => {
    expect(truncateStart("0123456789", 5)).toBe("…6789");
  });

  it("fences a code block within its budget, keeping the last lines, escaped", () => {
    const block = codeBlock(`${"a".repeat(10_000)}\nlast <line> \`\`\``, 200);
    expect(block.length).toBeLessThanOrEqual(200);
    expect(block.startsWith("```\n")).toBe(true);
    expect(block.endsWith("\n```")).toBe(true);
    expect(block).toContain("last &lt;line&gt; ˋˋˋ");
  });

  it("does not start a cut code block with half an entity", () => {
    const block = codeBlock(`${"<".repeat(100)}`, 30);
    expect(block).not.toMatch(/```\n…[a-z]+;/);
  });

  it("links only safe URLs, with escaped labels", () => {
    expect(link("https://x.example/ml/endpoints/a", "a <b>")).toBe(
      "<https://x.example/ml/endpoints/a|a &lt;b&gt;>",
    );
    expect(link("https://x.example/a|b", "x")).toBe("`https://x.example/a|b`");
  });

  it("formats dates for each reader, with a UTC fallback", () => {
    expect(slackDate(Date.UTC(2026, 10, 26, 9))).toBe(
      "<!date^1795683600^{date_short_pretty} at {time}|2026-11-26 09:00 UTC>",
    );
  });

  it("formats numbers and durations for people", () => {
    expect(formatNumber(19_000)).toBe("19,000");
    expect(formatNumber(1.5)).toBe("1.5");
    expect(formatDuration(65 * 60_000)).toBe("1 h 5 min");
    expect(formatDuration(12 * 60_000)).toBe("12 min");
    expect(formatDuration(40_000)).toBe("40 s");
  });
});
