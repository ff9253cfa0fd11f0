/**
 * The smoke test of a READY endpoint: one small query shaped for the model's task, sent once, its answer recorded
 * on the request (which posts the thread line through the outbox). The `smoke_test` notice queued with READY is the
 * work item: the dispatcher hands it here, one deliverer at a time and after the READY line, so the work survives
 * restarts; the request's `smokeTest` step makes the query itself happen at most once, across retries of the notice
 * and across replicas.
 */
import type { DeployRequest, SmokeResult, SmokeTask } from "../domain/index.js";
import type { Logger } from "../logger.js";
import { type ApplyDeps, applyEvent } from "./apply-event.js";
import type { DatabricksApi, NoticeDelivery, Notifier } from "./ports.js";

type SmokeApi = Pick<
  DatabricksApi,
  "getServingEndpoint" | "queryChat" | "queryCompletions" | "queryEmbeddings"
>;

export interface SmokeTesterOptions extends ApplyDeps {
  /** The client of a workspace; see {@link clientOf}. */
  readonly databricks: SmokeApi;
  /** The client of the request's workspace (issue 14); default {@link databricks} for every workspace. */
  readonly clientOf?: (workspace: string) => SmokeApi;
  readonly logger: Logger;
  /** Whether a request of this workspace gets one; off, the work item is dropped without a word. */
  readonly enabled: (workspace: string) => boolean;
  /** The query's bound, in all; default 60 s. */
  readonly timeoutMs?: number;
  /** Elapsed-time source for the latency (real time even when the clock is a test's). Default `performance.now`. */
  readonly stopwatch?: () => number;
}

export const DEFAULT_SMOKE_TIMEOUT_MS = 60_000;
/** A few words are enough to see the model answers sense; the thread line stays short. */
const ANSWER_WORDS = 12;
const ANSWER_CHARS = 120;
const PROMPT = "Reply with a short greeting.";
const MAX_TOKENS = 16;

/** The endpoint's `task` as ptbot's smoke test knows it; undefined for a task it has no query for. */
export function smokeTaskOf(task: string | undefined): SmokeTask | undefined {
  switch (task) {
    case "llm/v1/chat":
      return "chat";
    case "llm/v1/completions":
      return "completions";
    case "llm/v1/embeddings":
      return "embeddings";
    default:
      return undefined;
  }
}

export class SmokeTester {
  readonly #o: SmokeTesterOptions;

  constructor(options: SmokeTesterOptions) {
    this.#o = options;
  }

  /**
   * Runs the smoke test of `request` (as saved with its `smoke_test` notice), once. A step already started without
   * a result means an earlier attempt stopped mid-way: it is recorded as interrupted, not sent again. Nobody can
   * still be running it: the dispatcher hands a notice to one deliverer at a time, under a lease (2 min) longer
   * than the query's bound (at most 90 s), and a restarted process takes back only its own leases, whose work died
   * with it.
   */
  async run(request: DeployRequest): Promise<void> {
    const { logger } = this.#o;
    if (!this.#o.enabled(request.workspace)) {
      logger.info({ requestId: request.id }, "smoke test off; not sent");
      return;
    }
    const name = request.endpointName;
    if (name === undefined) return;
    const started = await applyEvent(this.#o, request.id, { type: "smoke_test_started" });
    if (!started.ok) {
      const step = started.request?.smokeTest;
      if (step === undefined || step.result !== undefined) return;
      // Claimed before and never finished: whoever claimed it stopped mid-way (see above).
      await this.#finish(request.id, { outcome: "interrupted" });
      logger.warn({ requestId: request.id }, "smoke test interrupted earlier; not sent again");
      return;
    }
    const result = await this.#query(this.#o.clientOf?.(request.workspace) ?? this.#o.databricks, name);
    logger.info({ requestId: request.id, endpoint: name, outcome: result.outcome }, "smoke test ended");
    await this.#finish(request.id, result);
  }

  async #finish(id: string, result: SmokeResult): Promise<void> {
    await applyEvent(this.#o, id, { type: "smoke_test_finished", result });
  }

  async #query(databricks: SmokeApi, name: string): Promise<SmokeResult> {
    const timeoutMs = this.#o.timeoutMs ?? DEFAULT_SMOKE_TIMEOUT_MS;
    const stopwatch = this.#o.stopwatch ?? (() => performance.now());
    // One bound for the read and the query together: the whole step must end well inside the notice's lease.
    const start = stopwatch();
    let task: SmokeTask | undefined;
    let said: string | undefined;
    try {
      said = (await withDeadline(databricks.getServingEndpoint(name), timeoutMs)).task;
      task = smokeTaskOf(said);
    } catch (error) {
      return { outcome: "skipped", detail: `the endpoint could not be read: ${errorText(error)}` };
    }
    if (task === undefined) {
      return said === undefined ? { outcome: "skipped" } : { outcome: "skipped", detail: `task ${said}` };
    }
    const begun = stopwatch();
    const left = Math.max(1, Math.round(timeoutMs - (begun - start)));
    const options = { timeoutMs: left, retry: false };
    try {
      const answer = await withDeadline(this.#send(databricks, name, task, options), left);
      return { ...answer, latencyMs: Math.max(0, Math.round(stopwatch() - begun)) };
    } catch (error) {
      return {
        outcome: "failed",
        task,
        latencyMs: Math.max(0, Math.round(stopwatch() - begun)),
        error: errorText(error),
      };
    }
  }

  async #send(
    databricks: SmokeApi,
    name: string,
    task: SmokeTask,
    options: { timeoutMs: number; retry: boolean },
  ): Promise<Omit<Extract<SmokeResult, { outcome: "answered" }>, "latencyMs">> {
    if (task === "chat") {
      const answer = await databricks.queryChat(
        name,
        {
          messages: [{ role: "user", content: PROMPT }],
          max_tokens: MAX_TOKENS,
          logprobs: true,
          top_logprobs: 2,
        },
        options,
      );
      const choice = answer.choices[0];
      const logprob = choice?.logprobs?.content?.[0]?.logprob;
      return {
        outcome: "answered",
        task,
        ...usageOf(answer.usage),
        ...firstWords(choice?.message.content ?? undefined),
        ...(logprob === undefined ? {} : { logprob }),
      };
    }
    if (task === "completions") {
      const answer = await databricks.queryCompletions(
        name,
        { prompt: PROMPT, max_tokens: MAX_TOKENS },
        options,
      );
      return { outcome: "answered", task, ...usageOf(answer.usage), ...firstWords(answer.choices[0]?.text) };
    }
    const answer = await databricks.queryEmbeddings(name, { input: PROMPT }, options);
    const vector = answer.data[0]?.embedding;
    return {
      outcome: "answered",
      task,
      ...usageOf(answer.usage),
      ...(vector === undefined ? {} : { dimensions: vector.length }),
    };
  }
}

/**
 * The Notifier the dispatcher delivers to: `smoke_test` notices go to the smoke tester, every other notice to
 * `inner` (Slack). A smoke test that throws after its claim (the database out of reach) is retried like any notice,
 * and finds its step started: it is then recorded as interrupted, never sent twice.
 */
export function withSmokeTests(inner: Notifier, tester: SmokeTester): Notifier {
  return {
    deliver(request: DeployRequest, notice, delivery?: NoticeDelivery) {
      if (notice.type === "smoke_test") return tester.run(request);
      return inner.deliver(request, notice, delivery);
    },
  };
}

function usageOf(
  usage: { prompt_tokens?: number | undefined; completion_tokens?: number | undefined } | undefined,
): { promptTokens?: number; completionTokens?: number } {
  return {
    ...(usage?.prompt_tokens === undefined ? {} : { promptTokens: usage.prompt_tokens }),
    ...(usage?.completion_tokens === undefined ? {} : { completionTokens: usage.completion_tokens }),
  };
}

function firstWords(text: string | undefined): { answer?: string } {
  if (text === undefined) return {};
  const words = text.trim().split(/\s+/).filter(Boolean);
  const kept = words.slice(0, ANSWER_WORDS).join(" ");
  const answer = kept.length > ANSWER_CHARS ? kept.slice(0, ANSWER_CHARS) : kept;
  return { answer: words.length > ANSWER_WORDS || answer !== kept ? `${answer}…` : answer };
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length <= 300 ? text : `${text.slice(0, 300)}…`;
}

class SmokeTimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SmokeTimeoutError(ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
