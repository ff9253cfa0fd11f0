/**
 * The ApproverDirectory on Slack: which approver groups a user belongs to, from `usergroups.users.list`. That method
 * is Tier 2 (about 20 calls a minute), so each group's members are cached for a minute (by the injected clock) and
 * concurrent lookups of one group share one call. It fails closed: while Slack cannot answer, members fetched less
 * than a few minutes ago still answer, and after that the lookup fails with the reason (never "not a member"), so
 * someone removed from the group stops approving within that bound whatever Slack does.
 */
import type { webApi } from "@slack/bolt";
import type { ApproverDirectory } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../workflow/ports.js";
import { slackErrorCode } from "./slack-errors.js";

/** Why Slack could not say who is in a group: its `ok: false` error code, or no answer at all. */
export type ApproverLookupReason =
  | { readonly kind: "slack_error"; readonly error: string }
  | { readonly kind: "rate_limited" }
  | { readonly kind: "no_answer" };

/**
 * Answers no retry changes: the workspace has no user groups (free plan), the group id is wrong, or the app lacks
 * the `usergroups:read` scope or a valid token. A configuration problem for the admins, not "try again".
 */
const PERMANENT_LOOKUP_ERRORS = new Set([
  "plan_upgrade_required",
  "no_such_subteam",
  "missing_scope",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "team_access_not_granted",
]);

/** Whether a failed lookup is a configuration problem that will not pass by itself. */
export function isPermanentLookupFailure(reason: ApproverLookupReason): boolean {
  return reason.kind === "slack_error" && PERMANENT_LOOKUP_ERRORS.has(reason.error);
}

/** How one configured approver group answered the start-up check. */
export type ApproverGroupCheck =
  | { readonly groupId: string; readonly ok: true; readonly members: number }
  | {
      readonly groupId: string;
      readonly ok: false;
      readonly reason: ApproverLookupReason;
      /** True when no retry can fix it (see {@link isPermanentLookupFailure}). */
      readonly permanent: boolean;
    };

/** Slack could not tell who is in a group, and nothing cached is recent enough to answer instead. */
export class ApproverLookupError extends PtbotError {
  readonly groupId: string;
  readonly reason: ApproverLookupReason;

  constructor(groupId: string, reason: ApproverLookupReason, options?: { cause?: unknown }) {
    super("approver_lookup_failed", `could not read the members of user group ${groupId}`, options);
    this.groupId = groupId;
    this.reason = reason;
  }
}

export interface SlackApproverDirectoryOptions {
  readonly client: Pick<webApi.WebClient, "usergroups">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a group's members are trusted before they are read again. Default 1 minute. */
  readonly ttlMs?: number;
  /** While Slack fails, members read less than this long ago still answer; older ones never do. Default 3 minutes. */
  readonly maxStaleMs?: number;
}

interface Entry {
  readonly members: ReadonlySet<string>;
  readonly fetchedAt: number;
}

export const DEFAULT_DIRECTORY_TTL_MS = 60_000;
export const DEFAULT_DIRECTORY_MAX_STALE_MS = 3 * 60_000;

export class SlackApproverDirectory implements ApproverDirectory {
  readonly #o: SlackApproverDirectoryOptions;
  readonly #cache = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<Entry>>();

  constructor(options: SlackApproverDirectoryOptions) {
    this.#o = options;
  }

  async groupsOf(userId: string, groups: readonly string[]): Promise<readonly string[]> {
    const entries = await Promise.all(groups.map(async (g) => [g, await this.#members(g)] as const));
    return entries.filter(([, entry]) => entry.members.has(userId)).map(([g]) => g);
  }

  /**
   * Reads each group once (filling the cache), for the check at start: which configured groups Slack can answer
   * for, and why not the others. Never throws.
   */
  async checkGroups(groups: readonly string[]): Promise<readonly ApproverGroupCheck[]> {
    return Promise.all(
      groups.map(async (groupId): Promise<ApproverGroupCheck> => {
        try {
          const entry = await this.#members(groupId);
          return { groupId, ok: true, members: entry.members.size };
        } catch (error) {
          const reason = error instanceof ApproverLookupError ? error.reason : lookupReason(error);
          return { groupId, ok: false, reason, permanent: isPermanentLookupFailure(reason) };
        }
      }),
    );
  }

  async #members(groupId: string): Promise<Entry> {
    const cached = this.#cache.get(groupId);
    const ttl = this.#o.ttlMs ?? DEFAULT_DIRECTORY_TTL_MS;
    if (cached !== undefined && this.#o.clock.now() - cached.fetchedAt < ttl) return cached;
    let pending = this.#inFlight.get(groupId);
    if (pending === undefined) {
      pending = this.#fetch(groupId, cached).finally(() => this.#inFlight.delete(groupId));
      this.#inFlight.set(groupId, pending);
    }
    return pending;
  }

  async #fetch(groupId: string, stale: Entry | undefined): Promise<Entry> {
    try {
      const answer = await this.#o.client.usergroups.users.list({ usergroup: groupId });
      const entry = { members: new Set(answer.users ?? []), fetchedAt: this.#o.clock.now() };
      this.#cache.set(groupId, entry);
      return entry;
    } catch (error) {
      const maxStale = this.#o.maxStaleMs ?? DEFAULT_DIRECTORY_MAX_STALE_MS;
      if (stale !== undefined && this.#o.clock.now() - stale.fetchedAt < maxStale) {
        // Slack is briefly unavailable: members read a minute or two ago are a better answer than none.
        this.#o.logger.warn({ err: error, group: groupId }, "user group lookup failed; using cached members");
        return stale;
      }
      throw new ApproverLookupError(groupId, lookupReason(error), { cause: error });
    }
  }
}

function lookupReason(error: unknown): ApproverLookupReason {
  const code = slackErrorCode(error);
  if (code !== undefined) return { kind: "slack_error", error: code };
  const clientCode = (error as { code?: unknown } | null)?.code;
  return clientCode === "slack_webapi_rate_limited_error" ? { kind: "rate_limited" } : { kind: "no_answer" };
}
