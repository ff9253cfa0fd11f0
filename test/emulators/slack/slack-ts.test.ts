import { describe, expect, it } from "vitest";
import { createTsIssuer, formatSlackTs, tsAt } from "../../../emulators/slack/slack-ts.js";

describe("createTsIssuer", () => {
  it("formats seconds and six digits of microseconds, like Slack", () => {
    const next = createTsIssuer(() => 1_700_000_000_000);
    expect(next()).toBe("1700000000.000000");
    expect(next()).toMatch(/^1700000000\.\d{6}$/);
  });

  it("stays unique and increasing when the clock stands still or goes back", () => {
    let now = 1_700_000_000_500;
    const next = createTsIssuer(() => now);
    const issued = [next(), next()];
    now -= 10_000;
    issued.push(next());
    now += 60_000;
    issued.push(next());
    expect(new Set(issued).size).toBe(4);
    const numbers = issued.map(Number);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(issued[0]).toBe("1700000000.500000");
    expect(issued[1]).toBe("1700000000.500001");
    expect(issued[2]).toBe("1700000000.500002");
    expect(issued[3]).toBe("1700000050.500000");
  });

  it("tsAt and formatSlackTs agree", () => {
    expect(tsAt(1_700_000_000_123)).toBe("1700000000.123000");
    expect(formatSlackTs(1_700_000_000_000_100)).toBe("1700000000.000100");
  });
});
