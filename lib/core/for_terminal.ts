/**
 * Making text from files and payloads safe to print on a terminal.
 *
 * File names, symbols, quarantine reasons and raw rows are chosen by whoever wrote the file or
 * runs the venue. A row holding `\x1b[31m` turns the user's terminal red; `\x1b]0;...\x07`
 * retitles the window; `\r` overwrites what was printed before it on the line. Tasks pass every
 * such string through {@link forTerminal} before writing it to stdout or stderr, the way the
 * report passes it through `escapeHtml` before it touches markup.
 *
 * @module
 */

/** Options for {@link forTerminal}. */
export interface ForTerminalOptions {
  /**
   * Keep line feeds as they are (a raw row that spans lines prints as lines). False shows them
   * as `\n`, for one-line fields such as a file name in a summary line. Default true.
   */
  readonly keepNewlines?: boolean;
}

// C0 controls except tab (09) and line feed (0a), DEL, and the C1 controls (0x80-0x9f: 0x9b is
// a one-byte CSI on some terminals). Matching control characters is the point here.
// deno-lint-ignore no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// deno-lint-ignore no-control-regex
const CONTROLS_AND_LF = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/**
 * Show control characters as visible escapes (`\x1b`, `\x07`, `\r`; DEL and the C1 controls as
 * `\u007f`, `\u009b`) so nothing in `text` can drive the terminal; tab and (by default) line
 * feed are kept. Printable text, including any non-ASCII letter, is unchanged. JSON text stays
 * valid JSON with the same value (JSON.stringify already escapes C0; the C1 form is a JSON
 * escape).
 *
 * Why escapes rather than deletion: a user looking at a quarantined row wants to see that it
 * held an ESC byte, and a deleted byte would make two different rows print the same.
 *
 * Cost: one regular-expression pass, O(n); strings without controls are returned as they are.
 *
 * @example An ANSI colour sequence and a bell are shown, not obeyed
 * ```ts
 * import { forTerminal } from "@lib/core/for_terminal.ts";
 * import assert from "node:assert/strict";
 * assert.equal(forTerminal("BTC\x1b[31mUSDT\x07"), "BTC\\x1b[31mUSDT\\x07");
 * assert.equal(forTerminal("a\tb\nc\r"), "a\tb\nc\\r");
 * assert.equal(forTerminal("two\nlines", { keepNewlines: false }), "two\\nlines");
 * assert.equal(forTerminal("Ünïcödé €"), "Ünïcödé €");
 * const json = JSON.stringify({ symbol: "X\x7f\x9b\x1b[31m" });
 * assert.deepEqual(JSON.parse(forTerminal(json)), { symbol: "X\x7f\x9b\x1b[31m" });
 * ```
 */
export function forTerminal(text: string, options: ForTerminalOptions = {}): string {
  const re = options.keepNewlines ?? true ? CONTROLS : CONTROLS_AND_LF;
  re.lastIndex = 0;
  if (!re.test(text)) return text;
  re.lastIndex = 0;
  return text.replace(re, escapeControl);
}

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r" };

function escapeControl(c: string): string {
  const code = c.charCodeAt(0);
  const hex = code.toString(16).padStart(2, "0");
  // DEL and C1 as \u00XX: JSON.stringify leaves them raw (it escapes only C0), and \u00XX is
  // a valid JSON escape, so JSON printed through forTerminal stays JSON that reads back the same
  return NAMED[c] ?? (code < 0x20 ? `\\x${hex}` : `\\u00${hex}`);
}
