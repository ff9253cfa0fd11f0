/**
 * The ApproverDirectory on Slack: which approver groups a user belongs to, from `usergroups.users.list`. That method
 * is Tier 2 (about 20 calls a minute), so each group's members are cached for a while (by the injected clock) and
 * concurrent lookups of one group share one call.
 */
import type { webApi } from "@slack/bolt";
import type { ApproverDirectory } from "../domain/index.js";
import { PtbotError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Clock } from "../workflow/ports.js";

/** Slack could not tell who is in a group, and nothing cached can answer instead. */
export class ApproverLookupError extends PtbotError {
  constructor(groupId: string, options?: { cause?: unknown }) {
    super("approver_lookup_failed", `could not read the members of user group ${groupId}`, options);
  }
}

export interface SlackApproverDirectoryOptions {
  readonly client: Pick<webApi.WebClient, "usergroups">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a group's members are trusted. Default 5 minutes. */
  readonly ttlMs?: number;
}

interface Entry {
  readonly members: ReadonlySet<string>;
  readonly fetchedAt: number;
}

export const DEFAULT_DIRECTORY_TTL_MS = 5 * 60_000;

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
      if (stale !== undefined) {
        // Slack is briefly unavailable: yesterday's members are a better answer than none.
        this.#o.logger.warn({ err: error, group: groupId }, "user group lookup failed; using cached members");
        return stale;
      }
      throw new ApproverLookupError(groupId, { cause: error });
    }
  }
}
