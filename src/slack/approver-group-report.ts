/**
 * The check of the configured approver groups at start: each group is read once from Slack, a group Slack cannot
 * answer for is logged (an error when no retry can fix it: a mistyped id, a free workspace, a missing scope), and the
 * outcome is kept for `/readyz`. It reports and never gates: see the README ("Approver groups at start").
 */
import type { Logger } from "../logger.js";
import type { HealthCheck } from "../observability/health-routes.js";
import type { ApproverGroupCheck } from "./slack-approver-directory.js";

export class ApproverGroupReport {
  #check: HealthCheck = { ok: true, detail: "pending" };

  /** What `/readyz` shows under `checks.approverGroups`; "pending" until the check has answered. */
  get check(): HealthCheck {
    return this.#check;
  }

  /** Runs the check and logs it; never throws. */
  async run(
    check: (groups: readonly string[]) => Promise<readonly ApproverGroupCheck[]>,
    groups: readonly string[],
    logger: Logger,
  ): Promise<void> {
    if (groups.length === 0) {
      this.#check = { ok: true, detail: "none configured" };
      return;
    }
    const results = await check(groups);
    const bad = results.filter((r) => !r.ok);
    for (const r of bad) {
      const fields = { group: r.groupId, reason: reasonCode(r), permanent: r.permanent };
      if (r.permanent) logger.error(fields, "approver group unusable; fix PTBOT_APPROVERS or the Slack app");
      else logger.warn(fields, "approver group not checked; slack did not answer");
    }
    if (bad.length === 0) {
      logger.info({ groups: results.length }, "approver groups checked");
      this.#check = { ok: true };
      return;
    }
    this.#check = { ok: false, detail: bad.map((r) => `${r.groupId}: ${reasonCode(r)}`).join(", ") };
  }
}

function reasonCode(check: Extract<ApproverGroupCheck, { ok: false }>): string {
  return check.reason.kind === "slack_error" ? check.reason.error : check.reason.kind;
}
