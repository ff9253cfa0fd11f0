/**
 * The whole store: every role in one, as an adapter implements it (`SqliteStore`, `PostgresStore`) and as
 * `main.ts` opens and closes it. Consumers depend on the roles they use, never on this.
 */
import type { AuditLog } from "./audit-log.js";
import type { Outbox } from "./outbox.js";
import type { PollLeases } from "./poll-leases.js";
import type { RequestStore } from "./request-store.js";
import type { WorkQueue } from "./work-queue.js";

export interface Store extends RequestStore, WorkQueue, Outbox, PollLeases, AuditLog {
  /** Idempotent. */
  close(): Promise<void>;
}
