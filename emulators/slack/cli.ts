import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { defaultCredentials, defaultWorkspace } from "./default-workspace.js";
import { SlackEmulatorError } from "./errors.js";
import { startSlackEmulator } from "./slack-emulator.js";

/**
 * `npm run emulator:slack -- --port 8791 [--socket-mode]`: the default workspace on a fixed port, until interrupted.
 * It prints the variables of one mode: signed HTTP (default), or Socket Mode with `--socket-mode` (which adds the
 * app token, whose presence alone switches ptbot to Socket Mode).
 */
export function parseCliArgs(argv: readonly string[]): { port: number; socketMode: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string", default: "8791" },
      "socket-mode": { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SlackEmulatorError("invalid_cli_args", `--port must be a port number, got ${values.port}`);
  }
  return { port, socketMode: values["socket-mode"] };
}

async function main(): Promise<void> {
  const { port, socketMode } = parseCliArgs(process.argv.slice(2));
  const emulator = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port });
  process.stdout.write(
    [
      `SLACK_API_URL=${emulator.apiUrl}`,
      `SLACK_BOT_TOKEN=${defaultCredentials.botToken}`,
      `SLACK_SIGNING_SECRET=${defaultCredentials.signingSecret}`,
      ...(socketMode ? [`SLACK_APP_TOKEN=${defaultCredentials.appToken}`] : []),
      "",
    ].join("\n"),
  );
  process.stderr.write(
    socketMode
      ? `Slack emulator on ${emulator.apiUrl}: printed the variables for Socket Mode (SLACK_APP_TOKEN set)\n`
      : `Slack emulator on ${emulator.apiUrl}: printed the variables for signed HTTP; --socket-mode prints Socket Mode's\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
