/**
 * The one thread line that says how an endpoint answered its smoke test: latency, tokens in and out, tokens per
 * second, the first words of the answer (escaped: a model can write `<!channel>` too) and, for chat, the first
 * token's log probability; for embeddings, the vector's length. A failure is a ⚠️ line with the error.
 */
import { type SmokeResult, type SmokeTask, smokeTokensPerSecond } from "../../domain/index.js";
import { escapeMrkdwn, formatNumber } from "../mrkdwn.js";

const TASK_WORDS: Record<SmokeTask, string> = {
  chat: "a chat",
  completions: "a completions",
  embeddings: "an embeddings",
};

export function smokeLine(endpoint: string, result: SmokeResult): string {
  switch (result.outcome) {
    case "answered": {
      const parts = [`answered ${TASK_WORDS[result.task]} query in ${latency(result.latencyMs)}`];
      const tokens = [
        result.promptTokens === undefined ? undefined : `${formatNumber(result.promptTokens)} tokens in`,
        result.completionTokens === undefined ? undefined : `${formatNumber(result.completionTokens)} out`,
      ].filter((t) => t !== undefined);
      if (tokens.length > 0) parts.push(tokens.join(", "));
      const rate = smokeTokensPerSecond(result);
      if (rate !== undefined) parts.push(`${rate.toFixed(1)} tokens/s`);
      if (result.logprob !== undefined) parts.push(`first token logprob ${result.logprob.toFixed(3)}`);
      if (result.dimensions !== undefined)
        parts.push(`vector of ${formatNumber(result.dimensions)} dimensions`);
      if (result.answer !== undefined) parts.push(`“${escapeMrkdwn(result.answer)}”`);
      return `🧪 Smoke test: ${endpoint} ${parts.join(" · ")}`;
    }
    case "failed":
      return (
        `⚠️ Smoke test: ${TASK_WORDS[result.task]} query to ${endpoint} failed after ` +
        `${latency(result.latencyMs)}: ${escapeMrkdwn(result.error)}. The endpoint is left as it is.`
      );
    case "skipped":
      return (
        `🧪 Smoke test skipped: Databricks does not say which task ${endpoint} serves in a way ptbot can query` +
        `${result.detail === undefined ? "" : ` (${escapeMrkdwn(result.detail)})`}.`
      );
    case "interrupted":
      return `⚠️ Smoke test of ${endpoint} was interrupted (ptbot stopped while it ran); it is not sent again.`;
  }
}

function latency(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
