import { assignBlockIds } from "./block-ids.js";
import type { EventLog } from "./event-log.js";
import type { SlackBlock, StoredHome } from "./types.js";
import type { WireContext } from "./wire-message.js";

/**
 * Each user's App Home tab, as `views.publish` left it: one `home` view per user, replaced whole by every publish,
 * with a new hash each time (a publish naming an older hash fails with `hash_conflict`, as in Slack).
 */
export class HomeStore {
  readonly #homes = new Map<string, StoredHome>();
  #counter = 0;

  constructor(
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly context: WireContext,
  ) {}

  get(user: string): StoredHome | undefined {
    return this.#homes.get(user);
  }

  /** Replaces `user`'s Home tab with `input` (already validated); the view keeps its id across publishes. */
  publish(user: string, input: Readonly<Record<string, unknown>>): StoredHome {
    const previous = this.#homes.get(user);
    this.#counter += 1;
    const id = previous?.view.id ?? `VH${this.#counter.toString(36).toUpperCase().padStart(9, "0")}`;
    const str = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
    const home: StoredHome = {
      user,
      publishedAt: this.now(),
      view: {
        id,
        team_id: this.context.team.id,
        type: "home",
        blocks: assignBlockIds((Array.isArray(input.blocks) ? input.blocks : []) as SlackBlock[], id),
        private_metadata: str("private_metadata"),
        callback_id: str("callback_id"),
        external_id: str("external_id"),
        state: { values: {} },
        hash: `${Math.floor(this.now() / 1000)}.h${this.#counter.toString(16).padStart(8, "0")}`,
        root_view_id: id,
        previous_view_id: null,
        app_id: this.context.appId,
        bot_id: this.context.bot.botId,
      },
    };
    this.#homes.set(user, home);
    this.log.record({ type: "home_published", home });
    return home;
  }
}
