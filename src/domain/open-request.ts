/**
 * A new deploy request, from what someone typed. Like {@link transition}, it returns the request and the effects
 * to perform after inserting it, or a rejection.
 */
import { validateEndpointName } from "./endpoint-name.js";
import { isChannelAllowed } from "./policy.js";
import type { DeployAsk, DeployRequest, Requester, RequestKind } from "./request.js";
import type { TransitionContext, TransitionResult } from "./transition.js";
import { invalidPlan } from "./violation.js";

export interface NewDeployRequest {
  /** Chosen by the caller (the domain has no randomness). */
  readonly id: string;
  /** Defaults to `"default"`. */
  readonly workspace?: string;
  readonly ask: DeployAsk;
  readonly requester: Requester;
  readonly channelId: string;
  /** Default `deploy`; a scale, rollback or delete names its endpoint in `ask.endpointName`. */
  readonly kind?: RequestKind;
  /** ptbot's own request at an endpoint's expiry: approved by the policy once resolved (see `DeployRequest.byPolicy`). */
  readonly byPolicy?: DeployRequest["byPolicy"];
}

/**
 * Opens a request in `resolving`, version 1, expiring `policy.requestTtlMs` from now. Refused when the channel is
 * not allowed, or when the endpoint name the requester typed is invalid (checked now so they hear at once).
 * No effects: the command resolves the request next, and the card is posted from its answer.
 */
export function openRequest(input: NewDeployRequest, ctx: TransitionContext): TransitionResult {
  const { now, policy } = ctx;
  if (!isChannelAllowed(input.channelId, policy)) {
    return {
      ok: false,
      rejection: {
        code: "channel_not_allowed",
        message: `deploys cannot be requested in channel ${input.channelId}; allowed: ${policy.allowedChannels.join(", ")}`,
      },
    };
  }
  if (input.ask.endpointName !== undefined) {
    const violations = validateEndpointName(input.ask.endpointName);
    if (violations.length > 0) {
      return { ok: false, rejection: invalidPlan(violations) };
    }
  }
  const kind = input.kind ?? "deploy";
  if (kind !== "deploy" && input.ask.endpointName === undefined) {
    return {
      ok: false,
      rejection: { code: "invalid_plan", message: `a ${kind} request must name its endpoint` },
    };
  }
  const request: DeployRequest = {
    id: input.id,
    // Stored only for the new kinds: a deploy reads as it always did.
    ...(kind === "deploy" ? {} : { kind }),
    ...(input.byPolicy === undefined ? {} : { byPolicy: input.byPolicy }),
    workspace: input.workspace ?? "default",
    ask: input.ask,
    requester: input.requester,
    channelId: input.channelId,
    approvals: [],
    state: "resolving",
    createdAt: now,
    updatedAt: now,
    expiresAt: now + policy.requestTtlMs,
    version: 1,
  };
  return {
    ok: true,
    request,
    // No notices: the request has no card yet. Resolving it is the command's own next step, and the Slack layer
    // posts the card from the command's answer, so there is nothing for the outbox to do.
    effects: [],
  };
}
