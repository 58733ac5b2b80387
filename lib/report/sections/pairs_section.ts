/**
 * Report section: Engle-Granger screening of every pair of a universe with FDR-adjusted
 * p-values, and the spread z-score of the best pair with its entry and exit points.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import {
  hedgeRatio,
  screenPairs,
  type ScreenPairsResult,
  type SpreadZScore,
  spreadZScore,
  type StaticHedgeRatio,
  type ZScoreSignals,
  zScoreSignals,
} from "../../research/pairs/mod.ts";
import { type Block, column } from "../model.ts";
import { spreadZScoreChart } from "../charts/spread_zscore.ts";
import { nameList } from "./_bars.ts";

/** Pairs listed in the pairs table by default. */
export const DEFAULT_PAIRS_TOP = 10;

/** Rolling window (bars) of the spread z-score by default. */
export const DEFAULT_Z_WINDOW = 72;

/** Options of {@link pairsSection}; every field is optional. */
export interface PairsSectionOptions {
  /** Pairs listed, best raw p-value first. Default {@link DEFAULT_PAIRS_TOP}. */
  readonly top?: number;
  /** FDR adjustment across every pair tested: `bh` (default) or `by`. */
  readonly fdr?: "bh" | "by";
  /** FDR level. Default 0.05. */
  readonly alpha?: number;
  /** Fewest bars where both assets have a close for a pair to be tested. Default 100. */
  readonly minOverlap?: number;
  /** Rolling window of the spread z-score in bars. Default {@link DEFAULT_Z_WINDOW}. */
  readonly zWindow?: number;
  /** Entry threshold of the z-score. Default 2. */
  readonly entry?: number;
  /** Exit threshold of the z-score. Default 0.5. */
  readonly exit?: number;
  /** Prefix of the block ids. Default `pairs`. */
  readonly idPrefix?: string;
}

/** The best pair's spread, z-score and trades. */
export interface BestPair {
  /** `y ~ x`. */
  readonly label: string;
  /**
   * `hedgeRatio(log close y, log close x, {method: "ols", logPrices: true})`: the spread
   * `log y - a - b log x`.
   */
  readonly hedge: StaticHedgeRatio;
  /** `spreadZScore(hedge.spread, {window: zWindow, causal: true})`. */
  readonly z: SpreadZScore;
  /** `zScoreSignals(z.zScore, {entry, exit})`. */
  readonly trades: ZScoreSignals;
}

/** What {@link pairsSection} returns. */
export interface PairsSectionResult {
  readonly blocks: Block[];
  /**
   * `screenPairs(log closes, assets, {fdr, alpha, minOverlap})` over every pair (all pairs
   * kept; the table shows the first `top`), or null with fewer than 2 assets.
   */
  readonly screen: ScreenPairsResult | null;
  /** The best pair by raw p-value, or null when no pair was tested. */
  readonly best: BestPair | null;
}

/**
 * Screen every pair of the universe for cointegration of log closes (Engle-Granger, statsmodels
 * `coint` conventions, `screenPairs`) with Benjamini-Hochberg adjusted p-values across all
 * pairs tested, and show: the `top` pairs by raw p-value with their adjusted p-value (q),
 * hedge ratio, half-life and return correlation; how many pass the FDR level; and the spread
 * of the best pair as a causal rolling z-score with ±entry/±exit bands and the bars where the
 * band rule opens and closes a position.
 *
 * Degenerate inputs give notes: fewer than 2 assets, no pair with enough common bars, no
 * pair passing the FDR level (the table then still lists the best pairs by raw p-value, with
 * their q-values, marked as not significant), assets that look stationary on their own.
 *
 * Cost: O(assets² x bars) for the screen (one ADF with lag search per pair).
 *
 * @example Two assets that share a trend
 * ```ts
 * import { pairsSection } from "@lib/report/sections/pairs_section.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const n = 400;
 * let seed = 1, w = 0, e = 0;
 * const u = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
 * const x = new Float64Array(n), y = new Float64Array(n);
 * for (let i = 0; i < n; i++) {
 *   w += 0.01 * u();
 *   e = 0.7 * e + 0.005 * u(); // a mean-reverting spread
 *   x[i] = 100 * Math.exp(w);
 *   y[i] = 50 * Math.exp(0.8 * w + e);
 * }
 * const s = pairsSection(fromColumns({ venue: "sim", freq: "1h", assets: ["Y", "X"],
 *   index: Float64Array.from({ length: n }, (_, i) => i * 3_600_000), close: [y, x] }));
 * assert.equal(s.screen!.tested, 1);
 * assert.equal(s.best!.label, "Y ~ X");
 * assert.ok(s.screen!.pairs[0]!.pValue < 0.01);
 * ```
 */
export function pairsSection(
  panel: Panel,
  options: PairsSectionOptions = {},
): PairsSectionResult {
  const top = options.top ?? DEFAULT_PAIRS_TOP;
  const fdr = options.fdr ?? "bh";
  const alpha = options.alpha ?? 0.05;
  const minOverlap = options.minOverlap ?? 100;
  const zWindow = options.zWindow ?? DEFAULT_Z_WINDOW;
  const entry = options.entry ?? 2;
  const exit = options.exit ?? 0.5;
  const prefix = options.idPrefix ?? "pairs";
  const blocks: Block[] = [];
  const assets = panel.assets;
  if (assets.length < 2) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No pairs: the universe has ${assets.length} asset${
        assets.length === 1 ? "" : "s"
      }; add at least one more.`,
    });
    return { blocks, screen: null, best: null };
  }
  const logPrices = panel.close.map((c) => Float64Array.from(c, (v) => Math.log(v)));
  let screen: ScreenPairsResult;
  try {
    screen = screenPairs(logPrices, assets, { fdr, alpha, minOverlap });
  } catch (e) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No pairs screen: ${e instanceof Error ? e.message : String(e)}`,
    });
    return { blocks, screen: null, best: null };
  }
  const method = fdr === "bh" ? "Benjamini-Hochberg" : "Benjamini-Yekutieli";
  blocks.push({
    type: "paragraph",
    text: `Every pair of the ${assets.length} assets with at least ${minOverlap} common bars ` +
      `is tested for cointegration of log closes: Engle-Granger (OLS of log y on log x with an ` +
      `intercept, then an ADF test on the residuals with the lag chosen by AIC; MacKinnon ` +
      `p-values, as statsmodels coint). Testing ${screen.tested} pairs at once would find ` +
      `some by chance, so the p-values are adjusted (${method}) across all of them: q is the ` +
      `adjusted p-value, and a pair is significant when q <= ${alpha}.`,
  });
  if (screen.stationaryAssets.length > 0) {
    blocks.push({
      type: "note",
      level: "info",
      text: `Stationary on their own (ADF p < 0.01 on the log price), so pairs of two of ` +
        `them were skipped: ${nameList(screen.stationaryAssets)}.`,
    });
  }
  if (screen.pairs.length === 0) {
    blocks.push({
      type: "note",
      level: "warning",
      text: `No pair was tested: no two assets have ${minOverlap} bars with a close in ` +
        `common (${screen.skipped} pairs skipped). Use a longer period.`,
    });
    return { blocks, screen, best: null };
  }
  const pass = screen.rejectedAtAlpha;
  blocks.push(
    pass === 0
      ? {
        type: "note",
        level: "warning",
        text: `No pair passes the FDR level: every q-value is above ${alpha} ` +
          `(${screen.tested} pairs tested). The table still lists the pairs with the smallest ` +
          `raw p-values and their q-values; none of them is evidence of cointegration, and the ` +
          `spread below is shown for illustration only.`,
      }
      : {
        type: "note",
        level: "info",
        text: `${pass} of ${screen.tested} pairs pass at an FDR of ${alpha} (q <= ${alpha}).`,
      },
  );
  const shown = screen.pairs.slice(0, top);
  blocks.push({
    type: "table",
    id: `${prefix}-screen`,
    title: `Top ${shown.length} pairs by cointegration p-value`,
    caption: `Spread = log y - intercept - hedge ratio x log x (OLS over every common bar, ` +
      `in sample). ADF stat: Engle-Granger statistic of the residuals; p: MacKinnon p-value; ` +
      `q: ${method} adjusted p-value across the ${screen.tested} pairs tested; half-life: ` +
      `bars for a deviation of the spread to halve (AR(1) fit; infinite without mean ` +
      `reversion); return correlation: of the one-bar log returns; bars: common bars.`,
    columns: [
      column("y", "y", "text"),
      column("x", "x", "text"),
      column("statistic", "ADF stat", "number", 3),
      column("p_value", "p", "number", 4),
      column("q_value", "q (FDR)", "number", 4),
      column("significant", `q <= ${alpha}`, "text"),
      column("hedge_ratio", "Hedge ratio", "number", 4),
      column("half_life", "Half-life (bars)", "number", 1),
      column("return_corr", "Return correlation", "number", 3),
      column("bars", "Bars", "integer"),
    ],
    rows: shown.map((p) => [
      p.y,
      p.x,
      p.statistic,
      p.pValue,
      p.adjustedPValue,
      p.adjustedPValue <= alpha ? "yes" : "no",
      p.hedgeRatio,
      p.halfLife,
      p.returnCorrelation,
      p.nobs,
    ]),
  });
  const b = screen.pairs[0]!;
  const label = `${b.y} ~ ${b.x}`;
  let hedge: StaticHedgeRatio;
  try {
    hedge = hedgeRatio(logPrices[b.yIndex]!, logPrices[b.xIndex]!, {
      method: "ols",
      logPrices: true,
    });
  } catch (e) {
    // prices that never move (stale or pegged) pass the screen with p = 0, as statsmodels
    // coint does for perfectly collinear series, but leave no spread to fit
    if (!(e instanceof RangeError)) throw e;
    blocks.push({
      type: "note",
      level: "warning",
      text: `The spread of ${label} cannot be drawn: ${e.message} (a price that never ` +
        `moves in this window, e.g. a stale or pegged asset; its p-value says nothing).`,
    });
    return { blocks, screen, best: null };
  }
  const z = spreadZScore(hedge.spread, { window: zWindow, causal: true });
  const trades = zScoreSignals(z.zScore, { entry, exit });
  blocks.push(
    spreadZScoreChart({
      index: panel.index,
      pair: label,
      z: z.zScore,
      entry,
      exit,
      entries: trades.entries,
      exits: trades.exits,
      window: zWindow,
    }, { id: `${prefix}-spread` }),
  );
  blocks.push({
    type: "note",
    level: "info",
    text: `The hedge ratio of ${label} (${fmt(hedge.beta)}) is fitted on the whole window, so ` +
      `the spread uses later bars; only its z-score is causal (mean and standard deviation ` +
      `of the ${zWindow} bars before each bar). The ${trades.entries.length} entries and ` +
      `${trades.exits.length} exits are a picture of the band rule, not a backtest: test a ` +
      `strategy on a causal hedge (Kalman or rolling) and out of sample.`,
  });
  return { blocks, screen, best: { label, hedge, z, trades } };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : "undefined";
}
