import { COST_KERNEL, type CostBar, type CostModel } from "../cost_model.ts";
import { checkBarWidth, checkColumns, checkNumber, checkRow } from "./_check.ts";

/** Options of {@link squareRootImpact}. */
export interface SquareRootImpactOptions {
  /** Per-bar volatility of log returns per asset column, row `t` from bars before `t`. */
  readonly sigma: readonly ArrayLike<number>[];
  /** Average traded value per bar (quote currency) per asset column, row `t` from bars before `t`. */
  readonly adv: readonly ArrayLike<number>[];
  /**
   * The impact coefficient `k` (Y in Toth et al. 2011, who measure it of order 1 across
   * markets; Almgren et al. 2005 fit a comparable constant on US equities).
   * @default 1
   */
  readonly k?: number;
  /**
   * Largest fraction of a bar's average traded value one trade may take. It limits the FILL,
   * not the cost: the engine calls the model's `capTrade` before executing a bar's trades.
   * @default 0.1
   */
  readonly participationCap?: number;
  /** @default "impact" */
  readonly name?: string;
}

/** A cost model that also limits how much of a trade can be filled at a bar. */
export interface FillLimiter {
  /**
   * Writes into `out` the part of `desired` (signed weights) that can be filled at bar `t`
   * with `equity` in quote currency; see `capTrade` of ./cap_trade.ts (same rule). With `at`
   * (ascending asset columns, `count` of them; the engine gives them), `desired` is 0 at every
   * other asset and only `out[at[k]]` are written (the others are left as they are, 0 in the
   * engine).
   */
  capTrade(
    t: number,
    equity: number,
    desired: ArrayLike<number>,
    out: Float64Array,
    at?: Int32Array,
    count?: number,
  ): Float64Array;
}

/** True when a cost model limits fills (the engine then calls its `capTrade` first). */
export function limitsFills(model: CostModel): model is CostModel & FillLimiter {
  return typeof (model as Partial<FillLimiter>).capTrade === "function";
}

/** Sigma and ADV can price a trade: sigma finite and >= 0, ADV finite and > 0. */
function known(s: number, a: number): boolean {
  return s >= 0 && a > 0 && s !== Infinity && a !== Infinity;
}

/** Defaults of {@link squareRootImpact}. */
export const IMPACT_DEFAULTS = { k: 1, participationCap: 0.1 } as const;

/**
 * Square-root market impact: a trade of value `Q` (quote currency) moves the price against
 * itself by `k * sigma * sqrt(Q / ADV)` in relative terms, so asset `i` pays
 * `|traded_i| * k * sigma_i(t) * sqrt(|traded_i| * equity / adv_i(t))` (fraction of equity).
 * `sigma` and `adv` must be on the same time scale: per-bar volatility with average traded
 * value per bar ({@link impactInputs}) gives the same cost as daily volatility with daily
 * volume, because `sigma` grows with `sqrt(time)` and volume with `time`. Both are causal
 * (trailing windows ending at `t - 1`). The cost grows with equity: it is what makes a
 * {@link capacityCurve} bend.
 *
 * Participation cap: the model's `capTrade(t, equity, desired, out)` limits a fill to
 * `participationCap * adv_i(t)`; the engine calls it before executing (use
 * {@link limitsFills} to detect such a model) and the impact is charged on what was filled.
 * If a larger trade reaches `cost` anyway (an engine that does not cap), it is charged in full
 * at the formula, never at the cap, so costs are not understated.
 *
 * Unknown liquidity: the cap fills nothing at a bar where `sigma` or `adv` is unknown (NaN: the
 * warm-up of {@link impactInputs}, where ADV is known one bar before sigma; an asset whose data
 * ended) or `adv` is 0, so the engine never opens a position it cannot price. A trade that
 * reaches `cost` there anyway (the engine's uncapped end-of-data close, or an engine without
 * the cap) is priced with the asset's latest row before `t` where both are known (causal);
 * only an asset that never had both known throws, which the cap makes impossible in
 * `backtestWeights`.
 *
 * References: R. Almgren, C. Thum, E. Hauptmann, H. Li, "Direct Estimation of Equity Market
 * Impact", Risk, 2005; B. Toth et al., "Anomalous Price Impact and the Critical Nature of
 * Liquidity in Financial Markets", Phys. Rev. X 1, 021006, 2011 (https://arxiv.org/abs/1105.1694).
 * Cost: O(assets) per bar.
 *
 * @example 1% of $10m equity in a market trading $5m per bar with 1% bar volatility
 * ```ts
 * import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
 * import assert from "node:assert/strict";
 * const impact = squareRootImpact({ sigma: [[0.01]], adv: [[5e6]] });
 * const out = new Float64Array(1);
 * impact.cost({ t: 0, ts: 0, traded: Float64Array.of(0.01), held: Float64Array.of(0.01), equity: 1e7 }, out);
 * // Q = $100k = 2% of ADV: the price moves 0.01 * sqrt(0.02) = 14.1 bp, on 1% of equity
 * assert.ok(Math.abs(out[0]! - 0.01 * 0.01 * Math.sqrt(0.02)) < 1e-18);
 * const filled = impact.capTrade(0, 1e7, [0.2], new Float64Array(1));
 * assert.equal(filled[0], 0.05); // 10% of $5m is $500k = 5% of equity
 * ```
 */
export function squareRootImpact(options: SquareRootImpactOptions): CostModel & FillLimiter {
  const { sigma, adv } = options;
  const k = options.k ?? IMPACT_DEFAULTS.k;
  const cap = options.participationCap ?? IMPACT_DEFAULTS.participationCap;
  checkNumber(k, "k", "square-root impact", 0);
  checkNumber(cap, "participationCap", "square-root impact", 0, true);
  const bars = checkColumns(sigma, "sigma", "square-root impact");
  const advBars = checkColumns(adv, "adv", "square-root impact");
  if (sigma.length !== adv.length || (adv.length > 0 && advBars !== bars)) {
    throw new RangeError(
      `Cannot build square-root impact: sigma and adv must have the same shape, got ` +
        `${sigma.length} columns of ${bars} bars and ${adv.length} of ${advBars}`,
    );
  }
  const name = options.name ?? "impact";
  // time-major copies (row t = bar t's N values), built once: the engine asks for one bar at a
  // time, and reading one value from each of N column arrays per bar is several times slower
  // than one contiguous row; ADV is NaN where sigma or ADV is unknown (nothing is filled there).
  // Sigma and ADV side by side (SA[2j], SA[2j + 1]): the cap reads ADV, which brings sigma
  // into cache for the cost
  const N = sigma.length;
  const SA = new Float64Array(2 * bars * N);
  for (let i = 0; i < N; i++) {
    const sc = sigma[i]!, ac = adv[i]!;
    for (let t = 0, j = i; t < bars; t++, j += N) {
      const st = sc[t]!, at = ac[t]!;
      SA[2 * j] = st;
      SA[2 * j + 1] = known(st, at) ? at : NaN;
    }
  }
  const model: CostModel & FillLimiter = {
    name,
    zeroWhenFlat: true,
    cost(bar: CostBar, out: Float64Array): void {
      const { traded, t, equity, active: act } = bar;
      checkBarWidth(traded.length, N, name);
      checkRow(t, bars, name);
      const row = t * N;
      const n = act === undefined ? N : bar.activeCount!;
      for (let q = 0; q < n; q++) {
        const i = act === undefined ? q : act[q]!;
        const x = Math.abs(traded[i]!);
        if (x === 0) continue;
        let j = row + i, a = SA[2 * j + 1]!;
        while (a !== a && j >= N) { // the latest row before t where both are known
          j -= N;
          a = SA[2 * j + 1]!;
        }
        if (a !== a || !(equity > 0) || !Number.isFinite(equity)) {
          throw new RangeError(
            `Cannot price the impact of a trade of asset ${i} at bar ${t}: sigma=${
              sigma[i]![t]
            }, adv=${adv[i]![t]}, equity=${equity}, and no earlier bar knows both; start ` +
              `trading after the window of impactInputs, or let the engine cap fills with ` +
              `capTrade (it fills nothing where liquidity is unknown)`,
          );
        }
        out[i] = x * k * SA[2 * j]! * Math.sqrt((x * equity) / a);
      }
    },
    capTrade(
      t: number,
      equity: number,
      desired: ArrayLike<number>,
      out: Float64Array,
      at?: Int32Array,
      count?: number,
    ) {
      checkRow(t, bars, name);
      if (desired.length !== N || out.length !== N) {
        throw new RangeError(
          `Cannot cap trades: desired, adv and out must have one value per asset, got ` +
            `${desired.length}, ${N} and ${out.length}`,
        );
      }
      if (!(equity > 0) || !Number.isFinite(equity)) {
        throw new RangeError(
          `Cannot cap trades: equity must be a positive amount of quote currency, got ${equity}`,
        );
      }
      // capTrade of ./cap_trade.ts on row t, inline: nothing is filled where A is NaN
      const row = t * N;
      const n = at === undefined ? N : count!;
      for (let q = 0; q < n; q++) {
        const i = at === undefined ? q : at[q]!;
        const x = desired[i]!;
        if (x === 0) { // most assets trade nothing at a bar
          out[i] = 0;
          continue;
        }
        const a = SA[2 * (row + i) + 1]!;
        const max = a > 0 ? (cap * a) / equity : 0;
        out[i] = Math.abs(x) <= max ? x : Math.sign(x) * max;
      }
      return out;
    },
  };
  return Object.assign(model, {
    [COST_KERNEL]: {
      kind: "impact",
      cost: model.cost,
      capTrade: model.capTrade,
      width: N,
      bars,
      SA,
      k,
      cap,
    } as const,
  });
}
