/**
 * ptbot as a process on each store: on PostgreSQL it logs which database it opened (host and database, never the
 * password), and a database migrated by a newer ptbot (PostgreSQL or SQLite) stops it with one plain line saying so.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startDatabricksEmulator } from "../emulators/databricks/index.js";
import { defaultCredentials, defaultWorkspace, startSlackEmulator } from "../emulators/slack/index.js";
import { PostgresStore } from "../src/store/postgres-store.js";
import { SqliteStore } from "../src/store/sqlite-store.js";
import { createTestDatabase } from "./postgres/database.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts ptbot's process on `database` (env) between fresh emulators; collects its output. */
async function run(database: Record<string, string>) {
  const dbx = await startDatabricksEmulator({ port: 0 });
  const slack = await startSlackEmulator({ ...defaultWorkspace, ...defaultCredentials, port: 0 });
  cleanups.push(
    () => dbx.close(),
    () => slack.close(),
  );
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    stdio: "pipe",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: mkdtempSync(join(tmpdir(), "ptbot-home-")),
      PORT: "0",
      SLACK_BOT_TOKEN: defaultCredentials.botToken,
      SLACK_SIGNING_SECRET: defaultCredentials.signingSecret,
      SLACK_API_URL: slack.apiUrl,
      DATABRICKS_HOST: dbx.url,
      DATABRICKS_TOKEN: dbx.token,
      PTBOT_APPROVERS: "U0APPROVER",
      ...database,
    },
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (c: Buffer) => {
    output.stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    output.stderr += c.toString();
  });
  return { child, output };
}

async function postgresDatabase() {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

/** Records a schema version no build has, as a newer ptbot would have. */
async function markNewer(url: string): Promise<void> {
  await (await PostgresStore.open(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 1)");
  await client.end();
}

describe("ptbot's process and its store", () => {
  it("starts on PostgreSQL from PTBOT_DATABASE_URL alone, logging the host and database, never the password", async () => {
    const db = await postgresDatabase();
    const { child, output } = await run({ PTBOT_DATABASE_URL: db.url });
    const started = new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => {
        if (output.stdout.includes('"ptbot started"')) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${output.stderr}`)));
    });
    await started;
    const opened = output.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "store opened");
    expect(opened).toMatchObject({ store: "postgres", host: "127.0.0.1", database: db.name });
    expect(new URL(db.url).password).not.toBe("");
    expect(output.stdout).not.toContain(new URL(db.url).password);
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exit)[0]).toBe(0);
  });

  it("takes what the URL leaves out from the PG* variables, as node-postgres reads them", async () => {
    const db = await postgresDatabase();
    const url = new URL(db.url);
    const password = url.password;
    url.password = "";
    const { child, output } = await run({ PTBOT_DATABASE_URL: url.toString(), PGPASSWORD: password });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", () => {
        if (output.stdout.includes('"ptbot started"')) resolve();
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}: ${output.stderr}`)));
    });
    expect(output.stdout).not.toContain(password);
    const exit = once(child, "exit");
    child.kill("SIGTERM");
    expect((await exit)[0]).toBe(0);
  });

  it("refuses a PostgreSQL database migrated by a newer ptbot, saying so in one plain line", async () => {
    const db = await postgresDatabase();
    await markNewer(db.url);
    const { child, output } = await run({ PTBOT_DATABASE_URL: db.url });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output.stderr).toMatch(
      /^ptbot cannot start: the database schema is at version 99, newer than this ptbot knows \(version \d+\).*upgrade this replica/m,
    );
    expect(output.stdout).toContain('"code":"schema_too_new"');
    expect(output.stderr + output.stdout).not.toContain(new URL(db.url).password);
  });

  it("refuses a SQLite file migrated by a newer ptbot the same way", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "ptbot-")), "ptbot.db");
    await (await SqliteStore.open(path)).close();
    const file = new DatabaseSync(path);
    file.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 1)").run();
    file.close();
    const { child, output } = await run({ PTBOT_DATABASE: path });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    expect(output.stderr).toMatch(
      /^ptbot cannot start: the database schema is at version 99.*upgrade this replica/m,
    );
  });
});
