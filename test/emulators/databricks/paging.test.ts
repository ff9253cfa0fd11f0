import { describe, expect, it } from "vitest";
import { type Page, paginate } from "../../../emulators/databricks/paging.js";

/** Follows tokens to the end and returns every page. */
function pages(items: readonly number[], empties: readonly number[], max: string | null): number[][] {
  const out: number[][] = [];
  let token: string | null = null;
  do {
    const page: Page<number> = paginate(items, empties, max, token);
    out.push([...page.items]);
    token = page.nextPageToken ?? null;
    if (out.length > 100) throw new Error("no end");
  } while (token !== null);
  return out;
}

describe("paginate", () => {
  it("pages by max_results with no empty page when none is asked for", () => {
    expect(pages([1, 2, 3, 4, 5], [], "2")).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages([1, 2, 3], [], null)).toEqual([[1, 2, 3]]);
    expect(pages([], [], null)).toEqual([[]]);
  });

  it("serves one empty page before each marked offset, never cutting past it", () => {
    expect(pages([1, 2, 3, 4], [0, 2], "10")).toEqual([[], [1, 2], [], [3, 4]]);
    expect(pages([1, 2, 3, 4], [3], "2")).toEqual([[1, 2], [3], [], [4]]);
  });

  it("ignores marks at or past the end, so the last page has no token", () => {
    expect(pages([1, 2], [2, 7], null)).toEqual([[1, 2]]);
  });

  it("treats 0 as the default page length and caps large ones at 1000", () => {
    const many = Array.from({ length: 1500 }, (_, i) => i);
    expect(pages(many, [], "0").map((p) => p.length)).toEqual([
      100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100,
    ]);
    expect(pages(many, [], "5000").map((p) => p.length)).toEqual([1000, 500]);
  });

  it("refuses a negative or fractional max_results and a token it did not issue", () => {
    expect(() => paginate([1], [], "-1", null)).toThrow(
      expect.objectContaining({ code: "INVALID_PARAMETER_VALUE" }),
    );
    expect(() => paginate([1], [], "1.5", null)).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => paginate([1], [], null, "bm9wZQ")).toThrow(
      expect.objectContaining({ code: "INVALID_PARAMETER_VALUE" }),
    );
  });
});
