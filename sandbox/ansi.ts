/**
 * The few ANSI styles the sandbox uses. Each style closes with its own reset code (not the global `0m`), so styles
 * nest: a bold word inside a gray context line stays gray after the bold ends.
 */
export interface Styles {
  bold(text: string): string;
  italic(text: string): string;
  strike(text: string): string;
  underline(text: string): string;
  code(text: string): string;
  gray(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) =>
  text === "" ? "" : `\x1b[${open}m${text}\x1b[${close}m`;

const ANSI: Styles = {
  bold: wrap(1, 22),
  italic: wrap(3, 23),
  strike: wrap(9, 29),
  underline: wrap(4, 24),
  code: wrap(36, 39),
  gray: wrap(90, 39),
  green: wrap(32, 39),
  red: wrap(31, 39),
  yellow: wrap(33, 39),
};

const same = (text: string) => text;

const PLAIN: Styles = {
  bold: same,
  italic: same,
  strike: same,
  underline: same,
  code: same,
  gray: same,
  green: same,
  red: same,
  yellow: same,
};

/** ANSI styles for a terminal, or identity functions for plain text (scripts, logs, tests). */
export function styles(color: boolean): Styles {
  return color ? ANSI : PLAIN;
}

/** Select Graphic Rendition sequences, built from the escape character's code so the pattern stays printable. */
const SGR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** Removes ANSI escape sequences (to measure or compare what a person sees). */
export function stripAnsi(text: string): string {
  return text.replace(SGR, "");
}
