import { parseArgs } from "node:util";
import { FAILURE_KINDS, type FailureKind } from "./failure-kinds.js";
import { loadSeed } from "./seed-schema.js";
import { startDatabricksEmulator } from "./server.js";

const USAGE = `Usage: npm run emulator:databricks -- [--port 8790] [--host 127.0.0.1] [--seed FILE]
         [--provisioning-ms N] [--fail ENDPOINT_NAME[:KIND]]... [--auth token|oauth] [--token dapi...] [--client-id ID]
         [--client-secret SECRET] [--quiet]
  --fail   fail that endpoint's next deployment; KIND words it: capacity, entitlement, permissions or artifact
  --auth   which credentials to print (the emulator accepts both; ptbot takes one): token (default) or oauth`;

/**
 * Runs the Databricks emulator from a terminal: prints the environment for a client (ready to paste into a
 * shell: one way to authenticate, as ptbot refuses a token and an OAuth client together), logs each request to
 * stderr, and stops cleanly on SIGINT/SIGTERM.
 */
async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string", default: "8790" },
      host: { type: "string", default: "127.0.0.1" },
      seed: { type: "string" },
      "provisioning-ms": { type: "string" },
      fail: { type: "string", multiple: true, default: [] },
      token: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      auth: { type: "string", default: "token" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const auth = values.auth;
  if (auth !== "token" && auth !== "oauth") throw new Error(`--auth must be token or oauth; got ${auth}`);
  const port = wholeNumber(values.port, "--port");
  const provisioningMs =
    values["provisioning-ms"] === undefined
      ? undefined
      : wholeNumber(values["provisioning-ms"], "--provisioning-ms");
  const emulator = await startDatabricksEmulator({
    port,
    host: values.host,
    ...(values.seed === undefined ? {} : { seed: await loadSeed(values.seed) }),
    ...(provisioningMs === undefined ? {} : { provisioningMs }),
    ...(values.token === undefined ? {} : { token: values.token }),
    ...(values["client-id"] === undefined ? {} : { clientId: values["client-id"] }),
    ...(values["client-secret"] === undefined ? {} : { clientSecret: values["client-secret"] }),
    ...(values.quiet
      ? {}
      : {
          onRequest: (r) => {
            process.stderr.write(
              `${new Date(r.time).toISOString()} ${r.method} ${r.path} -> ${r.status || "dropped"}\n`,
            );
          },
        }),
  });
  for (const spec of values.fail) {
    const [name = "", kind] = spec.split(":");
    if (kind !== undefined && !FAILURE_KINDS.some((k) => k === kind)) {
      throw new Error(`--fail ${spec}: the kind must be one of ${FAILURE_KINDS.join(", ")}`);
    }
    emulator.failProvisioning(name, kind === undefined ? {} : { kind: kind as FailureKind });
  }
  const credentials =
    auth === "token"
      ? [`DATABRICKS_TOKEN=${emulator.token}`]
      : [`DATABRICKS_CLIENT_ID=${emulator.clientId}`, `DATABRICKS_CLIENT_SECRET=${emulator.clientSecret}`];
  process.stdout.write([`DATABRICKS_HOST=${emulator.url}`, ...credentials, ""].join("\n"));
  process.stderr.write(
    `Databricks emulator listening on ${emulator.url} (Ctrl-C to stop); printed ${
      auth === "token"
        ? "a token (--auth oauth prints an OAuth client instead)"
        : "an OAuth client (--auth token prints a token instead)"
    }\n`,
  );
  const stop = (signal: NodeJS.Signals) => {
    process.stderr.write(`${signal}: stopping the Databricks emulator\n`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

function wholeNumber(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < 0)
    throw new Error(`${flag} must be a whole number; got ${text}`);
  return n;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
});
