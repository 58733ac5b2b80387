/**
 * A flag for information coefficients no causal signal produces: a signal that scores far
 * better than any causal one, over enough independent observations, is using the returns it is
 * scored against.
 *
 * @module
 */
import { SIGNAL_DEFAULTS } from "./signal_defaults.ts";

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
 * When an IC is impossible for a causal signal, stated once. Consecutive ICs at horizon h share
 * h - 1 bars of forward return, so n bars with an IC are only about n / h independent
 * observations (the non-overlapping forward returns): 30 overlapping ICs at h = 24 are about one
 * observation, and a causal signal's mean, IR and hit rate over them can be anything (72-bar
 * momentum on 8 NFI assets: mean 0.44, IR 2.6, hit rate 100% over 30 bars at h = 24; the
 * library's beta_720 reached a mean of 0.86 over such a window). So every rule needs at least
 * `minIndependent` independent ICs (n / h); with fewer the horizon is not judged, and the
 * result says so (`notChecked`).
 *
 * Measured on the library's signals (every named signal, and momentum_72) on 8 NFI assets (ADA,
 * BTC, DOGE, ETH, LINK, LTC, SOL, XRP; hourly, 2020-12 to 2021-07) at horizons 1 to 24: the
 * mean rank IC over the whole sample stays below 0.11, over any window of >= 96 independent ICs
 * below 0.23 (0.21 over >= 150), over any window of >= 30 below 0.31; on the 126 NFI pairs the
 * per-bar IR stays below 0.78 and the hit rate below 79%. Leaks sit well above on the same 8
 * assets: the next bar's return (mean IC 1), that return plus noise (about 0.5), that return on
 * half the bars (0.5), the return from t + 1 to t + 2 (0.35 at h = 4). On a very wide universe
 * the cross-sectional noise shrinks and a steady causal IC of a few hundredths can reach a high
 * IR, so IR and hit rate count only together with a mean IC no causal signal has.
 *
 * With at least `minIndependent` independent ICs, a signal is treated as knowing the forward
 * returns when |mean IC| >= `absMean`, or |mean IC| >= `consistentMean` and (|IR| >= `absIr`
 * or the hit rate is >= `hitRate` or <= 1 - `hitRate`); with at least `leakMinIndependent`,
 * also when |mean IC| >= `leakMean`.
 */
export const IMPOSSIBLE_IC_THRESHOLDS = {
  /** Fewest independent ICs (bars with an IC / horizon) before anything is judged. */
  minIndependent: 30,
  /** |mean IC| at or above this, alone. */
  absMean: 0.8,
  /** |mean IC| at or above this, with a too steady IC (IR or hit rate). */
  consistentMean: 0.2,
  /** |mean / std| at or above this (a hit rate near 98% if the IC were normal). */
  absIr: 2,
  /** Hit rate at or above this, or at or below 1 minus it. */
  hitRate: 0.98,
  /** |mean IC| at or above this, alone, over at least `leakMinIndependent` independent ICs. */
  leakMean: 0.28,
  /** Fewest independent ICs for the `leakMean` rule. */
  leakMinIndependent: 150,
} as const;

/** What {@link impossibleIc} found at one horizon. */
export interface ImpossibleIc {
  readonly horizon: number;
  readonly mean: number;
  readonly std: number;
  readonly hitRate: number;
  readonly n: number;
  /** Independent ICs: floor(n / horizon) (always set by {@link impossibleIc}). */
  readonly independent?: number;
  /** Which thresholds were crossed, in words. */
  readonly reasons: readonly string[];
}

/** A horizon {@link impossibleIc} could not judge, and why. */
export interface ImpossibleIcNotChecked {
  readonly horizon: number;
  /** Bars with an IC. */
  readonly n: number;
  /** Independent ICs: floor(n / horizon). */
  readonly independent: number;
  /** Why, in words. */
  readonly reason: string;
}

/**
 * {@link impossibleIc}'s result: the flagged horizons (an array, as before), with two more
 * fields (not enumerated, so the array compares and serializes as before).
 */
export type ImpossibleIcResult = ImpossibleIc[] & {
  /** The horizons that could not be judged (too few assets, too few independent ICs). */
  readonly notChecked: readonly ImpossibleIcNotChecked[];
  /** True when at least one horizon was judged; false: the check could not run at all. */
  readonly checked: boolean;
};

/** Options for {@link impossibleIc} beyond the thresholds. */
export interface ImpossibleIcOptions {
  /** Assets in the signal; fewer than `minAssets` means no IC at all. Default: not known. */
  readonly assets?: number;
  /** Fewest assets per bar for an IC; default `SIGNAL_DEFAULTS.minAssets` (5). */
  readonly minAssets?: number;
}

/**
 * The horizons whose IC no causal signal reaches (thresholds in
 * {@link IMPOSSIBLE_IC_THRESHOLDS}: with at least 30 independent ICs (bars with an IC / h),
 * |mean IC| >= 0.8, or |mean IC| >= 0.2 with |mean / std| >= 2 or a hit rate >= 98% or <= 2%;
 * with at least 150 independent ICs, |mean IC| >= 0.28). A signal built from the very returns it
 * is scored against (the next bar's return dated at this bar, a centered moving average, a
 * label shifted the wrong way) lands here; values read from a file cannot be recomputed on
 * truncated data, so this is the check they get. Empty when nothing is suspicious; the result's
 * `notChecked` lists the horizons that could not be judged and `checked` is false when none
 * could ({@link impossibleIcNotRun} words it for a report). O(rows).
 *
 * @example The next bar's return as a signal
 * ```ts
 * import { impossibleIc } from "@lib/research/impossible_ic.ts";
 * import assert from "node:assert/strict";
 * const [hit] = impossibleIc([{ horizon: 1, mean: 1, std: 0, hitRate: 1, n: 500 }]);
 * assert.equal(hit!.horizon, 1);
 * assert.equal(impossibleIc([{ horizon: 1, mean: 0.03, std: 0.35, hitRate: 0.53, n: 500 }]).length, 0);
 * // 40 overlapping ICs at h = 24 are under 2 independent observations: not judged
 * const short = impossibleIc([{ horizon: 24, mean: 0.5, std: 0.1, hitRate: 1, n: 40 }]);
 * assert.equal(short.length, 0);
 * assert.equal(short.checked, false);
 * assert.equal(short.notChecked[0]!.independent, 1);
 * ```
 */
export function impossibleIc(
  rows: readonly IcFigures[],
  thresholds: Partial<typeof IMPOSSIBLE_IC_THRESHOLDS> = {},
  options: ImpossibleIcOptions = {},
): ImpossibleIcResult {
  const th = { ...IMPOSSIBLE_IC_THRESHOLDS, ...thresholds };
  const minAssets = options.minAssets ?? SIGNAL_DEFAULTS.minAssets;
  const out: ImpossibleIc[] = [];
  const notChecked: ImpossibleIcNotChecked[] = [];
  for (const r of rows) {
    const n = Number.isFinite(r.n) ? r.n : 0;
    const independent = Math.floor(n / Math.max(1, r.horizon));
    const skip = (reason: string) =>
      notChecked.push({ horizon: r.horizon, n, independent, reason });
    if (options.assets !== undefined && options.assets < minAssets) {
      skip(
        `${options.assets} asset${options.assets === 1 ? "" : "s"}: a rank IC needs at least ` +
          `${minAssets} assets with values at the same bar`,
      );
      continue;
    }
    if (!(n > 0) || !Number.isFinite(r.mean)) {
      skip(
        `no bar had an IC (one needs at least ${minAssets} assets with values at the same bar, ` +
          "not all equal)",
      );
      continue;
    }
    if (independent < th.minIndependent) {
      skip(
        `${n} bars with an IC at h = ${r.horizon} are ${independent} independent ` +
          `observation${independent === 1 ? "" : "s"} (n / h), fewer than ${th.minIndependent}`,
      );
      continue;
    }
    const reasons: string[] = [];
    const m = Math.abs(r.mean);
    if (m >= th.absMean) reasons.push(`|mean IC| ${m.toFixed(3)} >= ${th.absMean}`);
    const ir = r.std > 0 ? m / r.std : r.mean !== 0 ? Infinity : 0;
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
    if (m < th.absMean && m >= th.leakMean && independent >= th.leakMinIndependent) {
      reasons.push(
        `|mean IC| ${m.toFixed(3)} >= ${th.leakMean} over ${independent} independent ICs`,
      );
    }
    if (reasons.length > 0) {
      out.push({
        horizon: r.horizon,
        mean: r.mean,
        std: r.std,
        hitRate: r.hitRate,
        n,
        independent,
        reasons,
      });
    }
  }
  return Object.defineProperties(out, {
    notChecked: { value: notChecked, enumerable: false },
    checked: { value: notChecked.length < rows.length, enumerable: false },
  }) as ImpossibleIcResult;
}

/**
 * What a report and a task's stderr say when {@link impossibleIc} could not judge any horizon
 * (too few assets, too few independent ICs), or null when it judged at least one. Callers say
 * it rather than staying silent: no warning then means "not checked", not "clean".
 *
 * @example
 * ```ts
 * import { impossibleIc, impossibleIcNotRun } from "@lib/research/impossible_ic.ts";
 * import assert from "node:assert/strict";
 * const r = impossibleIc([{ horizon: 1, mean: NaN, std: NaN, hitRate: NaN, n: 0 }], {}, { assets: 3 });
 * assert.match(impossibleIcNotRun(r)!, /could not run: h=1: 3 assets/);
 * assert.equal(impossibleIcNotRun(impossibleIc([{ horizon: 1, mean: 0.02, std: 0.3, hitRate: 0.5, n: 500 }])), null);
 * ```
 */
export function impossibleIcNotRun(result: ImpossibleIcResult): string | null {
  if (result.checked) return null;
  const why = result.notChecked.map((x) => `h=${x.horizon}: ${x.reason}`);
  return `The impossible-IC check (does this signal use future data?) could not run: ` +
    `${why.length > 0 ? why.join("; ") : "no horizon given"}. It needs at least ` +
    `${IMPOSSIBLE_IC_THRESHOLDS.minIndependent} independent ICs (bars with an IC / horizon) on ` +
    `at least ${SIGNAL_DEFAULTS.minAssets} assets; check by hand that each value dated t uses ` +
    `data up to bar t's close only.`;
}

/**
 * The warning a report puts first and a task prints on stderr for {@link impossibleIc}'s
 * findings, or null when there are none.
 *
 * @example
 * ```ts
 * import { impossibleIcWarning } from "@lib/research/impossible_ic.ts";
 * import assert from "node:assert/strict";
 * const w = impossibleIcWarning([{ horizon: 1, mean: 1, std: 0, hitRate: 1, n: 500, independent: 500, reasons: ["|mean IC| 1.000 >= 0.8"] }]);
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
    `per-bar IR below 1; flagged are, over at least ${th.minIndependent} independent ICs (bars ` +
    `with an IC / horizon), |mean IC| >= ${th.absMean}, or |mean IC| >= ${th.consistentMean} ` +
    `with |mean / std| >= ${th.absIr} or a hit rate >= ${th.hitRate * 100}% (or <= ${
      Math.round((1 - th.hitRate) * 100)
    }%), and over at least ${th.leakMinIndependent}, |mean IC| >= ${th.leakMean}. Check that ` +
    `each value dated t uses data up to bar t's close only (not the return from t to t + 1); ` +
    `every figure below is then meaningless.`;
}
