/**
 * `npm run sandbox`: the real bot against emulated Slack and Databricks workspaces, with a terminal chat in
 * `#ml-deploys` (or, with stdin not a terminal, a script read line by line). With a real Slack app's credentials
 * in the environment, the bot connects to that workspace instead and the chat is not used.
 */

import { defaultSeed } from "../emulators/databricks/index.js";
import { ConfigError } from "../src/config.js";
import { PtbotError } from "../src/errors.js";
import { banner } from "./banner.js";
import { ChatSession } from "./chat-session.js";
import { waitUntilIdle } from "./in-flight.js";
import { hasSlackCredentials, realSlackInstructions, startRealSlack } from "./real-slack.js";
import { parseSandboxArgs, type SandboxArgs, SandboxUsageError, USAGE } from "./sandbox-args.js";
import { describeFleetNote } from "./sandbox-help.js";
import { scriptIo } from "./script-io.js";
import { SANDBOX_APPROVERS, startSandbox } from "./start-sandbox.js";
import { ttyIo } from "./tty.js";

const err = (text: string) => process.stderr.write(`${text}\n`);

/** `12:04:31`, local time, from a Slack ts. */
function clockTime(ts: string): string {
  const date = new Date(Number(ts.split(".")[0]) * 1000);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
}

async function runRealSlack(args: SandboxArgs): Promise<number> {
  // Listening before anything is printed: whoever reads the instructions may send a signal at once, and a signal
  // that arrives before its handler is installed kills the process without stopping the bot.
  const stopSignal = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  let running: Awaited<ReturnType<typeof startRealSlack>>;
  process.stdout.write(
    "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set: starting ptbot against that Slack workspace…\n",
  );
  try {
    running = await startRealSlack({
      env: process.env,
      provisioningMs: args.provisioningMs,
      ...(args.databasePath === undefined ? {} : { databasePath: args.databasePath }),
      ...(args.logPath === undefined ? {} : { logPath: args.logPath }),
    });
  } catch (error) {
    if (error instanceof PtbotError && !(error instanceof ConfigError)) {
      const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
      err(`ptbot could not start: ${error.message}${cause}`);
      return 1;
    }
    if (!(error instanceof ConfigError)) throw error;
    err(
      `The sandbox found SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, so it would join that Slack workspace, but:`,
    );
    err(error.message);
    if (error.problems.some((p) => p.startsWith("PTBOT_APPROVERS"))) {
      err(
        "In real Slack mode set PTBOT_APPROVERS to the Slack user ids (U…) or user-group ids (S…) who may approve.",
      );
    }
    return 1;
  }
  process.stdout.write(`${realSlackInstructions(running)}\n`);
  const signal = await stopSignal;
  process.stdout.write(`\n${signal}: stopping…\n`);
  await running.stop();
  return 0;
}

async function runEmulated(args: SandboxArgs): Promise<number> {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const color = interactive && process.env.NO_COLOR === undefined;
  const sandbox = await startSandbox({
    provisioningMs: args.provisioningMs,
    env: process.env,
    replicas: args.replicas,
    ...(args.databasePath === undefined ? {} : { databasePath: args.databasePath }),
    ...(args.logPath === undefined ? {} : { logPath: args.logPath }),
  });
  const io = interactive ? ttyIo(process.stdin, process.stdout) : scriptIo(process.stdin, process.stdout);
  const onSignal = (signal: string) => {
    err(`\n${signal}: stopping the bot and the emulators…`);
    // The shell's convention: 128 + the signal's number.
    void sandbox.stop().then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  if (!interactive) process.once("SIGINT", () => onSignal("SIGINT"));
  io.write(
    banner({
      channel: sandbox.channel.name,
      users: sandbox.users,
      approvers:
        sandbox.workspaces.length > 1
          ? `@${SANDBOX_APPROVERS.handle} (in the sandbox's policy file)`
          : `@${SANDBOX_APPROVERS.handle} (PTBOT_APPROVERS=${SANDBOX_APPROVERS.id})`,
      workspaces: sandbox.workspaces,
      models: defaultSeed().models.map((m) => m.full_name),
      dbuPrice: sandbox.dbuPrice,
      provisioningMs: args.provisioningMs,
      databasePath: sandbox.databasePath,
      temporaryDatabase: sandbox.temporaryDatabase,
      logPath: sandbox.logPath,
      replicas: sandbox.fleet?.names ?? [],
      color,
      interactive,
    }),
  );
  io.write("");
  const session = new ChatSession({
    slack: sandbox.slack,
    driver: sandbox.driver,
    channel: sandbox.channel,
    users: sandbox.users,
    startAs: sandbox.users[0]?.id ?? "",
    io,
    color,
    names: sandbox.names,
    interactive,
    echo: !interactive,
    formatTime: clockTime,
    // A script may run ahead of the app: `click` waits for the card it means to click.
    cardWaitMs: interactive ? 0 : 10_000,
    waitIdle: async () =>
      (
        await waitUntilIdle({
          probe: { read: () => sandbox.inFlight() },
          timeoutMs: args.idleTimeoutMs,
          pollMs: 200,
        })
      ).idle,
    ...(sandbox.fleet === undefined ? {} : { replicas: sandbox.fleet }),
  });
  const stopNotes = sandbox.fleet?.onNote((note) => io.write(describeFleetNote(note)));
  const outcome = await session.run();
  let code = 0;
  if (outcome === "end" && !interactive) {
    const moving = await sandbox.inFlight();
    if (moving.requests + moving.notices > 0)
      io.write("(input ended; waiting for the bot to finish what it started)");
    const waited = await waitUntilIdle({
      probe: { read: () => sandbox.inFlight() },
      timeoutMs: args.idleTimeoutMs,
      pollMs: 200,
    });
    if (!waited.idle) {
      err(
        `sandbox: gave up after ${args.idleTimeoutMs} ms with ${waited.last.requests} request(s) still moving and ` +
          `${waited.last.notices} notice(s) undelivered; see ${sandbox.logPath}`,
      );
      code = 1;
    }
  }
  session.stop();
  stopNotes?.();
  io.close();
  await sandbox.stop();
  if (interactive) process.stdout.write("Bye: the bot and the emulators are stopped.\n");
  return code;
}

async function main(): Promise<number> {
  let args: SandboxArgs;
  try {
    args = parseSandboxArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SandboxUsageError)) throw error;
    err(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!hasSlackCredentials(process.env)) return runEmulated(args);
  if (args.replicas > 1) {
    err(
      "--replicas runs several bots against the emulated Slack; with a real Slack app's credentials it runs one.",
    );
    return 2;
  }
  return runRealSlack(args);
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      err(`sandbox failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
