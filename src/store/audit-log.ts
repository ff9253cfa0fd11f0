/**
 * The audit role of the store: an append-only log, one entry per state change. Entries are written only by
 * `RequestStore.insert`/`save`, in the same transaction as the change they describe; this role reads them back.
 * `/pt status` reads an endpoint's last changes from it.
 */
import type { DeployRequest, DeployState } from "../domain/request.js";

export interface AuditLog {
  /** The request's audit entries, oldest first. */
  audit(requestId: string): Promise<AuditEntry[]>;
  /**
   * The last changes ptbot made (or tried to make) to an endpoint, newest first: the entries in which a request of
   * `workspace` for `endpointName` left the Databricks work (`creating`, `provisioning`, or a delete's `deleting`) for
   * an outcome (`ready`, `failed`, `deleted`, …), of any request kind. Each entry's `after` snapshot says what, who asked and who approved; `at` says when.
   */
  endpointChanges(
    workspace: string,
    endpointName: string,
    options: { readonly limit: number },
  ): Promise<AuditEntry[]>;
}

/** What the caller tells the audit log about a change; the store adds the states and the before/after snapshots. */
export interface AuditInput {
  /** A user id, or `"system"` (see `eventActor`). */
  readonly actor: string;
  /** Usually the event type (`approved`, `create_started`, ...), or `opened` for an insert. */
  readonly action: string;
  readonly at: number;
  /** The checksum of the policy the change was judged by (`config.policyChecksum`); absent: not recorded. */
  readonly policyChecksum?: string;
}

export interface AuditEntry {
  readonly requestId: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  /** null for the insert. */
  readonly fromState: DeployState | null;
  readonly toState: DeployState;
  /** The request as it was before (null for the insert) and after the change. */
  readonly before: DeployRequest | null;
  readonly after: DeployRequest;
  /** The policy's checksum, when the writer recorded one (rows written before it was recorded have none). */
  readonly policyChecksum?: string;
}
