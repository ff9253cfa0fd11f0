/**
 * The reminders' scan of pending requests, which runs in every tracker round of every replica, happens only when
 * some rule can send a reminder: with none configured (the default) the store is not asked for the pending requests
 * at all; with one workspace's policy reminding, its requests are reminded as before, and a request of a workspace
 * no longer served is judged by the first workspace's rules, as `Workspaces.policyOf` says.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type DatabricksEmulator, startDatabricksEmulator } from "../../emulators/databricks/index.js";
import { type Core, createCore } from "../../src/core/create-core.js";
import { createDatabricksClient, createPatCredentials } from "../../src/databricks/index.js";
import {
  approvalPolicy,
  DEFAULT_REMINDER_POLICY,
  type DeployState,
  defaultWorkspacePolicy,
  type WorkspacePolicy,
} from "../../src/domain/index.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { workspacesOf } from "../../src/workflow/workspaces.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";

const REQUESTER = "U0REQUESTER";
const APPROVER = "U0APPROVER";
const CHANNEL = "C0MLDEPLOY";
const LLAMA = "ml.llm-catalog.llama-13b";
const HOUR = 3_600_000;

const approval = approvalPolicy({ approverUsers: [APPROVER], approverGroups: [], requestTtlMs: 24 * HOUR });
const plain: WorkspacePolicy = defaultWorkspacePolicy(approval);
const reminding: WorkspacePolicy = { ...plain, reminders: { ...DEFAULT_REMINDER_POLICY, afterMs: [HOUR] } };

let emu: DatabricksEmulator | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
  await emu?.close();
  emu = undefined;
});

/** The store, counting the listings of pending requests (what the reminders' scan asks for). */
class CountingStore {
  pendingListings = 0;
  readonly store: Store;

  constructor(inner: Store) {
    this.store = new Proxy(inner, {
      get: (target, key) => {
        if (key === "listByStates") {
          return (states: readonly DeployState[], options?: { readonly limit?: number }) => {
            if (states.includes("awaiting_approval")) this.pendingListings++;
            return target.listByStates(states, options);
          };
        }
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }
}

interface World {
  readonly core: Core;
  readonly notifier: RecordingNotifier;
  readonly counting: CountingStore;
}

/** A core on `store` serving these workspaces (each on the emulator), driven by hand. */
function coreServing(
  store: Store,
  clock: ManualClock,
  served: readonly { readonly name: string; readonly policy: WorkspacePolicy }[],
): World {
  if (emu === undefined) throw new Error("no emulator");
  const client = createDatabricksClient({ host: emu.url, credentials: createPatCredentials(emu.token) });
  const counting = new CountingStore(store);
  const notifier = new RecordingNotifier();
  let ids = 0;
  const core = createCore({
    store: counting.store,
    workspaces: workspacesOf(served.map((w) => ({ ...w, client }))),
    directory: { groupsOf: async () => [] },
    notifier,
    clock,
    policy: approval,
    logger: memoryLogger("silent").logger,
    owner: "replica-a",
    newId: () => `req-${++ids}`,
    pollIntervalMs: HOUR,
    provisioningLimitMs: 24 * HOUR,
    noticeIntervalMs: HOUR,
  });
  cleanups.push(() => core.stop());
  return { core, notifier, counting };
}

async function world(served: readonly { readonly name: string; readonly policy: WorkspacePolicy }[]) {
  const clock = new ManualClock();
  emu = await startDatabricksEmulator({ port: 0, now: () => clock.now(), provisioningMs: 60_000 });
  const store = await SqliteStore.open(":memory:", { now: () => clock.now() });
  cleanups.push(() => store.close());
  return { clock, store, ...coreServing(store, clock, served) };
}

/** Opens a pending request in `workspace`, with its card posted (a thread to remind in). */
async function pending(core: Core, workspace: string, ts: string): Promise<string> {
  const opened = await core.workflow.request({
    ask: { model: LLAMA, version: 3 },
    requester: { id: REQUESTER },
    channelId: CHANNEL,
    workspace,
  });
  if (!opened.ok) throw new Error(opened.rejection.message);
  await core.workflow.attachCard(opened.request.id, { channelId: CHANNEL, ts });
  return opened.request.id;
}

async function round({ core }: { core: Core }): Promise<void> {
  await core.tracker.tick();
  await core.dispatcher.drain();
}

function remindedIds(notifier: RecordingNotifier): string[] {
  return notifier.delivered.filter((d) => d.notice.type === "reminder").map((d) => d.requestId);
}

describe("the reminders' scan of pending requests", () => {
  it("is skipped in every round when no served workspace's policy has reminders", async () => {
    const w = await world([
      { name: "east", policy: plain },
      { name: "west", policy: plain },
    ]);
    await pending(w.core, "east", "1700000000.0001");
    await pending(w.core, "west", "1700000000.0002");
    const before = w.counting.pendingListings;
    for (let i = 0; i < 3; i++) {
      w.clock.advance(HOUR);
      await round(w);
    }
    expect(w.counting.pendingListings - before).toBe(0);
    expect(remindedIds(w.notifier)).toEqual([]);
  });

  it("runs when one workspace's policy has reminders, reminding its requests and not the others'", async () => {
    const w = await world([
      { name: "east", policy: plain },
      { name: "west", policy: reminding },
    ]);
    await pending(w.core, "east", "1700000000.0001");
    const west = await pending(w.core, "west", "1700000000.0002");
    const before = w.counting.pendingListings;
    w.clock.advance(HOUR);
    await round(w);
    await round(w);
    expect(w.counting.pendingListings - before).toBeGreaterThan(0);
    expect(remindedIds(w.notifier)).toEqual([west]);
  });

  it("reminds a request of a workspace no longer served by the first workspace's rules, as before", async () => {
    const w = await world([
      { name: "main", policy: reminding },
      { name: "retired", policy: plain },
    ]);
    const old = await pending(w.core, "retired", "1700000000.0001");
    await w.core.stop();
    // The policy file no longer names `retired`: its request falls back to `main`'s rules, which remind.
    const restarted = coreServing(w.store, w.clock, [{ name: "main", policy: reminding }]);
    w.clock.advance(HOUR);
    await round(restarted);
    await round(restarted);
    expect(remindedIds(restarted.notifier)).toEqual([old]);
  });
});
