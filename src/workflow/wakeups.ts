/**
 * Wake-ups across replicas: a write on one replica that leaves work (a create to start, notices to deliver) is
 * announced to the others, whose workers then look at once instead of at their next interval, so an approval answered
 * by replica A starts the create within a second even when replica B claims it. The core announces each signal it
 * wakes its own workers on, and wakes them on the signals it hears.
 *
 * Best effort by design: a wake-up lost (a connection down) only delays the work to the next round, which finds it
 * from the state in the store. Adapters: {@link WakeupBus} (the replicas of one process) and `PostgresWakeups`
 * (LISTEN/NOTIFY, the replicas of one database).
 */
import type { WorkSignal } from "./apply-event.js";

export type WakeupListener = (work: WorkSignal) => void;

export interface Wakeups {
  /** Tells the other replicas what a write left to do. Never rejects: a failure is logged, and the work waits. */
  announce(work: WorkSignal): Promise<void>;
  /**
   * `listener` hears every signal another replica announced, never this one's own (the core has woken its workers
   * already), and may hear a catch-up signal after a wake-up may have been missed. Returns the unsubscribe.
   */
  subscribe(listener: WakeupListener): () => void;
  /** Stops hearing and announcing. Idempotent. */
  close(): Promise<void>;
}

/**
 * In-process wake-ups: each replica of one process (the sandbox, tests) joins the bus and hears what the others
 * announce. Alone on its bus (the default of a single core), a replica's announcements go nowhere.
 */
export class WakeupBus {
  readonly #members = new Set<Set<WakeupListener>>();

  join(): Wakeups {
    const listeners = new Set<WakeupListener>();
    this.#members.add(listeners);
    const members = this.#members;
    return {
      async announce(work) {
        // Delivered on a later turn, as a notification from another process would be: never inside the writer's call.
        await Promise.resolve();
        for (const other of members) {
          if (other === listeners) continue;
          for (const listener of other) listener(work);
        }
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async close() {
        listeners.clear();
        members.delete(listeners);
      },
    };
  }
}
