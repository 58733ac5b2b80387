/**
 * Every headline number of a strategy tear sheet from per-bar returns.
 *
 * @module
 */
import { excessKurtosis } from "../../stats/excess_kurtosis.ts";
import { alphaBeta } from "./alpha_beta.ts";
import { calendarReturns } from "./calendar_returns.ts";
import { cagr, elapsedMs } from "./cagr.ts";
import { calmar } from "./calmar.ts";
import { drawdowns } from "./drawdowns.ts";
import { hitRate } from "./hit_rate.ts";
import { periodsPerYear, YEAR_MS } from "./periods_per_year.ts";
import { sharpe } from "./sharpe.ts";
import { skewness } from "./skewness.ts";
import { sortino } from "./sortino.ts";
import { historicalTailRisk } from "./tail_risk.ts";
import { volatility } from "./volatility.ts";

/** Options of {@link performanceSummary}. */
export interface PerformanceSummaryOptions {
  /** Benchmark (BTC) simple returns on the same bars, for alpha and beta. @default none */
  readonly benchmark?: ArrayLike<number>;
  /** Confidence of VaR and CVaR. @default 0.95 */
  readonly confidence?: number;
  /**
   * The bar where the account was ruined (a backtest's `metadata.ruinBar`: equity at or below
   * 0, or no longer a finite number), or -1. From there on the rows are not returns of a going
   * concern, so every statistic of the return distribution (volatility, Sharpe, Sortino,
   * Calmar, skew, kurtosis, VaR, CVaR, hit rate, best and worst day and month, alpha, beta)
   * and the drawdown durations are NaN (undefined), never 0; total return, CAGR and max
   * drawdown are -100% when the ruin bar lost everything (net return <= -1), else NaN.
   * @default -1
   */
  readonly ruinBar?: number;
}

/** The numbers of a strategy tear sheet (returns are fractions; times UTC ms). */
export interface PerformanceSummary {
  readonly bars: number;
  /** Bars per 365-day year of the bar length. */
  readonly periodsPerYear: number;
  /** Calendar years spanned: first bar's open to last bar's close over 365 days. */
  readonly years: number;
  /** `prod(1 + r) - 1`. */
  readonly totalReturn: number;
  /** See `cagr`: compounded over the elapsed calendar time. */
  readonly cagr: number;
  /** See `volatility`. */
  readonly volatility: number;
  /** See `sharpe`. */
  readonly sharpe: number;
  /** See `sortino`. */
  readonly sortino: number;
  /** See `calmar`. */
  readonly calmar: number;
  /** Deepest drawdown (negative). */
  readonly maxDrawdown: number;
  /** Peak-to-recovery time of the deepest drawdown (to the end when not recovered), ms. */
  readonly maxDrawdownDurationMs: number;
  /** The longest drawdown's peak-to-recovery time, ms. */
  readonly longestDrawdownMs: number;
  /** pandas `skew()` (G1). */
  readonly skew: number;
  /** EXCESS kurtosis, pandas `kurt()` (G2; a normal sample gives 0). */
  readonly kurtosis: number;
  /** Historical VaR at `confidence` (a per-bar return; negative is a loss). */
  readonly valueAtRisk: number;
  /** Historical CVaR at `confidence`. */
  readonly conditionalValueAtRisk: number;
  /** Winning bars among bars that moved. */
  readonly hitRate: number;
  /** Best and worst UTC calendar day and month (compounded bar returns). */
  readonly bestDay: number;
  readonly worstDay: number;
  readonly bestMonth: number;
  readonly worstMonth: number;
  /** OLS beta to the benchmark (NaN without one). */
  readonly beta: number;
  /** Annualized arithmetic alpha to the benchmark (NaN without one). */
  readonly alpha: number;
}

function extreme(x: Float64Array, max: boolean): number {
  let out = NaN;
  for (const v of x) if (out !== out || (max ? v > out : v < out)) out = v;
  return out;
}

/**
 * The headline numbers of a strategy tear sheet from per-bar simple returns (`net` of a
 * backtest) on bars opening at `index` and `barMs` long; annualized with
 * `periodsPerYear(barMs)` (365-day years: 8,760 hourly bars). Each number is the function of
 * the same name in `lib/backtest/metrics` (see there for the formula). Cost: O(n log n).
 *
 * @example One calendar year of daily bars doubling the money
 * ```ts
 * import { performanceSummary } from "@lib/backtest/metrics/performance_summary.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const r = Array.from({ length: 365 }, (_, t) => (t % 2 ? 0.02 : -0.01));
 * const g = r.reduce((a, x) => a * (1 + x), 1);
 * const index = r.map((_, t) => Date.UTC(2021, 0, 1) + t * day);
 * const s = performanceSummary(r, index, day);
 * assert.equal(s.periodsPerYear, 365);
 * assert.ok(Math.abs(s.cagr - (g - 1)) < 1e-9);
 * assert.ok(s.maxDrawdown < 0);
 * ```
 */
export function performanceSummary(
  returns: ArrayLike<number>,
  index: ArrayLike<number>,
  barMs: number,
  options: PerformanceSummaryOptions = {},
): PerformanceSummary {
  const ppy = periodsPerYear(barMs);
  const elapsed = elapsedMs(index, barMs);
  let logGrowth = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i]!;
    if (Number.isFinite(r)) logGrowth += Math.log1p(r);
  }
  const dd = drawdowns(returns, index, barMs);
  const tail = historicalTailRisk(returns, options.confidence ?? 0.95);
  const days = calendarReturns(returns, index, "day").returns;
  const months = calendarReturns(returns, index, "month").returns;
  const ab = options.benchmark === undefined
    ? { beta: NaN, alpha: NaN }
    : alphaBeta(returns, options.benchmark, ppy);
  const c = cagr(returns, elapsed);
  const ruinBar = options.ruinBar ?? -1;
  if (ruinBar >= 0) {
    const lost = returns[ruinBar]! <= -1 ? -1 : NaN;
    return {
      bars: returns.length,
      periodsPerYear: ppy,
      years: elapsed / YEAR_MS,
      totalReturn: lost,
      cagr: lost,
      volatility: NaN,
      sharpe: NaN,
      sortino: NaN,
      calmar: NaN,
      maxDrawdown: lost,
      maxDrawdownDurationMs: NaN,
      longestDrawdownMs: NaN,
      skew: NaN,
      kurtosis: NaN,
      valueAtRisk: NaN,
      conditionalValueAtRisk: NaN,
      hitRate: NaN,
      bestDay: NaN,
      worstDay: NaN,
      bestMonth: NaN,
      worstMonth: NaN,
      beta: NaN,
      alpha: NaN,
    };
  }
  return {
    bars: returns.length,
    periodsPerYear: ppy,
    years: elapsed / YEAR_MS,
    totalReturn: Math.expm1(logGrowth),
    cagr: c,
    volatility: volatility(returns, ppy),
    sharpe: sharpe(returns, ppy),
    sortino: sortino(returns, ppy),
    calmar: calmar(c, dd.maxDrawdown),
    maxDrawdown: dd.maxDrawdown,
    maxDrawdownDurationMs: dd.maxEpisode?.durationMs ?? 0,
    longestDrawdownMs: dd.longestEpisode?.durationMs ?? 0,
    skew: skewness(returns),
    kurtosis: excessKurtosis(Array.from(returns)),
    valueAtRisk: tail.valueAtRisk,
    conditionalValueAtRisk: tail.conditionalValueAtRisk,
    hitRate: hitRate(returns),
    bestDay: extreme(days, true),
    worstDay: extreme(days, false),
    bestMonth: extreme(months, true),
    worstMonth: extreme(months, false),
    beta: ab.beta,
    alpha: ab.alpha,
  };
}
