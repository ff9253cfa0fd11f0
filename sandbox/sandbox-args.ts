/** The sandbox's command line, parsed with `node:util`'s `parseArgs`. Pure. */
import { parseArgs } from "node:util";

export const USAGE = `Usage: npm run sandbox -- [options]
  --provisioning-ms N   how long the emulated Databricks takes to provision an endpoint (default 10000)
  --db PATH             the SQLite file to use (default: a new one in a temporary directory); only the bot's
                        state is kept: the emulated workspaces are not kept, so release a request left from an
                        earlier run with /pt cancel <endpoint>
  --log PATH            where the bot's logs go (default: sandbox.log beside the database)
  --idle-timeout-ms N   script mode: how long to wait, once input ends, for work in flight (default 120000)
  --replicas N          run N bot replicas as separate processes behind a load balancer, sharing an embedded
                        PostgreSQL started for the run (default 1: one bot on SQLite); kill <n> then SIGKILLs one
                        and starts it again. Not with --db, which names a SQLite file
  -h, --help            this text
With stdin not a terminal, commands are read line by line and the conversation is printed as plain text.
With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set (and SLACK_APP_TOKEN for Socket Mode), the bot joins that
Slack workspace instead; PTBOT_APPROVERS is then required.`;

export interface SandboxArgs {
  readonly provisioningMs: number;
  readonly databasePath: string | undefined;
  readonly logPath: string | undefined;
  readonly idleTimeoutMs: number;
  /** How many bot replicas: 1 runs the bot in the sandbox's process, more run separate processes. */
  readonly replicas: number;
  readonly help: boolean;
}

/** Slack allows an app 10 Socket Mode connections; beyond a handful a sandbox only competes for the CPU. */
export const MAX_REPLICAS = 10;

/** Raised for a bad command line; the entry prints it with the usage and exits 2. */
export class SandboxUsageError extends Error {}

function wholeNumber(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new SandboxUsageError(`${flag} must be a whole number of milliseconds, got ${raw}`);
  }
  return n;
}

export function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new SandboxUsageError(error instanceof Error ? error.message : String(error));
  }
  const replicas = replicaCount(values.replicas);
  if (replicas > 1 && values.db !== undefined) {
    throw new SandboxUsageError(
      `--db names a SQLite file for one bot; --replicas ${replicas} share a database the sandbox starts itself: ` +
        "leave out --db, or use --replicas 1",
    );
  }
  return {
    provisioningMs: wholeNumber(values["provisioning-ms"], "--provisioning-ms"),
    databasePath: values.db,
    logPath: values.log,
    idleTimeoutMs: wholeNumber(values["idle-timeout-ms"], "--idle-timeout-ms"),
    replicas,
    help: values.help,
  };
}

function replicaCount(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new SandboxUsageError(`--replicas must be a whole number of bot replicas, got ${raw}`);
  }
  if (n < 1 || n > MAX_REPLICAS) {
    throw new SandboxUsageError(`--replicas must be between 1 and ${MAX_REPLICAS}, got ${raw}`);
  }
  return n;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      "provisioning-ms": { type: "string", default: "10000" },
      db: { type: "string" },
      log: { type: "string" },
      "idle-timeout-ms": { type: "string", default: "120000" },
      replicas: { type: "string", default: "1" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
}
