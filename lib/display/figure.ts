/**
 * Figures: an Observable Plot chart (or any SVG string) as a displayable value.
 *
 * {@link plot} renders with the report's deterministic renderer (`lib/report/plot_svg.ts`), which
 * gives Plot a `linkedom` DOM, so the same call works in the Deno kernel, in `deno run` and in
 * tests, without a browser.
 *
 * @module
 */
import { type PlotOptions, renderPlot } from "../report/plot_svg.ts";
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

/** Options for {@link plot}: those of {@link figure}, and the id prefix. */
export interface PlotFigureOptions extends DisplayFigureOptions {
  /**
   * Prefix of every element id in the chart (`[a-z0-9-]+`, e.g. `closes` gives
   * `closes-clip-1`). Default: `fig` followed by a hash of the rendered chart.
   */
  readonly id?: string;
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

/** Offset basis and prime of 32-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/). */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(text: string): string {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return (h >>> 0).toString(36);
}

/** The id prefix a chart is rendered with before its content hash is known. */
const DRAFT_ID = "fig";
/** Where renderPlot put the draft prefix: every `id` attribute and every `url(#...)`. */
const DRAFT_IDS = new RegExp(`(\\sid="|url\\(#)${DRAFT_ID}-`, "g");

/**
 * Render Observable Plot options into a {@link Figure}. Options are Plot's own (`marks`, `x`,
 * `y`, `color`, `title`, `width`, ...; see https://observablehq.com/plot/features/plots).
 *
 * Rendering is the report's ({@link renderPlot} in `lib/report/plot_svg.ts`): a linkedom DOM,
 * so the same call works in the Deno kernel, in `deno run` and in tests; coordinates rounded
 * to 2 decimals; only inert markup (no script, event handler or external reference). A Plot
 * warning throws, naming the warning, as does a chart with a disallowed element (an image
 * mark, say). Element ids are prefixed with `figureOptions.id`, by default `fig` plus a hash
 * of the chart, so the same chart gives the same bytes and two different charts shown on one
 * notebook page never share a clip-path id.
 *
 * @example A line chart
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { plot } from "@lib/display/figure.ts";
 * import assert from "node:assert/strict";
 * const f = plot({ marks: [Plot.lineY([1, 3, 2])], width: 300, height: 200 });
 * assert.ok(f.svg.includes("<path"));
 * assert.equal(f.text, "[figure: 300x200 SVG]");
 * assert.equal(plot({ marks: [Plot.lineY([1, 3, 2])], width: 300, height: 200 }).svg, f.svg);
 * ```
 */
export function plot(options: PlotOptions, figureOptions: PlotFigureOptions = {}): Figure {
  const { id, ...rest } = figureOptions;
  if (id !== undefined) return figure(renderPlot(options, id), rest);
  const draft = renderPlot(options, DRAFT_ID);
  const hashed = `${DRAFT_ID}${fnv1a(draft)}`;
  // renderPlot names every id `${DRAFT_ID}-<kind>-<n>` and rewrites every url(#...) to match
  const markup = draft.replace(DRAFT_IDS, `$1${hashed}-`);
  return figure(markup, rest);
}
