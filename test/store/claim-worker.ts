/**
 * A second process for the SQLite cross-process test: opens the store at argv[2] as owner argv[3], says "ready",
 * waits for "go" on stdin, claims one request at a time until none is left, and prints the ids it got as JSON.
 */
import { once } from "node:events";
import { SqliteStore } from "../../src/store/sqlite-store.js";

const [path, owner, nowText] = process.argv.slice(2);
if (path === undefined || owner === undefined || nowText === undefined)
  throw new Error("usage: path owner now");
const store = await SqliteStore.open(path);
process.stdout.write("ready\n");
await once(process.stdin, "data");
const claimed: string[] = [];
for (;;) {
  const got = await store.claimDue({
    owner,
    now: Number(nowText),
    leaseMs: 600_000,
    limit: 1,
    states: ["provisioning"],
  });
  if (got.length === 0) break;
  claimed.push(...got.map((r) => r.id));
}
await store.close();
process.stdout.write(`${JSON.stringify(claimed)}\n`);
process.stdin.destroy();
