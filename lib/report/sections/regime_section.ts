/**
 * Report section: regime-conditioned research. For each regime definition given (computed
 * causally elsewhere and passed in: the report never runs a materializer), the share of bars in
 * each regime and, per signal, the information coefficient, the quintile returns and the
 * long-short Sharpe ratio per regime with block-bootstrap intervals and Benjamini-Hochberg
 * adjusted p-values across the regimes.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { PERIODS_PER_YEAR } from "../../core/freq.ts";
import { forwardReturns } from "../../research/forward_returns.ts";
import { informationCoefficient } from "../../research/information_coefficient.ts";
import { quantileReturns } from "../../research/quantile_returns.ts";
import { regimeConditioned } from "../../research/regime_conditioned.ts";
import { type Block, type Cell, column } from "../model.ts";

/** A regime series to condition on. */
export interface RegimeInput {
  /** Short id, `[a-z0-9-]+` (block ids use it). */
  readonly id: string;
  /** Display name, e.g. `BTC volatility tertile`. */
  readonly name: string;
  /** State names by code. */
  readonly labels: readonly string[];
  /**
   * State per panel row, known at the close of that row (-1 = none: warm-up, or rows left out
   * such as a training window). Only causal (filtered) regimes belong here.
   */
  readonly state: Int8Array;
  /** How the regime was computed (shown under its tables). */
  readonly description: string;
}

/** A signal to condition: its name and its asset-major values on the panel's grid. */
export interface RegimeSignal {
  readonly name: string;
  /** `[asset][t]`, value at t from bars up to t. */
  readonly values: readonly Float64Array[];
}

/** Options of {@link regimeSection}; every default is stated here once. */
export interface RegimeSectionOptions {
  /** Signals to condition. */
  readonly signals: readonly RegimeSignal[];
  /** Regime definitions. */
  readonly regimes: readonly RegimeInput[];
  /** Quantile buckets. @default 5 */
  readonly quantiles?: number;
  /** Bootstrap resamples. @default 500 */
  readonly replications?: number;
  /** Bootstrap seed. @default 0 */
  readonly seed?: number;
  /** Prefix of block ids. @default "regime" */
  readonly idPrefix?: string;
}

/** Defaults of {@link RegimeSectionOptions}. */
export const REGIME_SECTION_DEFAULTS = {
  quantiles: 5,
  replications: 500,
  seed: 0,
  idPrefix: "regime",
} as const;

/**
 * The regime section's blocks. Per regime definition: an occupancy table (bars, share, mean spell
 * length per state) and one table per statistic with a row per (signal, regime):
 * - the mean one-bar information coefficient (Spearman, per bar, signal at t against the return
 *   of bar t + 1) per regime of bar t;
 * - the mean one-bar forward return of each quantile bucket per regime, and the mean
 *   top-minus-bottom spread with its interval and adjusted p-value;
 * - the annualized Sharpe ratio of the top-minus-bottom bucket spread per regime.
 * Each IC and Sharpe estimate has a stationary block-bootstrap 95% percentile interval and a
 * bootstrap p-value, adjusted with Benjamini-Hochberg across the regimes of that signal
 * (`regimeConditioned`). A regime with fewer than 30 bars is not estimated. Everything is
 * deterministic (seeded resamples), so the section renders to the same bytes every time.
 *
 * @param panel the report's panel
 * @param options signals, regimes, see {@link RegimeSectionOptions}
 *
 * @example No regime definitions: a note
 * ```ts
 * import { regimeSection } from "@lib/report/sections/regime_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const panel = fromColumns({ venue: "sim", freq: "1h", assets: ["A"],
 *   index: Float64Array.of(0, 3_600_000), close: [Float64Array.of(1, 2)] });
 * const b = regimeSection(panel, { signals: [], regimes: [] });
 * assert.equal(b[0]!.type, "note");
 * ```
 */
export function regimeSection(panel: Panel, options: RegimeSectionOptions): Block[] {
  const q = options.quantiles ?? REGIME_SECTION_DEFAULTS.quantiles;
  const replications = options.replications ?? REGIME_SECTION_DEFAULTS.replications;
  const seed = options.seed ?? REGIME_SECTION_DEFAULTS.seed;
  const prefix = options.idPrefix ?? REGIME_SECTION_DEFAULTS.idPrefix;
  const blocks: Block[] = [];
  if (options.regimes.length === 0) {
    return [{
      type: "note",
      level: "info",
      text: "No regime could be computed for this universe (the market-structure classes need " +
        "at least 5 assets and about 550 bars; the BTC volatility regime needs a BTC series).",
    }];
  }
  blocks.push({
    type: "paragraph",
    text: "Does an edge live in some conditions only? Each signal's one-bar information " +
      "coefficient, quantile returns and long-short Sharpe ratio are split by the regime known " +
      "at the close of the bar the signal is formed on. Intervals are 95% stationary " +
      "block-bootstrap percentile intervals (regime and value resampled together); p-values " +
      "test a zero mean (or Sharpe) and are adjusted with Benjamini-Hochberg across the " +
      "regimes of each signal, so looking at every regime is paid for. Regimes are causal: " +
      "filtered, never smoothed, and never fitted on the bars they label.",
  });
  const fwd = forwardReturns(panel.logReturns, 1);
  const ppy = PERIODS_PER_YEAR[panel.freq];
  const computed = options.signals.map((s) => {
    const ic = informationCoefficient(s.values, fwd).ic;
    let qr = null;
    try {
      qr = quantileReturns(s.values, fwd, { quantiles: q, horizon: 1 });
    } catch {
      qr = null; // too few assets for the buckets: the quantile tables say so
    }
    return { name: s.name, ic, qr };
  });
  for (const reg of options.regimes) {
    const k = reg.labels.length;
    const counts = new Array<number>(k).fill(0), spells = new Array<number>(k).fill(0);
    let total = 0;
    for (let t = 0; t < reg.state.length; t++) {
      const s = reg.state[t]!;
      if (s < 0 || s >= k) continue;
      counts[s]!++;
      total++;
      if (t === 0 || reg.state[t - 1] !== s) spells[s]!++;
    }
    blocks.push({
      type: "table",
      id: `${prefix}-${reg.id}-occupancy`,
      title: `${reg.name}: bars per regime`,
      caption: `${reg.description} Share of the ${total} bars with a regime; a spell is a run of ` +
        `consecutive bars in one regime.`,
      columns: [
        column("regime", "Regime", "text"),
        column("bars", "Bars", "integer"),
        column("share", "Share", "percent", 1),
        column("spell", "Mean spell (bars)", "number", 1),
      ],
      rows: reg.labels.map((l, s) => [
        l,
        counts[s]!,
        total > 0 ? counts[s]! / total : NaN,
        spells[s]! > 0 ? counts[s]! / spells[s]! : NaN,
      ]),
    });
    if (computed.length === 0) continue;
    const icRows: Cell[][] = [], srRows: Cell[][] = [], qRows: Cell[][] = [];
    for (const c of computed) {
      const statRows = (values: Float64Array, statistic: "mean" | "sharpe", out: Cell[][]) => {
        let r;
        try {
          r = regimeConditioned(values, reg.state, {
            labels: reg.labels,
            statistic,
            periodsPerYear: ppy,
            replications,
            seed,
          });
        } catch {
          out.push([c.name, "-", 0, NaN, NaN, NaN, NaN, NaN]);
          return;
        }
        for (const g of r.regimes) {
          out.push([
            c.name,
            g.label,
            g.n,
            g.estimate,
            g.lower,
            g.upper,
            g.pValue,
            g.adjustedPValue,
          ]);
        }
      };
      statRows(c.ic, "mean", icRows);
      if (c.qr !== null) {
        statRows(c.qr.longShort, "sharpe", srRows);
        // the top-minus-bottom mean per regime, with its interval, beside the bucket means
        const spread: Cell[][] = [];
        statRows(c.qr.longShort, "mean", spread);
        for (let s = 0; s < k; s++) {
          const row: Cell[] = [c.name, reg.labels[s]!];
          for (let b = 0; b < q; b++) {
            const series = c.qr.returnsByQuantile[b]!;
            let sum = 0, n = 0;
            for (let t = 0; t < series.length; t++) {
              if (reg.state[t] === s && Number.isFinite(series[t]!)) {
                sum += series[t]!;
                n++;
              }
            }
            row.push(n > 0 ? sum / n : NaN);
          }
          const sp = spread.find((r) => r[1] === reg.labels[s]);
          row.push(sp?.[3] ?? NaN, sp?.[4] ?? NaN, sp?.[5] ?? NaN, sp?.[7] ?? NaN);
          qRows.push(row);
        }
      }
    }
    const statCols = (what: string, fmt: "number" | "percent", digits: number) => [
      column("signal", "Signal", "text"),
      column("regime", "Regime", "text"),
      column("n", "Bars", "integer"),
      column("estimate", what, fmt, digits),
      column("lower", "95% low", fmt, digits),
      column("upper", "95% high", fmt, digits),
      column("p", "p", "number", 3),
      column("p_bh", "p (BH)", "number", 3),
    ];
    blocks.push({
      type: "table",
      id: `${prefix}-${reg.id}-ic`,
      title: `${reg.name}: information coefficient per regime`,
      caption: "Mean per-bar Spearman IC of the signal at bar t against the log return of bar " +
        "t + 1, over the bars of each regime at t; bootstrap interval and p-values as above.",
      columns: statCols("Mean IC", "number", 4),
      rows: icRows,
    });
    blocks.push({
      type: "table",
      id: `${prefix}-${reg.id}-quantiles`,
      title: `${reg.name}: quantile returns per regime`,
      caption: `Mean next-bar log return of each of ${q} signal buckets (equal weight within ` +
        `a bucket, ${q} = highest signal), over the bars of each regime, and the mean ` +
        `top-minus-bottom spread with its bootstrap interval and BH-adjusted p-value.`,
      columns: [
        column("signal", "Signal", "text"),
        column("regime", "Regime", "text"),
        ...Array.from({ length: q }, (_, b) => column(`q${b + 1}`, `Q${b + 1}`, "percent", 3)),
        column("spread", `Q${q}-Q1`, "percent", 3),
        column("spread_lower", "95% low", "percent", 3),
        column("spread_upper", "95% high", "percent", 3),
        column("spread_p_bh", "p (BH)", "number", 3),
      ],
      rows: qRows,
    });
    blocks.push({
      type: "table",
      id: `${prefix}-${reg.id}-sharpe`,
      title: `${reg.name}: long-short Sharpe ratio per regime`,
      caption: `Annualized Sharpe ratio (${ppy} bars a year: crypto trades 24/7) of the ` +
        `top-minus-bottom bucket spread of next-bar returns, before costs, over the bars of ` +
        `each regime.`,
      columns: statCols("Sharpe", "number", 2),
      rows: srRows,
    });
  }
  return blocks;
}
