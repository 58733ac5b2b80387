/**
 * Figures: an Observable Plot chart (or any SVG string) as a displayable value.
 *
 * Plot needs a DOM `document`; {@link plot} passes one from `linkedom`, so the same call works
 * in the Deno kernel, in `deno run` and in tests, without a browser.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { DISPLAY, type Displayable, type MimeBundle } from "./jupyter.ts";

const SVG_NS = "http://www.w3.org/2000/svg";

/** The part of a DOM element a figure needs: a `<svg>` or a Plot `<figure>`. */
export interface ElementLike {
  readonly outerHTML: string;
  readonly tagName: string;
}

/** A rendered chart: `svg` (the plot itself), `html` and a Jupyter MIME bundle. */
export interface Figure extends Displayable {
  /** A standalone SVG document of the plot (with `xmlns`), for `image/svg+xml` or a file. */
  readonly svg: string;
  /**
   * The whole figure as HTML: for a Plot `<figure>` (a plot with a title, subtitle, caption or
   * legend) this keeps those parts, for a bare SVG it is the SVG.
   */
  readonly html: string;
  /** The `text/plain` fallback: what the figure is, its title and size. */
  readonly text: string;
  toString(): string;
}

/** Options for {@link figure}. */
export interface DisplayFigureOptions {
  /** Short description for the text form. Default: the plot's title or aria-label. */
  readonly description?: string;
}

function withXmlns(svg: string): string {
  return /^<svg\b[^>]*\sxmlns=/.test(svg) ? svg : svg.replace(/^<svg\b/, `<svg xmlns="${SVG_NS}"`);
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m?.[1];
}

function unescapeText(s: string): string {
  return s.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&").trim();
}

/** The main plot `<svg>` of a Plot `<figure>`: the last top-level svg (legends come first). */
function mainSvg(figureHtml: string): string | undefined {
  let depth = 0, start = -1, lastStart = -1, lastEnd = -1;
  const re = /<(\/?)svg\b[^>]*?(\/?)>/g;
  for (let m = re.exec(figureHtml); m !== null; m = re.exec(figureHtml)) {
    if (m[1] === "/") {
      depth--;
      if (depth === 0) {
        lastStart = start;
        lastEnd = m.index + m[0].length;
      }
    } else if (m[2] !== "/") {
      if (depth === 0) start = m.index;
      depth++;
    }
  }
  return lastStart >= 0 ? figureHtml.slice(lastStart, lastEnd) : undefined;
}

/**
 * Wrap a Plot element (`<svg>` or `<figure>`) or an SVG string as a displayable figure with
 * `image/svg+xml`, `text/html` for figures with a title or legend, and `text/plain`.
 *
 * @example From an SVG string
 * ```ts
 * import { figure } from "@lib/display/figure.ts";
 * import assert from "node:assert/strict";
 * const f = figure('<svg width="10" height="10"><circle r="4"/></svg>', { description: "dot" });
 * assert.ok(f.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
 * assert.equal(f.text, "[figure: dot, 10x10 SVG]");
 * ```
 */
export function figure(source: ElementLike | string, options: DisplayFigureOptions = {}): Figure {
  const raw = (typeof source === "string" ? source : source.outerHTML).trim()
    .replace(/^<\?xml[^>]*\?>\s*/, "");
  let svg: string, html: string, title: string | undefined;
  if (/^<svg\b/i.test(raw)) {
    svg = withXmlns(raw);
    html = svg;
  } else if (/^<figure\b/i.test(raw)) {
    const inner = mainSvg(raw);
    if (inner === undefined) {
      throw new TypeError("Cannot make a figure: the <figure> element contains no <svg> plot");
    }
    svg = withXmlns(inner);
    html = raw;
    const h2 = /<h2\b[^>]*>([\s\S]*?)<\/h2>/.exec(raw);
    if (h2) title = unescapeText(h2[1]!);
  } else {
    throw new TypeError(
      `Cannot make a figure from <${raw.slice(1, 20).split(/[\s>]/)[0]}...>: ` +
        `pass an <svg> or a Plot <figure> element, or an SVG string`,
    );
  }
  const open = /^<svg\b[^>]*>/.exec(svg)![0];
  const label = options.description ?? title ?? attr(open, "aria-label");
  const w = attr(open, "width"), h = attr(open, "height");
  const size = w !== undefined && h !== undefined ? `${w}x${h} SVG` : "SVG";
  const text = `[figure: ${label !== undefined ? `${label}, ` : ""}${size}]`;
  const bundle: MimeBundle = html === svg
    ? { "image/svg+xml": svg, "text/plain": text }
    : { "text/html": html, "image/svg+xml": svg, "text/plain": text };
  return { svg, html, text, toString: () => text, [DISPLAY]: () => bundle };
}

/** The DOM document type Plot expects (Deno has no DOM types of its own). */
export type PlotDocument = NonNullable<Plot.PlotOptions["document"]>;

let cachedDocument: PlotDocument | undefined;

/**
 * A DOM document from linkedom, shared by every {@link plot} call.
 *
 * @example
 * ```ts
 * import { plotDocument } from "@lib/display/figure.ts";
 * import assert from "node:assert/strict";
 * assert.equal(plotDocument(), plotDocument());
 * ```
 */
export function plotDocument(): PlotDocument {
  const window = parseHTML("<!doctype html><html><head></head><body></body></html>") as unknown;
  cachedDocument ??= (window as { document: PlotDocument }).document;
  return cachedDocument;
}

/**
 * Render Observable Plot options into a {@link Figure}, with a linkedom `document`, so it runs
 * in the kernel, scripts and tests alike. Options are Plot's own (`marks`, `x`, `y`, `color`,
 * `title`, `width`, ...); see https://observablehq.com/plot/features/plots.
 *
 * @example A line chart
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "@lib/display/figure.ts";
 * import assert from "node:assert/strict";
 * const f = plot({ marks: [Plot.lineY([1, 3, 2])], width: 300, height: 200 });
 * assert.ok(f.svg.includes("<path"));
 * assert.equal(f.text, "[figure: 300x200 SVG]");
 * ```
 */
export function plot(options: Plot.PlotOptions, figureOptions: DisplayFigureOptions = {}): Figure {
  const el = Plot.plot({ ...options, document: plotDocument() });
  return figure(el as unknown as ElementLike, figureOptions);
}
