/**
 * How ptbot's Slack Web API clients are configured: the API URL (an emulator's, in tests and the sandbox), bounded
 * retries and a per-request timeout. The Bolt app's own client and the one the notifier and the directory use are
 * built from the same options, so they behave alike.
 */
import type { webApi } from "@slack/bolt";

export interface WebClientSettings {
  /** Slack's Web API base URL; undefined for the real one. */
  readonly apiUrl: string | undefined;
  /**
   * The client's retries (rate limits wait for `Retry-After`, then count as one retry). Default: 5 retries within
   * about half a minute, so a stuck delivery fails and is retried by the dispatcher rather than blocking it.
   */
  readonly retryConfig?: webApi.RetryOptions | undefined;
  /** Per-request timeout. Default 15 s. */
  readonly timeoutMs?: number | undefined;
}

const DEFAULT_RETRY: webApi.RetryOptions = {
  retries: 5,
  factor: 2,
  minTimeout: 500,
  maxTimeout: 8000,
  randomize: true,
};

/** A fresh options object each call (Bolt writes its logger into the one it is given). */
export function webClientOptions(settings: WebClientSettings): webApi.WebClientOptions {
  return {
    ...(settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl }),
    retryConfig: settings.retryConfig ?? DEFAULT_RETRY,
    timeout: settings.timeoutMs ?? 15_000,
  };
}
