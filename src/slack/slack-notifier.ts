/**
 * The Notifier port on Slack: `card_changed` edits the request's card in place (`chat.update`), other notices post
 * one reply in the card's thread (`chat.postMessage` with `thread_ts`). The WebClient retries rate limits itself,
 * honouring `Retry-After`; any other failure is thrown so the notice dispatcher retries later, except answers no retry
 * can change, which never hold back the request's later notices: a card Slack will never change again (its channel
 * archived: `is_inactive`; deleted; read-only) is returned as the delivery's outcome, recorded once on the request
 * (and then not tried again), and anything else permanent (a missing scope, a revoked token) is logged and dropped. A thread reply that cannot reach its thread (the bot was removed from the channel, the channel was
 * archived or deleted) goes to the requester directly instead, in the app's DM with them (`chat.postMessage` to
 * their user id), so that they still learn READY or the failure.
 *
 * Each thread reply carries its outbox id in the message's metadata. A notice claimed before (an earlier attempt
 * may have reached Slack: a kill, an outage or a lost answer between posting and recording it) is looked for in
 * the thread first and not posted again if it is there. Not covered: the DM to the requester is posted without
 * that check (reading the DM needs `im:history` and the DM's id; a repeat there needs a kill in that rare path).
 */
import type { webApi } from "@slack/bolt";
import type { DeployRequest, MessageRef, Notice } from "../domain/index.js";
import type { Logger } from "../logger.js";
import type { DeliveryOutcome, NoticeDelivery, Notifier } from "../workflow/ports.js";
import { type CardContext, deployCard } from "./blocks/deploy-card.js";
import { message, section } from "./blocks/limits.js";
import { threadNotice } from "./blocks/thread-notice.js";
import { threadUnreachableText } from "./messages.js";
import { isNoticeInThread, noticeMetadata } from "./posted-notice.js";
import { isPermanentSlackError, slackErrorCode } from "./slack-errors.js";

/** Answers to a thread reply that mean the thread cannot be reached, however often it is tried. */
const THREAD_UNREACHABLE = new Set([
  "not_in_channel",
  "channel_not_found",
  "is_archived",
  "is_inactive",
  "thread_not_found",
  "thread_locked",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_non_threadable_channel",
  "ekm_access_denied",
]);

/** Answers to a card edit that mean the card can never be changed again (`is_inactive`: the channel is archived). */
const CARD_UNREACHABLE = new Set([
  ...THREAD_UNREACHABLE,
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
]);

export interface SlackNotifierOptions {
  readonly client: Pick<webApi.WebClient, "chat" | "conversations">;
  readonly logger: Logger;
  /** The policy and workspace links the card shows: the same for every request, or by the request's workspace. */
  readonly context: CardContext | ((workspace: string) => CardContext);
}

export class SlackNotifier implements Notifier {
  readonly #o: SlackNotifierOptions;

  constructor(options: SlackNotifierOptions) {
    this.#o = options;
  }

  #contextOf(request: DeployRequest): CardContext {
    const { context } = this.#o;
    return typeof context === "function" ? context(request.workspace) : context;
  }

  async deliver(
    request: DeployRequest,
    notice: Notice,
    delivery?: NoticeDelivery,
  ): Promise<DeliveryOutcome | undefined> {
    // ptbot's own request at an endpoint's expiry has no card: its thread notices go to the expired deploy's thread.
    const card = request.message ?? request.byPolicy?.thread;
    // No card yet: the requester heard the outcome ephemerally, and the card will be posted from the saved request.
    if (card === undefined || notice.type === "approval_needed") return undefined;
    if (notice.type === "card_changed" && request.message === undefined) return undefined;
    const log = this.#o.logger.child({ requestId: request.id, notice: notice.type });
    try {
      if (notice.type === "card_changed") return await this.#updateCard(request, card, log);
      const reply = threadNotice(request, notice, this.#contextOf(request));
      if (reply === undefined) return undefined;
      const metadata =
        delivery === undefined ? {} : { metadata: noticeMetadata(request.id, delivery.outboxId) };
      if (delivery?.claimedBefore === true && (await this.#inThread(request, delivery, log))) {
        log.info({ outboxId: delivery.outboxId }, "notice already in the thread; not posted again");
        return undefined;
      }
      try {
        await this.#o.client.chat.postMessage({
          channel: card.channelId,
          thread_ts: String(card.ts),
          ...reply,
          ...metadata,
        });
      } catch (error) {
        const code = slackErrorCode(error);
        if (code === undefined || !THREAD_UNREACHABLE.has(code)) throw error;
        const lead = threadUnreachableText(card.channelId, code);
        await this.#o.client.chat.postMessage({
          channel: request.requester.id,
          ...message(`${lead}\n${reply.text}`, [section(lead), ...reply.blocks]),
          ...metadata,
        });
        log.info(
          { slackError: code, channel: card.channelId },
          "thread unreachable; notice sent to the requester",
        );
        return { cardUnreachable: code };
      }
      log.debug({}, "thread notice posted");
      return undefined;
    } catch (error) {
      const code = slackErrorCode(error);
      if (isPermanentSlackError(code)) {
        log.warn({ slackError: code, channel: card.channelId }, "notice dropped: slack will never accept it");
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Re-renders the card in place. A card Slack will never change again (archived channel: `is_inactive`) is not
   * retried: the answer comes back as the outcome, recorded once on the request, and later edits are not even tried.
   */
  async #updateCard(
    request: DeployRequest,
    card: MessageRef,
    log: Logger,
  ): Promise<DeliveryOutcome | undefined> {
    if (request.cardUnreachable !== undefined) {
      log.debug({ slackError: request.cardUnreachable.code }, "card unreachable; update skipped");
      return undefined;
    }
    const rendered = deployCard(request, this.#contextOf(request));
    try {
      await this.#o.client.chat.update({ channel: card.channelId, ts: card.ts, ...rendered });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined || !CARD_UNREACHABLE.has(code)) throw error;
      log.debug({ slackError: code, channel: card.channelId }, "card update refused for good");
      return { cardUnreachable: code };
    }
    log.debug({ state: request.state }, "card updated");
    return undefined;
  }

  /**
   * Whether an earlier attempt of the notice reached the thread. A thread the bot cannot read (it left the channel,
   * the channel is gone, or the app lacks a `*:history` scope) counts as "not there": the post that follows fails
   * the same way and goes to the requester, or, without the scope, goes out as it did before the check existed.
   */
  async #inThread(request: DeployRequest, delivery: NoticeDelivery, log: Logger): Promise<boolean> {
    const card = request.message ?? request.byPolicy?.thread;
    if (card === undefined) return false;
    try {
      return await isNoticeInThread(this.#o.client, {
        channel: card.channelId,
        threadTs: String(card.ts),
        requestId: request.id,
        outboxId: delivery.outboxId,
      });
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === "missing_scope") {
        log.warn(
          { slackError: code, channel: card.channelId },
          "thread not readable; notice posted unchecked",
        );
        return false;
      }
      if (code !== undefined && THREAD_UNREACHABLE.has(code)) return false;
      throw error;
    }
  }
}
