/**
 * Tear-sheet sections as notebook output: the object a notebook cell displays.
 *
 * @module
 */
import { escapeHtml } from "../../core/escape_html.ts";
import { renderBlock } from "../html.ts";
import type { Section } from "../model.ts";

/**
 * The method the Deno Jupyter kernel calls to render a value (the same registered symbol as
 * `DISPLAY` of `lib/display`, which sits above the report layer).
 */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** The MIME bundle of a displayed tear sheet. */
export interface SectionsBundle {
  readonly "text/html": string;
  readonly "text/plain": string;
}

/** A value the Deno Jupyter kernel renders with its display method. */
export interface SectionsDisplay {
  [JUPYTER_DISPLAY](): SectionsBundle;
}

/**
 * Sections as a value the Deno Jupyter kernel renders: it has the kernel's display method
 * (`Symbol.for("Jupyter.display")`) returning an HTML fragment of every section, rendered as
 * `renderHtml` renders them (escaped, figures checked inert), and a plain-text outline of the
 * titles. `await Deno.jupyter.display(signalTearSheet(panel, signal))` shows the whole sheet;
 * the tear sheets return objects with this method. O(size of the sections).
 *
 * @example
 * ```ts
 * import { JUPYTER_DISPLAY, sectionsDisplay } from "@lib/report/tears/sections_display.ts";
 * import assert from "node:assert/strict";
 * const d = sectionsDisplay([{ id: "a", title: "A <title>", blocks: [{ type: "paragraph", text: "hi" }] }]);
 * const bundle = d[JUPYTER_DISPLAY]();
 * assert.match(bundle["text/html"], /A &lt;title&gt;/);
 * assert.equal(bundle["text/plain"], "A <title>");
 * ```
 */
export function sectionsDisplay(
  sections: readonly Section[],
): SectionsDisplay {
  return {
    [JUPYTER_DISPLAY]: () => ({
      "text/html": sections.map((s) =>
        [
          `<section id="${escapeHtml(s.id)}">`,
          `<h2>${escapeHtml(s.title)}</h2>`,
          ...s.blocks.map(renderBlock),
          "</section>",
        ]
          .join("\n")
      ).join("\n"),
      "text/plain": sections.map((s) => s.title).join("\n"),
    }),
  };
}
