/** The sandbox's own words about itself: its commands and its people. Pure. */
import type { SandboxUser } from "./chat-session.js";
import type { FleetNote, ReplicaState } from "./replica-fleet.js";

/** The sandbox's own commands, for `help`; the replica commands only when there are several replicas. */
export function sandboxHelp(users: readonly SandboxUser[], replicas: readonly string[] = []): string {
  const who = users.map((u) => (u.role === undefined ? u.name : `${u.name} (${u.role})`)).join(", ");
  return [
    "Sandbox commands (with a : or / in front, or without):",
    "  /pt …               the bot's slash command (try /pt help, /pt list, /pt status <endpoint>)",
    "  <key>               click that button on the latest card, e.g. a for [a] Approve",
    "  click <key|name>    the same, by key, button text or action id",
    `  as <user>           act as someone else: ${who}`,
    "  show                the latest card and its thread again",
    ...(replicas.length > 1
      ? [
          `  replicas            the bot replicas (${replicas.join(", ")}): up or not, requests each answered`,
          "  kill <n|name>       SIGKILL that replica and start it again (:kill alone: the one that answered last)",
        ]
      : []),
    "  users               who is who",
    "  wait                wait until the bot has finished what it started (in a script: before the next line)",
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

/** One line per replica: name, pid, up or down, how many Slack requests it answered, how often it was restarted. */
export function describeReplicas(replicas: readonly ReplicaState[]): string {
  return replicas
    .map((r) => {
      const state = r.up ? `up, pid ${r.pid ?? "?"}` : "down (starting again)";
      const restarted = r.restarts === 0 ? "" : `, restarted ${r.restarts}×`;
      return `  ${r.name.padEnd(11)}${state.padEnd(24)}${r.answered} request(s) answered${restarted}`;
    })
    .join("\n");
}

/** What the sandbox says when something happens to a replica, or a replica does something worth seeing. */
export function describeFleetNote(note: FleetNote): string {
  switch (note.kind) {
    case "back":
      return `✔ ${note.replica} is back (pid ${note.pid ?? "?"}, started in ${(note.ms / 1000).toFixed(1)} s)`;
    case "create_accepted":
      return `  ↳ ${note.replica} sent the create of ${note.endpoint} to Databricks`;
    case "died":
      return `✖ ${note.replica} exited by itself (code ${note.code ?? "none"}); see the bot logs`;
    case "restart_failed":
      return `✖ ${note.replica} did not start again: ${note.message}`;
  }
}
