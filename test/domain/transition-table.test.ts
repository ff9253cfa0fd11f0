/**
 * Every state × every event. Each cell is either the state the request moves to (with the effects, in order) or
 * the rejection code. Written out by hand on purpose: this table is the specification. Effects are notices only: the
 * Databricks work follows from the state a request is saved in (approved → create or update, creating → reconcile).
 */
import { describe, expect, it } from "vitest";
import type { Effect } from "../../src/domain/effects.js";
import { DEPLOY_EVENT_TYPES, type DeployEvent, type DeployEventType } from "../../src/domain/events.js";
import { DEPLOY_STATES, type DeployState } from "../../src/domain/request.js";
import { transition } from "../../src/domain/transition.js";
import {
  approver,
  HOUR,
  MINUTE,
  observation,
  policy,
  requester,
  requestIn,
  resolvedEvent,
  T0,
} from "./fixtures.js";

const NOW = T0 + HOUR;

/** A representative, well-formed event of each type, and when it happens. */
const SAMPLES: Record<DeployEventType, { event: DeployEvent; now: number }> = {
  resolved: { event: resolvedEvent(), now: NOW },
  resolution_failed: {
    event: { type: "resolution_failed", code: "model_not_found", message: "no model ml.x.y" },
    now: NOW,
  },
  adjusted: {
    event: {
      type: "adjusted",
      by: { id: requester.id, groups: [] },
      plan: { minMultiple: 2, maxMultiple: 4, scaleToZero: false },
      endpointName: "llama-13b-3",
      mode: { kind: "create" },
    },
    now: NOW,
  },
  approved: { event: { type: "approved", by: approver, revision: 1 }, now: NOW },
  rejected: { event: { type: "rejected", by: approver }, now: NOW },
  cancelled: { event: { type: "cancelled", by: { id: requester.id } }, now: NOW },
  superseded: {
    event: { type: "superseded", newer: { requestId: "req-2", requester, state: "resolving" } },
    now: NOW,
  },
  expired: { event: { type: "expired" }, now: T0 + 25 * HOUR },
  message_posted: {
    event: { type: "message_posted", message: { channelId: "C_DEPLOYS", ts: "1.2" } },
    now: NOW,
  },
  card_unreachable: { event: { type: "card_unreachable", code: "is_inactive" }, now: NOW },
  create_started: { event: { type: "create_started" }, now: NOW },
  create_accepted: { event: { type: "create_accepted", endpoint: observation() }, now: NOW },
  create_failed: {
    event: { type: "create_failed", code: "databricks_conflict", message: "endpoint exists" },
    now: NOW,
  },
  create_retrying: {
    event: { type: "create_retrying", since: NOW - 10 * MINUTE, message: "429", noticeAfterMs: 5 * MINUTE },
    now: NOW,
  },
  provisioning_progress: {
    event: { type: "provisioning_progress", endpoint: observation({ configVersion: 2 }) },
    now: NOW,
  },
  provisioning_succeeded: {
    event: {
      type: "provisioning_succeeded",
      endpoint: observation({ ready: "READY", configUpdate: "NOT_UPDATING" }),
    },
    now: NOW,
  },
  provisioning_failed: {
    event: {
      type: "provisioning_failed",
      endpoint: observation({ configUpdate: "UPDATE_FAILED", deploymentMessage: "no GPUs" }),
    },
    now: NOW,
  },
  provisioning_stuck: { event: { type: "provisioning_stuck", limitMs: 30 * MINUTE }, now: NOW },
  workspace_unreachable: {
    event: { type: "workspace_unreachable", since: NOW - 10 * MINUTE, code: "databricks_network" },
    now: NOW,
  },
  deleted: { event: { type: "deleted" }, now: NOW },
  provisioning_elapsed: {
    event: { type: "provisioning_elapsed", typicalMs: 15 * MINUTE, everyMs: 5 * MINUTE },
    now: NOW,
  },
  smoke_test_started: { event: { type: "smoke_test_started" }, now: NOW },
  reminder_due: { event: { type: "reminder_due", at: NOW, kind: "reminder" }, now: NOW },
  smoke_test_finished: {
    event: { type: "smoke_test_finished", result: { outcome: "skipped" } },
    now: NOW,
  },
  lifetime_notice: { event: { type: "lifetime_notice", onExpiry: "notify" }, now: NOW },
  lifetime_expired: {
    event: { type: "lifetime_expired", action: "delete", by: { id: "policy" } },
    now: NOW,
  },
  lifetime_kept: { event: { type: "lifetime_kept", by: { id: requester.id, groups: [] } }, now: NOW },
  lifetime_ended: { event: { type: "lifetime_ended", by: "req-2" }, now: NOW },
};

type Cell = string | { to: DeployState; effects: string[] };
const to = (state: DeployState, ...effects: string[]): Cell => ({ to: state, effects });
const I = "invalid_transition";
const AA = "already_approved";
const AD = "already_decided";
const EX = "expired";
const RR = "already_reported";
const CARD = "notify:card_changed";

// Columns, in DEPLOY_STATES order:
//   resolving, awaiting_approval, approved, creating, provisioning, ready, failed, unresolvable, rejected, cancelled, expired,
//   deleting, deleted
const TABLE: Record<DeployEventType, Cell[]> = {
  resolved: [to("awaiting_approval", CARD, "notify:approval_needed"), I, I, I, I, I, I, I, I, I, I, I, I],
  resolution_failed: [to("unresolvable", CARD, "notify:unresolvable"), I, I, I, I, I, I, I, I, I, I, I, I],
  adjusted: [I, to("awaiting_approval", CARD, "notify:adjusted"), AA, AA, AA, AA, AA, I, AD, AD, EX, AA, AA],
  approved: [I, to("approved", CARD, "notify:approved"), AA, AA, AA, AA, AA, I, AD, AD, EX, AA, AA],
  rejected: [I, to("rejected", CARD, "notify:rejected"), AA, AA, AA, AA, AA, I, AD, AD, EX, AA, AA],
  cancelled: [
    to("cancelled", CARD, "notify:cancelled"),
    to("cancelled", CARD, "notify:cancelled"),
    AA,
    AA,
    AA,
    AA,
    AA,
    I,
    AD,
    AD,
    EX,
    AA,
    AA,
  ],
  superseded: [to("cancelled", CARD), to("cancelled", CARD), AA, AA, AA, AA, AA, I, AD, AD, EX, AA, AA],
  expired: [
    to("expired", CARD, "notify:expired"),
    to("expired", CARD, "notify:expired"),
    AA,
    AA,
    AA,
    AA,
    AA,
    I,
    AD,
    AD,
    EX,
    AA,
    AA,
  ],
  // A card recorded after its request moved on (adopted from a click) is re-rendered; an undecided one is not.
  message_posted: DEPLOY_STATES.map((s) =>
    s === "resolving" || s === "awaiting_approval" ? to(s) : to(s, CARD),
  ),
  // Recorded in any state, without a notice: nothing can show it on the card.
  card_unreachable: DEPLOY_STATES.map((s) => to(s)),
  create_started: [I, I, to("creating", CARD, "notify:creating"), I, I, I, I, I, I, I, I, I, I],
  create_accepted: [I, I, I, to("provisioning", CARD, "notify:provisioning"), I, I, I, I, I, I, I, I, I],
  create_failed: [
    I,
    I,
    I,
    to("failed", CARD, "notify:failed"),
    I,
    I,
    I,
    I,
    I,
    I,
    I,
    to("failed", CARD, "notify:failed"),
    I,
  ],
  create_retrying: [
    I,
    I,
    I,
    to("creating", "notify:create_slow"),
    I,
    I,
    I,
    I,
    I,
    I,
    I,
    to("deleting", "notify:create_slow"),
    I,
  ],
  provisioning_progress: [I, I, I, I, to("provisioning", CARD), I, I, I, I, I, I, I, I],
  // The smoke test rides the outbox behind the READY notice.
  provisioning_succeeded: [
    I,
    I,
    I,
    I,
    to("ready", CARD, "notify:ready", "notify:smoke_test"),
    I,
    I,
    I,
    I,
    I,
    I,
    I,
    I,
  ],
  provisioning_failed: [I, I, I, I, to("failed", CARD, "notify:failed"), I, I, I, I, I, I, I, I],
  provisioning_stuck: [I, I, I, I, to("provisioning", CARD, "notify:stuck"), I, I, I, I, I, I, I, I],
  // Told once in the thread (issue 14); the request goes on provisioning.
  workspace_unreachable: [
    I,
    I,
    I,
    I,
    to("provisioning", CARD, "notify:workspace_unreachable"),
    I,
    I,
    I,
    I,
    I,
    I,
    I,
    I,
  ],
  // The card alone shows the elapsed time (no thread message).
  provisioning_elapsed: [I, I, I, I, to("provisioning", CARD), I, I, I, I, I, I, I, I],
  // Bookkeeping only: the card does not change.
  smoke_test_started: [I, I, I, I, I, to("ready"), I, I, I, I, I, I, I],
  // Only after smoke_test_started (see transition.test.ts): a fresh ready request was never started.
  smoke_test_finished: [I, I, I, I, I, I, I, I, I, I, I, I, I],
  reminder_due: [I, to("awaiting_approval", "notify:reminder"), I, I, I, I, I, I, I, I, I, I, I],
  // Only for a ready deploy with a lifetime (see lifetime-transition.test.ts): these requests have none.
  lifetime_notice: [I, I, I, I, I, I, I, I, I, I, I, I, I],
  lifetime_expired: [I, I, I, I, I, I, I, I, I, I, I, I, I],
  lifetime_kept: [I, I, I, I, I, I, I, I, I, I, I, I, I],
  lifetime_ended: [RR, RR, RR, RR, RR, RR, RR, RR, RR, RR, RR, RR, RR],
  deleted: [I, I, I, I, I, I, I, I, I, I, I, to("deleted", CARD, "notify:deleted"), I],
};

function summarize(effects: readonly Effect[]): string[] {
  return effects.map((e) => (e.type === "notify" ? `notify:${e.notice.type}` : e.type));
}

const cases = DEPLOY_EVENT_TYPES.flatMap((eventType) =>
  DEPLOY_STATES.map((state, column) => ({ eventType, state, cell: TABLE[eventType][column] })),
);

describe("transition: every state × every event", () => {
  it("the table covers every event type and every state", () => {
    expect(Object.keys(TABLE).sort()).toEqual([...DEPLOY_EVENT_TYPES].sort());
    for (const row of Object.values(TABLE)) expect(row).toHaveLength(DEPLOY_STATES.length);
    expect(cases).toHaveLength(DEPLOY_STATES.length * DEPLOY_EVENT_TYPES.length);
  });

  it.each(cases)("$eventType in $state", ({ eventType, state, cell }) => {
    const request = requestIn(state);
    expect(request.state).toBe(state);
    const { event, now } = SAMPLES[eventType];
    const result = transition(request, event, { now, policy });
    if (cell === undefined) throw new Error("table hole");
    if (typeof cell === "string") {
      expect(result.ok, `expected rejection ${cell}`).toBe(false);
      if (result.ok) return;
      expect(result.rejection.code).toBe(cell);
      expect(result.rejection.message.length).toBeGreaterThan(10);
      return;
    }
    if (!result.ok)
      throw new Error(`expected success, got ${result.rejection.code}: ${result.rejection.message}`);
    expect(result.request.state).toBe(cell.to);
    expect(summarize(result.effects)).toEqual(cell.effects);
    expect(result.request.version).toBe(request.version + 1);
    expect(result.request.updatedAt).toBe(now);
    expect(result.request.id).toBe(request.id);
    expect(result.request.createdAt).toBe(request.createdAt);
  });
});
