/**
 * Slack's special limit on `chat.postMessage`: about one message per second per channel, with short bursts allowed
 * ("an app may post 1 message per second to a specific channel, with short bursts of more than 1 allowed"). Modelled
 * as a token bucket per channel: `burst` posts at once, refilled at `perSecond`. A post over it is answered HTTP 429
 * `ratelimited` with `Retry-After` (whole seconds, at least 1), as Slack does.
 */

export interface PostRateLimit {
  /** Posts per second per channel, sustained. Slack: 1. */
  readonly perSecond: number;
  /** Posts a channel may take at once before the limit applies. */
  readonly burst: number;
}

/**
 * The emulator's default: Slack's 1 a second per channel, and a burst of 10 (Slack publishes no number; 10 lets one
 * conversation's card and replies through at once, as they go through in Slack, while 200 conversations in one
 * channel are held to about one post a second).
 */
export const SLACK_POST_RATE_LIMIT: PostRateLimit = { perSecond: 1, burst: 10 };

interface Bucket {
  tokens: number;
  at: number;
}

export class ChannelPostLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: PostRateLimit,
    private readonly now: () => number,
  ) {}

  /** Takes one post for `channel`: undefined when allowed, else the seconds to wait (`Retry-After`). */
  take(channel: string): number | undefined {
    const now = this.now();
    const bucket = this.#buckets.get(channel) ?? { tokens: this.limit.burst, at: now };
    const refilled = Math.min(
      this.limit.burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond,
    );
    if (refilled >= 1) {
      this.#buckets.set(channel, { tokens: refilled - 1, at: now });
      return undefined;
    }
    this.#buckets.set(channel, { tokens: refilled, at: now });
    return Math.max(1, Math.ceil((1 - refilled) / this.limit.perSecond));
  }
}
