/**
 * Every identifier ptbot puts into Slack payloads, in one place: the builders that render them, the listeners that
 * match them and the tests that click them must agree, and `manifest.yml` names the same command.
 */

/** The slash command (as in `manifest.yml`). */
export const COMMAND = "/pt";

/**
 * Button `action_id`s on the deploy card. Each button's `value` is the request id; Approve's is `<id>@<revision>`,
 * the request revision the card shows.
 */
export const ACTIONS = {
  approve: "ptbot_approve",
  adjust: "ptbot_adjust",
  reject: "ptbot_reject",
  cancel: "ptbot_cancel",
  /** On a delete request's card, instead of Approve: opens the modal where the approver types the endpoint's name. */
  delete: "ptbot_delete",
  /** On the READY thread notice; its value is the endpoint name, not a request id. */
  export: "ptbot_export",
  /** On a failure notice in the thread: a new request with the same settings. */
  retry: "ptbot_retry",
  /** On an expiry notice in the thread (value: the ready deploy's id): the endpoint lives 7 more days. */
  keep: "ptbot_keep",
  /** On an expiry notice: a scale-to-zero request of the endpoint, with its own approval card. */
  expiryScale: "ptbot_expiry_scale",
  /** On an expiry notice: a delete request of the endpoint, with its own approval card. */
  expiryDelete: "ptbot_expiry_delete",
} as const;

/** A card button's value: `<request id>`, or on the Approve button `<request id>@<revision>`. */
export const BUTTON_VALUE = /^([A-Za-z0-9_.:-]{1,200})(?:@([1-9]\d{0,8}))?$/;

/** The Approve button's value: the request and the revision the card shows. */
export function approveButtonValue(requestId: string, revision: number): string {
  return `${requestId}@${revision}`;
}

/** `block_id`s of the deploy card's blocks that a listener or a test looks for. */
export const CARD_BLOCKS = {
  actions: "ptbot_card_actions",
  status: "ptbot_card_status",
  /** The band's cost (issue 13). */
  cost: "ptbot_card_cost",
  /** Which cost tier applies, and why. */
  tier: "ptbot_card_tier",
} as const;

/** `block_id`s of thread replies' blocks that a listener or a test looks for. */
export const THREAD_BLOCKS = {
  /** The Try again button of a failure notice. */
  retry: "ptbot_thread_retry",
  /** The Keep, Scale to zero and Delete buttons of an expiry notice. */
  expiry: "ptbot_thread_expiry",
} as const;

/** The adjust modal's `callback_id`; its `private_metadata` is the request id. */
export const ADJUST_VIEW = "ptbot_adjust";

/**
 * The adjust modal's inputs: `block` keys the submission's `state.values` and `response_action: "errors"`;
 * `action` is the element's action_id.
 */
export const ADJUST_INPUTS = {
  min: { block: "ptbot_adjust_min", action: "min" },
  max: { block: "ptbot_adjust_max", action: "max" },
  scaleToZero: { block: "ptbot_adjust_scale_to_zero", action: "scale_to_zero" },
  name: { block: "ptbot_adjust_name", action: "name" },
} as const;

/** The delete modal's `callback_id`; its `private_metadata` is `<request id>@<revision>` (as the Approve button's). */
export const DELETE_VIEW = "ptbot_delete";

/** The delete modal's one input: the endpoint's name, typed to confirm. */
export const DELETE_INPUT = { block: "ptbot_delete_name", action: "name" } as const;

/** The value of the one "scale to zero" checkbox option. */
export const SCALE_TO_ZERO_OPTION = "on";
