/**
 * Server-side rendering of Observable Plot charts to deterministic, inert markup.
 *
 * Plot needs a DOM; we give it a `linkedom` document. Its output is then made fit for a
 * self-contained, reproducible report:
 * - ids Plot numbers from a process-wide counter (`plot-clip-3`) are renamed after the figure
 *   (`<figureId>-clip-1`), so the same chart gives the same bytes in any process and two charts
 *   on one page never share an id;
 * - coordinates are rounded to 2 decimals, so snapshots do not flap on floating-point noise;
 * - the result is checked against an allowlist of elements and attributes: no script, no
 *   event handler, no reference outside the document. A chart that fails the check throws.
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { logTickFormat } from "./format.ts";
import { parseHTML } from "linkedom";

/** Plot options accepted by {@link renderPlot} (`document` is supplied by it). */
export type PlotOptions = Omit<Plot.PlotOptions, "document">;

const GEOMETRY_ATTRS = new Set([
  "d",
  "points",
  "transform",
  "x",
  "y",
  "x1",
  "x2",
  "y1",
  "y2",
  "cx",
  "cy",
  "r",
  "dx",
  "width",
  "height",
  "viewBox",
  "stroke-width",
]);

const ALLOWED_ELEMENTS = new Set([
  "figure",
  "figcaption",
  "h2",
  "h3",
  "div",
  "span",
  "svg",
  "g",
  "path",
  "rect",
  "line",
  "circle",
  "ellipse",
  "polyline",
  "polygon",
  "text",
  "tspan",
  "title",
  "style",
  "defs",
  "clippath",
  "lineargradient",
  "stop",
  "pattern",
]);

/** The few DOM members used here (Deno's default types have no DOM; linkedom provides it). */
interface DomElement {
  readonly tagName: string;
  readonly outerHTML: string;
  readonly textContent: string | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

function round2(text: string): string {
  return text.replace(NUMBER, (m) => {
    const v = Math.round(Number(m) * 100) / 100;
    return Object.is(v, -0) ? "0" : String(v);
  });
}

/**
 * Render a Plot chart to markup (an `<svg>`, or a `<figure>` when the chart has a title or
 * legend), deterministic and safe to inline into a page.
 *
 * `figureId` (`[a-z0-9-]+`) prefixes every id in the output. Throws when Plot reports a warning
 * (a warning means the chart is probably not what was meant) or when the output contains
 * anything outside the allowlist.
 *
 * @example Same chart, same bytes
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { renderPlot } from "@lib/report/plot_svg.ts";
 * import assert from "node:assert/strict";
 * const opts = { marks: [Plot.lineY([1, 2.123456, 3], { clip: true })], width: 200, height: 100 };
 * const a = renderPlot(opts, "demo");
 * assert.equal(a, renderPlot(opts, "demo"));
 * assert.match(a, /id="demo-clip-1"/);
 * ```
 */
export function renderPlot(options: PlotOptions, figureId: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(figureId)) {
    throw new RangeError(`Invalid figure id "${figureId}": use lower-case a-z, 0-9 and -`);
  }
  const { document } = parseHTML(
    "<!DOCTYPE html><html><head></head><body></body></html>",
  ) as unknown as { document: unknown };
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
  let node: DomElement;
  try {
    node = Plot.plot(
      { ...withLogTicks(options), document } as Plot.PlotOptions,
    ) as unknown as DomElement;
  } finally {
    console.warn = warn;
  }
  if (warnings.length > 0) {
    throw new Error(`Chart "${figureId}" is not valid: Plot warned: ${warnings.join("; ")}`);
  }
  const all = [node, ...Array.from(node.querySelectorAll("*"))];
  // Rename ids in document order, then rewrite every reference to them.
  const renamed = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const el of all) {
    const id = el.getAttribute("id");
    if (id === null) continue;
    const kind = /^plot-([a-z]+)-\d+$/.exec(id)?.[1] ?? "id";
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    const next = `${figureId}-${kind}-${n}`;
    renamed.set(id, next);
    el.setAttribute("id", next);
  }
  checkElements(all, figureId, renamed);
  return node.outerHTML;
}

/**
 * Log-scale axes without a tick format get {@link logTickFormat} (plain numbers such as 0.2)
 * instead of Plot's SI default (`200m`).
 */
function withLogTicks(options: PlotOptions): PlotOptions {
  let out = options;
  for (const key of ["x", "y", "fx", "fy"] as const) {
    const scale = (options as Record<string, unknown>)[key] as
      | { type?: unknown; tickFormat?: unknown; domain?: readonly unknown[] }
      | undefined;
    if (scale?.type === "log" && scale.tickFormat === undefined) {
      out = { ...out, [key]: { ...scale, tickFormat: logTickFormat(scale.domain) } };
    }
  }
  return out;
}

/**
 * Throw unless every element is on the allowlist, no attribute is an event handler or a
 * `src`/`href`, and every `url(...)` points inside the document. When `renamed` is given,
 * `url(#id)` references are rewritten through it and geometry attributes are rounded.
 */
function checkElements(
  all: readonly DomElement[],
  label: string,
  renamed?: ReadonlyMap<string, string>,
): void {
  for (const el of all) {
    const tag = el.tagName.toLowerCase();
    if (!ALLOWED_ELEMENTS.has(tag)) {
      throw new Error(`Chart "${label}" contains a <${tag}> element, which is not allowed`);
    }
    if (tag === "style" && /url\(|@import/i.test(el.textContent ?? "")) {
      throw new Error(`Chart "${label}" has a style that loads a resource, which is not allowed`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      let value = attr.value;
      if (name.startsWith("on") || name === "src" || name.endsWith("href")) {
        throw new Error(`Chart "${label}" contains a ${name} attribute, which is not allowed`);
      }
      if (value.includes("url(")) {
        value = value.replace(/url\(#([^)]+)\)/g, (m: string, ref: string) => {
          if (renamed === undefined) return m;
          const to = renamed.get(ref);
          if (to === undefined) {
            throw new Error(`Chart "${label}" refers to an unknown id "${ref}"`);
          }
          return `url(#${to})`;
        });
        if (/url\((?!#)/.test(value)) {
          throw new Error(`Chart "${label}" refers to an external resource in ${name}`);
        }
      }
      if (renamed !== undefined && GEOMETRY_ATTRS.has(attr.name)) value = round2(value);
      if (value !== attr.value) el.setAttribute(attr.name, value);
    }
  }
}

/**
 * Check that `markup` (an `<svg>` or `<figure>` from {@link renderPlot}) is inert: only
 * allowlisted elements, no event handler, no `src`/`href`, no reference outside the document.
 * Renderers call this on every figure, so a tampered or hand-made model cannot smuggle a
 * script into a page. Throws an Error naming the problem.
 *
 * @example Injected markup is refused
 * ```ts
 * import { assertInertMarkup } from "@lib/report/plot_svg.ts";
 * import assert from "node:assert/strict";
 * assertInertMarkup('<svg viewBox="0 0 10 10"><rect width="1" height="1"></rect></svg>', "ok");
 * assert.throws(() => assertInertMarkup('<svg onload="alert(1)"></svg>', "bad"), /onload/);
 * assert.throws(() => assertInertMarkup("<img src=x>", "bad"), /<img>/);
 * ```
 */
export function assertInertMarkup(markup: string, label: string): void {
  const { document } = parseHTML(
    `<!DOCTYPE html><html><head></head><body>${markup}</body></html>`,
  ) as unknown as { document: { body: DomElement | null; head: DomElement | null } };
  const { body, head } = document;
  if (body === null || head === null) throw new Error(`Figure "${label}" could not be parsed`);
  // Check the head too: a parser moves some elements there.
  checkElements([
    ...Array.from(head.querySelectorAll("*")),
    ...Array.from(body.querySelectorAll("*")),
  ], label);
}
