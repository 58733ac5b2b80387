import { COST_KERNEL, type CostBar, type CostModel } from "../cost_model.ts";
import { checkBarWidth, checkColumns, checkNumber, checkRow } from "./_check.ts";

/** Options of {@link halfSpreadCost}. */
export interface HalfSpreadCostOptions {
  /**
   * Full proportional spread `(ask - bid) / mid` per asset column and bar, row `t` being what
   * is known when the engine fills at bar `t` (from {@link quotedSpreads} or
   * {@link estimatedSpreads}, both causal); NaN where unknown.
   */
  readonly spreads: readonly ArrayLike<number>[];
  /** Used where `spreads` is NaN, e.g. OHLC estimates behind stored quotes. */
  readonly fallback?: readonly ArrayLike<number>[];
  /**
   * Spread charged where neither `spreads` nor `fallback` knows one (the estimators' warm-up,
   * an asset without quotes): 20 bp, a wide spread for a major pair and a typical one for a
   * small cap, so a missing value is never free.
   * @default 0.002
   */
  readonly unknownSpread?: number;
  /** @default "spread" */
  readonly name?: string;
}

/** Default of {@link HalfSpreadCostOptions.unknownSpread}. */
export const UNKNOWN_SPREAD = 0.002;

/**
 * Half-spread cost: a trade that crosses the book pays half the bid-ask spread against the mid,
 * so asset `i` pays `|traded_i| * s_i(t) / 2` (fraction of equity), with `s_i(t)` the full
 * proportional spread known at the fill: `spreads[i][t]`, else `fallback[i][t]`, else
 * `unknownSpread`. The spread arrays are built by the caller, causally: quoted spreads from
 * stored snapshots ({@link quotedSpreads}) or OHLC estimates from bars up to `t - 1`
 * ({@link estimatedSpreads}); the model only reads row `t`. Cost: O(assets) per bar.
 *
 * @example
 * ```ts
 * import { halfSpreadCost } from "@lib/backtest/costs/half_spread_cost.ts";
 * import assert from "node:assert/strict";
 * const model = halfSpreadCost({ spreads: [Float64Array.of(0.001, NaN)], fallback: [Float64Array.of(NaN, 0.004)] });
 * const out = new Float64Array(1);
 * model.cost({ t: 1, ts: 0, traded: Float64Array.of(-0.5), held: Float64Array.of(0), equity: 1 }, out);
 * assert.equal(out[0], 0.5 * 0.004 / 2); // the quote is missing at bar 1: the estimate is used
 * ```
 */
export function halfSpreadCost(options: HalfSpreadCostOptions): CostModel {
  const { spreads, fallback } = options;
  const unknown = options.unknownSpread ?? UNKNOWN_SPREAD;
  checkNumber(unknown, "unknownSpread", "half-spread costs", 0);
  const bars = checkColumns(spreads, "spreads", "half-spread costs");
  if (fallback) {
    const fb = checkColumns(fallback, "fallback", "half-spread costs");
    if (fallback.length !== spreads.length || (fallback.length > 0 && fb !== bars)) {
      throw new RangeError(
        `Cannot build half-spread costs: fallback must have the shape of spreads ` +
          `(${spreads.length} columns of ${bars} bars), got ${fallback.length} of ${fb}`,
      );
    }
  }
  const name = options.name ?? "spread";
  // the spread charged, resolved once (spreads, else fallback, else unknownSpread), time-major:
  // the engine asks for one bar at a time and one contiguous row is read much faster than one
  // value from each of N columns
  const N = spreads.length;
  const charged = new Float64Array(bars * N);
  for (let i = 0; i < N; i++) {
    const sc = spreads[i]!, fc = fallback?.[i];
    for (let t = 0, j = i; t < bars; t++, j += N) {
      let s = sc[t]!;
      if (!(s >= 0) && fc) s = fc[t]!;
      charged[j] = s >= 0 ? s : unknown;
    }
  }
  const model: CostModel = {
    name,
    zeroWhenFlat: true,
    cost(bar: CostBar, out: Float64Array): void {
      const { traded, t, active: act } = bar;
      checkBarWidth(traded.length, N, name);
      checkRow(t, bars, name);
      const row = t * N;
      const n = act === undefined ? N : bar.activeCount!;
      for (let q = 0; q < n; q++) {
        const i = act === undefined ? q : act[q]!;
        const x = traded[i]!;
        if (x === 0) continue;
        out[i] = (Math.abs(x) * charged[row + i]!) / 2;
      }
    },
  };
  return Object.assign(model, {
    [COST_KERNEL]: { kind: "spread", cost: model.cost, width: N, bars, charged } as const,
  });
}
