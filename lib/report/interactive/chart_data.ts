/**
 * The data a static report chart carries for the interactive client: the points its lines draw,
 * grouped by series, times in epoch ms.
 *
 * @module
 */
import type { TidyTable } from "../model.ts";
import { escapeHtml } from "../../core/escape_html.ts";

/** One line of an interactive chart: its name and points (`t` in UTC epoch ms, `y` null = gap). */
export interface InteractiveSeries {
  /** The series name shown in the tooltip (from data: the client inserts it as text). */
  readonly name: string;
  /** Times in UTC epoch milliseconds, ascending. */
  readonly t: readonly number[];
  /** Values, one per time; null where the line breaks. */
  readonly y: readonly (number | null)[];
  /** Lower edge of a band drawn around this line (e.g. the 10% quantile), when there is one. */
  readonly lo?: readonly (number | null)[];
  /** Upper edge of the band, when there is one. */
  readonly hi?: readonly (number | null)[];
}

/** What {@link chartDataFromTidy} returns: the series of one time-series figure. */
export interface InteractiveChartData {
  readonly series: readonly InteractiveSeries[];
}

/**
 * The series a time-series figure plots, from its tidy table (`time`, optional `series`, `y`,
 * optional `y_lo`/`y_hi`; see `plottedPoints` in lib/report/charts/series.ts), or null when the
 * figure is not a time series (histograms, bars, heatmaps stay static). Series keep the order of
 * their first row, which is the order Plot draws their lines in.
 *
 * @example Two series from tidy rows
 * ```ts
 * import { chartDataFromTidy } from "@lib/report/interactive/chart_data.ts";
 * import assert from "node:assert/strict";
 * const d = chartDataFromTidy({
 *   columns: [{ name: "time", type: "timestamp" }, { name: "series", type: "string" },
 *     { name: "y", type: "number" }],
 *   rows: [
 *     { time: "2024-01-01T00:00:00.000Z", series: "BTC", y: 1 },
 *     { time: "2024-01-01T01:00:00.000Z", series: "BTC", y: null },
 *     { time: "2024-01-01T00:00:00.000Z", series: "ETH", y: 2 },
 *   ],
 * });
 * assert.deepEqual(d, { series: [
 *   { name: "BTC", t: [1704067200000, 1704070800000], y: [1, null] },
 *   { name: "ETH", t: [1704067200000], y: [2] },
 * ] });
 * assert.equal(chartDataFromTidy({ columns: [{ name: "bin", type: "number" }], rows: [] }), null);
 * ```
 */
export function chartDataFromTidy(tidy: TidyTable): InteractiveChartData | null {
  const type = (name: string) => tidy.columns.find((c) => c.name === name)?.type;
  if (type("time") !== "timestamp" || type("y") !== "number" || tidy.rows.length === 0) {
    return null;
  }
  const band = type("y_lo") === "number" && type("y_hi") === "number";
  const groups = new Map<
    string,
    { t: number[]; y: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] }
  >();
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  for (const r of tidy.rows) {
    const t = typeof r.time === "string" ? Date.parse(r.time) : NaN;
    if (!Number.isFinite(t)) return null;
    const name = typeof r.series === "string" ? r.series : "y";
    let g = groups.get(name);
    if (g === undefined) groups.set(name, g = { t: [], y: [], lo: [], hi: [] });
    g.t.push(t);
    g.y.push(num(r.y));
    if (band) {
      g.lo.push(num(r.y_lo));
      g.hi.push(num(r.y_hi));
    }
  }
  const series: InteractiveSeries[] = [];
  for (const [name, g] of groups) {
    const hasBand = band && g.lo.some((v) => v !== null);
    series.push(hasBand ? { name, t: g.t, y: g.y, lo: g.lo, hi: g.hi } : { name, t: g.t, y: g.y });
  }
  return { series };
}

/**
 * The `data-cryptolab-chart` attribute (with a leading space) that lets the interactive client
 * find a static chart's data: JSON, HTML-escaped for a double-quoted attribute. Empty when the
 * figure is not a time series. Deterministic: the same tidy table gives the same bytes.
 *
 * @example
 * ```ts
 * import { chartDataAttribute } from "@lib/report/interactive/chart_data.ts";
 * import assert from "node:assert/strict";
 * const attr = chartDataAttribute({
 *   columns: [{ name: "time", type: "timestamp" }, { name: "y", type: "number" }],
 *   rows: [{ time: "1970-01-01T00:00:00.000Z", y: 1 }],
 * });
 * assert.equal(attr, ' data-cryptolab-chart="{&quot;series&quot;:[{&quot;name&quot;:&quot;y&quot;,&quot;t&quot;:[0],&quot;y&quot;:[1]}]}"');
 * ```
 */
export function chartDataAttribute(tidy: TidyTable): string {
  const data = chartDataFromTidy(tidy);
  return data === null ? "" : ` data-cryptolab-chart="${escapeHtml(JSON.stringify(data))}"`;
}
