/**
 * The sandbox's conversation, independent of the terminal: lines come in through {@link ChatIo}, text goes out
 * through it. Shows what happens in one channel of the Slack emulator as it happens (messages, thread replies, card
 * updates, ephemerals), and turns what the person types into what Slack would send the app: slash commands, button
 * clicks (with their confirm dialogs), modal submissions, as whichever workspace user they choose to be.
 */
import type {
  Delivery,
  SlackDriver,
  SlackEmulator,
  SlackEmulatorEvent,
  StoredEphemeral,
  StoredMessage,
} from "../emulators/slack/index.js";
import { COMMAND } from "../src/slack/ids.js";
import { styles } from "./ansi.js";
import { ephemeralView, storedMessageView, type ViewContext } from "./event-view.js";
import { type Card, latestCard, matchButton } from "./latest-card.js";
import { fillModal } from "./modal-flow.js";
import { parseInput } from "./parse-input.js";
import { type CardButton, type RenderOptions, renderMessage } from "./render-message.js";
import type { NameLookup } from "./render-mrkdwn.js";
import type { ReplicaFleet } from "./replica-fleet.js";
import { describeReplicas, describeUsers, sandboxHelp } from "./sandbox-help.js";
import { settle } from "./settle.js";

/** Where lines come from and text goes to: a terminal, a script on stdin, or a test. */
export interface ChatIo {
  /**
   * The next line, or undefined when the input has ended. When `signal` aborts (a modal opened meanwhile), a read in
   * progress resolves undefined at once.
   */
  read(prompt: string, signal?: AbortSignal): Promise<string | undefined>;
  /** Writes text (one or more lines, no trailing newline needed). */
  write(text: string): void;
}

/** The emulator's side the session reads. */
export type SessionSlack = Pick<
  SlackEmulator,
  | "subscribe"
  | "events"
  | "lastSeq"
  | "channelMessages"
  | "thread"
  | "ephemerals"
  | "view"
  | "postUserMessage"
> & { readonly bot: { readonly name: string } };

/** What the session sends, as Slack would. */
export type SessionDriver = Pick<SlackDriver, "slashCommand" | "clickButton" | "submitView" | "closeView">;

/** Someone the person at the keyboard can be. */
export interface SandboxUser {
  readonly id: string;
  readonly name: string;
  readonly realName?: string;
  /** What they are for in the sandbox (`requester`, `approver (@ml-approvers)`). */
  readonly role?: string;
}

export interface ChatSessionOptions {
  readonly slack: SessionSlack;
  readonly driver: SessionDriver;
  readonly channel: { readonly id: string; readonly name: string };
  readonly users: readonly SandboxUser[];
  /** The user id the session starts as. */
  readonly startAs: string;
  readonly io: ChatIo;
  readonly color: boolean;
  readonly names: NameLookup;
  /** A person at a terminal: confirm dialogs are asked. A script: they are answered yes. */
  readonly interactive: boolean;
  /** Writes each input line into the transcript (a script's reader sees what was typed). */
  readonly echo: boolean;
  /** Formats a message `ts` for its header; default: none shown. */
  readonly formatTime?: (ts: string) => string;
  /** How the session waits for the app to answer an action: quiet for `quietMs`, at most `maxMs`. */
  readonly settle?: { readonly quietMs: number; readonly maxMs: number };
  /** How long `click` waits for a card with buttons when there is none yet (a script outrunning the app). */
  readonly cardWaitMs?: number;
  /** The app's slash commands (its manifest's); Slack itself refuses any other. Default `/pt`. */
  readonly commands?: readonly string[];
  /**
   * `wait`: resolves once the bot has nothing in flight (requests it moves on by itself, notices undelivered), true,
   * or false when it gave up. Absent: `wait` says it cannot.
   */
  readonly waitIdle?: () => Promise<boolean>;
  /** Several bot replicas behind a load balancer: each answer says which one took it, and `kill` kills one. */
  readonly replicas?: SessionReplicas;
}

/** What the session uses of the replicas. */
export type SessionReplicas = Pick<ReplicaFleet, "names" | "lastHandler" | "replicas" | "kill">;

const DEFAULT_SETTLE = { quietMs: 300, maxMs: 3000 };

/** Runs the conversation; see the module comment. */
export class ChatSession {
  readonly #o: ChatSessionOptions;
  readonly #render: RenderOptions;
  #user: string;
  #unsubscribe: (() => void) | undefined;
  /** Modals opened and not yet played, oldest first. */
  readonly #pendingViews: string[] = [];
  #abortRead: AbortController | undefined;

  constructor(options: ChatSessionOptions) {
    this.#o = options;
    this.#render = { color: options.color, names: options.names };
    this.#user = options.startAs;
  }

  /** `ada@#ml-deploys> ` */
  get prompt(): string {
    return `${this.#nameOf(this.#user)}@#${this.#o.channel.name}> `;
  }

  /** The user id the session acts as. */
  get user(): string {
    return this.#user;
  }

  /** Starts showing what happens in the channel. */
  start(): void {
    this.#unsubscribe ??= this.#o.slack.subscribe((event) => this.#onEvent(event));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#abortRead?.abort();
  }

  /** Reads and acts on lines until the input ends (`end`) or the person quits (`quit`). */
  async run(): Promise<"quit" | "end"> {
    this.start();
    for (;;) {
      const viewId = this.#nextPendingView();
      if (viewId !== undefined) {
        await this.#playModal(viewId).catch((error: unknown) => this.#warn(error));
        continue;
      }
      const controller = new AbortController();
      this.#abortRead = controller;
      const line = await this.#o.io.read(this.prompt, controller.signal);
      this.#abortRead = undefined;
      if (line === undefined && controller.signal.aborted) continue;
      if (line === undefined) return "end";
      if (!(await this.handle(line))) return "quit";
    }
  }

  /** Acts on one line; false when it asks to quit. Problems are reported in the conversation, never thrown. */
  async handle(line: string): Promise<boolean> {
    const s = styles(this.#o.color);
    const input = parseInput(line);
    if (this.#o.echo && input.kind !== "empty")
      this.#write(s.gray(`» ${this.#nameOf(this.#user)}: ${line.trim()}`));
    try {
      switch (input.kind) {
        case "empty":
          return true;
        case "quit":
          return false;
        case "help":
          this.#write(sandboxHelp(this.#o.users, this.#o.replicas?.names));
          return true;
        case "replicas":
          this.#write(
            this.#o.replicas === undefined
              ? s.yellow("One bot runs here; start the sandbox with --replicas 3 for several.")
              : describeReplicas(this.#o.replicas.replicas()),
          );
          return true;
        case "kill":
          await this.#kill(input.replica);
          return true;
        case "users":
          this.#write(describeUsers(this.#o.users, this.#user));
          return true;
        case "wait":
          if (this.#o.waitIdle === undefined)
            this.#write(s.yellow("This sandbox cannot tell when the bot is idle."));
          else if (!(await this.#o.waitIdle())) this.#write(s.yellow("Still working; going on anyway."));
          return true;
        case "as":
          this.#switchUser(input.user);
          return true;
        case "show":
          this.#show();
          return true;
        case "click":
          await this.#click(input.target);
          return true;
        case "slash":
          await this.#slash(input.command, input.text);
          return true;
        case "unknown":
          this.#write(s.yellow(`No sandbox command :${input.command}. Type help for the list.`));
          return true;
        case "text":
          await this.#text(input.text);
          return true;
      }
    } catch (error) {
      this.#warn(error);
      return true;
    }
  }

  /** A failure (the app unreachable, a driver refusal) is part of the conversation, not the end of it. */
  #warn(error: unknown): void {
    const s = styles(this.#o.color);
    this.#write(s.red(`⚠ ${error instanceof Error ? error.message : String(error)}`));
  }

  #write(text: string): void {
    this.#o.io.write(text);
  }

  #nameOf(userId: string): string {
    return this.#o.names.user(userId) ?? userId;
  }

  #switchUser(name: string): void {
    const s = styles(this.#o.color);
    const wanted = name.toLowerCase();
    const user = this.#o.users.find((u) => u.name.toLowerCase() === wanted || u.id.toLowerCase() === wanted);
    if (user === undefined) {
      const known = this.#o.users.map((u) => u.name).join(", ");
      this.#write(s.yellow(name === "" ? `As whom? ${known}` : `No user "${name}". Users: ${known}`));
      return;
    }
    this.#user = user.id;
    this.#write(s.gray(`You are now ${user.name}${user.role === undefined ? "" : ` (${user.role})`}.`));
  }

  // Showing the channel -----------------------------------------------------------------------------------

  #onEvent(event: SlackEmulatorEvent): void {
    const channel = this.#o.channel.id;
    switch (event.type) {
      case "message_posted":
      case "message_updated":
      case "message_deleted":
        if (event.message.channel !== channel) return;
        this.#write(this.#renderStored(event.message, event.type));
        return;
      case "ephemeral_posted":
      case "ephemeral_updated":
        if (event.ephemeral.channel !== channel) return;
        this.#write(this.#renderEphemeral(event.ephemeral, event.type === "ephemeral_updated"));
        return;
      case "view_opened":
        this.#pendingViews.push(event.view.id);
        if (event.view.user === this.#user) this.#abortRead?.abort();
        else {
          const s = styles(this.#o.color);
          const who = this.#nameOf(event.view.user);
          this.#write(s.gray(`(a modal opened for ${who}; type as ${who} to fill it in)`));
        }
        return;
      default:
        return;
    }
  }

  #renderStored(message: StoredMessage, type: SlackEmulatorEvent["type"]): string {
    return renderMessage(storedMessageView(message, type, this.#viewContext()), this.#render);
  }

  #renderEphemeral(ephemeral: StoredEphemeral, replaced: boolean): string {
    return renderMessage(ephemeralView(ephemeral, replaced, this.#viewContext()), this.#render);
  }

  #viewContext(): ViewContext {
    return {
      botName: this.#o.slack.bot.name,
      currentUser: this.#user,
      nameOf: (id) => this.#nameOf(id),
      ...(this.#o.formatTime === undefined ? {} : { formatTime: this.#o.formatTime }),
    };
  }

  #show(): void {
    const s = styles(this.#o.color);
    const card = this.#latestCard();
    const top = this.#o.slack.channelMessages(this.#o.channel.id);
    const newest = top.at(-1)?.ts;
    // A button on a thread reply (Export config on a READY notice) makes that reply the latest card; show its whole
    // thread, or a newer card posted since, as a person scrolling the channel would see it.
    const root = this.#o.slack
      .channelMessages(this.#o.channel.id, { includeReplies: true })
      .find((m) => m.ts === card?.ts)?.threadTs;
    const ts =
      root === undefined ? (card?.ts ?? newest) : newest !== undefined && newest > root ? newest : root;
    const thread = ts === undefined ? [] : this.#o.slack.thread(this.#o.channel.id, ts);
    if (thread.length === 0) {
      this.#write(s.gray("Nothing in the channel yet. Try /pt deploy ml.llm-catalog.llama-13b 3"));
      return;
    }
    for (const message of thread) this.#write(this.#renderStored(message, "message_posted"));
  }

  // Acting ------------------------------------------------------------------------------------------------

  #latestCard(): Card | undefined {
    return latestCard(this.#o.slack, this.#o.channel.id, this.#user, this.#render);
  }

  /**
   * The latest card, waiting up to `cardWaitMs` for one to appear (event-driven); with `wanted`, for one it accepts:
   * in a script, `click approve` right after a command waits for that command's card, which may come after the
   * settle (Slack's per-channel post limit can hold a post back for a second), rather than taking the previous one.
   */
  async #awaitCard(wanted: (card: Card) => boolean = () => true): Promise<Card | undefined> {
    const now = this.#latestCard();
    const waitMs = this.#o.cardWaitMs ?? 0;
    if ((now !== undefined && wanted(now)) || waitMs <= 0) return now;
    return new Promise((resolve) => {
      const finish = (card: Card | undefined) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(card);
      };
      const unsubscribe = this.#o.slack.subscribe(() => {
        const card = this.#latestCard();
        if (card !== undefined && wanted(card)) finish(card);
      });
      const timer = setTimeout(() => finish(this.#latestCard()), waitMs);
    });
  }

  async #click(target: string): Promise<void> {
    const s = styles(this.#o.color);
    const card = await this.#awaitCard((c) => matchButton(c.buttons, target) !== undefined);
    if (card === undefined) {
      this.#write(s.yellow("There is no card with buttons to click yet."));
      return;
    }
    const button = matchButton(card.buttons, target);
    if (button === undefined) {
      const offered = card.buttons.map((b) => `[${b.key}] ${b.text}`).join("  ");
      this.#write(s.yellow(`No button "${target}" on the latest card. It has: ${offered}`));
      return;
    }
    await this.#press(card, button);
  }

  async #press(card: Card, button: CardButton): Promise<void> {
    const s = styles(this.#o.color);
    if (button.confirm !== undefined && !(await this.#confirm(button))) {
      this.#write(s.gray(`${button.confirm.deny}: nothing sent.`));
      return;
    }
    const since = this.#o.slack.lastSeq;
    const result = await this.#o.driver.clickButton({
      user: this.#user,
      channel: card.channel,
      messageTs: card.ts,
      actionId: button.actionId,
      blockId: button.blockId,
    });
    this.#report(result);
    await this.#settle(since);
  }

  /** A Block Kit confirm dialog: asked at a terminal, answered yes in a script (and said so). */
  async #confirm(button: CardButton): Promise<boolean> {
    const s = styles(this.#o.color);
    const dialog = button.confirm;
    if (dialog === undefined) return true;
    const body = [s.bold(dialog.title), dialog.text].filter((t) => t !== "").join("\n");
    this.#write(body.replace(/^/gm, "  ? "));
    if (!this.#o.interactive) {
      this.#write(s.gray(`  (answered ${dialog.confirm})`));
      return true;
    }
    const answer = await this.#o.io.read(`  ${dialog.confirm} or ${dialog.deny}? [y/N] `);
    return answer !== undefined && /^(y|yes)$/i.test(answer.trim());
  }

  async #slash(command: string, text: string): Promise<void> {
    if (!(this.#o.commands ?? [COMMAND]).includes(command)) {
      const s = styles(this.#o.color);
      this.#write(
        s.yellow(
          `${command} is not a valid command. In Slack, all messages that start with the "/" character are ` +
            "interpreted as commands.",
        ),
      );
      return;
    }
    const since = this.#o.slack.lastSeq;
    const result = await this.#o.driver.slashCommand({
      user: this.#user,
      channel: this.#o.channel.id,
      command,
      text,
    });
    this.#report(result);
    await this.#settle(since);
  }

  async #text(text: string): Promise<void> {
    // A script's one-letter line may be a button key for a card the bot is still preparing (its Unity Catalog
    // lookup outran the settle): wait for the card as `click` does (never at a terminal: cardWaitMs is 0 there).
    const key = text.toLowerCase();
    const card = /^[a-z]$/i.test(text)
      ? await this.#awaitCard((c) => c.buttons.some((b) => b.key === key))
      : this.#latestCard();
    const button = card?.buttons.find((b) => b.key === key);
    if (card !== undefined && button !== undefined) {
      await this.#press(card, button);
      return;
    }
    this.#o.slack.postUserMessage({ user: this.#user, channel: this.#o.channel.id, text: escapeText(text) });
  }

  async #kill(which: string): Promise<void> {
    const s = styles(this.#o.color);
    const replicas = this.#o.replicas;
    if (replicas === undefined) {
      this.#write(s.yellow("kill needs several replicas: start the sandbox with --replicas 3."));
      return;
    }
    const name = which === "" ? replicas.lastHandler() : /^\d+$/.test(which) ? `replica-${which}` : which;
    if (name === undefined || !replicas.names.includes(name)) {
      this.#write(
        s.yellow(
          name === undefined
            ? `No replica has answered yet. Kill which? ${replicas.names.join(", ")}`
            : `No replica "${which}". Replicas: ${replicas.names.join(", ")}`,
        ),
      );
      return;
    }
    const { pid } = await replicas.kill(name);
    this.#write(s.red(`✖ ${name} (pid ${pid ?? "?"}) killed with SIGKILL; starting it again…`));
  }

  /** What Slack would show when the app's answer is not a plain, timely ack. */
  #report(delivery: Delivery): void {
    const s = styles(this.#o.color);
    const handler = this.#o.replicas?.lastHandler();
    if (handler !== undefined) this.#write(s.gray(`  ↳ ${handler} answered`));
    if (delivery.status !== 200) {
      this.#write(s.red(`⚠ The app answered HTTP ${delivery.status}: Slack would show the user an error.`));
    }
    if (delivery.late) {
      const ms = Math.round(delivery.ackMs);
      this.#write(s.yellow(`⚠ The app took ${ms} ms to acknowledge: Slack would show operation_timeout.`));
    }
  }

  #settle(since: number): Promise<void> {
    const { quietMs, maxMs } = this.#o.settle ?? DEFAULT_SETTLE;
    return settle(this.#o.slack, {
      since,
      quietMs,
      maxMs,
      until: (e) => e.type === "view_opened" && e.view.user === this.#user,
    });
  }

  // Modals ------------------------------------------------------------------------------------------------

  #nextPendingView(): string | undefined {
    for (let i = 0; i < this.#pendingViews.length; i++) {
      const id = this.#pendingViews[i] ?? "";
      const view = this.#o.slack.view(id);
      if (view === undefined || !view.open) {
        this.#pendingViews.splice(i--, 1);
        continue;
      }
      if (view.user === this.#user) {
        this.#pendingViews.splice(i, 1);
        return id;
      }
    }
    return undefined;
  }

  async #playModal(viewId: string): Promise<void> {
    const user = this.#user;
    const slack = this.#o.slack;
    await fillModal(
      {
        ...this.#render,
        io: { read: (prompt) => this.#o.io.read(prompt), write: (text) => this.#write(text) },
        echo: this.#o.echo,
        view: (id) => slack.view(id),
        submit: (values) => this.#o.driver.submitView({ user, viewId, values }),
        close: () => this.#o.driver.closeView({ user, viewId }),
        lastSeq: () => slack.lastSeq,
        replacedSince: (seq) =>
          slack
            .events(seq)
            .some((e) => e.type === "view_opened" && e.view.user === user && e.view.id !== viewId),
        report: (delivery) => this.#report(delivery),
        settle: (since) => this.#settle(since),
      },
      viewId,
    );
  }
}

/** What a person types is escaped by Slack's client before it is sent (`<` would otherwise start a token). */
function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
