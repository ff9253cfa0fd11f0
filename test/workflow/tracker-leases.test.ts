/**
 * Leases are held while work is in hand and are short (issue 9, item 11's tracker part): a long create keeps its
 * lease while its owner renews it, and a dead owner's create is taken over by another replica once its short lease
 * has run out, not after ten minutes.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../chaos/wait-until.js";
import { APPROVER, CHANNEL, createWorld, LLAMA, type Process, REQUESTER, type World } from "./harness.js";

let world: World;
afterEach(async () => {
  await world.close();
});

const CREATE_PATH = "/api/2.0/serving-endpoints";

async function approvedRequest(p: Process): Promise<string> {
  const applied = await p.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
  });
  if (!applied.ok) throw new Error(`request refused: ${applied.rejection.message}`);
  await p.workflow.attachCard(applied.request.id, { channelId: CHANNEL, ts: `${applied.request.id}.0001` });
  const approved = await p.workflow.approve(applied.request.id, APPROVER);
  if (!approved.ok) throw new Error(`approval refused: ${approved.rejection.message}`);
  return applied.request.id;
}

async function twoReplicas(w: World): Promise<[Process, Process]> {
  const file = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
  return [await w.start(file, "replica-a"), await w.start(file, "replica-b")];
}

const createArrived = (w: World) =>
  waitUntil(() => w.emu.requestsTo("POST", CREATE_PATH).length === 1, {
    timeoutMs: 5_000,
    description: "the create to reach Databricks",
  });

describe("tracker leases", () => {
  it("keep a long create with its owner while it renews them", async () => {
    world = await createWorld();
    const [a, b] = await twoReplicas(world);
    const id = await approvedRequest(a);
    world.emu.injectFault({ method: "POST", path: CREATE_PATH, kind: "delay", ms: 1_500 });
    world.clock.advance(1);
    const slow = a.tracker.tick();
    await createArrived(world);
    for (let i = 0; i < 3; i++) {
      world.clock.advance(30_000);
      await a.tracker.renewLeases();
      expect((await b.tracker.tick()).claimed).toBe(0);
    }
    await slow;
    expect((await a.store.get(id))?.state).toBe("provisioning");
    expect(world.emu.requestsTo("POST", CREATE_PATH)).toHaveLength(1);
  });

  it("let another replica take over a dead owner's create within the short lease", async () => {
    world = await createWorld();
    const [a, b] = await twoReplicas(world);
    const id = await approvedRequest(a);
    // The owner's create never gets an answer: as far as anyone can tell, the owner is gone.
    world.emu.injectFault({ method: "POST", path: CREATE_PATH, kind: "delay", ms: 600_000 });
    world.clock.advance(1);
    void a.tracker.tick();
    await createArrived(world);
    expect((await b.tracker.tick()).claimed).toBe(0);

    world.clock.advance(60_000);
    expect((await b.tracker.tick()).claimed).toBe(1);
    expect((await b.store.get(id))?.state).toBe("provisioning");
  });
});
