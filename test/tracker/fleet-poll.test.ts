/**
 * The fleet polls Databricks, not each replica (issue 11): two replicas (two cores on two `SqliteStore` instances of
 * one file) follow many provisioning requests against the Databricks emulator. However often they tick (each on its
 * interval, plus rounds kicked in between), the workspace's endpoint list is read once per poll interval in total,
 * both replicas take turns at it, and each endpoint's READY is noticed within one interval of its becoming ready.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  APPROVER,
  CHANNEL,
  createWorld,
  LLAMA,
  POLL_MS,
  PROVISIONING_MS,
  type Process,
  REQUESTER,
  type World,
} from "../workflow/harness.js";

let world: World;
afterEach(async () => {
  await world.close();
});

const CREATE_PATH = "/api/2.0/serving-endpoints";
const LIST = /^\/api\/2\.0\/serving-endpoints$/;
const REQUESTS = 24;

async function approvedRequest(p: Process, i: number): Promise<string> {
  const applied = await p.workflow.request({
    ask: { model: LLAMA, version: 3, endpointName: `fleet-${i}` },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  await p.workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: `${applied.request.id}.0001` });
  const approved = await p.workflow.approve(applied.request.id, APPROVER);
  if (!approved.ok) throw new Error(`approval refused: ${approved.rejection.message}`);
  return applied.request.id;
}

describe("the fleet's poll", () => {
  it("lists once per interval across two replicas and notices READY within one interval", async () => {
    world = await createWorld();
    const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    const a = await world.start(file, "replica-a");
    const b = await world.start(file, "replica-b");
    const noticed = new Map<string, number>();
    const polls = new Map<Process, number>([
      [a, 0],
      [b, 0],
    ]);
    const ids: string[] = [];
    let listCalls = 0;
    const tick = async (p: Process) => {
      const stats = await p.tracker.tick();
      listCalls += stats.listCalls;
      if (stats.polled) polls.set(p, (polls.get(p) ?? 0) + 1);
      for (const id of ids) {
        if (!noticed.has(id) && (await a.store.get(id))?.state === "ready")
          noticed.set(id, world.clock.now());
      }
    };
    // Approvals come one after another, each kicking a round of the replica that took it, which starts the create
    // whoever holds the poll: the endpoints start (and become ready) at different moments of an interval.
    for (let i = 0; i < REQUESTS; i++) {
      const p = i % 2 === 0 ? a : b;
      ids.push(await approvedRequest(p, i));
      world.clock.advance(40);
      await tick(p);
    }
    const creates = world.emu.requestsTo("POST", CREATE_PATH);
    expect(creates).toHaveLength(REQUESTS);
    const readyAt = new Map(
      creates.map((r) => [(r.body as { name: string }).name, r.time + PROVISIONING_MS] as const),
    );

    // Each interval: both replicas' own rounds, whichever first taking turns, then a kicked round of each.
    world.clock.advance(250);
    for (let interval = 0; noticed.size < REQUESTS; interval++) {
      if (interval > PROVISIONING_MS / POLL_MS + 5)
        throw new Error(`READY not noticed: ${noticed.size} seen`);
      for (const p of interval % 2 === 0 ? [a, b] : [b, a]) await tick(p);
      world.clock.advance(300);
      await tick(a);
      world.clock.advance(400);
      await tick(b);
      world.clock.advance(POLL_MS - 700);
    }

    const lists = world.emu.requestsTo("GET", LIST).map((r) => r.time);
    for (const [i, at] of lists.entries()) {
      if (i > 0) expect(at - (lists[i - 1] ?? 0)).toBe(POLL_MS);
    }
    expect(lists.length).toBeGreaterThanOrEqual(PROVISIONING_MS / POLL_MS);
    expect(listCalls).toBe(lists.length);
    expect(polls.get(a)).toBeGreaterThan(0);
    expect(polls.get(b)).toBeGreaterThan(0);
    for (const [i, id] of ids.entries()) {
      const ready = readyAt.get(`fleet-${i}`) ?? Number.NaN;
      const at = noticed.get(id) ?? Number.NaN;
      expect(at).toBeGreaterThanOrEqual(ready);
      expect(at - ready).toBeLessThanOrEqual(POLL_MS);
    }
  });
});
