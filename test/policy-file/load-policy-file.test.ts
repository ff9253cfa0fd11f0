/**
 * The policy file through `loadConfig`, as ptbot reads it at start: the example in the repository loads, and each kind
 * of mistake is reported with its line, all of them at once, never with the value found there.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Config, ConfigError, loadConfig } from "../../src/config.js";
import { chooseWorkspace, DAY_MS, HOUR_MS } from "../../src/domain/index.js";

const EXAMPLE = join(import.meta.dirname, "..", "..", "ptbot.example.yaml");

const env = {
  SLACK_BOT_TOKEN: "xoxb-1-secret-bot-token",
  SLACK_SIGNING_SECRET: "s3cr3t-signing",
  HOME: "/home/ptbot",
  DATABRICKS_DEV_TOKEN: "dapi-dev-token-value",
  DATABRICKS_PROD_CLIENT_SECRET: "prod-client-secret-value",
};

/** loadConfig with `text` as the file ptbot.yaml. */
function load(text: string, extra: Record<string, string | undefined> = {}): Config {
  return loadConfig(
    { ...env, PTBOT_CONFIG_FILE: "ptbot.yaml", ...extra },
    { readFile: () => Buffer.from(text, "utf8") },
  );
}

function problemsOf(text: string, extra: Record<string, string | undefined> = {}): readonly string[] {
  try {
    load(text, extra);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

/** A valid file of one workspace, `dev`; `policy` lines are added under its policy. */
const oneWorkspace = (policy = "") => `workspaces:
  dev:
    host: https://adb-1.azuredatabricks.net
    auth:
      token_env: DATABRICKS_DEV_TOKEN
    policy:
      approvers: [S0ML]
${policy}`;

describe("the policy file: ptbot.example.yaml", () => {
  const config = loadConfig({ ...env, PTBOT_CONFIG_FILE: EXAMPLE });
  const ws = (name: string) => {
    const found = config.workspaces.find((w) => w.name === name);
    if (found === undefined) throw new Error(`no workspace ${name}`);
    return found;
  };

  it("loads, with its three workspaces in order and the checksum of its bytes", () => {
    expect(config.workspaces.map((w) => w.name)).toEqual(["dev", "staging", "prod"]);
    expect(config.policyFile).toBe(EXAMPLE);
    expect(config.policyChecksum).toBe(createHash("sha256").update(readFileSync(EXAMPLE)).digest("hex"));
  });

  it("authenticates each workspace its own way, secrets read from the environment", () => {
    expect(ws("dev").databricks).toMatchObject({
      host: "https://adb-1111111111111111.11.azuredatabricks.net",
      token: "dapi-dev-token-value",
      clientId: undefined,
    });
    expect(ws("staging").databricks).toMatchObject({
      host: undefined,
      profile: "staging",
      configFile: "/home/ptbot/.databrickscfg",
    });
    expect(ws("prod").databricks).toMatchObject({
      clientId: "6b2f1c0e-8c6d-4b1f-9a51-3f0e2d7c9a10",
      clientSecret: "prod-client-secret-value",
      token: undefined,
    });
  });

  it("lays each workspace's policy over the defaults", () => {
    expect(ws("dev").policy.approval).toMatchObject({
      approverGroups: ["S0MLPLATFORM"],
      allowSelfApproval: true,
      requiredApprovals: 1,
    });
    expect(ws("dev").policy.lifetime).toEqual({
      defaultTtlMs: 7 * DAY_MS,
      noticeMs: DAY_MS,
      onExpiry: "scale-to-zero",
    });
    expect(ws("staging").policy.lifetime).toEqual({
      defaultTtlMs: 30 * DAY_MS,
      noticeMs: DAY_MS,
      onExpiry: "notify",
    });
    const prod = ws("prod").policy;
    expect(prod.approval).toMatchObject({
      approverUsers: ["U0RELEASEMGR"],
      approverGroups: ["S0MLPLATFORM"],
      requiredApprovals: 2,
      maxMultipleLimit: 10,
      allowSelfApproval: false,
    });
    // cost merges key by key: prod's own cap, the defaults' price and tier.
    expect(prod.cost).toEqual({
      dbuPerModelUnit: 0.5,
      dbuPrice: 0.07,
      currency: "USD",
      maxDbuPerHour: 2000,
      highCost: {
        dbuPerHour: 300,
        requiredApprovals: 2,
        approverUsers: ["U0HEADOFML"],
        approverGroups: ["S0FINOPS"],
      },
    });
    expect(prod).toMatchObject({ smokeTest: true, breakGlassQuorum: 2 });
    expect(prod.reminders).toEqual({
      afterMs: [HOUR_MS, 4 * HOUR_MS],
      escalationGroup: "S0MLONCALL",
      escalateBeforeExpiryMs: 2 * HOUR_MS,
    });
    expect(prod.freezes).toEqual({
      timeZone: "Europe/Paris",
      weekly: [{ from: { day: 5, minute: 16 * 60 }, to: { day: 1, minute: 8 * 60 }, reason: "weekend" }],
      periods: [
        {
          from: { year: 2026, month: 12, day: 18, minute: 18 * 60 },
          to: { year: 2027, month: 1, day: 4, minute: 9 * 60 },
          reason: "year-end release",
        },
      ],
    });
    expect(ws("dev").policy.freezes.weekly).toEqual([]);
  });

  it("gives the channel rules the domain chooses a workspace with", () => {
    const names = config.workspaces.map((w) => w.name);
    expect(chooseWorkspace("C0MLDEV", "prod", names, config.channels)).toEqual({
      ok: false,
      code: "workspace_not_allowed",
      allowed: ["dev"],
    });
    expect(chooseWorkspace("C0MLPLATFORM", undefined, names, config.channels)).toEqual({
      ok: true,
      workspace: "prod",
    });
    expect(chooseWorkspace("C0RANDOM", undefined, names, config.channels)).toEqual({
      ok: true,
      workspace: "dev",
    });
  });

  it("serves the first workspace through the single-workspace settings until commands choose one", () => {
    expect(config.databricks).toEqual(ws("dev").databricks);
    expect(config.policy).toEqual(ws("dev").policy.approval);
    // prod is closed to the channels "*" covers: its single-workspace policy keeps only the channels that may use it.
    expect(ws("prod").policy.approval.allowedChannels).toEqual(["C0MLPLATFORM"]);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(ws("prod").policy.freezes.weekly)).toBe(true);
  });
});

describe("the policy file: each kind of mistake, with its line", () => {
  it.each([
    [
      "YAML that does not parse",
      "workspaces:\n  dev:\n    host: [\n  x: : y\n",
      /^ptbot\.yaml:4 is not valid YAML: /,
    ],
    [
      "a duplicated key",
      `${oneWorkspace()}      required_approvals: 1\n      required_approvals: 2\n`,
      /^ptbot\.yaml:9 is not valid YAML: Map keys must be unique/,
    ],
    [
      "an unknown key (a typo)",
      oneWorkspace("      required_aprovals: 2\n"),
      "ptbot.yaml:8 workspaces.dev.policy.required_aprovals is not a setting ptbot knows",
    ],
    [
      "an unknown top-level key",
      `${oneWorkspace()}channel:\n  C0X: {}\n`,
      "ptbot.yaml:8 channel is not a setting ptbot knows",
    ],
    [
      "a number out of range",
      oneWorkspace("      required_approvals: 11\n"),
      "ptbot.yaml:8 workspaces.dev.policy.required_approvals must be a whole number from 1 to 10",
    ],
    [
      "a wrong type",
      oneWorkspace("      allow_self_approval: sure\n"),
      "ptbot.yaml:8 workspaces.dev.policy.allow_self_approval must be true or false",
    ],
    [
      "a bad duration",
      oneWorkspace("      request_ttl: 1 day\n"),
      "ptbot.yaml:8 workspaces.dev.policy.request_ttl must be a duration: a whole number and m, h or d (30m, 4h, 7d)",
    ],
    [
      "a bad approver id",
      oneWorkspace(
        "      cost:\n        high_cost:\n          dbu_per_hour: 100\n          approvers: [alice]\n",
      ),
      "ptbot.yaml:11 workspaces.dev.policy.cost.high_cost.approvers[0] must be Slack user ids (U…, W…) or user-group ids (S…)",
    ],
    [
      "an unknown expiry action",
      oneWorkspace("      lifetime:\n        on_expiry: explode\n"),
      "ptbot.yaml:9 workspaces.dev.policy.lifetime.on_expiry must be one of notify, scale-to-zero, delete",
    ],
    [
      "an unknown time zone",
      oneWorkspace("      freezes:\n        time_zone: Mars/Olympus\n"),
      "ptbot.yaml:9 workspaces.dev.policy.freezes.time_zone must be an IANA time zone, such as Europe/Paris or UTC",
    ],
    [
      "a weekly window that is not a day and time",
      oneWorkspace(
        "      freezes:\n        time_zone: UTC\n        weekly:\n          - { from: friday, to: mon 08:00 }\n",
      ),
      "ptbot.yaml:11 workspaces.dev.policy.freezes.weekly[0].from must be a day and a time: fri 16:00",
    ],
    [
      "a period that ends before it starts",
      oneWorkspace(
        "      freezes:\n        time_zone: UTC\n        periods:\n          - from: 2026-12-20 00:00\n            to: 2026-12-19 00:00\n",
      ),
      "ptbot.yaml:12 workspaces.dev.policy.freezes.periods[0].to must be after from",
    ],
    [
      "a date that does not exist",
      oneWorkspace(
        "      freezes:\n        time_zone: UTC\n        periods:\n          - { from: 2026-02-30, to: 2026-03-02 }\n",
      ),
      "ptbot.yaml:11 workspaces.dev.policy.freezes.periods[0].from must be a date and a time: 2026-12-20 09:00",
    ],
    [
      "min above max",
      oneWorkspace("      default_min_multiple: 4\n"),
      "ptbot.yaml:8 workspaces.dev.policy.default_min_multiple must not be greater than default_max_multiple",
    ],
    [
      "no approvers anywhere",
      "workspaces:\n  dev:\n    host: https://adb-1.azuredatabricks.net\n    auth: { token_env: DATABRICKS_DEV_TOKEN }\n",
      "ptbot.yaml:2 workspaces.dev has no approvers: list who may approve (policy.approvers here, or in defaults)",
    ],
    [
      "a workspace without auth",
      "workspaces:\n  dev:\n    host: https://adb-1.azuredatabricks.net\n    policy: { approvers: [S0ML] }\n",
      "ptbot.yaml:2 workspaces.dev.auth is required",
    ],
    [
      "two ways to authenticate",
      "workspaces:\n  dev:\n    host: https://adb-1.azuredatabricks.net\n    auth: { token_env: DATABRICKS_DEV_TOKEN, profile: dev }\n    policy: { approvers: [S0ML] }\n",
      "ptbot.yaml:4 workspaces.dev.auth must name one way to authenticate: token_env, client_id (or client_id_env) with client_secret_env, or profile",
    ],
    [
      "an OAuth client without its secret",
      "workspaces:\n  dev:\n    host: https://adb-1.azuredatabricks.net\n    auth: { client_id: abc }\n    policy: { approvers: [S0ML] }\n",
      "ptbot.yaml:4 workspaces.dev.auth needs client_secret_env with client_id",
    ],
    [
      "no host without a profile",
      "workspaces:\n  dev:\n    auth: { token_env: DATABRICKS_DEV_TOKEN }\n    policy: { approvers: [S0ML] }\n",
      "ptbot.yaml:2 workspaces.dev needs a host (only a profile can give the host instead)",
    ],
    [
      "a host that is not a URL",
      oneWorkspace().replace("https://adb-1.azuredatabricks.net", "adb 1"),
      "ptbot.yaml:3 workspaces.dev.host must be the workspace URL, https://<host>",
    ],
    [
      "an environment variable that is not set",
      oneWorkspace().replace("DATABRICKS_DEV_TOKEN", "DEV_TOKEN_TYPO"),
      "ptbot.yaml:5 workspaces.dev.auth.token_env names DEV_TOKEN_TYPO, which is not set in the environment",
    ],
    [
      "a bad workspace name",
      oneWorkspace().replace("  dev:", "  Dev_1:"),
      "ptbot.yaml:2 workspaces.Dev_1 is not a valid name: must be a workspace name: lower-case letters, digits and '-', starting with a letter",
    ],
    ["no workspaces", "workspaces: {}\n", "ptbot.yaml:1 workspaces must name at least one workspace"],
    ["an empty file", "", "ptbot.yaml workspaces is required"],
    [
      "a channel naming an unknown workspace",
      `${oneWorkspace()}channels:\n  C0DEV: { default: qa }\n`,
      "ptbot.yaml:9 channels.C0DEV.default names no workspace of this file (they are dev)",
    ],
    [
      "a channel default it may not use",
      `${oneWorkspace()}channels:\n  "*":\n    default: dev\n    workspaces: []\n`,
      "ptbot.yaml:10 channels.*.default must be one of the channel's own workspaces",
    ],
    [
      "a channel that is not an id",
      `${oneWorkspace()}channels:\n  general: {}\n`,
      'ptbot.yaml:9 channels.general is not a valid name: must be a Slack channel id (C…, G…) or "*"',
    ],
  ])("%s", (_name, text, expected) => {
    const problems = problemsOf(text);
    if (typeof expected === "string") expect(problems).toEqual([expected]);
    else expect(problems[0]).toMatch(expected);
  });

  it("a file that cannot be read", () => {
    const problems = (() => {
      try {
        loadConfig({ ...env, PTBOT_CONFIG_FILE: "/nonexistent/ptbot.yaml" });
      } catch (error) {
        return (error as ConfigError).problems;
      }
      return [];
    })();
    expect(problems).toEqual(["PTBOT_CONFIG_FILE /nonexistent/ptbot.yaml cannot be read (ENOENT)"]);
  });
});

describe("the policy file: several mistakes at once", () => {
  it("lists every mistake in the file's order, with those of the environment", () => {
    const text = `defaults:
  approvers: [S0ML]
  required_approvals: 0
workspaces:
  dev:
    host: https://adb-1.azuredatabricks.net
    auth: { token_env: DATABRICKS_DEV_TOKEN }
    policy:
      smoke_tests: false
      lifetime: { expiry_notice: soon }
channels:
  C0DEV: { workspaces: [dev, prod] }
`;
    expect(problemsOf(text, { SLACK_SIGNING_SECRET: undefined })).toEqual([
      "SLACK_SIGNING_SECRET is required",
      "ptbot.yaml:3 defaults.required_approvals must be a whole number from 1 to 10",
      "ptbot.yaml:9 workspaces.dev.policy.smoke_tests is not a setting ptbot knows",
      "ptbot.yaml:10 workspaces.dev.policy.lifetime.expiry_notice must be a duration: a whole number and m, h or d (30m, 4h, 7d)",
      "ptbot.yaml:12 channels.C0DEV.workspaces[1] names no workspace of this file (they are dev)",
    ]);
  });
});

describe("the policy file: secrets", () => {
  const token = "dapi0123456789abcdef0123456789abcdef";
  it.each([
    [
      "a token under auth",
      oneWorkspace().replace("token_env: DATABRICKS_DEV_TOKEN", `token: ${token}`),
      "ptbot.yaml:5 workspaces.dev.auth.token is a secret",
    ],
    [
      "a client secret",
      oneWorkspace().replace(
        "token_env: DATABRICKS_DEV_TOKEN",
        `client_id: abc\n      client_secret: ${token}`,
      ),
      "ptbot.yaml:6 workspaces.dev.auth.client_secret is a secret",
    ],
    [
      "a token-shaped value anywhere",
      oneWorkspace(`      reminders: { escalation_group: ${token} }\n`),
      "ptbot.yaml:8 workspaces.dev.policy.reminders.escalation_group holds what looks like a secret",
    ],
    [
      "a Slack token",
      oneWorkspace().replace("approvers: [S0ML]", "approvers: [S0ML, xoxb-123-456-abcdef]"),
      "ptbot.yaml:7 workspaces.dev.policy.approvers[1] holds what looks like a secret",
    ],
  ])("refuses %s, without echoing it", (_name, text, start) => {
    let message = "";
    try {
      load(text);
    } catch (error) {
      message = (error as Error).message;
      expect((error as ConfigError).problems.some((p) => p.startsWith(start))).toBe(true);
    }
    expect(message).toContain(start);
    expect(message).not.toContain(token);
    expect(message).not.toContain("xoxb-123");
  });

  it("never echoes the environment's secrets either", () => {
    const message = (() => {
      try {
        load(oneWorkspace("      required_approvals: 0\n"));
      } catch (error) {
        return (error as Error).message;
      }
      return "";
    })();
    expect(message).toContain("required_approvals");
    for (const value of Object.values(env)) expect(message).not.toContain(value);
  });
});

describe("the policy file and the environment", () => {
  it("does not need PTBOT_APPROVERS, and refuses the variables the file replaces", () => {
    expect(load(oneWorkspace()).workspaces.map((w) => w.name)).toEqual(["dev"]);
    expect(
      problemsOf(oneWorkspace(), { PTBOT_APPROVERS: "U0ALICE", DATABRICKS_HOST: "https://adb-9.net" }),
    ).toEqual([
      "DATABRICKS_HOST, PTBOT_APPROVERS are set, and PTBOT_CONFIG_FILE replaces them: set them in the file instead",
    ]);
  });

  it("takes a workspace's OAuth client id from the environment with client_id_env", () => {
    const text = oneWorkspace().replace(
      "token_env: DATABRICKS_DEV_TOKEN",
      "client_id_env: DEV_CLIENT_ID\n      client_secret_env: DEV_CLIENT_SECRET",
    );
    const [dev] = load(text, { DEV_CLIENT_ID: "sp-id", DEV_CLIENT_SECRET: "sp-secret" }).workspaces;
    expect(dev?.databricks).toMatchObject({ clientId: "sp-id", clientSecret: "sp-secret", token: undefined });
  });

  it("changes its checksum with its bytes", () => {
    const a = load(oneWorkspace()).policyChecksum;
    expect(load(`${oneWorkspace()}\n# a comment\n`).policyChecksum).not.toBe(a);
    expect(load(oneWorkspace()).policyChecksum).toBe(a);
  });
});

describe("the README's policy file reference", () => {
  it("shows ptbot.example.yaml as it is", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
    expect(readme).toContain(`\`\`\`yaml\n${readFileSync(EXAMPLE, "utf8")}\`\`\``);
  });
});
