/**
 * The files an operator deploys with, read as they are (no container engine runs here): the image runs on
 * PostgreSQL with nothing but PTBOT_DATABASE_URL added, and the compose example configures ptbot validly.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "../src/config.js";

const read = (name: string) => readFileSync(fileURLToPath(new URL(`../${name}`, import.meta.url)), "utf8");

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");

  it("sets no PTBOT_DATABASE, so adding PTBOT_DATABASE_URL alone selects PostgreSQL", () => {
    expect(dockerfile).not.toMatch(/PTBOT_DATABASE\s*=/);
    // The default SQLite path (./data/ptbot.db under WORKDIR /app) must still land on the volume.
    expect(dockerfile).toMatch(/WORKDIR \/app/);
    expect(dockerfile).toMatch(/ln -s \/data \/app\/data/);
    expect(dockerfile).toMatch(/VOLUME \["\/data"\]/);
  });

  it("sets NODE_OPTIONS that node accepts (node refuses to start on a V8 flag NODE_OPTIONS does not allow)", () => {
    const options = /NODE_OPTIONS=(?:"([^"]*)"|(\S+))/.exec(dockerfile);
    const value = options?.[1] ?? options?.[2];
    expect(value).toBeDefined();
    // The same node the image runs (24): `ptbot`'s CMD and the HEALTHCHECK both start under these options.
    const run = spawnSync(process.execPath, ["-e", "process.exit(0)"], {
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: value ?? "" },
      encoding: "utf8",
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  });

  it("starts node with flags node accepts, under those NODE_OPTIONS", () => {
    const cmd =
      dockerfile
        .split("\n")
        .filter((l) => l.startsWith("CMD "))
        .at(-1) ?? "";
    const args = JSON.parse(cmd.slice(4)) as string[];
    expect(args.at(0)).toBe("node");
    expect(args.at(-1)).toBe("dist/main.js");
    const value = /NODE_OPTIONS=(?:"([^"]*)"|(\S+))/.exec(dockerfile);
    const run = spawnSync(process.execPath, [...args.slice(1, -1), "-e", "process.exit(0)"], {
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: value?.[1] ?? value?.[2] ?? "" },
      encoding: "utf8",
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  });
});

describe("compose.yaml", () => {
  // Compose reads YAML merge keys (`<<: *ptbot`); so must this parse.
  const compose = parse(read("compose.yaml"), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; build?: string }>;
  };
  const replicas = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

  it("runs at least two replicas, each with its own instance id, on one PostgreSQL", () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    const ids = replicas.map(([, s]) => s.environment?.PTBOT_INSTANCE_ID);
    expect(new Set(ids).size).toBe(replicas.length);
    const urls = new Set(replicas.map(([, s]) => s.environment?.PTBOT_DATABASE_URL));
    expect(urls.size).toBe(1);
  });

  it("gives each replica a configuration ptbot accepts", () => {
    for (const [, service] of replicas) {
      const env = Object.fromEntries(
        Object.entries(service.environment ?? {}).map(([k, v]) => [k, v.replace(/\$\{[^}]+\}/g, "pw")]),
      );
      const config = loadConfig({
        SLACK_BOT_TOKEN: "xoxb-1-test",
        SLACK_SIGNING_SECRET: "secret",
        PTBOT_APPROVERS: "U0APPROVER",
        ...env,
      });
      expect(config.database.kind).toBe("postgres");
    }
  });
});
