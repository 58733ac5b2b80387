/**
 * Hover values and zoom for charts in a browser: ONE small dependency-free client-side script,
 * shared by the static HTML reports and the live monitor's dashboard.
 *
 * ## What a page does with it
 * Inline {@link INTERACTIVE_CLIENT_JS} verbatim (`<script>${INTERACTIVE_CLIENT_JS}</script>`,
 * no added whitespace) and allow it in the page's Content-Security-Policy with
 * {@link INTERACTIVE_CLIENT_CSP_HASH} (`script-src 'sha256-...'`). Scripts that use
 * `window.cryptolabCharts` come after it. The script:
 * - makes no request, uses no `eval`/`new Function`, adds no inline event handler, no `style`
 *   attribute and no stylesheet: everything it draws is SVG with presentation attributes
 *   (`fill`, `stroke`, `font-size`, ...), so it runs under
 *   `default-src 'none'; script-src 'sha256-<this>' 'sha256-<your script>'` with any `style-src`
 *   (it needs none; the page's own CSS decides that directive);
 * - on `DOMContentLoaded` (or at once when the page has loaded) enhances every element with a
 *   `data-cryptolab-chart` attribute (written by lib/report/html.ts with
 *   {@link chartDataAttribute}) that holds one Observable Plot `<svg>`;
 * - defines `window.cryptolabCharts` (below) synchronously.
 *
 * ## Hover and zoom (static and live charts alike)
 * - Hover: a vertical crosshair at the nearest time that has data, a dot on every line there,
 *   and a tooltip with that time (UTC) and the value of EVERY series of the chart at its own
 *   nearest point (band series show `lo .. hi` too).
 * - Zoom: drag across the plot to zoom the time axis to that range; the x axis is redrawn with
 *   ticks for the range and y is refitted to the points visible in it (a static chart's y scale
 *   is read from where Plot drew its points: linear or log; any other keeps Plot's y axis);
 *   double-click resets to the full range.
 *
 * ## `window.cryptolabCharts`
 * ```text
 * window.cryptolabCharts.lineChart(element: Element, options: LineChartOptions): LineChartHandle
 * window.cryptolabCharts.enhance(root?: ParentNode): number // static charts under root, count
 * window.cryptolabCharts.version: string
 * ```
 * `lineChart` empties `element` and draws an `<svg>` in it (its width follows the element's
 * width, re-read on every update and on window resize). See {@link LineChartOptions} and
 * {@link LineChartHandle}. `update(newOptions)` replaces the data (a live dashboard calls it on
 * each bar close); a zoom the user made is kept across updates until a double-click.
 *
 * ## Example (a dashboard script, after the client script)
 * ```text
 * const chart = window.cryptolabCharts.lineChart(document.getElementById("z"), {
 *   series: [{ name: "z-score", t: [1700000000000, 1700000060000], y: [0.4, 2.3] }],
 *   bands: [-2, 0, 2], yLabel: "z-score",
 * });
 * chart.update({ series: [...], bands: [-2, 0, 2], yLabel: "z-score" }); // on each bar close
 * ```
 *
 * Markers for tests: each chart's `<svg>` has `data-cryptolab-interactive="static"` or
 * `"live"`, the tooltip is a `<g class="cryptolab-tooltip">` (its `<text>` lines hold the
 * values), the crosshair a `<line class="cryptolab-crosshair">`, and the svg carries
 * `data-cryptolab-zoom="t0,t1"` (epoch ms) while zoomed.
 *
 * @module
 */
export { INTERACTIVE_CLIENT_JS } from "./client_js.ts";
export * from "./chart_data.ts";
export * from "./csp.ts";
import { INTERACTIVE_CLIENT_JS } from "./client_js.ts";
import { cspScriptHash } from "./csp.ts";
import type { InteractiveSeries } from "./chart_data.ts";

/**
 * The CSP source that allows {@link INTERACTIVE_CLIENT_JS} inlined verbatim:
 * `'sha256-<base64>'`, for a `script-src` directive.
 *
 * @example In a policy
 * ```ts
 * import { INTERACTIVE_CLIENT_CSP_HASH, INTERACTIVE_CLIENT_JS, cspScriptHash } from "@lib/report/interactive/mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(INTERACTIVE_CLIENT_CSP_HASH, cspScriptHash(INTERACTIVE_CLIENT_JS));
 * const csp = `default-src 'none'; script-src ${INTERACTIVE_CLIENT_CSP_HASH}`;
 * assert.match(csp, /script-src 'sha256-[A-Za-z0-9+\/]{43}='$/);
 * ```
 */
export const INTERACTIVE_CLIENT_CSP_HASH: string = cspScriptHash(INTERACTIVE_CLIENT_JS);

/** One line of a live chart (the same shape as a static chart's series). */
export type LineChartSeries = InteractiveSeries & {
  /** Stroke color (any SVG color). Default: the report palette, in series order. */
  readonly color?: string;
};

/**
 * Options of `window.cryptolabCharts.lineChart(element, options)` and of `update(options)`.
 * In the browser these are plain objects; `t` and `y` may be arrays or typed arrays.
 */
export interface LineChartOptions {
  /** The lines, drawn in order. `t` ascending UTC epoch ms; `y` null/NaN breaks the line. */
  readonly series: readonly LineChartSeries[];
  /** Horizontal reference lines (e.g. the z bands `[-2, 0, 2]`), dashed grey. Default none. */
  readonly bands?: readonly number[];
  /** Label of the y axis, top left. Default none. */
  readonly yLabel?: string;
  /** Height in px. Default 240. */
  readonly height?: number;
  /** Fixed y range instead of fitting the visible points (and bands). Default: fit. */
  readonly yDomain?: readonly [number, number];
  /** Decimals shown in the tooltip. Default: 6 significant digits. */
  readonly digits?: number;
}

/** What `lineChart` returns. */
export interface LineChartHandle {
  /** Redraw with new options (same shape as the first call); a user zoom is kept. */
  update(options: LineChartOptions): void;
  /** Reset the zoom to the full time range. */
  resetZoom(): void;
  /** Remove the chart and its listeners. */
  destroy(): void;
}
