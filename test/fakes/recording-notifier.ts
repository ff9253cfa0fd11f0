import type { DeployRequest, Notice } from "../../src/domain/index.js";
import type { Notifier } from "../../src/workflow/ports.js";

export interface Delivered {
  readonly requestId: string;
  readonly state: DeployRequest["state"];
  readonly notice: Notice;
}

/** A Notifier that records what it was asked to deliver; `failNext` makes the next deliveries throw. */
export class RecordingNotifier implements Notifier {
  readonly delivered: Delivered[] = [];
  #failures = 0;

  failNext(times: number): void {
    this.#failures += times;
  }

  async deliver(request: DeployRequest, notice: Notice): Promise<void> {
    if (this.#failures > 0) {
      this.#failures--;
      throw new Error("slack is down");
    }
    this.delivered.push({ requestId: request.id, state: request.state, notice });
  }

  /** The notice types delivered for one request, in order, without the card re-renders. */
  thread(requestId: string): string[] {
    return this.delivered
      .filter((d) => d.requestId === requestId && d.notice.type !== "card_changed")
      .map((d) => d.notice.type);
  }
}
