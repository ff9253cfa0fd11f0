import { assignBlockIds } from "./block-ids.js";
import type { EventLog } from "./event-log.js";
import type { MessageMetadata, SlackBlock, StoredEphemeral, StoredMessage } from "./types.js";

export interface NewMessage {
  readonly channel: string;
  readonly user: string;
  readonly botId?: string | undefined;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly threadTs?: string | undefined;
  readonly metadata?: MessageMetadata | undefined;
}

export interface NewEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
  readonly threadTs?: string | undefined;
  readonly source: StoredEphemeral["source"];
}

export interface MessageQuery {
  /** Include thread replies (default: top-level messages only, as a channel's history shows). */
  readonly includeReplies?: boolean;
  readonly includeDeleted?: boolean;
}

/**
 * Channel messages and ephemeral messages. Each change replaces the record (records are immutable) and is
 * recorded in the event log.
 */
export class MessageStore {
  /** Per channel, in `ts` order (a `ts` only ever grows, so appending keeps the order). */
  readonly #byChannel = new Map<string, StoredMessage[]>();
  /** `channel/ts` → position in the channel's list (positions never move: records are replaced in place). */
  readonly #position = new Map<string, number>();
  readonly #ephemerals: StoredEphemeral[] = [];

  constructor(
    private readonly log: EventLog,
    private readonly nextTs: () => string,
  ) {}

  post(input: NewMessage): StoredMessage {
    const ts = this.nextTs();
    const message: StoredMessage = {
      channel: input.channel,
      ts,
      threadTs: input.threadTs,
      user: input.user,
      botId: input.botId,
      text: input.text,
      blocks: assignBlockIds(input.blocks, ts),
      ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
      edits: [],
      deleted: false,
    };
    let list = this.#byChannel.get(input.channel);
    if (list === undefined) {
      list = [];
      this.#byChannel.set(input.channel, list);
    }
    this.#position.set(`${input.channel}/${ts}`, list.length);
    list.push(message);
    this.log.record({ type: "message_posted", message });
    return message;
  }

  get(channel: string, ts: string): StoredMessage | undefined {
    const index = this.#position.get(`${channel}/${ts}`);
    return index === undefined ? undefined : this.#byChannel.get(channel)?.[index];
  }

  /** Replaces text and blocks, keeping the previous version in `edits`; undefined when there is no such message. */
  update(
    channel: string,
    ts: string,
    change: { text: string; blocks: readonly SlackBlock[] },
  ): StoredMessage | undefined {
    return this.#replace(channel, ts, (m) => ({
      ...m,
      text: change.text,
      blocks: assignBlockIds(change.blocks, `${ts}:${m.edits.length + 1}`),
      edits: [...m.edits, { text: m.text, blocks: m.blocks, replacedAt: this.nextTs() }],
    }));
  }

  delete(channel: string, ts: string): StoredMessage | undefined {
    return this.#replace(channel, ts, (m) => ({ ...m, deleted: true }));
  }

  #replace(
    channel: string,
    ts: string,
    change: (m: StoredMessage) => StoredMessage,
  ): StoredMessage | undefined {
    const list = this.#byChannel.get(channel);
    const index = this.#position.get(`${channel}/${ts}`) ?? -1;
    const current = list?.[index];
    if (list === undefined || current === undefined || current.deleted) return undefined;
    const next = change(current);
    list[index] = next;
    this.log.record({ type: next.deleted ? "message_deleted" : "message_updated", message: next });
    return next;
  }

  channelMessages(channel: string, query: MessageQuery = {}): readonly StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter(
      (m) =>
        (query.includeReplies === true || m.threadTs === undefined) &&
        (query.includeDeleted === true || !m.deleted),
    );
  }

  /** The parent (if it exists) followed by its replies, oldest first. */
  thread(channel: string, threadTs: string): readonly StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter(
      (m) => !m.deleted && (m.ts === threadTs || m.threadTs === threadTs),
    );
  }

  /** Replies to a parent, for the `reply_count` Slack shows on it. */
  replies(channel: string, threadTs: string): readonly StoredMessage[] {
    return (this.#byChannel.get(channel) ?? []).filter((m) => !m.deleted && m.threadTs === threadTs);
  }

  postEphemeral(input: NewEphemeral): StoredEphemeral {
    const messageTs = this.nextTs();
    const ephemeral: StoredEphemeral = {
      messageTs,
      channel: input.channel,
      user: input.user,
      threadTs: input.threadTs,
      text: input.text,
      blocks: assignBlockIds(input.blocks, messageTs),
      source: input.source,
      replaced: false,
      deleted: false,
    };
    this.#ephemerals.push(ephemeral);
    this.log.record({ type: "ephemeral_posted", ephemeral });
    return ephemeral;
  }

  ephemeral(messageTs: string): StoredEphemeral | undefined {
    return this.#ephemerals.find((e) => e.messageTs === messageTs);
  }

  /** `replace_original` / `delete_original` on an ephemeral message, through its response_url. */
  updateEphemeral(
    messageTs: string,
    change: { text: string; blocks: readonly SlackBlock[] } | "delete",
  ): StoredEphemeral | undefined {
    const index = this.#ephemerals.findIndex((e) => e.messageTs === messageTs);
    const current = this.#ephemerals[index];
    if (current === undefined) return undefined;
    const next: StoredEphemeral =
      change === "delete"
        ? { ...current, deleted: true }
        : {
            ...current,
            text: change.text,
            blocks: assignBlockIds(change.blocks, `${messageTs}:r`),
            replaced: true,
          };
    this.#ephemerals[index] = next;
    this.log.record({ type: "ephemeral_updated", ephemeral: next });
    return next;
  }

  ephemerals(filter: { user?: string; channel?: string } = {}): readonly StoredEphemeral[] {
    return this.#ephemerals.filter(
      (e) =>
        !e.deleted &&
        (filter.user === undefined || e.user === filter.user) &&
        (filter.channel === undefined || e.channel === filter.channel),
    );
  }
}
