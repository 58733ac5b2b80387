import { rollingStat } from "../../stats/rolling_stat.ts";
import { checkWindow } from "./_check.ts";

/** Options of {@link impactInputs}. */
export interface ImpactInputsOptions {
  /**
   * Bars in the trailing window of both the volatility and the average traded value.
   * @default 720 (30 days of hourly bars)
   */
  readonly window?: number;
  /**
   * Fewest finite values in the window; fewer gives NaN (the impact model then refuses to
   * price a trade, and {@link capTrade} allows none).
   * @default Math.ceil(window / 2)
   */
  readonly minPeriods?: number;
}

/** Trailing per-bar volatility and traded value per asset, as {@link squareRootImpact} reads them. */
export interface ImpactInputs {
  /** `sigma[i][t]`: sample std (ddof 1) of the log returns of bars `t - window .. t - 1`. */
  readonly sigma: Float64Array[];
  /**
   * `adv[i][t]`: mean traded value per bar, in quote currency (`close * volume`, the base
   * volume valued at the bar's close), over bars `t - window .. t - 1`.
   */
  readonly adv: Float64Array[];
}

/**
 * Causal inputs of the square-root impact model from a panel's closes and base volumes (one
 * column per asset, as `Panel.close` / `Panel.volume`): per-bar volatility of log returns and
 * average traded value per bar ("ADV" on the bar's scale), both over the `window` bars before
 * `t`, so a trade at bar `t` is priced from bars up to `t - 1` only. A return is
 * `ln(c_u / c_{u-1})` and is missing across a missing close (never a zero). Missing bars are
 * skipped, not zero-filled. Both use `rollingStat` of lib/stats (pandas' missing-value rules; a
 * window of one repeated value, e.g. a run of zero returns after moves, has a std of exactly 0)
 * shifted one bar. Cost: O(T * assets) with running sums.
 *
 * @example
 * ```ts
 * import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(100, 101, 100, 102, 1000)];
 * const volume = [Float64Array.of(10, 20, 30, 40, 1e9)];
 * const { sigma, adv } = impactInputs({ close, volume }, { window: 3, minPeriods: 2 });
 * assert.equal(adv[0]![3], (100 * 10 + 101 * 20 + 100 * 30) / 3);
 * assert.ok(sigma[0]![4]! < 0.03); // bar 4's jump is not seen at bar 4
 * ```
 */
export function impactInputs(
  bars: {
    readonly close: readonly ArrayLike<number>[];
    readonly volume: readonly ArrayLike<number>[];
  },
  options: ImpactInputsOptions = {},
): ImpactInputs {
  const window = options.window ?? 720;
  const minPeriods = options.minPeriods ?? Math.ceil(window / 2);
  checkWindow(window, minPeriods, "impact inputs");
  const { close, volume } = bars;
  if (close.length !== volume.length) {
    throw new RangeError(
      `Cannot compute impact inputs: close and volume need one column per asset, got ` +
        `${close.length} and ${volume.length}`,
    );
  }
  const sigma: Float64Array[] = [];
  const adv: Float64Array[] = [];
  close.forEach((c, i) => {
    const v = volume[i]!;
    if (v.length !== c.length) {
      throw new RangeError(
        `Cannot compute impact inputs: asset ${i} has ${c.length} closes and ${v.length} volumes`,
      );
    }
    const n = c.length;
    const r = new Float64Array(n).fill(NaN);
    const value = new Float64Array(n).fill(NaN);
    for (let t = 0; t < n; t++) {
      const ct = c[t]!, vt = v[t]!;
      if (ct > 0 && vt >= 0 && Number.isFinite(ct) && Number.isFinite(vt)) value[t] = ct * vt;
      if (t > 0 && ct > 0 && c[t - 1]! > 0 && Number.isFinite(ct + c[t - 1]!)) {
        r[t] = Math.log(ct / c[t - 1]!);
      }
    }
    sigma.push(causalStat(r, window, Math.min(Math.max(minPeriods, 2), window), "std"));
    adv.push(causalStat(value, window, minPeriods, "mean"));
  });
  return { sigma, adv };
}

/**
 * `out[t]` = `rollingStat(x, window, minObs, stat)[t - 1]`: the statistic of rows
 * `t - window .. t - 1` (bars before `t` only), NaN at row 0. The shared kernel gives a window
 * of one repeated value (a run of zero returns) a std of exactly 0 and clips a mean of
 * non-negative values at 0.
 */
function causalStat(
  x: Float64Array,
  window: number,
  minObs: number,
  stat: "mean" | "std",
): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  out[0] = NaN;
  out.set(rollingStat(x, window, minObs, stat).subarray(0, n - 1), 1);
  return out;
}
