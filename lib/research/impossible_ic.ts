/**
 * A flag for information coefficients no causal signal produces: a signal that scores almost
 * perfectly at almost every bar is using the returns it is scored against.
 *
 * @module
 */

/** The IC figures {@link impossibleIc} reads (an `icDecay` row). */
export interface IcFigures {
  /** Forward-return horizon in bars. */
  readonly horizon: number;
  /** Mean of the per-bar rank IC. */
  readonly mean: number;
  /** Standard deviation of the per-bar rank IC (ddof 1). */
  readonly std: number;
  /** Share of bars with an IC above 0. */
  readonly hitRate: number;
  /** Bars with an IC. */
  readonly n: number;
}

/**
 * When an IC is impossible for a causal signal, stated once. A real cross-sectional signal in
 * crypto has a mean rank IC of a few hundredths and a per-bar IC standard deviation near
 * 1 / sqrt(assets - 1) (0.38 on 8 assets) plus the IC's own swings: its IR per bar
 * (mean / std) stays below 1 (at most 0.78, hit rate 79%, over the library's signals on the
 * 126 NFI pairs at horizons 1 to 72). On a very wide universe the cross-sectional noise
 * shrinks and a steady causal IC of a few hundredths can reach a high IR, so IR and hit rate
 * count only together with a mean IC no causal signal has. Over at least `minBars` bars, a
 * signal is treated as knowing the forward returns when |mean IC| >= `absMean`, or when
 * |mean IC| >= `consistentMean` and (|IR| >= `absIr` or the hit rate is >= `hitRate` or
 * <= 1 - `hitRate`).
 */
export const IMPOSSIBLE_IC_THRESHOLDS = {
  /** Fewest bars with an IC before anything is judged. */
  minBars: 30,
  /** |mean IC| at or above this, alone. */
  absMean: 0.8,
  /** |mean IC| at or above this, with a too steady IC (IR or hit rate). */
  consistentMean: 0.2,
  /** |mean / std| at or above this (a hit rate near 98% if the IC were normal). */
  absIr: 2,
  /** Hit rate at or above this, or at or below 1 minus it. */
  hitRate: 0.98,
} as const;

/** What {@link impossibleIc} found at one horizon. */
export interface ImpossibleIc {
  readonly horizon: number;
  readonly mean: number;
  readonly std: number;
  readonly hitRate: number;
  readonly n: number;
  /** Which thresholds were crossed, in words. */
  readonly reasons: readonly string[];
}

/**
 * The horizons whose IC no causal signal reaches (thresholds in
 * {@link IMPOSSIBLE_IC_THRESHOLDS}: at least 30 bars with an IC and |mean IC| >= 0.8, or
 * |mean IC| >= 0.2 with |mean / std| >= 2 or a hit rate >= 98% or <= 2%). A signal built from the very returns it
 * is scored against (the next bar's return dated at this bar, a centered moving average, a
 * label shifted the wrong way) lands here; values read from a file cannot be recomputed on
 * truncated data, so this is the check they get. Empty when nothing is suspicious. O(rows).
 *
 * @example The next bar's return as a signal
 * ```ts
 * import { impossibleIc } from "@lib/research/impossible_ic.ts";
 * import assert from "node:assert/strict";
 * const [hit] = impossibleIc([{ horizon: 1, mean: 1, std: 0, hitRate: 1, n: 500 }]);
 * assert.equal(hit!.horizon, 1);
 * assert.equal(impossibleIc([{ horizon: 1, mean: 0.03, std: 0.35, hitRate: 0.53, n: 500 }]).length, 0);
 * ```
 */
export function impossibleIc(
  rows: readonly IcFigures[],
  thresholds: Partial<typeof IMPOSSIBLE_IC_THRESHOLDS> = {},
): ImpossibleIc[] {
  const th = { ...IMPOSSIBLE_IC_THRESHOLDS, ...thresholds };
  const out: ImpossibleIc[] = [];
  for (const r of rows) {
    if (!(r.n >= th.minBars) || !Number.isFinite(r.mean)) continue;
    const reasons: string[] = [];
    const m = Math.abs(r.mean);
    if (m >= th.absMean) {
      reasons.push(`|mean IC| ${Math.abs(r.mean).toFixed(3)} >= ${th.absMean}`);
    }
    const ir = r.std > 0 ? Math.abs(r.mean) / r.std : r.mean !== 0 ? Infinity : 0;
    if (m >= th.consistentMean && ir >= th.absIr) {
      reasons.push(
        `|mean / std| ${Number.isFinite(ir) ? ir.toFixed(2) : "infinite (std 0)"} >= ${th.absIr}`,
      );
    }
    if (m >= th.consistentMean && (r.hitRate >= th.hitRate || r.hitRate <= 1 - th.hitRate)) {
      reasons.push(
        `hit rate ${(r.hitRate * 100).toFixed(1)}% ${r.hitRate >= th.hitRate ? ">=" : "<="} ` +
          `${((r.hitRate >= th.hitRate ? th.hitRate : 1 - th.hitRate) * 100).toFixed(0)}%`,
      );
    }
    if (reasons.length > 0) {
      out.push({
        horizon: r.horizon,
        mean: r.mean,
        std: r.std,
        hitRate: r.hitRate,
        n: r.n,
        reasons,
      });
    }
  }
  return out;
}

/**
 * The warning a report puts first and a task prints on stderr for {@link impossibleIc}'s
 * findings, or null when there are none.
 *
 * @example
 * ```ts
 * import { impossibleIcWarning } from "@lib/research/impossible_ic.ts";
 * import assert from "node:assert/strict";
 * const w = impossibleIcWarning([{ horizon: 1, mean: 1, std: 0, hitRate: 1, n: 500, reasons: ["|mean IC| 1.000 >= 0.8"] }]);
 * assert.match(w!, /looks like it uses future data/);
 * ```
 */
export function impossibleIcWarning(found: readonly ImpossibleIc[]): string | null {
  if (found.length === 0) return null;
  const th = IMPOSSIBLE_IC_THRESHOLDS;
  const shown = found.map((f) =>
    `h=${f.horizon}: mean IC ${f.mean.toFixed(3)}, std ${f.std.toFixed(3)}, hit rate ` +
    `${(f.hitRate * 100).toFixed(1)}% over ${f.n} bars (${f.reasons.join(", ")})`
  );
  return `This signal looks like it uses future data: its IC is impossible for a causal ` +
    `signal at ${shown.join("; ")}. A real signal's mean rank IC is a few hundredths with a ` +
    `per-bar IR below 1; flagged are, over at least ${th.minBars} bars, |mean IC| >= ` +
    `${th.absMean}, or |mean IC| >= ${th.consistentMean} with |mean / std| >= ${th.absIr} or a ` +
    `hit rate >= ${th.hitRate * 100}% (or <= ${
      Math.round((1 - th.hitRate) * 100)
    }%). Check that each value dated t uses data up to bar ` +
    `t's close only (not the return from t to t + 1); every figure below is then meaningless.`;
}
