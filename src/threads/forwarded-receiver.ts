/**
 * The core thread's Bolt receiver: Slack's requests arrive already verified and parsed by the receiving thread
 * (`receiving-front.ts`), and are processed by the same Bolt app and listeners as in a single thread. An ack is a
 * no-op when the receiving thread answered Slack already; otherwise it is sent back (a modal submission's errors).
 */
import type { App, Receiver } from "@slack/bolt";
import type { FromCore, ToCore } from "./thread-messages.js";

type ForwardedEvent = Extract<ToCore, { type: "event" }>;
type Answer = Extract<FromCore, { type: "answer" }>;

export class ForwardedReceiver implements Receiver {
  #app: App | undefined;

  init(app: App): void {
    this.#app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Processes one request; `answer` is called once for a request the receiving thread waits on. */
  async deliver(event: ForwardedEvent, answer: (message: Answer) => void): Promise<void> {
    const app = this.#app;
    if (app === undefined) throw new Error("ForwardedReceiver used before init");
    let answered = event.acked;
    const ack = async (response?: unknown) => {
      if (answered) return;
      answered = true;
      answer({ type: "answer", id: event.id, ...(response === undefined ? {} : { response }) });
    };
    try {
      await app.processEvent({
        body: event.body,
        ack,
        ...(event.retryNum === undefined ? {} : { retryNum: event.retryNum }),
        ...(event.retryReason === undefined ? {} : { retryReason: event.retryReason }),
        customProperties: {},
      });
    } catch {
      // Logged by Bolt through the app's error handler (which ptbot sets, so Bolt usually resolves instead).
    }
    // A listener that threw before acking (or none that acked): Slack gets a 500 at once, not an empty answer late.
    if (!answered) {
      answered = true;
      answer({ type: "answer", id: event.id, failed: true });
    }
  }
}
