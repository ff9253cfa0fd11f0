import { describe, expect, it } from "vitest";
import { type BandCost, DEFAULT_COST_POLICY } from "../../../src/domain/index.js";
import { dbuRange, money, priceText, signedDbu, tierLine } from "../../../src/slack/blocks/cost-lines.js";
import { requestIn } from "../../domain/fixtures.js";

const known = (min: number, max: number, price?: number): BandCost => ({
  known: true,
  minDbuPerHour: min,
  maxDbuPerHour: max,
  source: "databricks",
  price:
    price === undefined ? undefined : { currency: "USD", perHourAtMax: price, per30DaysAtMax: price * 720 },
});

describe("cost words", () => {
  it.each([
    { cost: { known: false } as BandCost, range: "cost unknown", price: "" },
    { cost: known(48, 72), range: "48–72 DBU/h", price: "" },
    { cost: known(200, 200), range: "200 DBU/h", price: "" },
    { cost: known(48, 72, 5.04), range: "48–72 DBU/h", price: "$5.04/h, $3,628.80 per 30 days at max" },
  ])("$range / $price", ({ cost, range, price }) => {
    expect(dbuRange(cost)).toBe(range);
    expect(priceText(cost)).toBe(price);
  });

  it.each([
    [48, "+48 DBU/h"],
    [-24.5, "−24.5 DBU/h"],
    [0, "no change"],
  ])("signedDbu(%s) = %s", (n, text) => {
    expect(signedDbu(n)).toBe(text);
  });

  it("formats money in its currency, and a code Intl does not know after the number", () => {
    expect(money(1296, "USD")).toBe("$1,296.00");
    expect(money(12.5, "EUR")).toBe("€12.50");
    expect(money(3, "XX1")).toBe("3 XX1");
  });

  it("has no tier line without a high-cost tier", () => {
    expect(tierLine(requestIn("awaiting_approval"), DEFAULT_COST_POLICY)).toBeUndefined();
  });
});
