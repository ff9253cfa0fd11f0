/**
 * The smoke test: after an endpoint becomes READY, ptbot sends it one small query shaped for its task and reports
 * how it answered. The domain keeps the step on the request (so a restart or a second replica never sends it
 * twice) and says what the result was; the workflow (`src/workflow/smoke-test.ts`) sends the query.
 */

/** What a model answers: chat messages, text completions or embeddings. */
export type SmokeTask = "chat" | "completions" | "embeddings";

/** How the one query went, in ptbot's terms. */
export type SmokeResult =
  /** The endpoint answered. Token counts are the endpoint's `usage`, when it sent one. */
  | {
      readonly outcome: "answered";
      readonly task: SmokeTask;
      readonly latencyMs: number;
      readonly promptTokens?: number;
      readonly completionTokens?: number;
      /** The first words of the answer (chat, completions), as the model wrote them: escape before showing. */
      readonly answer?: string;
      /** Chat: the log probability of the first chosen token. */
      readonly logprob?: number;
      /** Embeddings: the length of the vector. */
      readonly dimensions?: number;
    }
  /** The query failed (an error answer, a timeout): the endpoint is left as it is. */
  | {
      readonly outcome: "failed";
      readonly task: SmokeTask;
      readonly latencyMs: number;
      readonly error: string;
    }
  /** Not sent: nothing Databricks says tells the model's task (`detail` says what it said, if anything). */
  | { readonly outcome: "skipped"; readonly detail?: string }
  /**
   * Started but never finished: the process that sent it stopped before it could record the answer. Not sent
   * again: a smoke test is never retried.
   */
  | { readonly outcome: "interrupted" };

/** The smoke-test step of a ready request. */
export interface SmokeTestStep {
  /** When the query was claimed (before it was sent). */
  readonly startedAt: number;
  /** Set once it ended. */
  readonly result?: SmokeResult;
}

/** Tokens per second of an answer: the generated tokens (or, for embeddings, the input tokens) over the latency. */
export function smokeTokensPerSecond(result: SmokeResult): number | undefined {
  if (result.outcome !== "answered" || result.latencyMs <= 0) return undefined;
  const tokens = result.task === "embeddings" ? result.promptTokens : result.completionTokens;
  return tokens === undefined ? undefined : (tokens * 1000) / result.latencyMs;
}
