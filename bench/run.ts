/**
 * `npm run bench`: every scenario against the emulators on loopback, in this process (the apps under test in worker
 * threads, the memory scenario in a child process).
 * Prints a table and writes `bench/results.json`. `--only <substring>` runs only the scenarios whose name contains it
 * (and leaves `results.json` alone).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BenchResult, formatTable } from "./results.js";
import { ackLatency } from "./scenarios/ack-latency.js";
import { approveToCreate } from "./scenarios/approve-create.js";
import { memory } from "./scenarios/memory.js";
import { replicas } from "./scenarios/replicas.js";
import { conversationThroughput } from "./scenarios/throughput.js";
import { trackingCost } from "./scenarios/tracking-cost.js";

interface Scenario {
  readonly name: string;
  run(): Promise<BenchResult[]>;
}

const SCENARIOS: readonly Scenario[] = [
  { name: "ack-latency", run: ackLatency },
  { name: "approve-create", run: approveToCreate },
  { name: "tracking-cost", run: trackingCost },
  { name: "memory", run: memory },
  { name: "throughput", run: conversationThroughput },
  { name: "replicas", run: replicas },
];

const { values } = parseArgs({ options: { only: { type: "string" } } });
const started = performance.now();
const results: BenchResult[] = [];
for (const scenario of SCENARIOS) {
  if (values.only !== undefined && !scenario.name.includes(values.only)) continue;
  const t0 = performance.now();
  process.stderr.write(`running ${scenario.name} …\n`);
  results.push(...(await scenario.run()));
  process.stderr.write(`  ${scenario.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}
process.stdout.write(`${formatTable(results)}\n\n`);
const summary =
  `${results.filter((r) => r.met).length}/${results.length} targets met in ` +
  `${((performance.now() - started) / 1000).toFixed(1)} s`;
if (values.only === undefined) {
  // Only a full run replaces the results file: a partial one would drop the other scenarios' figures.
  const file = fileURLToPath(new URL("./results.json", import.meta.url));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${summary}; written to ${file}\n`);
} else {
  process.stdout.write(`${summary} (partial run: results.json left as it was)\n`);
}
// Keep-alive sockets and unref'd timers of the stopped servers must not hold the process.
process.exit(0);
