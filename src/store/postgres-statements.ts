/**
 * The SQL of `PostgresStore`, one constant per statement, with numbered parameters. Claims lease rows with
 * `FOR UPDATE SKIP LOCKED`, so replicas claiming at once never wait on each other and never get the same row: a row
 * another claimer has locked is skipped, and one it has already leased fails the lease condition on re-check.
 */

const REQUEST_COLUMNS = `id, state, version, workspace, endpoint_name, held_endpoint_name, channel_id,
  message_channel_id, message_ts, created_at, updated_at, expires_at, body, lifetime_due_at`;

export const SQL = {
  get: "SELECT body FROM requests WHERE id = $1",
  stateOf: "SELECT state FROM requests WHERE id = $1",
  // Locks the row for the rest of the transaction: a second saver of the same version waits, then finds none.
  getForVersion: "SELECT body FROM requests WHERE id = $1 AND version = $2 FOR UPDATE",
  insert: `INSERT INTO requests (${REQUEST_COLUMNS})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
    ON CONFLICT (id) DO NOTHING`,
  update: `UPDATE requests SET state = $2, version = $3, workspace = $4, endpoint_name = $5,
      held_endpoint_name = $6, channel_id = $7, message_channel_id = $8, message_ts = $9, updated_at = $10,
      expires_at = $11, body = $12, lifetime_due_at = $13
    WHERE id = $1 AND version = $14`,
  byStates: "SELECT body FROM requests WHERE state = ANY($1::text[]) ORDER BY created_at, id LIMIT $2",
  expired: `SELECT body FROM requests
    WHERE state IN ('resolving', 'awaiting_approval') AND expires_at <= $1
    ORDER BY expires_at, id LIMIT $2`,
  lifetimesDue: `SELECT body FROM requests WHERE lifetime_due_at <= $1
    ORDER BY lifetime_due_at, id LIMIT $2`,
  countByState: "SELECT state, COUNT(*)::int AS n FROM requests GROUP BY state",
  byEndpoint: `SELECT body FROM requests WHERE workspace = $1 AND endpoint_name = $2
    ORDER BY created_at DESC, id DESC LIMIT $3`,
  holder: "SELECT body FROM requests WHERE workspace = $1 AND held_endpoint_name = $2",
  // $1 states, $2 now, $3 limit, $4 owner, $5 lease until.
  claimDue: `WITH due AS (
      SELECT id FROM requests
      WHERE state = ANY($1::text[])
        AND ($6::text[] IS NULL OR workspace = ANY($6::text[]))
        AND (lease_until IS NULL OR lease_until <= $2)
        AND (next_check_at IS NULL OR next_check_at <= $2)
      ORDER BY COALESCE(next_check_at, 0), created_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE requests r SET lease_owner = $4, lease_until = $5 FROM due WHERE r.id = due.id
      RETURNING r.id, r.body, r.next_check_at, r.created_at
    )
    SELECT body FROM claimed ORDER BY COALESCE(next_check_at, 0), created_at, id`,
  renew: "UPDATE requests SET lease_until = $3 WHERE id = $1 AND lease_owner = $2",
  release: "UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
  releaseAll: "UPDATE requests SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1",
  schedule: `UPDATE requests SET next_check_at = $2
    WHERE id = $1 AND ($3::text IS NULL OR lease_owner IS NULL OR lease_owner = $3)`,
  appendAudit: `INSERT INTO audit_log (request_id, at, actor, action, from_state, to_state, before, after,
    policy_checksum) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  audit: `SELECT request_id, at, actor, action, from_state, to_state, before, after, policy_checksum FROM audit_log
    WHERE request_id = $1 ORDER BY seq`,
  endpointChanges: `SELECT a.request_id, a.at, a.actor, a.action, a.from_state, a.to_state, a.before, a.after,
    a.policy_checksum FROM audit_log a JOIN requests r ON r.id = a.request_id
    WHERE r.workspace = $1 AND r.endpoint_name = $2
      AND a.from_state IN ('creating', 'provisioning', 'deleting')
        AND a.to_state NOT IN ('creating', 'provisioning', 'deleting')
    ORDER BY a.seq DESC LIMIT $3`,
  enqueue: "INSERT INTO outbox (request_id, notice, request, created_at) VALUES ($1, $2, $3, $4)",
  // The head of each request's queue, when it is free to deliver. A head another replica is completing is locked
  // and skipped, and the notice behind it is no head in this statement's snapshot, so order holds across replicas:
  // a request's notices are written in the order of its compare-and-set writes, which its row lock serialises.
  // $1 now, $2 limit, $3 owner, $4 lease until.
  claimNotices: `WITH heads AS (
      SELECT o.seq FROM outbox o
      WHERE o.status = 'pending'
        AND o.seq = (SELECT MIN(h.seq) FROM outbox h WHERE h.request_id = o.request_id AND h.status = 'pending')
        AND (o.lease_until IS NULL OR o.lease_until <= $1)
        AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= $1)
      ORDER BY o.seq
      LIMIT $2
      FOR UPDATE OF o SKIP LOCKED
    ), claimed AS (
      UPDATE outbox o SET lease_owner = $3, lease_until = $4, claims = o.claims + 1 FROM heads
      WHERE o.seq = heads.seq
      RETURNING o.seq, o.request_id, o.notice, o.request, o.attempts, o.claims
    )
    SELECT * FROM claimed ORDER BY seq`,
  // $1 seq, $2 owner, $3 status, $4 attempts to add, $5 now.
  completeNotice: `UPDATE outbox SET status = $3, attempts = attempts + $4, done_at = $5,
      lease_owner = NULL, lease_until = NULL
    WHERE seq = $1 AND status = 'pending' AND lease_owner = $2`,
  retryNotice: `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $3, lease_owner = NULL,
      lease_until = NULL
    WHERE seq = $1 AND status = 'pending' AND lease_owner = $2`,
  // $1 done before.
  pruneNotices: "DELETE FROM outbox WHERE status <> 'pending' AND done_at < $1",
  releaseNotices: `UPDATE outbox SET lease_owner = NULL, lease_until = NULL
    WHERE status = 'pending' AND lease_owner = $1`,
  // One statement: the upsert locks the workspace's row, so the check and the take are atomic across replicas.
  // $1 workspace, $2 owner, $3 now, $4 next poll.
  claimPoll: `INSERT INTO workspace_polls (workspace, owner, polled_at, next_poll_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (workspace) DO UPDATE SET owner = EXCLUDED.owner, polled_at = EXCLUDED.polled_at,
      next_poll_at = EXCLUDED.next_poll_at
    WHERE workspace_polls.next_poll_at <= EXCLUDED.polled_at`,
} as const;
