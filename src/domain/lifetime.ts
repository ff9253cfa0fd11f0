/**
 * How long an endpoint should live (issue 13): `--ttl 7d` or the workspace's default sets when it should go away; a
 * notice comes before that moment, and at the moment itself, with no answer, the policy's action is taken. Pure: the
 * caller keeps `expiresAt` and what was sent, and passes `now`.
 */
import { DAY_MS, MINUTE_MS, parseDuration } from "./duration.js";

/** What ptbot does at an endpoint's expiry when nobody answered the notice (`PTBOT_ON_ENDPOINT_EXPIRY`). */
export type ExpiryAction = "notify" | "scale-to-zero" | "delete";

export const EXPIRY_ACTIONS: readonly ExpiryAction[] = ["notify", "scale-to-zero", "delete"];

export interface LifetimePolicy {
  /** TTL of an endpoint deployed without `--ttl` (`PTBOT_DEFAULT_ENDPOINT_TTL`); undefined: it lives until removed. */
  readonly defaultTtlMs: number | undefined;
  /** How long before expiry the thread gets its notice (`PTBOT_EXPIRY_NOTICE_MS`). */
  readonly noticeMs: number;
  readonly onExpiry: ExpiryAction;
}

export const DEFAULT_LIFETIME_POLICY: LifetimePolicy = {
  defaultTtlMs: undefined,
  noticeMs: DAY_MS,
  onExpiry: "notify",
};

/** The shortest and longest `--ttl` accepted: shorter than the notice would be noise, a year is a forgotten endpoint. */
export const MIN_TTL_MS = 10 * MINUTE_MS;
export const MAX_TTL_MS = 366 * DAY_MS;

/** How long `Keep 7 more days` keeps an endpoint. */
export const KEEP_EXTENSION_MS = 7 * DAY_MS;

export type TtlParse =
  | { readonly ok: true; readonly ttlMs: number }
  | { readonly ok: false; readonly code: "invalid_ttl"; readonly message: string };

/** `--ttl 7d` (units `m`, `h`, `d`), from {@link MIN_TTL_MS} to {@link MAX_TTL_MS}. */
export function parseTtl(text: string): TtlParse {
  const ms = parseDuration(text);
  if (ms === undefined) {
    return { ok: false, code: "invalid_ttl", message: "a TTL is a whole number and a unit: 30m, 12h or 7d" };
  }
  if (ms < MIN_TTL_MS || ms > MAX_TTL_MS) {
    return { ok: false, code: "invalid_ttl", message: "a TTL must be from 10m to 366d" };
  }
  return { ok: true, ttlMs: ms };
}

/** When an endpoint deployed at `from` with `ttlMs` (else the policy's default) should go away; undefined: never. */
export function endpointExpiresAt(
  from: number,
  ttlMs: number | undefined,
  policy: LifetimePolicy,
): number | undefined {
  const ttl = ttlMs ?? policy.defaultTtlMs;
  return ttl === undefined ? undefined : from + ttl;
}

/** The `ptbot_expires_at` tag's value: the moment in ISO 8601, UTC, to the second. */
export function expiresAtTag(expiresAt: number): string {
  return new Date(Math.floor(expiresAt / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The expiry after `Keep 7 more days` at `now`: seven days after the later of the current expiry and now. */
export function keptExpiresAt(expiresAt: number, now: number): number {
  return Math.max(expiresAt, now) + KEEP_EXTENSION_MS;
}

/** What a lifetime has sent so far for the current `expiresAt` (a keep resets both). */
export interface LifetimeProgress {
  readonly expiresAt: number;
  readonly noticeSent: boolean;
  readonly expiryHandled: boolean;
}

/**
 * What is due at `now`, and when to look again: the notice from `expiresAt - noticeMs` (at once when the TTL is shorter
 * than the notice), then the policy's action at `expiresAt` (with `notify`, one more notice). Each is due once.
 */
export type LifetimeStep =
  | { readonly due: "nothing"; readonly nextAt: number | undefined }
  | { readonly due: "notice"; readonly nextAt: number }
  | { readonly due: "expire"; readonly action: ExpiryAction; readonly nextAt: undefined };

export function lifetimeStep(progress: LifetimeProgress, now: number, policy: LifetimePolicy): LifetimeStep {
  const noticeAt = progress.expiresAt - policy.noticeMs;
  if (progress.expiryHandled) return { due: "nothing", nextAt: undefined };
  if (now >= progress.expiresAt) {
    return { due: "expire", action: policy.onExpiry, nextAt: undefined };
  }
  if (!progress.noticeSent) {
    return now >= noticeAt
      ? { due: "notice", nextAt: progress.expiresAt }
      : { due: "nothing", nextAt: noticeAt };
  }
  return { due: "nothing", nextAt: progress.expiresAt };
}

/**
 * A ready endpoint's lifetime as the request that made it READY keeps it (`DeployRequest.lifetime`): durable, so a
 * restart or a second replica sees what was sent. The store indexes {@link lifetimeDueAt} to find what is due.
 */
export interface EndpointLifetime {
  readonly expiresAt: number;
  /** How long before `expiresAt` the notice is due (the workspace's, when the deploy was asked). */
  readonly noticeMs: number;
  /** When the notice before the moment was sent (for the current `expiresAt`; a keep clears it). */
  readonly noticeSentAt?: number;
  /** When the moment was handled, and with which action: nothing more is due. */
  readonly expired?: { readonly at: number; readonly action: ExpiryAction };
  /** The last `Keep 7 more days`: who, and when. */
  readonly kept?: { readonly by: string; readonly at: number };
  /**
   * Set when the lifetime stopped mattering: the endpoint was deleted, or a newer deploy of it became READY (with
   * its own lifetime, or none). `by` is that request's id.
   */
  readonly ended?: { readonly at: number; readonly by: string };
}

/** The lifetime a deploy READY at `now` starts with: none unless its ask carries a TTL. */
export function startLifetime(
  ask: { readonly ttlMs?: number; readonly expiryNoticeMs?: number },
  now: number,
): EndpointLifetime | undefined {
  if (ask.ttlMs === undefined) return undefined;
  return { expiresAt: now + ask.ttlMs, noticeMs: ask.expiryNoticeMs ?? DEFAULT_LIFETIME_POLICY.noticeMs };
}

/** The progress {@link lifetimeStep} reads, from the stored lifetime. */
export function lifetimeProgress(lifetime: EndpointLifetime): LifetimeProgress {
  return {
    expiresAt: lifetime.expiresAt,
    noticeSent: lifetime.noticeSentAt !== undefined,
    expiryHandled: lifetime.expired !== undefined || lifetime.ended !== undefined,
  };
}

/** When the lifetime next needs ptbot (the notice, then the moment); undefined once nothing more is due. */
export function lifetimeDueAt(lifetime: EndpointLifetime | undefined): number | undefined {
  if (lifetime === undefined || lifetime.expired !== undefined || lifetime.ended !== undefined)
    return undefined;
  return lifetime.noticeSentAt === undefined ? lifetime.expiresAt - lifetime.noticeMs : lifetime.expiresAt;
}

/**
 * A deploy's ask with its lifetime filled in when opened: the `--ttl` typed, else the workspace's default, with the
 * workspace's notice lead. Other kinds, and a deploy with neither, are left as asked.
 */
export function askWithLifetime<A extends { readonly ttlMs?: number; readonly expiryNoticeMs?: number }>(
  ask: A,
  kind: string,
  policy: LifetimePolicy,
): A {
  if (kind !== "deploy") return ask;
  const ttlMs = ask.ttlMs ?? policy.defaultTtlMs;
  if (ttlMs === undefined) return ask;
  return { ...ask, ttlMs, expiryNoticeMs: policy.noticeMs };
}

/** The audit log's actor for what the lifetime policy does by itself (never a person's id). */
export const POLICY_ACTOR = "policy";

/** An endpoint's lifetime in force, and the ready deploy that keeps it. */
export interface LifetimeInForce {
  readonly requestId: string;
  readonly lifetime: EndpointLifetime;
}

/**
 * The lifetime in force for an endpoint, from its requests newest first (`RequestStore.findByEndpointName`): the
 * newest READY deploy's, unless a delete went through since, it has none, or it ended. Scale and rollback requests
 * are passed over: they keep the lifetime where it is. For readers such as `/pt list` and the Home tab.
 */
export function lifetimeInForce(
  history: readonly {
    readonly id: string;
    readonly kind?: string;
    readonly state: string;
    readonly lifetime?: EndpointLifetime;
  }[],
): LifetimeInForce | undefined {
  for (const request of history) {
    const kind = request.kind ?? "deploy";
    if (kind === "delete" && request.state === "deleted") return undefined;
    if (kind === "deploy" && request.state === "ready") {
      const lifetime = request.lifetime;
      return lifetime === undefined || lifetime.ended !== undefined
        ? undefined
        : { requestId: request.id, lifetime };
    }
  }
  return undefined;
}
