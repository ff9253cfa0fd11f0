/**
 * Slack mrkdwn, written safely. `&`, `<` and `>` are control characters there: user text echoed unescaped could turn
 * into `<!channel>` (pinging everyone) or a disguised link. Everything that puts text a person or Databricks wrote
 * into a message goes through these helpers.
 */

/** Escapes `&`, `<` and `>` so the text shows as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inline code that cannot be broken out of: backticks inside are replaced, control characters escaped. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "ˋ"))}\``;
}

/** Cuts text to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Keeps the end of text (at most `max` characters), marking the cut at the start: for logs, whose end matters. */
export function truncateStart(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - (max - 1))}`;
}

/**
 * Cuts mrkdwn to at most `max` characters without leaving half an entity (`&amp;`) or half a `<…>` reference
 * (a mention, a link or a date) at the end, where Slack would show it raw.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const open = cut.lastIndexOf("<");
  if (open > cut.lastIndexOf(">")) cut = cut.slice(0, open);
  const amp = cut.lastIndexOf("&");
  if (amp > cut.lastIndexOf(";")) cut = cut.slice(0, amp);
  return `${cut}…`;
}

const USER_ID = /^[UW][A-Z0-9_]{2,}$/;
const GROUP_ID = /^S[A-Z0-9_]{2,}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9_]{2,}$/;

/** `<@U…>`, which Slack shows as the person's name; anything not shaped like a user id is shown escaped. */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** `<!subteam^S…>`, a user group (it notifies its members where a message is new). */
export function groupMention(groupId: string): string {
  return GROUP_ID.test(groupId) ? `<!subteam^${groupId}>` : escapeMrkdwn(groupId);
}

/** `<#C…>`, a channel link. */
export function channelMention(channelId: string): string {
  return CHANNEL_ID.test(channelId) ? `<#${channelId}>` : escapeMrkdwn(channelId);
}

/** Joins mentions or words in plain English: "a", "a or b", "a, b, or c". */
export function joinWords(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 2) return items.join(` ${conjunction} `);
  return `${items.slice(0, -1).join(", ")}, ${conjunction} ${items.at(-1)}`;
}

/** A link with an escaped label; a URL that could break out of the `<…|…>` syntax is shown as code instead. */
export function link(url: string, label: string): string {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return code(url);
  return `<${url.replace(/&/g, "&amp;")}|${escapeMrkdwn(label).replace(/\|/g, "¦")}>`;
}

/**
 * A date Slack renders in each reader's own time zone (`<!date^…>`), with a UTC fallback for clients that cannot.
 * `format` uses Slack's tokens, e.g. `{date_short_pretty} at {time}`.
 */
export function slackDate(ms: number, format = "{date_short_pretty} at {time}"): string {
  return `<!date^${Math.floor(ms / 1000)}^${format}|${utcText(ms)}>`;
}

/** "2026-11-26 09:00 UTC". */
export function utcText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * A code block of at most `max` characters in all, keeping the end of `text` (a log's last lines say what failed).
 * Backtick runs inside cannot close the block early, and control characters are escaped.
 */
export function codeBlock(text: string, max: number): string {
  const fence = "```";
  const safe = escapeMrkdwn(text.replace(/`/g, "ˋ").replace(/\r\n?/g, "\n")).trimEnd();
  const body = truncateStart(safe === "" ? " " : safe, Math.max(1, max - 2 * fence.length - 2));
  // An escape cut in half at the start would show as raw text; drop the partial entity.
  const clean = body.startsWith("…") ? body.replace(/^…[^&;\n]{0,5};/, "…") : body;
  return `${fence}\n${clean}\n${fence}`;
}

// Built once: a NumberFormat costs far more to construct than to use, and every card formats a dozen numbers.
const numberFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** "1,960": thousands separators, and at most two decimals for fractional multiples. */
export function formatNumber(n: number): string {
  return numberFormat.format(n);
}

/** "1 h 5 min", "12 min", "40 s". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
