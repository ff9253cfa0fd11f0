/** The Slack emulator: a loopback Slack for tests, the sandbox and benchmarks. */
export {
  formatProblems,
  validateHomeView,
  validateMessageBlocks,
  validateModalView,
} from "./block-kit-validation.js";
export { defaultCredentials, defaultWorkspace } from "./default-workspace.js";
export type {
  ClickButtonInput,
  CloseViewInput,
  InteractionResult,
  OpenHomeInput,
  OpenHomeResult,
  RawRequest,
  SlashCommandInput,
  SlashCommandResult,
  SubmitViewInput,
  ViewSubmissionResult,
} from "./driver.js";
export { SlackDriver } from "./driver.js";
export type { Delivery, SendOptions } from "./driver-transport.js";
export { DEFAULT_APP_ID, DEFAULT_BOT, DEFAULT_TEAM } from "./emulator-state.js";
export { SlackEmulatorError } from "./errors.js";
export { describeEvent, describeEvents, type EventListener, type WaitForOptions } from "./event-log.js";
export type { MessageQuery } from "./message-store.js";
export { type PostRateLimit, SLACK_POST_RATE_LIMIT } from "./post-rate-limit.js";
export { signSlackRequest, slackSignatureHeaders } from "./signing.js";
export { type DriverTarget, SlackEmulator, startSlackEmulator } from "./slack-emulator.js";
export { formatSlackTs } from "./slack-ts.js";
export type * from "./types.js";
export type { InputValue } from "./view-state.js";
