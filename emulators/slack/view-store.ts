import { randomBytes } from "node:crypto";
import { assignBlockIds } from "./block-ids.js";
import type { EventLog } from "./event-log.js";
import type { SlackBlock, StoredView, WireView } from "./types.js";
import type { WireContext } from "./wire-message.js";

/** Slack lets an app use a trigger_id for about 3 seconds after the interaction that issued it. */
export const TRIGGER_TTL_MS = 3000;

export type TriggerCheck =
  | { readonly ok: true; readonly user: string }
  | {
      readonly ok: false;
      readonly error: "invalid_trigger_id" | "expired_trigger_id" | "exchanged_trigger_id";
    };

interface Trigger {
  readonly user: string;
  readonly issuedAt: number;
  used: boolean;
}

/** The view fields an app sends to `views.open` / `views.update` / `views.push` (already validated). */
export type ViewInput = Readonly<Record<string, unknown>>;

/**
 * trigger_ids and modals. A trigger can open one view, within {@link TRIGGER_TTL_MS} of its issue by the
 * emulator's clock. Views live per user in stacks (`views.push`); a new hash is minted on every change so that
 * `views.update` with a stale hash fails with `hash_conflict`, as in Slack.
 */
export class ViewStore {
  readonly #triggers = new Map<string, Trigger>();
  readonly #views = new Map<string, StoredView>();
  #counter = 0;

  constructor(
    private readonly log: EventLog,
    private readonly now: () => number,
    private readonly context: WireContext,
  ) {}

  issueTrigger(user: string): string {
    this.#counter += 1;
    const id = `${1_000_000_000 + this.#counter}.${this.context.team.id.replace(/\D/g, "") || "1"}.${randomBytes(16).toString("hex")}`;
    this.#triggers.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  /** Spends a trigger_id (each opens at most one view). */
  useTrigger(triggerId: string): TriggerCheck {
    const trigger = this.#triggers.get(triggerId);
    if (trigger === undefined) return { ok: false, error: "invalid_trigger_id" };
    if (this.now() - trigger.issuedAt > TRIGGER_TTL_MS) return { ok: false, error: "expired_trigger_id" };
    if (trigger.used) return { ok: false, error: "exchanged_trigger_id" };
    trigger.used = true;
    return { ok: true, user: trigger.user };
  }

  #nextId(): string {
    this.#counter += 1;
    return `V${this.#counter.toString(36).toUpperCase().padStart(10, "0")}`;
  }

  #hash(): string {
    this.#counter += 1;
    return `${Math.floor(this.now() / 1000)}.${this.#counter.toString(16).padStart(8, "0")}`;
  }

  #wire(input: ViewInput, id: string, rootId: string, previousId: string | null): WireView {
    const str = (key: string) => (typeof input[key] === "string" ? (input[key] as string) : "");
    return {
      id,
      team_id: this.context.team.id,
      type: str("type") || "modal",
      blocks: assignBlockIds((Array.isArray(input.blocks) ? input.blocks : []) as SlackBlock[], id),
      private_metadata: str("private_metadata"),
      callback_id: str("callback_id"),
      state: { values: {} },
      hash: this.#hash(),
      title: input.title,
      clear_on_close: input.clear_on_close === true,
      notify_on_close: input.notify_on_close === true,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: previousId,
      root_view_id: rootId,
      app_id: this.context.appId,
      external_id: str("external_id"),
      app_installed_team_id: this.context.team.id,
      bot_id: this.context.bot.botId,
    };
  }

  open(user: string, input: ViewInput): StoredView {
    const id = this.#nextId();
    const view: StoredView = {
      id,
      user,
      open: true,
      view: this.#wire(input, id, id, null),
      errors: undefined,
    };
    this.#views.set(id, view);
    this.log.record({ type: "view_opened", view });
    return view;
  }

  /** Stacks a view on top of the user's topmost open one (or opens a root when there is none). */
  push(user: string, input: ViewInput): StoredView {
    const top = this.topOf(user);
    if (top === undefined) return this.open(user, input);
    const id = this.#nextId();
    const view: StoredView = {
      id,
      user,
      open: true,
      view: this.#wire(input, id, top.view.root_view_id, top.id),
      errors: undefined,
    };
    this.#views.set(id, view);
    this.log.record({ type: "view_opened", view });
    return view;
  }

  get(viewId: string): StoredView | undefined {
    return this.#views.get(viewId);
  }

  byExternalId(externalId: string): StoredView | undefined {
    return [...this.#views.values()].find((v) => v.open && v.view.external_id === externalId);
  }

  /** Replaces an open view's content; the id, stack position and (Slack keeps it) state survive, the hash changes. */
  update(viewId: string, input: ViewInput): StoredView | undefined {
    const current = this.#views.get(viewId);
    if (current === undefined || !current.open) return undefined;
    const wire = this.#wire(input, current.id, current.view.root_view_id, current.view.previous_view_id);
    return this.#set(
      { ...current, view: { ...wire, state: current.view.state }, errors: undefined },
      "view_updated",
    );
  }

  /** Records what the user typed (the state Slack sends with a submission). */
  setState(viewId: string, values: WireView["state"]["values"]): StoredView | undefined {
    const current = this.#views.get(viewId);
    if (current === undefined) return undefined;
    const next = { ...current, view: { ...current.view, state: { values } } };
    this.#views.set(viewId, next);
    return next;
  }

  setErrors(viewId: string, errors: Record<string, string>): StoredView | undefined {
    const current = this.#views.get(viewId);
    if (current === undefined) return undefined;
    return this.#set({ ...current, errors }, "view_updated");
  }

  close(viewId: string): StoredView | undefined {
    const current = this.#views.get(viewId);
    if (current === undefined || !current.open) return undefined;
    return this.#set({ ...current, open: false }, "view_closed");
  }

  /** Closes every open view of the user (`response_action: "clear"`). */
  clear(user: string): void {
    for (const v of this.list(user)) this.close(v.id);
  }

  /** Open views, oldest first; all users' unless `user` is given. */
  list(user?: string): readonly StoredView[] {
    return [...this.#views.values()].filter((v) => v.open && (user === undefined || v.user === user));
  }

  topOf(user: string): StoredView | undefined {
    return this.list(user).at(-1);
  }

  #set(view: StoredView, type: "view_updated" | "view_closed"): StoredView {
    this.#views.set(view.id, view);
    this.log.record({ type, view });
    return view;
  }
}
