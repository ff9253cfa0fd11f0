/**
 * What a line typed into the sandbox means. Pure. Sandbox commands take a `:` or `/` prefix (`:as grace`,
 * `/as grace`) or none (`as grace`, handy in scripts); any other `/command` is a slash command for the app; a
 * bare word may be a button key (the session decides, since only it knows the card); anything else is a message.
 */
export type SandboxInput =
  | { readonly kind: "empty" }
  | { readonly kind: "slash"; readonly command: string; readonly text: string }
  | { readonly kind: "as"; readonly user: string }
  | { readonly kind: "click"; readonly target: string }
  | { readonly kind: "show" }
  /** Kill a replica (SIGKILL) and start it again; no name: the one that answered last. */
  | { readonly kind: "kill"; readonly replica: string }
  | { readonly kind: "replicas" }
  | { readonly kind: "users" }
  /** Wait until the bot has finished what it started (a script's next line needs an endpoint READY, say). */
  | { readonly kind: "wait" }
  | { readonly kind: "help" }
  | { readonly kind: "quit" }
  /** A `:word` the sandbox does not know. */
  | { readonly kind: "unknown"; readonly command: string }
  /** Free text: a button key if the latest card has one, else a message posted in the channel. */
  | { readonly kind: "text"; readonly text: string };

type SandboxWord = "as" | "click" | "show" | "kill" | "replicas" | "users" | "wait" | "help" | "quit";

const SANDBOX_WORDS: Readonly<Record<string, SandboxWord>> = {
  as: "as",
  click: "click",
  press: "click",
  show: "show",
  card: "show",
  kill: "kill",
  replicas: "replicas",
  users: "users",
  who: "users",
  wait: "wait",
  help: "help",
  quit: "quit",
  exit: "quit",
};

/** Words that take an argument (an empty one is the session's to question). */
const NEEDS_ARGUMENT = new Set(["as", "click", "kill"]);

export function parseInput(line: string): SandboxInput {
  const text = line.trim();
  if (text === "") return { kind: "empty" };
  if (text === "?") return { kind: "help" };
  const prefix = text[0] === ":" || text[0] === "/" ? text[0] : "";
  const [head = "", ...rest] = text.slice(prefix.length).split(/\s+/);
  const argument = rest.join(" ");
  const word = SANDBOX_WORDS[head.toLowerCase()];
  if (word !== undefined) {
    if (prefix !== "") return command(word, argument);
    // Without a prefix, `as` alone or `help me` read as chat, not as commands.
    if (NEEDS_ARGUMENT.has(word) ? argument !== "" : argument === "") return command(word, argument);
  }
  if (prefix === ":") return { kind: "unknown", command: head };
  if (prefix === "/" && head !== "") {
    const after = text.slice(1 + head.length).trim();
    return { kind: "slash", command: `/${head.toLowerCase()}`, text: after };
  }
  return { kind: "text", text };
}

function command(word: SandboxWord, argument: string): SandboxInput {
  switch (word) {
    case "as":
      return { kind: "as", user: argument.replace(/^@/, "") };
    case "click":
      return { kind: "click", target: argument };
    case "kill":
      return { kind: "kill", replica: argument };
    default:
      return { kind: word };
  }
}
