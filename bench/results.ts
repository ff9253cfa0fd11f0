/** The shape of `bench/results.json` and the table `npm run bench` prints. */

/** One scenario's outcome: what was measured, what it is compared with, and whether the target holds. */
export interface BenchResult {
  readonly scenario: string;
  /** What ptbot did, by name (milliseconds, calls, megabytes: the name says which). */
  readonly figures: Readonly<Record<string, number | string>>;
  /** The same measure for the baseline, when there is one. */
  readonly baseline: Readonly<Record<string, number | string>> | null;
  /** ptbot's figure over the baseline's, for the figure the target is about (null when it has no baseline). */
  readonly ratio: number | null;
  /** The target in words, e.g. `p99 ≤ 1.2 × bare Bolt p99`. */
  readonly target: string;
  readonly met: boolean;
  /** Anything a reader needs to interpret the numbers (noise, what was excluded). */
  readonly notes?: string;
}

function cell(value: Readonly<Record<string, number | string>> | null): string {
  if (value === null) return "-";
  return Object.entries(value)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** A plain-text table, one line per result plus its notes. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.scenario,
    cell(r.figures),
    cell(r.baseline),
    r.ratio === null ? "-" : r.ratio.toFixed(3),
    r.target,
    r.met ? "yes" : "NO",
  ]);
  const header = ["scenario", "ptbot", "baseline", "ratio", "target", "met"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join(" | ")
      .trimEnd();
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("-|-")];
  for (const [i, row] of rows.entries()) {
    out.push(line(row));
    const notes = results[i]?.notes;
    if (notes !== undefined) out.push(`    ${notes}`);
  }
  return out.join("\n");
}
