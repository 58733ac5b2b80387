/**
 * Report section: what data the report describes: coverage over time, a per-asset table of
 * bars present and missing, and a note on how gaps are treated.
 *
 * @module
 */
import { type Freq, freqMs } from "../../core/freq.ts";
import type { Dataset, SeriesProvenance } from "../../panel/dataset.ts";
import { ASSET_COLUMN, type Block, type Cell, type Column, column } from "../model.ts";
import { coverageChart } from "../charts/coverage.ts";
import { barWords, nameList } from "./_bars.ts";
import { formatValue } from "../format.ts";

/** Options of {@link dataSection}; every field is optional. */
export interface DataSectionOptions {
  /**
   * A coarser frequency built from the dataset's bars (the demo's daily bars), one entry per
   * dataset symbol in the same order, null where that series is not stored: adds its bar and
   * incomplete-bar counts to the coverage table. Default none.
   */
  readonly rollup?: {
    readonly freq: Freq;
    readonly series: readonly (SeriesProvenance | null)[];
  };
  /** How the bars were made (e.g. "Hourly bars were built from 1-minute bars ..."). Default none. */
  readonly origin?: string;
  /**
   * Only these of the dataset's symbols in the coverage chart, table and gap note (the assets a
   * backtest traded and its benchmark), with a sentence saying how many the dataset holds and
   * what `used` means (e.g. "the traded asset and the benchmark"). Default: every symbol.
   */
  readonly only?: { readonly assets: readonly string[]; readonly used: string };
}

/**
 * The data section of a report: a paragraph naming the universe and window, the coverage
 * chart (each asset's span with its gaps in red), the coverage table (bars, missing bars
 * between the first and last bar, share of the window covered, first and last bar, and the
 * rollup's counts when given), a note listing series left out for having no bar in the
 * window, and a note counting the gaps and saying how they are treated.
 *
 * @example A dataset with a gap
 * ```ts
 * import { dataSection } from "@lib/report/sections/data_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: new Float64Array([0, h, 2 * h]), close: [new Float64Array([1, NaN, 2])] });
 * const blocks = dataSection({
 *   venue: "sim", freq: "1h", symbols: ["A"], from: 0, to: 3 * h, panel, dropped: [],
 *   fingerprint: { sha256: "0".repeat(64), rows: 2 },
 *   series: [{ symbol: "A", rows: 2, firstTs: 0, lastTs: 2 * h, incomplete: 0, missing: 1,
 *     gaps: [{ startTs: h, endTs: 2 * h, missing: 1 }] }],
 * });
 * assert.ok(blocks.some((b) => b.type === "note" && /1 gap \(1 missing hourly bar/.test(b.text)));
 * ```
 */
export function dataSection(dataset: Dataset, options: DataSectionOptions = {}): Block[] {
  const { venue, freq, from, to } = dataset;
  const only = options.only;
  if (only !== undefined) {
    const unknown = only.assets.filter((a) => !dataset.symbols.includes(a));
    if (unknown.length > 0) {
      throw new RangeError(
        `Cannot build the data section: ${unknown.join(", ")} not in the dataset's symbols`,
      );
    }
  }
  const keep = (i: number) => only === undefined || only.assets.includes(dataset.series[i]!.symbol);
  const series = dataset.series.filter((_, i) => keep(i));
  const w = barWords(freq);
  const step = freqMs(freq);
  const gridBars = Math.max(1, Math.round((to - from) / step));
  const gaps = series.flatMap((s) => s.gaps.map((g) => ({ asset: s.symbol, ...g })));
  const totalMissing = series.reduce((t, s) => t + s.missing, 0);
  const rollup = options.rollup;
  const columns: Column[] = [
    ASSET_COLUMN,
    column("bars", `${freq} bars`, "integer"),
    column("missing", `Missing ${freq}`, "integer"),
    column("coverage", "Coverage", "percent", 1),
    column("first", "First bar", "datetime"),
    column("last", "Last bar", "datetime"),
    ...(rollup === undefined ? [] : [
      column("rollup_bars", `${rollup.freq} bars`, "integer"),
      column("rollup_incomplete", `Incomplete ${rollup.freq}`, "integer"),
    ]),
  ];
  const rollupSeries = rollup?.series.filter((_, i) => keep(i));
  const rows: Cell[][] = series.map((s, i) => {
    const r = rollupSeries?.[i];
    return [
      s.symbol,
      s.rows,
      s.missing,
      s.rows / gridBars,
      s.firstTs,
      s.lastTs,
      ...(rollup === undefined ? [] : [r?.rows ?? null, r?.incomplete ?? null]),
    ];
  });
  const blocks: Block[] = [
    {
      type: "paragraph",
      text:
        (only === undefined
          ? `${series.length} asset${series.length === 1 ? "" : "s"} of venue "${venue}"`
          : `${series.length} of the dataset's ${dataset.series.length} ` +
            `asset${dataset.series.length === 1 ? "" : "s"} of venue ` +
            `"${venue}" (${only.used}: ${nameList(series.map((s) => s.symbol))}; the others ` +
            `are in the dataset and its fingerprint but not used here)`) +
        `, ${freq} bars from the store, ` +
        `${n(gridBars)} bars per asset on the full grid from ${isoMinute(from)} to ` +
        `${isoMinute(to)}.` + (options.origin === undefined ? "" : ` ${options.origin}`) +
        ` A missing bar is a gap: NaN, never a zero return.`,
    },
    coverageChart({
      freqMs: step,
      assets: series.map((s) => ({
        asset: s.symbol,
        firstTs: s.firstTs,
        lastTs: s.lastTs,
        bars: s.rows,
      })),
      gaps: gaps.map((g) => ({ asset: g.asset, startTs: g.startTs, endTs: g.endTs })),
    }),
    {
      type: "table",
      id: "coverage-table",
      title: "Coverage by asset",
      caption: `${freq} bars present in the window, bars missing between an asset's first and ` +
        `last bar (gaps), and the share of the window covered` +
        (rollup === undefined
          ? "."
          : `; ${rollup.freq} bars built from them (a ${rollup.freq} bar is incomplete when ` +
            `any of its ${freq} bars is missing or incomplete).`),
      columns,
      rows,
    },
  ];
  const dropped = dataset.dropped.length;
  if (dropped > 0) {
    blocks.push({
      type: "note",
      level: "info",
      text: `${dropped} stored series ha${dropped === 1 ? "s" : "ve"} no bar in the window ` +
        `and ${dropped === 1 ? "is" : "are"} left out: ${nameList(dataset.dropped)}.`,
    });
  }
  blocks.push(
    totalMissing > 0
      ? {
        type: "note",
        level: "warning",
        text: `${n(gaps.length)} gap${gaps.length === 1 ? "" : "s"} (${n(totalMissing)} missing ` +
          `${w.adjective} bar${totalMissing === 1 ? "" : "s"} in all). A gap is never a zero ` +
          `return: the price move across it is carried by the first bar after it in ` +
          `cumulative returns, drawdowns and annualized returns, and left out of volatility, ` +
          `correlation and beta, which assume ${w.span} returns.`,
      }
      : { type: "note", level: "info", text: `No ${w.adjective} bar is missing in the window.` },
  );
  return blocks;
}

function n(count: number): string {
  return formatValue(count, "integer");
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + "Z";
}
