/** What {@link capacityCurve} needs from one backtest run (a `BacktestResult` fits). */
export interface CapacityRun {
  /** Net simple return per bar (after every cost), NaN-free. */
  readonly net: ArrayLike<number>;
}

/** Options of {@link capacityCurve}. */
export interface CapacityCurveOptions {
  /** Bars per year of the backtest's frequency, with 365-day years (8,760 hourly, 365 daily). */
  readonly periodsPerYear: number;
}

/** Net performance against capital deployed, one entry per capital (ascending). */
export interface CapacityCurve {
  /** Starting equity of each run, quote currency, ascending. */
  readonly capital: Float64Array;
  /** Annualized Sharpe ratio of net simple returns: `mean / std (ddof 1) * sqrt(periodsPerYear)`. */
  readonly netSharpe: Float64Array;
  /** Total net return over the run: `prod(1 + r) - 1`. */
  readonly netReturn: Float64Array;
  /** Compound annual net return: `(1 + netReturn)^(periodsPerYear / bars) - 1`. */
  readonly netCagr: Float64Array;
  /** Bars per year used to annualize. */
  readonly periodsPerYear: number;
}

/**
 * Capacity curve: runs the backtest once per capital and reports its net Sharpe ratio and net
 * return against the capital deployed. With size-dependent costs (square-root impact, DEX
 * curves, participation caps) the costs grow faster than linearly in capital, so the curve
 * falls; where it crosses a hurdle is the strategy's capacity. `runBacktest` receives the
 * starting equity in quote currency and returns at least the per-bar net simple returns `net`:
 * the engine's result fits as it is, `(c) => backtestWeights(prices, targets,
 * { initialEquity: c, costs })`.
 * Runs are sequential and independent. Sharpe uses no risk-free rate and 365-day years via
 * `periodsPerYear`. Cost: one backtest per capital.
 *
 * @example A strategy that earns 10 bp a bar before a cost growing with sqrt(capital)
 * ```ts
 * import { capacityCurve } from "@lib/backtest/costs/capacity_curve.ts";
 * import assert from "node:assert/strict";
 * const gross = Array.from({ length: 200 }, (_, t) => 0.001 + (t % 2 ? 0.01 : -0.01));
 * const run = (capital: number) => ({
 *   net: gross.map((r) => r - 0.0005 * Math.sqrt(capital / 1e6)),
 * });
 * const curve = capacityCurve(run, [1e6, 4e6, 16e6], { periodsPerYear: 365 });
 * assert.ok(curve.netSharpe[0]! > curve.netSharpe[1]! && curve.netSharpe[1]! > curve.netSharpe[2]!);
 * assert.ok(curve.netReturn[2]! < 0); // at $16m the 20 bp cost exceeds the 10 bp edge
 * ```
 *
 * @example With the engine and square-root impact: the result of `backtestWeights` is a run
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { capacityCurve } from "@lib/backtest/costs/capacity_curve.ts";
 * import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
 * import assert from "node:assert/strict";
 * const T = 60;
 * const close = [Float64Array.from({ length: T }, (_, t) => 100 * (1 + 0.01 * Math.sin(t)))];
 * const target = [Float64Array.from({ length: T }, (_, t) => (Math.cos(t) > 0 ? 1 : -1))];
 * const impact = squareRootImpact({ sigma: [new Float64Array(T).fill(0.01)], adv: [new Float64Array(T).fill(1e7)] });
 * const curve = capacityCurve(
 *   (capital) => backtestWeights({ close }, target, { initialEquity: capital, costs: [impact] }),
 *   [1e4, 1e6],
 *   { periodsPerYear: 8760 },
 * );
 * assert.ok(curve.netReturn[1]! < curve.netReturn[0]!);
 * ```
 */
export function capacityCurve(
  runBacktest: (capital: number) => CapacityRun,
  capitals: readonly number[],
  options: CapacityCurveOptions,
): CapacityCurve {
  const ppy = options.periodsPerYear;
  if (!(ppy > 0) || !Number.isFinite(ppy)) {
    throw new RangeError(
      `Cannot compute a capacity curve: periodsPerYear must be a positive number ` +
        `(365 daily, 8760 hourly), got ${ppy}`,
    );
  }
  if (capitals.length === 0) {
    throw new RangeError("Cannot compute a capacity curve: give at least one capital");
  }
  capitals.forEach((c, i) => {
    if (!(c > 0) || !Number.isFinite(c) || (i > 0 && !(c > capitals[i - 1]!))) {
      throw new RangeError(
        `Cannot compute a capacity curve: capitals must be positive and ascending, got ` +
          `${c} at position ${i}`,
      );
    }
  });
  const m = capitals.length;
  const curve = {
    capital: Float64Array.from(capitals),
    netSharpe: new Float64Array(m),
    netReturn: new Float64Array(m),
    netCagr: new Float64Array(m),
    periodsPerYear: ppy,
  };
  capitals.forEach((capital, k) => {
    const r = runBacktest(capital).net;
    const n = r.length;
    let sum = 0, logGrowth = 0;
    for (let t = 0; t < n; t++) {
      const x = r[t]!;
      if (!Number.isFinite(x) || x < -1) {
        throw new RangeError(
          `Cannot compute a capacity curve: the run at capital ${capital} has net return ${x} ` +
            `at bar ${t}; returns must be finite simple returns >= -1`,
        );
      }
      sum += x;
      logGrowth += Math.log1p(x);
    }
    const mean = n > 0 ? sum / n : NaN;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (r[t]! - mean) ** 2;
    const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : NaN;
    curve.netSharpe[k] = sd > 0 ? (mean / sd) * Math.sqrt(ppy) : NaN;
    curve.netReturn[k] = n > 0 ? Math.expm1(logGrowth) : NaN;
    curve.netCagr[k] = n > 0 ? Math.expm1((logGrowth * ppy) / n) : NaN;
  });
  return curve;
}
