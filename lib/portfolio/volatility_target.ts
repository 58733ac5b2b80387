/**
 * Volatility targeting: scale a portfolio so its annualized volatility hits a target, with a
 * leverage cap. Years have 365 days (crypto trades 24/7).
 *
 * @module
 */
import { type Freq, PERIODS_PER_YEAR } from "../core/freq.ts";
import type { Series } from "../stats/types.ts";
import { flatCovariance, quadraticForm } from "./_allocation.ts";

/** Options shared by {@link volatilityTarget} and {@link volatilityTargetLeverage}. */
export interface VolatilityTargetOptions {
  /** Target annualized volatility, e.g. 0.2 for 20% a year. */
  readonly targetVolatility: number;
  /**
   * Bar frequency of the covariance or returns: `periodsPerYear = 365 days / bar`
   * (8,760 for "1h", 365 for "1d"; never 252).
   */
  readonly frequency: Freq;
  /**
   * Largest leverage (sum of |weights| after scaling over before) allowed.
   * @default 1 (never borrow)
   */
  readonly maxLeverage?: number;
}

/** Defaults of {@link VolatilityTargetOptions} and {@link VolatilityTargetLeverageOptions}. */
export const VOLATILITY_TARGET_DEFAULTS = { maxLeverage: 1 } as const;

/** The answer of {@link volatilityTarget}. */
export interface VolatilityTarget {
  /** The input weights times `leverage`. */
  readonly weights: Float64Array;
  /** `min(maxLeverage, targetVolatility / volatility)`. */
  readonly leverage: number;
  /** Annualized volatility of the input weights, `sqrt(w'Sw * periodsPerYear)`. */
  readonly volatility: number;
  /** Annualized volatility after scaling (below the target when the cap binds). */
  readonly scaledVolatility: number;
  /** True when `maxLeverage` stopped the scaling short of the target. */
  readonly capped: boolean;
  /** Bars per 365-day year used to annualize. */
  readonly periodsPerYear: number;
}

function check(o: VolatilityTargetOptions, what: string): [number, number] {
  if (!(o.targetVolatility > 0) || !Number.isFinite(o.targetVolatility)) {
    throw new RangeError(
      `Cannot compute ${what}: targetVolatility must be a positive annualized volatility ` +
        `(0.2 for 20% a year), got ${o.targetVolatility}`,
    );
  }
  const ppy = PERIODS_PER_YEAR[o.frequency];
  if (ppy === undefined) {
    throw new RangeError(
      `Cannot compute ${what}: unknown frequency "${o.frequency}"; use one of ` +
        Object.keys(PERIODS_PER_YEAR).join(", "),
    );
  }
  const cap = o.maxLeverage ?? VOLATILITY_TARGET_DEFAULTS.maxLeverage;
  if (!(cap > 0)) {
    throw new RangeError(`Cannot compute ${what}: maxLeverage must be positive, got ${cap}`);
  }
  return [ppy, cap];
}

/**
 * Scale portfolio weights so that their annualized volatility, from a per-bar covariance,
 * equals `targetVolatility`, but by no more than `maxLeverage`:
 * `leverage = min(maxLeverage, target / sqrt(w'Sw * periodsPerYear))`, with
 * `periodsPerYear = 365 * 24 h / bar` (365-day years). The rest stays in cash.
 *
 * @param weights the portfolio to scale (any signs)
 * @param covariance per-bar covariance of the assets' returns at `options.frequency`
 *
 * @example 60% annualized volatility scaled to a 20% target
 * ```ts
 * import { volatilityTarget } from "@lib/portfolio/volatility_target.ts";
 * import assert from "node:assert/strict";
 * const hourlyVar = 0.6 ** 2 / 8760; // 60% a year on hourly bars
 * const r = volatilityTarget([1], [[hourlyVar]], { targetVolatility: 0.2, frequency: "1h" });
 * assert.ok(Math.abs(r.leverage - 1 / 3) < 1e-12);
 * assert.ok(Math.abs(r.scaledVolatility - 0.2) < 1e-12);
 * assert.equal(r.capped, false);
 * ```
 */
export function volatilityTarget(
  weights: ArrayLike<number>,
  covariance: readonly ArrayLike<number>[],
  options: VolatilityTargetOptions,
): VolatilityTarget {
  const what = "the volatility-targeted weights";
  const [ppy, cap] = check(options, what);
  const [s, n] = flatCovariance(covariance, what);
  if (weights.length !== n) {
    throw new RangeError(`Cannot compute ${what}: ${weights.length} weights for ${n} assets`);
  }
  const volatility = Math.sqrt(Math.max(0, quadraticForm(s, weights, n)) * ppy);
  const wanted = options.targetVolatility / volatility;
  const leverage = Math.min(cap, wanted);
  return {
    weights: Float64Array.from(weights, (w) => w * leverage),
    leverage,
    volatility,
    scaledVolatility: volatility * leverage,
    capped: wanted > cap,
    periodsPerYear: ppy,
  };
}

/** Options of {@link volatilityTargetLeverage}. */
export interface VolatilityTargetLeverageOptions extends VolatilityTargetOptions {
  /** Number of past bars in the volatility estimate. */
  readonly window: number;
  /**
   * Finite returns needed in the window before a leverage is given (NaN before).
   * @default window
   */
  readonly minPeriods?: number;
}

/**
 * The leverage to hold over each bar so that a strategy's returns run at `targetVolatility`:
 * `L_t = min(maxLeverage, target / (sigma_{t-1} sqrt(periodsPerYear)))`, where `sigma_{t-1}`
 * is the sample standard deviation (ddof 1) of the finite returns among bars
 * `t - window .. t - 1`. **Causal:** `L_t` uses returns strictly before bar t, so multiply
 * `L_t` by the return of bar t. NaN when fewer than `minPeriods` finite returns are in the
 * window (a missing return is skipped, never read as zero), and for a window with zero
 * variance. Equals pandas `min(cap, target / (r.rolling(window, min_periods).std().shift(1) *
 * sqrt(ppy)))`. Cost: O(T) (running sums).
 *
 * @param returns per-bar returns of the strategy at `options.frequency`
 *
 * @example Hourly returns, 24-hour window, 2x cap
 * ```ts
 * import { volatilityTargetLeverage } from "@lib/portfolio/volatility_target.ts";
 * import assert from "node:assert/strict";
 * const r = Array.from({ length: 48 }, (_, t) => (t % 2 === 0 ? 0.01 : -0.01));
 * const lev = volatilityTargetLeverage(r, {
 *   targetVolatility: 0.5, frequency: "1h", window: 24, maxLeverage: 2,
 * });
 * assert.ok(Number.isNaN(lev[23]!)); // only 23 past returns
 * const sigma = 0.01 * Math.sqrt(24 / 23);
 * assert.ok(Math.abs(lev[24]! - 0.5 / (sigma * Math.sqrt(8760))) < 1e-12);
 * ```
 */
export function volatilityTargetLeverage(
  returns: Series,
  options: VolatilityTargetLeverageOptions,
): Float64Array {
  const what = "the volatility-target leverage";
  const [ppy, cap] = check(options, what);
  const window = options.window;
  const minPeriods = options.minPeriods ?? window;
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`Cannot compute ${what}: window must be an integer >= 2, got ${window}`);
  }
  if (!Number.isInteger(minPeriods) || minPeriods < 2 || minPeriods > window) {
    throw new RangeError(
      `Cannot compute ${what}: minPeriods must be an integer in 2..window (${window}), got ${minPeriods}`,
    );
  }
  const n = returns.length;
  const out = new Float64Array(n).fill(NaN);
  // shifted sums (around the first finite return) keep the variance accurate for small returns
  let shift = NaN;
  for (let t = 0; t < n; t++) {
    if (Number.isFinite(returns[t]!)) {
      shift = returns[t]!;
      break;
    }
  }
  let count = 0, sum = 0, sumSq = 0;
  const root = Math.sqrt(ppy);
  for (let t = 0; t < n; t++) {
    // the window of bar t is t - window .. t - 1
    if (count >= minPeriods) {
      const variance = (sumSq - (sum * sum) / count) / (count - 1);
      if (variance > 0) {
        out[t] = Math.min(cap, options.targetVolatility / (Math.sqrt(variance) * root));
      }
    }
    const add = returns[t]!;
    if (Number.isFinite(add)) {
      const x = add - shift;
      count++;
      sum += x;
      sumSq += x * x;
    }
    const drop = t - window >= 0 ? returns[t - window]! : NaN;
    if (Number.isFinite(drop)) {
      const x = drop - shift;
      count--;
      sum -= x;
      sumSq -= x * x;
    }
  }
  return out;
}
