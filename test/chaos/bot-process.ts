/**
 * ptbot as a child process for the SIGKILL cases: configuration from the environment, as `src/main.ts` reads it,
 * plus two test-only arguments: `--owner <id>` (the lease owner, stable across restarts as a real replica's is;
 * absent: the one ptbot chooses, from `PTBOT_INSTANCE_ID` or unique per process) and
 * `--clock-skew-ms <n>` (this process's clock runs `n` ms ahead of real time). The skew stands in for waiting out
 * the notice leases a killed process left behind (2 minutes by default) without the test taking 2 minutes.
 * It runs `runProcess`, the same entry as `npm start`. Logs JSON lines on stdout; the parent waits for `ptbot started` and reads the port from it.
 */
import { parseArgs } from "node:util";
import { runProcess } from "../../src/main.js";

const { values } = parseArgs({
  options: {
    owner: { type: "string" },
    "clock-skew-ms": { type: "string", default: "0" },
  },
});
const clockSkewMs = Number(values["clock-skew-ms"]);
await runProcess(values.owner === undefined ? { clockSkewMs } : { owner: values.owner, clockSkewMs });
