/**
 * HTML escaping for strings that come from data (asset names, symbols, venues, notes). A DEX
 * token name is chosen by whoever deployed the token, so it must never reach a page as markup.
 *
 * @module
 */

const MAP: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape `s` for use in HTML text and in quoted attribute values: `& < > " '` become entities.
 *
 * @example An attribute-breaking name
 * ```ts
 * import { escapeHtml } from "@lib/report/escape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeHtml(`"><img src=x>`), "&quot;&gt;&lt;img src=x&gt;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => MAP[c]!);
}
