/**
 * HTML escaping for strings that came from data.
 *
 * A token name, symbol or venue string is chosen by whoever listed it (a DEX token can be
 * called `<script>`), so every such string is escaped before it goes into HTML.
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
 * Escape `&`, `<`, `>`, `"` and `'` so `text` is inert inside HTML text and quoted attributes.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "@lib/display/escape.ts";
 * import assert from "node:assert/strict";
 * assert.equal(escapeHtml('<script>alert("x")</script>'),
 *   "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
