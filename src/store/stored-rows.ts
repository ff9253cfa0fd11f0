/**
 * Reading the store's rows back into the domain's shapes, the same for every SQL adapter: the columns are named and
 * stored alike (requests and snapshots as JSON text, times as numbers), so only how each adapter fetches rows
 * differs. Rows come in as plain records.
 */
import type { Notice } from "../domain/effects.js";
import type { DeployRequest, DeployState } from "../domain/request.js";
import type { AuditEntry } from "./audit-log.js";
import type { OutboxItem } from "./outbox.js";

export type StoredRow = Readonly<Record<string, unknown>>;

/** The request a `requests` row holds in its `body`. */
export function requestOf(row: StoredRow): DeployRequest {
  return JSON.parse(String(row.body)) as DeployRequest;
}

/** An `audit_log` row. */
export function auditEntryOf(row: StoredRow): AuditEntry {
  return {
    requestId: String(row.request_id),
    at: Number(row.at),
    actor: String(row.actor),
    action: String(row.action),
    fromState: row.from_state === null ? null : (String(row.from_state) as DeployState),
    toState: String(row.to_state) as DeployState,
    before: typeof row.before === "string" ? (JSON.parse(row.before) as DeployRequest) : null,
    after: JSON.parse(String(row.after)) as DeployRequest,
    ...(typeof row.policy_checksum === "string" ? { policyChecksum: row.policy_checksum } : {}),
  };
}

/**
 * An `outbox` row as claimed; `claimedBefore` is the adapter's to say, since one reads the claim count before its
 * claim and the other after it.
 */
export function outboxItemOf(row: StoredRow, claimedBefore: boolean): OutboxItem {
  return {
    id: Number(row.seq),
    requestId: String(row.request_id),
    request: JSON.parse(String(row.request)) as DeployRequest,
    notice: JSON.parse(String(row.notice)) as Notice,
    attempts: Number(row.attempts),
    claimedBefore,
  };
}
