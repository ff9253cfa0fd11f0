/**
 * What the listeners use, and the small pieces of Bolt's listener arguments each handler reads. Handlers take these
 * narrow shapes rather than Bolt's full argument types, so a test can call them with plain fakes.
 */
import { performance } from "node:perf_hooks";
import type { RespondArguments, webApi } from "@slack/bolt";
import type { ApprovalPolicy, ChannelRules, CostPolicy } from "../../domain/index.js";
import type { Logger } from "../../logger.js";
import type { AuditLog } from "../../store/audit-log.js";
import type { RequestStore } from "../../store/request-store.js";
import type { DeployWorkflow } from "../../workflow/deploy-workflow.js";
import type { Clock, DatabricksApi } from "../../workflow/ports.js";
import type { Workspaces } from "../../workflow/workspaces.js";
import { BUTTON_VALUE } from "../ids.js";

export interface ListenerDeps {
  readonly workflow: Pick<
    DeployWorkflow,
    | "request"
    | "attachCard"
    | "adoptCard"
    | "approve"
    | "approvalRefusal"
    | "reject"
    | "cancel"
    | "adjust"
    | "findCancellable"
    | "actor"
    | "keep"
  >;
  readonly store: Pick<RequestStore, "get" | "findByEndpointName" | "listByStates"> &
    Pick<AuditLog, "endpointChanges">;
  readonly databricks: Pick<DatabricksApi, "getServingEndpoint" | "listServingEndpoints" | "endpointUrl">;
  readonly policy: ApprovalPolicy;
  /** The cost rules of a workspace (cards, `/pt cost`, the Home tab); default none configured. */
  readonly costOf?: (workspace: string) => CostPolicy;
  /**
   * Every workspace served (issue 14): a command's or a request's own client and rules. Undefined: one workspace,
   * `default`, on {@link databricks} and {@link policy} (see `workspace-of.ts`).
   */
  readonly workspaces?: Workspaces;
  /** Which channel may use which workspace, and its default. Undefined: every channel may use every workspace. */
  readonly channels?: ChannelRules;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * How long a modal submission waits for the workflow before the modal is closed anyway (Slack allows 3 s); a late
   * refusal is then sent as an ephemeral message. Default 2000 ms.
   */
  readonly submitBudgetMs?: number;
  /**
   * Runs a command's slow part (after its ack) with others queued behind a bound, so a burst of commands does not
   * pile a burst of work onto the event loop ahead of the acks still to come. Default: runs it at once.
   */
  readonly afterAck?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Told how long each ack took from the listener's start (the ack-latency metric). */
  readonly onAck?: (kind: AckKind, seconds: number) => void;
}

/** Which kind of Slack request an ack answered. */
export type AckKind = "command" | "block_actions" | "view_submission";

/** Bolt's arguments with an `ack` that reports its latency to `deps.onAck` (unchanged when nobody listens). */
export function timed<A extends { readonly ack: (answer?: never) => Promise<void> }>(
  args: A,
  kind: AckKind,
  deps: Pick<ListenerDeps, "onAck">,
): A {
  const report = deps.onAck;
  if (report === undefined) return args;
  const begun = performance.now();
  const ack = args.ack;
  return {
    ...args,
    ack: async (answer?: never) => {
      await ack(answer);
      report(kind, (performance.now() - begun) / 1000);
    },
  };
}

/** Posts to the interaction's response_url (at most 5 times in 30 minutes). */
export type Respond = (message: RespondArguments) => Promise<unknown>;

/** The Web API methods the listeners call. */
export type ListenerClient = Pick<webApi.WebClient, "chat" | "views">;

/** A button click on the deploy card. */
export interface ButtonArgs {
  readonly body: {
    readonly user: { readonly id: string };
    readonly actions: readonly { readonly value?: string | undefined }[];
    readonly trigger_id: string;
    /** Where the clicked message lives (Bolt's block_actions body): how a card ptbot never recorded is adopted. */
    readonly container?: {
      readonly channel_id?: string | undefined;
      readonly message_ts?: string | undefined;
    };
    readonly channel?: { readonly id?: string | undefined } | undefined;
    readonly message?: { readonly ts?: string | undefined } | undefined;
  };
  readonly ack: () => Promise<void>;
  readonly respond: Respond;
  readonly client: ListenerClient;
}

/** The request id a card button carries as its value, if it looks like one. */
export function buttonRequestId(body: ButtonArgs["body"]): string | undefined {
  return BUTTON_VALUE.exec(body.actions[0]?.value ?? "")?.[1];
}

/**
 * The request revision the card showed when its button was pressed (the Approve button carries it). A value without
 * one comes from a card posted before revisions existed, which showed revision 1.
 */
export function buttonRevision(body: ButtonArgs["body"]): number {
  const revision = BUTTON_VALUE.exec(body.actions[0]?.value ?? "")?.[2];
  return revision === undefined ? 1 : Number(revision);
}

/** The card a click came from, from the click itself (a message in a channel, not an ephemeral one). */
export function clickedCard(body: ButtonArgs["body"]): { channelId: string; ts: string } | undefined {
  const channelId = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channelId === undefined || ts === undefined ? undefined : { channelId, ts };
}

/**
 * A card Slack stored but ptbot never recorded (killed in between) is adopted from the click on it before the click
 * is judged, so that whatever the click changes re-renders that card. A request with a card keeps its own.
 */
export async function adoptClickedCard(
  body: ButtonArgs["body"],
  requestId: string,
  deps: Pick<ListenerDeps, "workflow">,
  log: Logger,
): Promise<void> {
  const card = clickedCard(body);
  if (card !== undefined && (await deps.workflow.adoptCard(requestId, card))) {
    log.info({ ts: card.ts }, "unrecorded card adopted from a click");
  }
}

/** A private answer to whoever clicked, leaving the card as it is. */
export function ephemeral(respond: Respond, text: string): Promise<unknown> {
  return respond({ response_type: "ephemeral", replace_original: false, text });
}
