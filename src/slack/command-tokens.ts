/**
 * Splits `/pt` text into words, as a shell would for quotes: `--break-glass "prod is down"` is two words. Slack sends
 * the text as typed, and its clients may "smarten" quotes, so `"…"`, `'…'`, `“…”`, `„…“` and `‘…’` all quote. A quote
 * opens only at the start of a word (or after `=` in `--flag=`), and closes only before a space or the end, so an
 * apostrophe inside a word (`can't`) is just a letter. Pure.
 */

/** Opening quote → the characters that may close it. */
const CLOSERS: Record<string, string> = {
  '"': '"”“',
  "“": '”“"',
  "”": '”“"',
  "„": '“”"',
  "'": "'’‘",
  "‘": "’‘'",
  "’": "’‘'",
};

export type Tokens =
  | { readonly ok: true; readonly words: string[] }
  | { readonly ok: false; readonly unclosed: string };

export function tokenize(text: string): Tokens {
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    let word = "";
    let quoted = false;
    while (i < n && !isSpace(text[i])) {
      const c = text[i] ?? "";
      const closers = CLOSERS[c];
      if (closers !== undefined && (word === "" || word.endsWith("="))) {
        const start = i;
        let end = i + 1;
        while (end < n && !(closers.includes(text[end] ?? "") && (end + 1 === n || isSpace(text[end + 1])))) {
          end++;
        }
        if (end >= n) return { ok: false, unclosed: text.slice(start, start + 40) };
        word += text.slice(start + 1, end);
        quoted = true;
        i = end + 1;
        break;
      }
      word += c;
      i++;
    }
    if (word !== "" || quoted) words.push(word);
  }
  return { ok: true, words };
}
