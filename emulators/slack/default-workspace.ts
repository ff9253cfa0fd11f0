import type { SlackWorkspace } from "./types.js";

/**
 * The sandbox's workspace: `#ml-deploys` with a requester (ada), an approver (grace, in the `ml-approvers` group),
 * a stranger to the process (linus, also in the channel) and the bot.
 */
export const defaultWorkspace = {
  team: { id: "T0PTBOT00", domain: "ptbot-sandbox", name: "ptbot sandbox" },
  bot: { userId: "U0PTBOT00", botId: "B0PTBOT00", name: "ptbot" },
  users: [
    { id: "U0REQUESTER", name: "ada", realName: "Ada Lovelace" },
    { id: "U0APPROVER", name: "grace", realName: "Grace Hopper" },
    { id: "U0STRANGER", name: "linus", realName: "Linus Torvalds" },
  ],
  channels: [
    {
      id: "C0MLDEPLOY",
      name: "ml-deploys",
      members: ["U0REQUESTER", "U0APPROVER", "U0STRANGER", "U0PTBOT00"],
    },
  ],
  usergroups: [{ id: "S0MLAPPROVE", handle: "ml-approvers", name: "ML approvers", users: ["U0APPROVER"] }],
} as const satisfies SlackWorkspace;

/** Credentials the CLI and the sandbox use with the default workspace (not secrets: loopback only). */
export const defaultCredentials = {
  botToken: "xoxb-emulator-bot-token",
  appToken: "xapp-emulator-app-token",
  signingSecret: "emulator-signing-secret",
} as const;
