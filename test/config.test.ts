import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const minimal = {
  SLACK_BOT_TOKEN: "xoxb-1-secret-bot-token",
  SLACK_SIGNING_SECRET: "s3cr3t-signing",
  DATABRICKS_HOST: "https://adb-123.azuredatabricks.net/",
  DATABRICKS_TOKEN: "dapi0123456789abcdef0123456789abcdef",
  PTBOT_APPROVERS: "U0APPROVER,S0MLAPPROVE",
  HOME: "/home/ptbot",
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(minimal);
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: "sqlite", path: "./data/ptbot.db" });
    expect(config.pollIntervalMs).toBe(15_000);
    expect(config.smokeTest).toEqual({ enabled: true, timeoutMs: 60_000 });
    expect(config.databricks.host).toBe("https://adb-123.azuredatabricks.net");
    expect(config.databricks.configFile).toBe("/home/ptbot/.databrickscfg");
    expect(config.slack.apiUrl).toBeUndefined();
    expect(config.policy).toMatchObject({
      approverUsers: ["U0APPROVER"],
      approverGroups: ["S0MLAPPROVE"],
      allowSelfApproval: false,
      requiredApprovals: 1,
      allowedChannels: [],
      requestTtlMs: 24 * 3_600_000,
      defaultMinMultiple: 2,
      defaultMaxMultiple: 3,
    });
  });

  it("turns the smoke test off with PTBOT_SMOKE_TEST=false and refuses a value that is not a boolean", () => {
    expect(loadConfig({ ...minimal, PTBOT_SMOKE_TEST: "false" }).smokeTest.enabled).toBe(false);
    expect(loadConfig({ ...minimal, PTBOT_SMOKE_TEST_TIMEOUT_MS: "5000" }).smokeTest.timeoutMs).toBe(5000);
    expect(() => loadConfig({ ...minimal, PTBOT_SMOKE_TEST: "maybe" })).toThrow(/PTBOT_SMOKE_TEST/);
  });

  it("selects PostgreSQL with PTBOT_DATABASE_URL and the SQLite file with PTBOT_DATABASE", () => {
    const url = "postgres://ptbot:pw@db.internal:5432/ptbot?sslmode=require";
    expect(loadConfig({ ...minimal, PTBOT_DATABASE_URL: url }).database).toEqual({ kind: "postgres", url });
    expect(loadConfig({ ...minimal, PTBOT_DATABASE_URL: "postgresql://db/ptbot" }).database.kind).toBe(
      "postgres",
    );
    expect(loadConfig({ ...minimal, PTBOT_DATABASE: "/var/lib/ptbot/ptbot.db" }).database).toEqual({
      kind: "sqlite",
      path: "/var/lib/ptbot/ptbot.db",
    });
  });

  it("refuses both databases at once, and a URL that is not PostgreSQL's, without echoing it", () => {
    const both = problemsOf({
      ...minimal,
      PTBOT_DATABASE: "./data/ptbot.db",
      PTBOT_DATABASE_URL: "postgres://ptbot:hunter2@db/ptbot",
    });
    expect(both).toEqual([
      "PTBOT_DATABASE and PTBOT_DATABASE_URL are both set: keep one (the SQLite file, or the PostgreSQL URL)",
    ]);
    const wrong = problemsOf({ ...minimal, PTBOT_DATABASE_URL: "mysql://ptbot:hunter2@db/ptbot" });
    expect(wrong).toEqual(["PTBOT_DATABASE_URL must be a postgres:// (or postgresql://) URL"]);
    expect(JSON.stringify([both, wrong])).not.toContain("hunter2");
  });

  it("returns a deeply frozen object", () => {
    const config = loadConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy)).toBe(true);
    expect(Object.isFrozen(config.policy.approverUsers)).toBe(true);
  });

  it("normalises SLACK_API_URL to end with a slash", () => {
    expect(loadConfig({ ...minimal, SLACK_API_URL: "http://127.0.0.1:8791/api" }).slack.apiUrl).toBe(
      "http://127.0.0.1:8791/api/",
    );
  });

  it("reports every problem at once, by variable name", () => {
    const problems = problemsOf({
      PORT: "http",
      SLACK_BOT_TOKEN: "xapp-wrong-kind",
      PTBOT_REQUIRED_APPROVALS: "0",
      PTBOT_APPROVERS: "U0OK,bob",
      PTBOT_ALLOW_SELF_APPROVAL: "maybe",
      DATABRICKS_CLIENT_ID: "abc",
    });
    const text = problems.join("\n");
    for (const name of [
      "PORT",
      "SLACK_BOT_TOKEN",
      "SLACK_SIGNING_SECRET",
      "PTBOT_REQUIRED_APPROVALS",
      "PTBOT_APPROVERS",
      "PTBOT_ALLOW_SELF_APPROVAL",
    ]) {
      expect(text).toContain(name);
    }
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it("reports cross-field problems alongside the others", () => {
    const problems = problemsOf({
      ...minimal,
      PTBOT_APPROVERS: "",
      DATABRICKS_TOKEN: undefined,
      DATABRICKS_CLIENT_ID: "only-the-id",
      PTBOT_DEFAULT_MIN_MULTIPLE: "5",
      PTBOT_DEFAULT_MAX_MULTIPLE: "4",
    });
    expect(problems).toEqual([
      expect.stringContaining("PTBOT_APPROVERS is required"),
      expect.stringContaining("DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET"),
      expect.stringContaining("PTBOT_DEFAULT_MIN_MULTIPLE"),
    ]);
  });

  it("refuses two ways to authenticate to Databricks at once", () => {
    const problems = problemsOf({
      ...minimal,
      DATABRICKS_CLIENT_ID: "id",
      DATABRICKS_CLIENT_SECRET: "secret",
    });
    expect(problems).toEqual([expect.stringContaining("keep one way to authenticate")]);
  });

  it("asks for credentials when only a host is given", () => {
    const problems = problemsOf({ ...minimal, DATABRICKS_TOKEN: undefined });
    expect(problems.join()).toContain("DATABRICKS_HOST needs credentials");
  });

  it("never echoes a secret value in its problems", () => {
    const token = "xoxp-this-is-a-user-token-not-a-bot-token";
    const error = (() => {
      try {
        loadConfig({ ...minimal, SLACK_BOT_TOKEN: token, SLACK_APP_TOKEN: "xoxb-not-an-app-token" });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(error.message).toContain("SLACK_BOT_TOKEN must start with xoxb-");
    expect(error.message).toContain("SLACK_APP_TOKEN must start with xapp-");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
    expect(error.message).not.toContain("xoxb-not-an-app-token");
  });

  it("takes PTBOT_INSTANCE_ID as the instance's lease owner, and leaves it unset by default", () => {
    expect(loadConfig(minimal).instanceId).toBeUndefined();
    expect(loadConfig({ ...minimal, PTBOT_INSTANCE_ID: "ptbot-blue.1" }).instanceId).toBe("ptbot-blue.1");
    for (const bad of ["has space", "-leading-dash", "x".repeat(101), "a/b"]) {
      expect(problemsOf({ ...minimal, PTBOT_INSTANCE_ID: bad })).toEqual([
        expect.stringContaining("PTBOT_INSTANCE_ID must be"),
      ]);
    }
  });

  it("refuses defaults that would make every default request invalid", () => {
    expect(problemsOf({ ...minimal, PTBOT_DEFAULT_MIN_MULTIPLE: "0" })).toEqual([
      expect.stringContaining("PTBOT_DEFAULT_MIN_MULTIPLE"),
    ]);
    expect(problemsOf({ ...minimal, PTBOT_DEFAULT_MAX_MULTIPLE: "0" })).toEqual([
      expect.stringContaining("PTBOT_DEFAULT_MAX_MULTIPLE"),
    ]);
    expect(
      problemsOf({ ...minimal, PTBOT_DEFAULT_MIN_MULTIPLE: "4", PTBOT_DEFAULT_MAX_MULTIPLE: "3" }),
    ).toEqual([
      expect.stringContaining(
        "PTBOT_DEFAULT_MIN_MULTIPLE must not be greater than PTBOT_DEFAULT_MAX_MULTIPLE",
      ),
    ]);
    expect(problemsOf({ ...minimal, PTBOT_DEFAULT_MAX_MULTIPLE: "21" })).toEqual([
      expect.stringContaining("PTBOT_DEFAULT_MAX_MULTIPLE must not be greater than PTBOT_MAX_MULTIPLE"),
    ]);
    expect(problemsOf({ ...minimal, PTBOT_MAX_MULTIPLE: "2" })).toEqual([
      expect.stringContaining("PTBOT_DEFAULT_MAX_MULTIPLE must not be greater than PTBOT_MAX_MULTIPLE"),
    ]);
  });
});

describe("loadConfig: the environment's one workspace", () => {
  it("describes one workspace named default with today's variables, unchanged", () => {
    const config = loadConfig(minimal);
    expect(config.policyFile).toBeUndefined();
    expect(config.workspaces).toHaveLength(1);
    const [ws] = config.workspaces;
    expect(ws?.name).toBe("default");
    expect(ws?.databricks).toEqual(config.databricks);
    expect(ws?.policy.approval).toEqual(config.policy);
    expect(config.channels).toEqual({ channels: {}, otherChannels: undefined });
  });

  it("has no cost, lifetime or freeze rules by default, the smoke test on, break-glass at two", () => {
    const [ws] = loadConfig(minimal).workspaces;
    expect(ws?.policy).toMatchObject({
      cost: {
        dbuPerModelUnit: undefined,
        dbuPrice: undefined,
        currency: "USD",
        maxDbuPerHour: undefined,
        highCost: undefined,
      },
      lifetime: { defaultTtlMs: undefined, noticeMs: 24 * 3_600_000, onExpiry: "notify" },
      smokeTest: true,
      breakGlassQuorum: 2,
      freezes: { weekly: [], periods: [] },
      reminders: { afterMs: [], escalationGroup: undefined },
    });
  });

  it("reads the cost, lifetime and smoke-test variables", () => {
    const [ws] = loadConfig({
      ...minimal,
      PTBOT_DBU_PER_MODEL_UNIT: "0.5",
      PTBOT_DBU_PRICE: "0.07",
      PTBOT_CURRENCY: "EUR",
      PTBOT_MAX_DBU_PER_HOUR: "1000",
      PTBOT_HIGH_COST_DBU_PER_HOUR: "300",
      PTBOT_HIGH_COST_REQUIRED_APPROVALS: "3",
      PTBOT_HIGH_COST_APPROVERS: "U0CFO,S0FINOPS",
      PTBOT_DEFAULT_ENDPOINT_TTL: "7d",
      PTBOT_EXPIRY_NOTICE_MS: "3600000",
      PTBOT_ON_ENDPOINT_EXPIRY: "scale-to-zero",
      PTBOT_SMOKE_TEST: "false",
    }).workspaces;
    expect(ws?.policy).toMatchObject({
      cost: {
        dbuPerModelUnit: 0.5,
        dbuPrice: 0.07,
        currency: "EUR",
        maxDbuPerHour: 1000,
        highCost: {
          dbuPerHour: 300,
          requiredApprovals: 3,
          approverUsers: ["U0CFO"],
          approverGroups: ["S0FINOPS"],
        },
      },
      lifetime: { defaultTtlMs: 7 * 24 * 3_600_000, noticeMs: 3_600_000, onExpiry: "scale-to-zero" },
      smokeTest: false,
    });
  });

  it("gives the high-cost tier the deploy approvers unless it names its own", () => {
    const [ws] = loadConfig({ ...minimal, PTBOT_HIGH_COST_DBU_PER_HOUR: "300" }).workspaces;
    expect(ws?.policy.cost.highCost).toEqual({
      dbuPerHour: 300,
      requiredApprovals: 2,
      approverUsers: ["U0APPROVER"],
      approverGroups: ["S0MLAPPROVE"],
    });
  });

  it("reports every mistake in them at once", () => {
    expect(
      problemsOf({
        ...minimal,
        PTBOT_DBU_PRICE: "free",
        PTBOT_MAX_DBU_PER_HOUR: "-1",
        PTBOT_CURRENCY: "dollars",
        PTBOT_DEFAULT_ENDPOINT_TTL: "forever",
        PTBOT_ON_ENDPOINT_EXPIRY: "explode",
        PTBOT_SMOKE_TEST: "maybe",
        PTBOT_HIGH_COST_APPROVERS: "U0CFO",
      }),
    ).toEqual([
      "PTBOT_DBU_PRICE must be a number above 0",
      "PTBOT_CURRENCY must be a currency code such as USD or EUR",
      "PTBOT_MAX_DBU_PER_HOUR must be a number above 0",
      "PTBOT_DEFAULT_ENDPOINT_TTL must be a TTL from 10m to 366d (units m, h, d), such as 7d",
      "PTBOT_ON_ENDPOINT_EXPIRY must be one of notify, scale-to-zero, delete",
      "PTBOT_SMOKE_TEST must be true or false",
      "PTBOT_HIGH_COST_APPROVERS needs PTBOT_HIGH_COST_DBU_PER_HOUR",
    ]);
  });

  it("has a checksum of its policy that changes with a rule and not with a credential", () => {
    const sum = loadConfig(minimal).policyChecksum;
    expect(sum).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig(minimal).policyChecksum).toBe(sum);
    expect(loadConfig({ ...minimal, PTBOT_REQUIRED_APPROVALS: "2" }).policyChecksum).not.toBe(sum);
    expect(loadConfig({ ...minimal, DATABRICKS_TOKEN: "dapi-another-token" }).policyChecksum).toBe(sum);
  });
});
