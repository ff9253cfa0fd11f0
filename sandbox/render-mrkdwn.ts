/**
 * Slack mrkdwn → terminal text. Pure. Follows what the Slack client shows: `<…>` tokens become names and link
 * texts, `*bold*` `_italic_` `~strike~` become ANSI styles (or just lose their markers in plain text), code blocks
 * are indented, `&lt;` `&gt;` `&amp;` are unescaped, and common emoji shortcodes become emoji.
 */
import { type Styles, styles } from "./ansi.js";

/** How ids in mentions become names; each returns undefined for an id it does not know. */
export interface NameLookup {
  user(id: string): string | undefined;
  channel?(id: string): string | undefined;
  /** A user group's handle, without `@`. */
  usergroup?(id: string): string | undefined;
}

export interface MrkdwnOptions {
  readonly color: boolean;
  readonly names: NameLookup;
}

/** Private-use characters bracket placeholders, so formatting never reaches inside a rendered token or code span. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const QUOTE = "\uE002";
const PLACEHOLDER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, "g");

/** Renders mrkdwn as terminal text (lines joined with `\n`). */
export function renderMrkdwn(text: string, options: MrkdwnOptions): string {
  const s = styles(options.color);
  const parts = text.split(/```/);
  // Odd parts sit between triple backticks; an unclosed fence is literal text, as in Slack.
  const closed =
    parts.length % 2 === 1 ? parts : [...parts.slice(0, -2), `${parts.at(-2)}\`\`\`${parts.at(-1)}`];
  let out = "";
  closed.forEach((part, i) => {
    if (i % 2 === 1) {
      // A code block sits on its own lines, whether or not the fences had newlines around them.
      const before = out.replace(/[ \t]*\n?$/, "");
      out = `${before}${before === "" ? "" : "\n"}${codeBlock(part)}\n`;
    } else {
      const text = renderInline(part, options, s);
      out += i > 0 ? text.replace(/^[ \t]*\n?/, "") : text;
    }
  });
  return out.replace(/^\n+|\n+$/g, "");
}

function codeBlock(content: string): string {
  const lines = unescapeEntities(content.replace(/^\n/, "").replace(/\n$/, "")).split("\n");
  return lines.map((line) => `    ${line}`).join("\n");
}

function renderInline(text: string, options: MrkdwnOptions, s: Styles): string {
  const held: string[] = [];
  const hold = (rendered: string) => `${OPEN}${held.push(rendered) - 1}${CLOSE}`;
  let out = text
    .replace(/`([^`\n]+)`/g, (_m, code: string) =>
      hold(options.color ? s.code(unescapeEntities(code)) : `\`${unescapeEntities(code)}\``),
    )
    .replace(/<([^<>\n]+)>/g, (_m, token: string) => hold(renderToken(token, options, s)))
    .replace(/^(?:>|&gt;) ?/gm, QUOTE);
  out = emphasis(out, "*", s.bold);
  out = emphasis(out, "_", s.italic);
  out = emphasis(out, "~", s.strike);
  out = replaceEmoji(unescapeEntities(out));
  return out.replace(PLACEHOLDER, (_m, i: string) => held[Number(i)] ?? "").replaceAll(QUOTE, "│ ");
}

/**
 * Slack's emphasis rule: the opening marker follows the start, a space or punctuation and precedes a non-space;
 * the closing marker follows a non-space and precedes the end, a space or punctuation. So `a*b*c` and `snake_case`
 * stay as typed.
 */
function emphasis(text: string, marker: string, style: (t: string) => string): string {
  // Only `*` needs escaping: in a unicode-mode pattern, escaping `_` or `~` is a syntax error.
  const m = marker === "*" ? "\\*" : marker;
  const pattern = new RegExp(
    `(^|[^\\p{L}\\p{N}${m}])${m}(?=\\S)([^${m}\\n]*?\\S)${m}(?![\\p{L}\\p{N}${m}])`,
    "gu",
  );
  return text.replace(pattern, (_all, before: string, inner: string) => `${before}${style(inner)}`);
}

function renderToken(token: string, options: MrkdwnOptions, s: Styles): string {
  const bar = token.indexOf("|");
  const target = bar === -1 ? token : token.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeEntities(token.slice(bar + 1));
  const { names } = options;
  switch (target[0]) {
    case "@": {
      const id = target.slice(1);
      return s.bold(`@${names.user(id) ?? label ?? id}`);
    }
    case "#": {
      const id = target.slice(1);
      return s.bold(`#${label ?? names.channel?.(id) ?? id}`);
    }
    case "!":
      return renderSpecial(target.slice(1), label, names, s);
    default: {
      const url = unescapeEntities(target);
      const shown = url.replace(/^mailto:/, "");
      if (label === undefined || label === url || label === shown) return s.underline(shown);
      return `${s.underline(label)} ${s.gray(`(${shown})`)}`;
    }
  }
}

/** `<!here>`, `<!subteam^S…|@handle>`, `<!date^…|fallback>` and friends. */
function renderSpecial(body: string, label: string | undefined, names: NameLookup, s: Styles): string {
  const [kind = "", id = ""] = body.split("^");
  switch (kind) {
    case "here":
    case "channel":
    case "everyone":
      return s.bold(`@${kind}`);
    case "subteam": {
      const handle = label?.replace(/^@/, "") ?? names.usergroup?.(id) ?? id;
      return s.bold(`@${handle}`);
    }
    case "date":
      // The fallback is what clients show when they cannot format the date; it is the sender's own wording.
      return label ?? body;
    default:
      return label ?? `@${kind}`;
  }
}

/** Undoes Slack's three escapes (after tokens are parsed: a literal `<` is always sent as `&lt;`). */
export function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The shortcodes a deploy bot is likely to use; others stay as typed (the way a client without them shows them). */
const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  ballot_box_with_check: "☑️",
  x: "❌",
  heavy_multiplication_x: "✖️",
  warning: "⚠️",
  rocket: "🚀",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  stopwatch: "⏱️",
  alarm_clock: "⏰",
  tada: "🎉",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  octagonal_sign: "🛑",
  construction: "🚧",
  gear: "⚙️",
  wrench: "🔧",
  hammer_and_wrench: "🛠️",
  red_circle: "🔴",
  large_green_circle: "🟢",
  large_yellow_circle: "🟡",
  large_blue_circle: "🔵",
  white_circle: "⚪",
  black_circle: "⚫",
  information_source: "ℹ️",
  mag: "🔍",
  bust_in_silhouette: "👤",
  busts_in_silhouette: "👥",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  "-1": "👎",
  eyes: "👀",
  wave: "👋",
  pencil: "📝",
  pencil2: "✏️",
  memo: "📝",
  link: "🔗",
  zzz: "💤",
  arrows_counterclockwise: "🔄",
  repeat: "🔁",
  boom: "💥",
  fire: "🔥",
  sparkles: "✨",
  lock: "🔒",
  key: "🔑",
  clipboard: "📋",
  chart_with_upwards_trend: "📈",
  package: "📦",
  robot_face: "🤖",
  question: "❓",
  grey_question: "❔",
  exclamation: "❗",
  stop_sign: "🛑",
  wastebasket: "🗑️",
  clock1: "🕐",
  clock3: "🕒",
  timer_clock: "⏲️",
  calendar: "📆",
  brain: "🧠",
  zap: "⚡",
  money_with_wings: "💸",
  moneybag: "💰",
  arrow_right: "➡️",
  leftwards_arrow_with_hook: "↩️",
  new: "🆕",
  ok: "🆗",
  sos: "🆘",
  skull: "💀",
};

/** Replaces `:shortcode:` with its emoji when known (Slack clients also accept skin-tone suffixes; none used here). */
export function replaceEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all);
}
