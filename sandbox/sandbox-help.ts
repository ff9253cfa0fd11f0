/** The sandbox's own words about itself: its commands and its people. Pure. */
import type { SandboxUser } from "./chat-session.js";

/** The sandbox's own commands, for `help`. */
export function sandboxHelp(users: readonly SandboxUser[]): string {
  const who = users.map((u) => (u.role === undefined ? u.name : `${u.name} (${u.role})`)).join(", ");
  return [
    "Sandbox commands (with a : or / in front, or without):",
    "  /pt …               the bot's slash command (try /pt help, /pt list, /pt status <endpoint>)",
    "  <key>               click that button on the latest card, e.g. a for [a] Approve",
    "  click <key|name>    the same, by key, button text or action id",
    `  as <user>           act as someone else: ${who}`,
    "  show                the latest card and its thread again",
    "  users               who is who",
    "  help, ?             this help",
    "  quit                stop the bot and the emulators, and leave",
    "Anything else is posted in the channel as a message (the bot does not read messages).",
  ].join("\n");
}

/** One line per user: name, id, real name, role, and which one you are. */
export function describeUsers(users: readonly SandboxUser[], current: string): string {
  return users
    .map((u) => {
      const me = u.id === current ? "  ← you" : "";
      const real = u.realName === undefined ? "" : ` ${u.realName}`;
      return `  ${u.name.padEnd(8)}${u.id.padEnd(13)}${real}${u.role === undefined ? "" : `, ${u.role}`}${me}`;
    })
    .join("\n");
}
