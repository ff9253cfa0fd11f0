/**
 * The words of a change freeze: the window and when it ends, on the wall clock of the workspace's time zone (the
 * zone its policy is written in), with the reader's own time beside it.
 */
import type { FreezeInfo } from "../domain/index.js";
import { code, escapeMrkdwn, slackDate } from "./mrkdwn.js";

const formats = new Map<string, Intl.DateTimeFormat>();

/** "Mon 4 Jan 2027, 09:00 Europe/Paris": the instant on the wall clock of `timeZone`. */
export function zonedTimeText(ms: number, timeZone: string): string {
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, f);
  }
  return `${f.format(ms).replace(" at ", ", ")} ${timeZone}`;
}

/** "prod is in a change freeze (year-end release) until …": the window and its end. */
export function freezeWindowText(freeze: FreezeInfo): string {
  const why = freeze.reason === undefined ? "" : ` (${escapeMrkdwn(freeze.reason)})`;
  return (
    `${code(freeze.workspace)} is in a change freeze${why} since ${zonedTimeText(freeze.startedAt, freeze.timeZone)}, ` +
    `until *${zonedTimeText(freeze.endsAt, freeze.timeZone)}* (${slackDate(freeze.endsAt)} your time)`
  );
}

/** The answer to a request, or an approval, refused by a freeze. */
export function frozenText(freeze: FreezeInfo | undefined, action: string): string {
  const window = freeze === undefined ? "The workspace is in a change freeze" : freezeWindowText(freeze);
  if (action === "deploy") {
    return (
      `🧊 ${window}. Nothing was requested. For a change that cannot wait, run the command again with ` +
      '`--break-glass "why it cannot wait"`: it is marked as a break-glass change and needs more approvals.'
    );
  }
  return (
    `🧊 Not approved: ${window}. This request was not asked as a break-glass change, so it cannot be approved ` +
    'until the freeze ends. For a change that cannot wait, ask again with `--break-glass "why"`.'
  );
}
