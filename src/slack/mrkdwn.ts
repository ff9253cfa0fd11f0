/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` are control characters there, so user text echoed unescaped could
 * turn into `<!channel>` (pinging everyone) or a disguised link.
 */
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
