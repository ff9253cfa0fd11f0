/**
 * The check every chaos case ends with: every request reached the end state it should have, each endpoint was
 * created once (and by the request it belongs to), each thread got each notice once and in order, and nothing is
 * left half done (nothing in flight, no notice waiting in the outbox).
 */
import { expect } from "vitest";
import type { DatabricksEmulator } from "../../emulators/databricks/index.js";
import type { StoredMessage } from "../../emulators/slack/index.js";
import type { DeployState } from "../../src/domain/index.js";
import type { Outbox } from "../../src/store/outbox.js";
import type { RequestStore } from "../../src/store/request-store.js";
import { noticeOf, READY_THREAD } from "./thread-notices.js";

/** One request a case started, and where it should end. */
export interface Expected {
  /** Known when the case made the request through the workflow; Slack-driven cases look it up by endpoint. */
  readonly id?: string;
  readonly endpointName: string;
  readonly state: DeployState;
}

/** What a thread should have heard, in order, for a request that ended in `state`. */
export const NOTICES_BY_END_STATE: Partial<Record<DeployState, readonly string[]>> = {
  ready: ["approval_needed", "approved", "creating", "provisioning", "ready"],
};

export interface NothingLostInput {
  readonly expected: readonly Expected[];
  readonly emu: Pick<DatabricksEmulator, "requests" | "endpoint">;
  /** The request's state as stored now. */
  readonly stateOf: (e: Expected) => Promise<DeployState | undefined>;
  /** The notice kinds the request's thread received, in order (card re-renders left out). */
  readonly threadOf: (e: Expected) => readonly string[];
  /** What the thread should have heard for a request; default {@link NOTICES_BY_END_STATE} for its state. */
  readonly expectedThread?: (e: Expected) => readonly string[] | undefined;
  /** The request id that created the endpoint must be this one (from the `ptbot_request_id` tag). */
  readonly idOf?: (e: Expected) => Promise<string | undefined>;
  /**
   * Whether a repeated notice is explained by something the case did on purpose (a SIGKILL between delivering a
   * notice and recording it). Default: no repeat is acceptable.
   */
  readonly explainRepeat?: (e: Expected, notice: string) => boolean;
  /** How many notices are still waiting in the outbox (must be 0). */
  readonly pendingNotices?: () => Promise<number>;
}

const CREATE_PATHS = new Set(["/api/2.0/serving-endpoints", "/api/2.0/serving-endpoints/pt"]);

export async function assertNothingLost(input: NothingLostInput): Promise<void> {
  const { expected, emu } = input;
  const creates = emu.requests.filter((r) => r.method === "POST" && CREATE_PATHS.has(r.path));
  const createdNames = new Set(creates.map((r) => (r.body as { name?: string } | undefined)?.name));
  const expectedNames = new Set(expected.map((e) => e.endpointName));
  // No endpoint was created that no request asked for.
  expect([...createdNames].filter((n) => n === undefined || !expectedNames.has(n))).toEqual([]);

  for (const e of expected) {
    const where = `${e.endpointName}${e.id === undefined ? "" : ` (${e.id})`}`;
    expect(await input.stateOf(e), `end state of ${where}`).toBe(e.state);

    const mine = creates.filter((r) => (r.body as { name?: string }).name === e.endpointName);
    const landed = mine.filter((r) => r.status === 200);
    if (e.state === "ready") {
      // The workspace holds the endpoint, tagged by the request that asked for it; at most one create was
      // answered 200 (a second send after a lost answer meets 409, which creates nothing).
      const endpoint = emu.endpoint(e.endpointName) as
        | { tags?: { key: string; value?: string }[] }
        | undefined;
      expect(endpoint, `endpoint ${where} exists`).toBeDefined();
      const tag = endpoint?.tags?.find((t) => t.key === "ptbot_request_id")?.value;
      const id = e.id ?? (await input.idOf?.(e));
      if (id !== undefined) expect(tag, `endpoint ${where} tagged by its request`).toBe(id);
      expect(landed.length, `creates of ${where} answered 200`).toBeLessThanOrEqual(1);
      expect(mine.length, `creates of ${where} sent`).toBeGreaterThanOrEqual(1);
    } else {
      expect(landed, `no endpoint created for ${where}`).toEqual([]);
    }

    const heard = input.threadOf(e);
    const wanted =
      input.expectedThread === undefined ? NOTICES_BY_END_STATE[e.state] : input.expectedThread(e);
    if (wanted !== undefined) {
      const firsts = heard.filter((n, i) => heard.indexOf(n) === i);
      expect(firsts, `notices in ${where}'s thread, in order`).toEqual(wanted);
      const repeats = heard.filter((n, i) => heard.indexOf(n) !== i);
      const unexplained = repeats.filter((n) => !(input.explainRepeat?.(e, n) ?? false));
      expect(unexplained, `notices repeated in ${where}'s thread`).toEqual([]);
    }
  }
  if (input.pendingNotices !== undefined)
    expect(await input.pendingNotices(), "notices left in the outbox").toBe(0);
}

/**
 * {@link assertNothingLost} for conversations that must all end READY, read back from the store the bots shared:
 * each endpoint's newest request, its card's thread as the watcher saw it, and nothing left in the outbox.
 */
export async function assertAllReady(input: {
  readonly store: RequestStore & Outbox;
  readonly emu: DatabricksEmulator;
  readonly names: readonly string[];
  readonly cards: readonly StoredMessage[];
  readonly replies: (card: StoredMessage) => readonly { readonly message: StoredMessage }[];
  /** What each thread must say, in order; default {@link READY_THREAD}. */
  readonly thread?: readonly string[];
}): Promise<void> {
  const { store, emu, names, cards, replies } = input;
  const byName = async (e: Expected) => (await store.findByEndpointName("default", e.endpointName))[0];
  const cardOf = new Map(names.map((name, i) => [name, cards[i] as StoredMessage]));
  await assertNothingLost({
    expected: names.map((endpointName) => ({ endpointName, state: "ready" as const })),
    emu,
    stateOf: async (e) => (await byName(e))?.state,
    idOf: async (e) => (await byName(e))?.id,
    threadOf: (e) => replies(cardOf.get(e.endpointName) as StoredMessage).map((s) => noticeOf(s.message)),
    expectedThread: () => input.thread ?? READY_THREAD,
    pendingNotices: async () =>
      // Claimed a year ahead, every notice still in the outbox is due: there must be none.
      (
        await store.claimNotices({
          owner: "audit",
          now: Date.now() + 365 * 86_400_000,
          leaseMs: 1,
          limit: 10_000,
        })
      ).length,
  });
}
