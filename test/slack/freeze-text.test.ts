import { describe, expect, it } from "vitest";
import { freezeWindowText, frozenText, zonedTimeText } from "../../src/slack/freeze-text.js";

const freeze = {
  kind: "period" as const,
  reason: "year-end <release> & co",
  startedAt: Date.UTC(2026, 11, 18, 17, 0),
  endsAt: Date.UTC(2027, 0, 4, 8, 0),
  workspace: "prod",
  timeZone: "Europe/Paris",
};

describe("freeze words", () => {
  it("gives an instant on the workspace's wall clock, DST included", () => {
    expect(zonedTimeText(Date.UTC(2027, 0, 4, 8, 0), "Europe/Paris")).toBe(
      "Mon, 4 Jan 2027, 09:00 Europe/Paris",
    );
    expect(zonedTimeText(Date.UTC(2026, 6, 3, 14, 0), "Europe/Paris")).toBe(
      "Fri, 3 Jul 2026, 16:00 Europe/Paris",
    );
  });

  it("names the window, escapes its reason, and says how to go ahead", () => {
    const window = freezeWindowText(freeze);
    expect(window).toContain("`prod` is in a change freeze (year-end &lt;release&gt; &amp; co)");
    expect(window).toContain("since Fri, 18 Dec 2026, 18:00 Europe/Paris");
    expect(window).toContain("until *Mon, 4 Jan 2027, 09:00 Europe/Paris*");
    expect(frozenText(freeze, "deploy")).toContain('--break-glass "why it cannot wait"');
    expect(frozenText(freeze, "approve")).toMatch(/^🧊 Not approved: /);
  });
});
