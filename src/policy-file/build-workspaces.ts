/**
 * A checked policy file turned into what the rest of ptbot reads: each workspace's Databricks settings (in the same
 * shape as the environment's, so `resolveDatabricksAuth` serves both) and its {@link WorkspacePolicy}, and the
 * channel rules. Settings a workspace leaves out come from `defaults:`, then from ptbot's built-in defaults.
 */
import type { DatabricksEnv, WorkspaceConfig } from "../config.js";
import {
  approvalPolicy,
  type ChannelRule,
  type ChannelRules,
  DEFAULT_BREAK_GLASS_QUORUM,
  DEFAULT_COST_POLICY,
  DEFAULT_LIFETIME_POLICY,
  DEFAULT_POLICY,
  DEFAULT_REMINDER_POLICY,
  type FreezePolicy,
  NO_FREEZES,
  type WorkspacePolicy,
} from "../domain/index.js";
import type { FileAuth, FilePolicy, PolicyFileContents } from "./policy-file-schema.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The workspaces of `file`, in the order it lists them; `configFile` is where profiles are read. */
export function buildWorkspaces(file: PolicyFileContents, env: Env, configFile: string): WorkspaceConfig[] {
  const rules = buildChannelRules(file);
  return Object.entries(file.workspaces).map(([name, ws]) => ({
    name,
    databricks: databricksEnv(ws.host, ws.auth, env, configFile),
    policy: workspacePolicy(merge(file.defaults ?? {}, ws.policy ?? {}), channelsFor(name, rules)),
  }));
}

export function buildChannelRules(file: PolicyFileContents): ChannelRules {
  const rule = (c: { default?: string | undefined; workspaces?: string[] | undefined }): ChannelRule => ({
    defaultWorkspace: c.default,
    workspaces: c.workspaces,
  });
  const channels: Record<string, ChannelRule> = {};
  let otherChannels: ChannelRule | undefined;
  for (const [id, c] of Object.entries(file.channels ?? {})) {
    if (id === "*") otherChannels = rule(c);
    else channels[id] = rule(c);
  }
  return { channels, otherChannels };
}

/**
 * The channels that may use `workspace`, as the single-workspace policy's `allowedChannels` (empty: any channel):
 * until commands choose a workspace per channel, this keeps the file's restriction on the workspace ptbot serves.
 */
function channelsFor(workspace: string, rules: ChannelRules): string[] {
  const others = rules.otherChannels?.workspaces;
  if (others === undefined || others.includes(workspace)) return [];
  return Object.entries(rules.channels)
    .filter(([, r]) => r.workspaces === undefined || r.workspaces.includes(workspace))
    .map(([id]) => id);
}

function databricksEnv(
  host: string | undefined,
  auth: FileAuth,
  env: Env,
  configFile: string,
): DatabricksEnv {
  const read = (name: string | undefined) => (name === undefined ? undefined : env[name]?.trim());
  return {
    host: host?.replace(/\/+$/, ""),
    token: read(auth.token_env),
    clientId: auth.client_id ?? read(auth.client_id_env),
    clientSecret: read(auth.client_secret_env),
    profile: auth.profile,
    configFile,
  };
}

/** `defaults` with `own` on top, key by key; `cost`, `lifetime` and `reminders` one level deeper. */
function merge(defaults: FilePolicy, own: FilePolicy): FilePolicy {
  return {
    ...defaults,
    ...own,
    cost: { ...defaults.cost, ...own.cost },
    lifetime: { ...defaults.lifetime, ...own.lifetime },
    reminders: { ...defaults.reminders, ...own.reminders },
  };
}

function workspacePolicy(p: FilePolicy, allowedChannels: string[]): WorkspacePolicy {
  const approvers = p.approvers ?? [];
  const users = (ids: readonly string[]) => ids.filter((id) => !id.startsWith("S"));
  const groups = (ids: readonly string[]) => ids.filter((id) => id.startsWith("S"));
  const high = p.cost?.high_cost;
  return {
    approval: approvalPolicy({
      approverUsers: users(approvers),
      approverGroups: groups(approvers),
      allowSelfApproval: p.allow_self_approval ?? DEFAULT_POLICY.allowSelfApproval,
      requiredApprovals: p.required_approvals ?? DEFAULT_POLICY.requiredApprovals,
      requestTtlMs: p.request_ttl ?? DEFAULT_POLICY.requestTtlMs,
      allowedChannels,
      defaultMinMultiple: p.default_min_multiple ?? DEFAULT_POLICY.defaultMinMultiple,
      defaultMaxMultiple: p.default_max_multiple ?? DEFAULT_POLICY.defaultMaxMultiple,
      maxMultipleLimit: p.max_multiple ?? DEFAULT_POLICY.maxMultipleLimit,
    }),
    cost: {
      dbuPerModelUnit: p.cost?.dbu_per_model_unit,
      dbuPrice: p.cost?.dbu_price,
      currency: p.cost?.currency ?? DEFAULT_COST_POLICY.currency,
      maxDbuPerHour: p.cost?.max_dbu_per_hour,
      highCost:
        high === undefined
          ? undefined
          : {
              dbuPerHour: high.dbu_per_hour,
              requiredApprovals: high.required_approvals ?? 2,
              approverUsers: users(high.approvers ?? approvers),
              approverGroups: groups(high.approvers ?? approvers),
            },
    },
    lifetime: {
      defaultTtlMs: p.lifetime?.default_ttl,
      noticeMs: p.lifetime?.expiry_notice ?? DEFAULT_LIFETIME_POLICY.noticeMs,
      onExpiry: p.lifetime?.on_expiry ?? DEFAULT_LIFETIME_POLICY.onExpiry,
    },
    smokeTest: p.smoke_test ?? true,
    breakGlassQuorum: p.break_glass_quorum ?? DEFAULT_BREAK_GLASS_QUORUM,
    freezes: freezePolicy(p.freezes),
    reminders: {
      afterMs: p.reminders?.after ?? [],
      escalationGroup: p.reminders?.escalation_group,
      escalateBeforeExpiryMs:
        p.reminders?.escalate_before_expiry ?? DEFAULT_REMINDER_POLICY.escalateBeforeExpiryMs,
    },
  };
}

function freezePolicy(f: FilePolicy["freezes"]): FreezePolicy {
  if (f === undefined) return NO_FREEZES;
  return {
    timeZone: f.time_zone,
    weekly: (f.weekly ?? []).map((w) => ({ from: w.from, to: w.to, reason: w.reason })),
    periods: (f.periods ?? []).map((p) => ({ from: p.from, to: p.to, reason: p.reason })),
  };
}
