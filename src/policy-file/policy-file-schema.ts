/**
 * The policy file's shape (`PTBOT_CONFIG_FILE`), as zod checks it: every object strict (an unknown key is a mistake,
 * usually a typo), every value with a message that says what it must be and never echoes what it is. Rules that tie
 * settings together (a channel naming a workspace, min below max) are in `cross-checks.ts`.
 */
import { z } from "zod";
import { EXPIRY_ACTIONS, isTimeZone, parseDuration, parseTtl } from "../domain/index.js";

const count = (min: number, max: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int(message).min(min, message).max(max, message);
};

const positive = z.number("must be a number above 0").positive("must be a number above 0");

/** Reports `message` on a value that failed to parse (never the value itself). */
function invalid(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER;
}

const DURATION = "must be a duration: a whole number and m, h or d (30m, 4h, 7d)";
/** `4h` → 14 400 000 (ms). */
const duration = z.string(DURATION).transform((v, ctx) => parseDuration(v) ?? invalid(ctx, DURATION));

const TTL = "must be a TTL from 10m to 366d";
const ttl = z.string(TTL).transform((v, ctx) => {
  const parsed = parseTtl(v);
  return parsed.ok ? parsed.ttlMs : invalid(ctx, TTL);
});

const idList = (pattern: RegExp, what: string) =>
  z.array(z.string(`must be ${what}`).regex(pattern, `must be ${what}`), `must be a list of ${what}`);

const APPROVER = /^[UWS][A-Z0-9]{2,}$/;
const approvers = idList(APPROVER, "Slack user ids (U…, W…) or user-group ids (S…)");
const GROUP = /^S[A-Z0-9]{2,}$/;

/** A workspace's name in the file and in `--in`: lower case letters, digits and `-`, up to 30. */
export const WORKSPACE_NAME = /^[a-z][a-z0-9-]{0,29}$/;
const workspaceName = z
  .string("must be a workspace name")
  .regex(
    WORKSPACE_NAME,
    "must be a workspace name: lower-case letters, digits and '-', starting with a letter",
  );

const envName = z
  .string("must be the name of an environment variable")
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable (letters, digits, '_')");

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** `fri 16:00` → `{ day: 5, minute: 960 }`. */
export function parseWeekTime(text: string): { day: number; minute: number } | undefined {
  const m = /^\s*(sun|mon|tue|wed|thu|fri|sat)[a-z]*\s+([01]?[0-9]|2[0-3]):([0-5][0-9])\s*$/i.exec(text);
  if (m === null) return undefined;
  const day = DAYS.indexOf((m[1] ?? "").toLowerCase() as (typeof DAYS)[number]);
  return { day, minute: Number(m[2]) * 60 + Number(m[3]) };
}

/** `2026-12-20 09:00` (or `2026-12-20`, midnight) → its parts; undefined for a date that does not exist. */
export function parseLocalDateTime(
  text: string,
): { year: number; month: number; day: number; minute: number } | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T]([01][0-9]|2[0-3]):([0-5][0-9]))?\s*$/.exec(text);
  if (m === null) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return { year, month, day, minute: Number(m[4] ?? 0) * 60 + Number(m[5] ?? 0) };
}

const WEEK_TIME = "must be a day and a time: fri 16:00";
const weekTime = z.string(WEEK_TIME).transform((v, ctx) => parseWeekTime(v) ?? invalid(ctx, WEEK_TIME));
const LOCAL_DATE_TIME = "must be a date and a time: 2026-12-20 09:00";
const localDateTime = z
  .string(LOCAL_DATE_TIME)
  .transform((v, ctx) => parseLocalDateTime(v) ?? invalid(ctx, LOCAL_DATE_TIME));
const reason = z.string("must be text").max(200, "must be at most 200 characters").optional();

const FreezesSchema = z.strictObject({
  time_zone: z
    .string("must be an IANA time zone, such as Europe/Paris or UTC")
    .refine(isTimeZone, "must be an IANA time zone, such as Europe/Paris or UTC"),
  weekly: z
    .array(z.strictObject({ from: weekTime, to: weekTime, reason }), "must be a list of windows")
    .optional(),
  periods: z
    .array(z.strictObject({ from: localDateTime, to: localDateTime, reason }), "must be a list of periods")
    .optional(),
});

const CostSchema = z.strictObject({
  dbu_per_model_unit: positive.optional(),
  dbu_price: positive.optional(),
  currency: z
    .string("must be a currency code")
    .regex(/^[A-Z]{3}$/, "must be a currency code such as USD or EUR")
    .optional(),
  max_dbu_per_hour: positive.optional(),
  high_cost: z
    .strictObject({
      dbu_per_hour: positive,
      required_approvals: count(1, 10).optional(),
      approvers: approvers.optional(),
    })
    .optional(),
});

const LifetimeSchema = z.strictObject({
  default_ttl: ttl.optional(),
  expiry_notice: duration.optional(),
  on_expiry: z.enum(EXPIRY_ACTIONS, `must be one of ${EXPIRY_ACTIONS.join(", ")}`).optional(),
});

const RemindersSchema = z.strictObject({
  after: z.array(duration, "must be a list of durations: [1h, 4h]").optional(),
  escalation_group: z
    .string("must be a Slack user-group id (S…)")
    .regex(GROUP, "must be a Slack user-group id (S…)")
    .optional(),
  escalate_before_expiry: duration.optional(),
});

const bool = z.boolean("must be true or false");

/** A workspace's policy, or `defaults:` for every workspace; all optional, the built-in defaults fill the rest. */
export const PolicySchema = z.strictObject({
  approvers: approvers.optional(),
  required_approvals: count(1, 10).optional(),
  allow_self_approval: bool.optional(),
  default_min_multiple: count(1, 1000).optional(),
  default_max_multiple: count(1, 1000).optional(),
  max_multiple: count(1, 1000).optional(),
  request_ttl: duration.optional(),
  cost: CostSchema.optional(),
  lifetime: LifetimeSchema.optional(),
  smoke_test: bool.optional(),
  break_glass_quorum: count(1, 10).optional(),
  freezes: FreezesSchema.optional(),
  reminders: RemindersSchema.optional(),
});
export type FilePolicy = z.output<typeof PolicySchema>;

const AuthSchema = z.strictObject({
  token_env: envName.optional(),
  client_id: z.string("must be text").min(1, "must not be empty").optional(),
  client_id_env: envName.optional(),
  client_secret_env: envName.optional(),
  profile: z.string("must be a profile name").min(1, "must not be empty").optional(),
});
export type FileAuth = z.output<typeof AuthSchema>;

const WorkspaceSchema = z.strictObject({
  host: z
    .string("must be the workspace URL")
    .regex(/^https?:\/\/[^\s/]+\/?$/, "must be the workspace URL, https://<host>")
    .optional(),
  auth: AuthSchema,
  policy: PolicySchema.optional(),
});

const ChannelSchema = z.strictObject({
  default: workspaceName.optional(),
  workspaces: z.array(workspaceName, "must be a list of workspace names").optional(),
});

export const PolicyFileSchema = z.strictObject({
  workspaces: z
    .record(workspaceName, WorkspaceSchema, "must map workspace names to workspaces")
    .refine((w) => Object.keys(w).length > 0, "must name at least one workspace"),
  defaults: PolicySchema.optional(),
  channels: z
    .record(
      z.string().regex(/^(\*|[CG][A-Z0-9]{2,})$/, 'must be a Slack channel id (C…, G…) or "*"'),
      ChannelSchema,
      "must map channel ids to their workspaces",
    )
    .optional(),
});
export type PolicyFileContents = z.output<typeof PolicyFileSchema>;
