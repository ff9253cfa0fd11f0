/** What the sandbox says when it starts: where you are, who you can be, where things are kept. Pure. */
import { styles } from "./ansi.js";
import type { SandboxUser } from "./chat-session.js";

export interface BannerFacts {
  readonly channel: string;
  readonly users: readonly SandboxUser[];
  /** e.g. `@ml-approvers (PTBOT_APPROVERS=S0MLAPPROVE)` */
  readonly approvers: string;
  readonly models: readonly string[];
  /** The DBU price the cards show, and whether it is the sandbox's sample (not a real price). */
  readonly dbuPrice?: { readonly value: string; readonly sample: boolean };
  /** The emulated Databricks workspaces and their rules, when there are several (issue 14). */
  readonly workspaces?: readonly { readonly name: string; readonly rules: string }[];
  readonly provisioningMs: number;
  readonly databasePath: string;
  readonly temporaryDatabase: boolean;
  readonly logPath: string;
  /** The replicas' names when there are several (none or one: the bot runs in the sandbox's process). */
  readonly replicas?: readonly string[];
  readonly color: boolean;
  /** A person at a terminal (the "try this" line says how to press keys) rather than a script. */
  readonly interactive: boolean;
}

export function banner(facts: BannerFacts): string {
  const s = styles(facts.color);
  const row = (label: string, value: string) => `  ${s.gray(label.padEnd(13))}${value}`;
  const who = facts.users.map((u) => (u.role === undefined ? u.name : `${u.name} (${u.role})`)).join(", ");
  const seconds = facts.provisioningMs / 1000;
  const replicas = facts.replicas ?? [];
  const lines = [
    `${s.bold("ptbot sandbox")}: the real bot, with emulated Slack and Databricks workspaces. No credentials needed.`,
    row("channel", `#${facts.channel}`),
    row("you can be", who),
    row("approvers", facts.approvers),
    ...((facts.workspaces ?? []).length > 1
      ? (facts.workspaces ?? []).map((w, i) =>
          row(i === 0 ? "workspaces" : "", `${s.bold(w.name)}: ${w.rules}`),
        )
      : []),
    row("models", facts.models.join(", ")),
    ...(facts.dbuPrice === undefined
      ? []
      : [
          row(
            "cost",
            facts.dbuPrice.sample
              ? `cards price DBUs at a sample $${facts.dbuPrice.value} per DBU (PTBOT_DBU_PRICE sets another): ` +
                  "a made-up figure for the demo, not your account's price"
              : `cards price DBUs at ${facts.dbuPrice.value} per DBU (PTBOT_DBU_PRICE)`,
          ),
        ]),
    row(
      "provisioning",
      `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s per endpoint (--provisioning-ms)`,
    ),
    row(
      "database",
      `${facts.databasePath} ${
        replicas.length > 1
          ? "(an embedded PostgreSQL for this run, shared by the replicas)"
          : facts.temporaryDatabase
            ? "(temporary; --db PATH keeps one)"
            : "(kept between runs)"
      }`,
    ),
    ...(facts.temporaryDatabase
      ? []
      : [
          row(
            "",
            "but the emulated Slack and Databricks start empty each run: requests kept from an earlier run refer to " +
              `cards that no longer exist (and hold their endpoint names); ${s.bold("/pt cancel <endpoint>")} releases one`,
          ),
        ]),
    ...(replicas.length > 1
      ? [
          row(
            "replicas",
            `${replicas.join(", ")}: separate processes behind a load balancer, sharing the database above; ` +
              `${s.bold("replicas")} lists them, ${s.bold("kill <n>")} kills one with SIGKILL and starts it again`,
          ),
        ]
      : []),
    row("bot logs", `${facts.logPath}${replicas.length > 1 ? " (each line names its replica)" : ""}`),
  ];
  if (facts.interactive) {
    lines.push(
      "",
      `Try ${s.bold("/pt deploy ml.llm-catalog.llama-13b 3")}, then ${s.bold("as grace")} and ${s.bold("a")} ` +
        `(Enter) to approve. ${s.bold("help")} lists the commands, ${s.bold("quit")} leaves.`,
    );
  }
  return lines.join("\n");
}
