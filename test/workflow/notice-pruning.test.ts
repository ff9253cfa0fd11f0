/**
 * The outbox does not grow for as long as ptbot runs: the dispatcher deletes the notices done (delivered or given
 * up) longer ago than the retention, at most once an hour, and never a notice still waiting.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Outbox } from "../../src/store/outbox.js";
import { SqliteStore } from "../../src/store/sqlite-store.js";
import { NoticeDispatcher } from "../../src/workflow/notice-dispatcher.js";
import { HOUR, requestIn } from "../domain/fixtures.js";
import { ManualClock } from "../fakes/manual-clock.js";
import { memoryLogger } from "../fakes/memory-logger.js";
import { RecordingNotifier } from "../fakes/recording-notifier.js";

const DAY = 24 * HOUR;

let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

/** The store's outbox with its prune calls recorded: the cutoff asked for and how many notices went. */
function recordingPrunes(inner: Outbox): {
  store: Outbox;
  prunes: Array<{ before: number; pruned: number }>;
} {
  const prunes: Array<{ before: number; pruned: number }> = [];
  const store: Outbox = {
    claimNotices: (options) => inner.claimNotices(options),
    completeNotice: (id, owner, options) => inner.completeNotice(id, owner, options),
    retryNotice: (id, owner, at) => inner.retryNotice(id, owner, at),
    releaseNoticeLeasesOf: (owner) => inner.releaseNoticeLeasesOf(owner),
    async pruneNotices(before) {
      const pruned = await inner.pruneNotices(before);
      prunes.push({ before, pruned });
      return pruned;
    },
  };
  return { store, prunes };
}

describe("notice pruning", () => {
  it("deletes delivered notices once past the retention, hourly at most", async () => {
    const clock = new ManualClock();
    store = await SqliteStore.open(":memory:", { now: () => clock.now() });
    const { store: recorded, prunes } = recordingPrunes(store);
    const notifier = new RecordingNotifier();
    const { logger, lines } = memoryLogger("info");
    const dispatcher = new NoticeDispatcher({
      store: recorded,
      notifier,
      clock,
      logger,
      owner: "d",
      retentionMs: 7 * DAY,
    });
    const request = requestIn("awaiting_approval", { id: "r-1", endpointName: "ep-1" });
    await store.insert(request, { actor: "U_REQ", action: "opened", at: clock.now() }, [
      { type: "card_changed" },
    ]);

    expect(await dispatcher.drain()).toBe(1);
    expect(notifier.delivered.map((d) => d.requestId)).toEqual(["r-1"]);
    // The first round prunes (nothing is old enough yet); the next ones within the hour do not ask again.
    expect(prunes).toEqual([{ before: clock.now() - 7 * DAY, pruned: 0 }]);
    clock.advance(HOUR - 1);
    await dispatcher.drain();
    expect(prunes).toHaveLength(1);

    clock.advance(7 * DAY);
    await dispatcher.drain();
    expect(prunes.at(-1)).toEqual({ before: clock.now() - 7 * DAY, pruned: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ msg: "delivered notices pruned", pruned: 1 }));
    // Nothing was delivered again, and nothing is left to prune.
    expect(notifier.delivered).toHaveLength(1);
    expect(await store.pruneNotices(Number.MAX_SAFE_INTEGER)).toBe(0);
  });
});
