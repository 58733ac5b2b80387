/**
 * A cross-sectional scan: every asset's momentum, residual momentum and volatility-breakout
 * score, and the z-scores of the most cointegrated pairs, at the LAST row of a panel, ranked.
 *
 * @module
 */
import type { Panel } from "../panel/types.ts";
import { momentum } from "./signals/momentum.ts";
import { factorModel } from "./factor_model.ts";
import { screenPairs } from "./pairs/screen_pairs.ts";
import { spreadZScore } from "./pairs/spread.ts";

/** The rankings a scan can compute. */
export const SCAN_SIGNALS = ["momentum", "residual-momentum", "vol-breakout", "pairs"] as const;

/** One of {@link SCAN_SIGNALS}. */
export type ScanSignal = typeof SCAN_SIGNALS[number];

/** Options of {@link scanCrossSection}; defaults in {@link SCAN_DEFAULTS}. */
export interface ScanOptions {
  /** Which rankings, in this order. @default every one of {@link SCAN_SIGNALS} */
  readonly signals?: readonly ScanSignal[];
  /** Bars of the momentum and residual-momentum lookback. @default 168 */
  readonly lookback?: number;
  /** Bars of the rolling factor regression of residual momentum (lib/research/factor_model.ts). @default 720 */
  readonly factorWindow?: number;
  /** Factor names of residual momentum, BTC first. @default ["BTC", "ETH"] */
  readonly factors?: readonly string[];
  /** Bars of the breakout channel and of its volatility. @default 24 */
  readonly breakoutWindow?: number;
  /** Trailing bars the pairs are screened and hedged on (ending at the last row). @default 720 */
  readonly pairsWindow?: number;
  /** The pairs with the lowest cointegration p-values that are scored. @default 10 */
  readonly pairsTop?: number;
  /** Bars of the causal rolling z-score of each pair's spread. @default 168 */
  readonly zWindow?: number;
}

/** Defaults of {@link ScanOptions}, stated once. */
export const SCAN_DEFAULTS = {
  signals: SCAN_SIGNALS,
  lookback: 168,
  factorWindow: 720,
  factors: ["BTC", "ETH"],
  breakoutWindow: 24,
  pairsWindow: 720,
  pairsTop: 10,
  zWindow: 168,
} as const;

/** One ranked entry: an asset, or a pair `Y/X`. */
export interface ScanRow {
  /** 1 = highest score (for pairs: largest |z|). */
  readonly rank: number;
  /** Asset label, or `Y/X` for a pair. */
  readonly name: string;
  readonly value: number;
}

/** One ranking. */
export interface ScanRanking {
  readonly signal: ScanSignal;
  /** What the value is, in one line a table can print. */
  readonly description: string;
  /** Ranked entries with a finite value, best first; ties by name. */
  readonly rows: readonly ScanRow[];
  /** Assets (or pairs) without a value at the scanned bar, sorted. */
  readonly missing: readonly string[];
}

/** What {@link scanCrossSection} returns. */
export interface CrossSectionScan {
  /** Open time (UTC ms) of the scanned bar: the panel's last row. */
  readonly barTime: number;
  /** The options with every default filled in. */
  readonly options: Required<ScanOptions>;
  readonly rankings: readonly ScanRanking[];
}

function rank(
  signal: ScanSignal,
  description: string,
  names: readonly string[],
  values: ArrayLike<number>,
  key: (v: number) => number,
): ScanRanking {
  const finite: { name: string; value: number }[] = [];
  const missing: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite.push({ name: names[i]!, value: v });
    else missing.push(names[i]!);
  }
  finite.sort((a, b) =>
    key(b.value) - key(a.value) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  return {
    signal,
    description,
    rows: finite.map((r, i) => ({ rank: i + 1, name: r.name, value: r.value })),
    missing: missing.sort(),
  };
}

function positiveInt(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) {
    throw new RangeError(`Cannot scan: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

/** Sum of `x[t-L+1..t]`, NaN unless all L are finite. */
function trailingSum(x: Float64Array, t: number, L: number): number {
  if (t - L + 1 < 0) return NaN;
  let s = 0;
  for (let i = t - L + 1; i <= t; i++) s += x[i]!;
  return s;
}

/**
 * Volatility breakout at t: `ln(close[t] / max(high[t-N..t-1])) / sd`, where sd is the sample
 * standard deviation (ddof 1) of the N one-bar log returns ending at t-1. Positive: the close
 * is above the prior N-bar high, by that many recent one-bar volatilities. NaN if any of those
 * bars is missing or sd is 0.
 */
function breakoutAt(
  high: Float64Array,
  close: Float64Array,
  r: Float64Array,
  t: number,
  N: number,
): number {
  if (t - N < 0) return NaN;
  let hi = -Infinity, mean = 0;
  for (let i = t - N; i < t; i++) {
    hi = Math.max(hi, high[i]!);
    mean += r[i]!;
  }
  mean /= N;
  let ss = 0;
  for (let i = t - N; i < t; i++) ss += (r[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (N - 1));
  const v = Math.log(close[t]! / hi) / sd;
  return Number.isFinite(v) && sd > 0 ? v : NaN;
}

/**
 * Rank the assets of `panel` at its last row by each signal. The scan uses the whole panel and
 * nothing else, so which bar is scanned is the caller's choice: give it a panel that ends at
 * the last CLOSED bar (lib/pipeline/scan_run.ts does).
 *
 * - `momentum`: `momentum(panel, {lookback})` (lib/research/signals), the log return over the
 *   last `lookback` bars.
 * - `residual-momentum`: the sum of the last `lookback` causal residuals of the BTC/ETH factor
 *   model (`factorModel(panel, {window: factorWindow, factors})`); NaN unless all are finite.
 * - `vol-breakout`: `ln(close[t] / max(high[t-N..t-1]))` over the standard deviation of the N
 *   one-bar log returns ending at t-1 (N = `breakoutWindow`).
 * - `pairs`: `screenPairs` (Engle-Granger, BH) on the log closes of the last `pairsWindow`
 *   bars, its `pairsTop` best pairs; each pair's spread `ln y - h ln x - c` (the screen's hedge
 *   ratio and intercept) gets `spreadZScore(spread, {window: zWindow})` (causal: bar t is not in
 *   its own baseline), ranked by |z|.
 *
 * Ranks: 1 = highest value (pairs: largest |z|), ties broken by name; assets without a value
 * are listed as missing, never ranked. Cost: O(T N k²) for the factor model, O(N² W) for the
 * pairs screen, O(T N) for the rest.
 *
 * @example Two assets, the one that rose more ranks first on momentum
 * ```ts
 * import { scanCrossSection } from "@lib/research/cross_section_scan.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const a = Float64Array.from({ length: 30 }, (_, i) => 100 * 1.01 ** i);
 * const b = Float64Array.from({ length: 30 }, (_, i) => 100 * 1.02 ** i);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["AAA", "BBB"],
 *   index: Float64Array.from(a, (_, i) => i * 3_600_000), close: [a, b] });
 * const s = scanCrossSection(p, { signals: ["momentum"], lookback: 10 });
 * assert.deepEqual(s.rankings[0]!.rows.map((r) => r.name), ["BBB", "AAA"]);
 * assert.ok(Math.abs(s.rankings[0]!.rows[0]!.value - 10 * Math.log(1.02)) < 1e-12);
 * ```
 */
export function scanCrossSection(panel: Panel, options: ScanOptions = {}): CrossSectionScan {
  const o: Required<ScanOptions> = {
    signals: options.signals ?? SCAN_DEFAULTS.signals,
    lookback: options.lookback ?? SCAN_DEFAULTS.lookback,
    factorWindow: options.factorWindow ?? SCAN_DEFAULTS.factorWindow,
    factors: options.factors ?? SCAN_DEFAULTS.factors,
    breakoutWindow: options.breakoutWindow ?? SCAN_DEFAULTS.breakoutWindow,
    pairsWindow: options.pairsWindow ?? SCAN_DEFAULTS.pairsWindow,
    pairsTop: options.pairsTop ?? SCAN_DEFAULTS.pairsTop,
    zWindow: options.zWindow ?? SCAN_DEFAULTS.zWindow,
  };
  positiveInt("lookback", o.lookback, 1);
  positiveInt("factorWindow", o.factorWindow, 3);
  positiveInt("breakoutWindow", o.breakoutWindow, 2);
  positiveInt("pairsWindow", o.pairsWindow, 3);
  positiveInt("pairsTop", o.pairsTop, 1);
  positiveInt("zWindow", o.zWindow, 2);
  for (const s of o.signals) {
    if (!(SCAN_SIGNALS as readonly string[]).includes(s)) {
      throw new RangeError(`Cannot scan: unknown signal "${s}"; known: ${SCAN_SIGNALS.join(", ")}`);
    }
  }
  const n = panel.index.length;
  if (n === 0) throw new RangeError("Cannot scan: the panel has no bars");
  const t = n - 1;
  const assets = panel.assets;
  const rankings: ScanRanking[] = [];
  for (const signal of o.signals) {
    if (signal === "momentum") {
      const m = momentum(panel, { lookback: o.lookback });
      rankings.push(
        rank(
          signal,
          `log return over the last ${o.lookback} bars`,
          assets,
          m.map((x) => x[t]!),
          (v) => v,
        ),
      );
    } else if (signal === "residual-momentum") {
      const fit = factorModel(panel, { window: o.factorWindow, factors: o.factors });
      const v = fit.assets.map((a) => trailingSum(a.residuals, t, o.lookback));
      rankings.push(
        rank(
          signal,
          `sum of the last ${o.lookback} causal residuals of the ${
            fit.factors.join("/")
          } factor model (window ${o.factorWindow})`,
          assets,
          v,
          (x) => x,
        ),
      );
    } else if (signal === "vol-breakout") {
      const v = assets.map((_, a) =>
        breakoutAt(panel.high[a]!, panel.close[a]!, panel.logReturns[a]!, t, o.breakoutWindow)
      );
      rankings.push(
        rank(
          signal,
          `ln(close / prior ${o.breakoutWindow}-bar high) in ${o.breakoutWindow}-bar return sds`,
          assets,
          v,
          (x) => x,
        ),
      );
    } else {
      const start = Math.max(0, n - o.pairsWindow);
      const logs = panel.close.map((c) => Float64Array.from(c.subarray(start), (x) => Math.log(x)));
      const names: string[] = [];
      const z: number[] = [];
      if (assets.length >= 2) {
        const screen = screenPairs(logs, assets, {
          maxPairs: o.pairsTop,
          minOverlap: Math.min(100, n - start),
        });
        for (const p of screen.pairs) {
          const y = logs[p.yIndex]!, x = logs[p.xIndex]!;
          const spread = Float64Array.from(y, (v, i) => v - p.hedgeRatio * x[i]! - p.intercept);
          const zs = spreadZScore(spread, { window: o.zWindow });
          names.push(`${p.y}/${p.x}`);
          z.push(zs.zScore[spread.length - 1]!);
        }
      }
      rankings.push(
        rank(
          signal,
          `z-score of the spread of the ${o.pairsTop} most cointegrated pairs (last ${o.pairsWindow} bars; causal ${o.zWindow}-bar window), by |z|`,
          names,
          z,
          Math.abs,
        ),
      );
    }
  }
  return { barTime: panel.index[t]!, options: o, rankings };
}
