import { PtbotError } from "../../src/errors.js";

/**
 * A misuse of the emulator or its driver (clicking a button that is not there, submitting an unknown field, no
 * Socket Mode connection): a test's mistake or the app's bug, never a Slack API error (those are `ok: false`
 * answers on the wire).
 */
export class SlackEmulatorError extends PtbotError {}
