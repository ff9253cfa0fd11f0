import { formatProblems, validateHomeView, validateModalView } from "../block-kit-validation.js";
import type { EmulatorState } from "../emulator-state.js";
import type { ViewInput } from "../view-store.js";
import { type ApiArgs, ApiFailure } from "./api-args.js";
import type { MethodHandler } from "./method-handler.js";

/**
 * The `view` argument, checked against Block Kit's modal limits. Slack answers a malformed view with
 * `invalid_arguments` (not `invalid_blocks`, which is chat's), listing each problem with its JSON pointer.
 */
function viewArg(args: ApiArgs): ViewInput {
  args.string("view");
  const view = args.json("view");
  const problems = validateModalView(view);
  if (problems.length > 0) throw new ApiFailure("invalid_arguments", formatProblems(problems));
  return view as ViewInput;
}

/** Spends the trigger_id and returns the user it was issued to. */
function triggerUser(state: EmulatorState, args: ApiArgs): string {
  const check = state.views.useTrigger(args.string("trigger_id"));
  if (!check.ok) throw new ApiFailure(check.error);
  return check.user;
}

const open: MethodHandler = (state, args) => {
  args.string("trigger_id");
  const input = viewArg(args);
  return { view: state.views.open(triggerUser(state, args), input).view };
};

/** Slack stacks at most 3 views in one modal. */
const PUSH_LIMIT = 3;

const push: MethodHandler = (state, args) => {
  args.string("trigger_id");
  const input = viewArg(args);
  const user = triggerUser(state, args);
  const top = state.views.topOf(user);
  const depth =
    top === undefined
      ? 0
      : state.views.list(user).filter((v) => v.view.root_view_id === top.view.root_view_id).length;
  if (depth >= PUSH_LIMIT) throw new ApiFailure("push_limit_reached");
  return { view: state.views.push(user, input).view };
};

const update: MethodHandler = (state, args) => {
  const viewId = args.optionalString("view_id");
  const externalId = args.optionalString("external_id");
  if (viewId === undefined && externalId === undefined) {
    throw new ApiFailure("invalid_arguments", ["[ERROR] either view_id or external_id is required"]);
  }
  const input = viewArg(args);
  const current = viewId !== undefined ? state.views.get(viewId) : state.views.byExternalId(externalId ?? "");
  if (current === undefined || !current.open) throw new ApiFailure("not_found");
  const hash = args.optionalString("hash");
  if (hash !== undefined && hash !== current.view.hash) throw new ApiFailure("hash_conflict");
  const updated = state.views.update(current.id, input);
  if (updated === undefined) throw new ApiFailure("not_found");
  return { view: updated.view };
};

/**
 * Publishes a user's Home tab. No trigger is needed; the user must exist (`user_not_found`), the view must be a valid
 * `home` view (`invalid_arguments`), and a `hash` naming an older version fails with `hash_conflict`.
 */
const publish: MethodHandler = (state, args) => {
  const userId = args.string("user_id");
  args.string("view");
  const view = args.json("view");
  const problems = validateHomeView(view);
  if (problems.length > 0) throw new ApiFailure("invalid_arguments", formatProblems(problems));
  if (state.directory.user(userId) === undefined) throw new ApiFailure("user_not_found");
  const hash = args.optionalString("hash");
  const current = state.homes.get(userId);
  if (hash !== undefined && current !== undefined && hash !== current.view.hash) {
    throw new ApiFailure("hash_conflict");
  }
  return { view: state.homes.publish(userId, view as ViewInput).view };
};

export const viewMethods: Readonly<Record<string, MethodHandler>> = {
  "views.open": open,
  "views.push": push,
  "views.update": update,
  "views.publish": publish,
};
