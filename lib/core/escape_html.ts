/**
 * HTML escaping for every string that came from data.
 *
 * Asset names, venues and DEX token names are chosen by strangers: a token can be named
 * `<script>alert(1)</script>`. Reports and notebook tables pass every such string through
 * {@link escapeHtml} before it touches markup, in text and in attribute values alike.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape `&`, `<`, `>`, `"` and `'` so the text is inert in HTML/SVG text and in quoted
 * attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "@lib/core/escape_html.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeHtml(`<img src=x onerror="alert('1')">`),
 *   "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
