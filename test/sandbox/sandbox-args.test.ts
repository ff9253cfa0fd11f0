import { describe, expect, it } from "vitest";
import { banner } from "../../sandbox/banner.js";
import { parseSandboxArgs, SandboxUsageError, USAGE } from "../../sandbox/sandbox-args.js";
import { SANDBOX_USERS } from "../../sandbox/start-sandbox.js";

describe("parseSandboxArgs", () => {
  it("defaults to a realistic provisioning time, a temporary database and a two-minute wait", () => {
    expect(parseSandboxArgs([])).toEqual({
      provisioningMs: 10_000,
      databasePath: undefined,
      logPath: undefined,
      idleTimeoutMs: 120_000,
      replicas: 1,
      help: false,
    });
  });

  it("reads every flag", () => {
    expect(
      parseSandboxArgs([
        "--provisioning-ms",
        "1500",
        "--db",
        "./data/sandbox.db",
        "--log",
        "x.log",
        "--idle-timeout-ms",
        "5000",
        "-h",
      ]),
    ).toEqual({
      provisioningMs: 1500,
      databasePath: "./data/sandbox.db",
      logPath: "x.log",
      idleTimeoutMs: 5000,
      replicas: 1,
      help: true,
    });
  });

  it("refuses what it does not understand", () => {
    expect(() => parseSandboxArgs(["--provisioning-ms", "-1"])).toThrow(SandboxUsageError);
    expect(() => parseSandboxArgs(["--provisioning-ms", "1.5"])).toThrow(/whole number/);
    expect(() => parseSandboxArgs(["--fast"])).toThrow(SandboxUsageError);
    expect(() => parseSandboxArgs(["deploy"])).toThrow(SandboxUsageError);
  });

  it("takes --replicas, and says clearly what is wrong with a bad count or with --db beside several", () => {
    expect(parseSandboxArgs(["--replicas", "3"]).replicas).toBe(3);
    expect(parseSandboxArgs(["--replicas", "1", "--db", "s.db"])).toMatchObject({
      replicas: 1,
      databasePath: "s.db",
    });
    expect(() => parseSandboxArgs(["--replicas", "0"])).toThrow("--replicas must be between 1 and 10, got 0");
    expect(() => parseSandboxArgs(["--replicas", "11"])).toThrow(
      "--replicas must be between 1 and 10, got 11",
    );
    expect(() => parseSandboxArgs(["--replicas", "three"])).toThrow(
      "--replicas must be a whole number of bot replicas, got three",
    );
    expect(() => parseSandboxArgs(["--replicas", "2.5"])).toThrow(/whole number/);
    expect(() => parseSandboxArgs(["--replicas", "3", "--db", "s.db"])).toThrow(
      "--db names a SQLite file for one bot; --replicas 3 share a database the sandbox starts itself",
    );
    expect(USAGE).toContain("--replicas N");
  });
});

describe("banner", () => {
  const facts = {
    channel: "ml-deploys",
    users: SANDBOX_USERS,
    approvers: "@ml-approvers (PTBOT_APPROVERS=S0MLAPPROVE)",
    models: ["ml.llm-catalog.llama-13b"],
    provisioningMs: 1500,
    databasePath: "/tmp/x/sandbox.db",
    temporaryDatabase: true,
    logPath: "/tmp/x/sandbox.log",
    color: false,
  };

  it("says who you can be, where the database and logs are, and (at a terminal) what to try", () => {
    const text = banner({ ...facts, interactive: true });
    expect(text).toContain(
      "you can be   ada (requester), grace (approver, in @ml-approvers), linus (not an approver)",
    );
    expect(text).toContain("provisioning 1.5 s per endpoint");
    expect(text).toContain("database     /tmp/x/sandbox.db (temporary; --db PATH keeps one)");
    expect(text).toContain("bot logs     /tmp/x/sandbox.log");
    expect(text).toContain("Try /pt deploy ml.llm-catalog.llama-13b 3");
    expect(banner({ ...facts, interactive: false, temporaryDatabase: false })).not.toContain("Try");
    expect(banner({ ...facts, interactive: false, temporaryDatabase: false })).toContain("kept between runs");
  });

  it("labels the sample DBU price as one, and names a configured price as configured", () => {
    expect(banner({ ...facts, interactive: false, dbuPrice: { value: "0.07", sample: true } })).toContain(
      "cost         cards price DBUs at a sample $0.07 per DBU (PTBOT_DBU_PRICE sets another): a made-up figure",
    );
    expect(banner({ ...facts, interactive: false, dbuPrice: { value: "0.09", sample: false } })).toContain(
      "cards price DBUs at 0.09 per DBU (PTBOT_DBU_PRICE)",
    );
  });

  it("with several replicas, names them and the commands that kill one, and says each log line names its replica", () => {
    const text = banner({ ...facts, interactive: true, replicas: ["replica-1", "replica-2", "replica-3"] });
    expect(text).toContain(
      "replicas     replica-1, replica-2, replica-3: separate processes behind a load balancer",
    );
    expect(text).toContain("kill <n> kills one with SIGKILL and starts it again");
    expect(text).toContain("bot logs     /tmp/x/sandbox.log (each line names its replica)");
    expect(banner({ ...facts, interactive: true })).not.toContain("replicas");
  });

  it("says plainly, with --db, that the emulated workspaces start empty and how to release a stale request", () => {
    const text = banner({ ...facts, interactive: true, temporaryDatabase: false });
    expect(text).toContain("the emulated Slack and Databricks start empty each run");
    expect(text).toContain("cards that no longer exist");
    expect(text).toContain("/pt cancel <endpoint>");
    expect(banner({ ...facts, interactive: true })).not.toContain("/pt cancel");
    expect(USAGE).toContain("the emulated workspaces are not kept");
  });
});
