/**
 * Volume surprise: log of the bar's volume over its trailing average.
 *
 * @module
 */
import type { Panel } from "../../panel/types.ts";
import { rollingStat } from "../../stats/rolling_stat.ts";
import { checkLookback, resolveMinObs } from "./_rolling.ts";

/** Options for {@link volumeSurprise}. */
export interface VolumeSurpriseOptions {
  /** Lookback L in bars of the trailing mean (e.g. 24). */
  readonly lookback: number;
  /** Fewest finite volumes in the trailing window, in [1, L]; default L. */
  readonly minObs?: number;
}

/**
 * Volume-surprise signal: `S[a][t] = ln(volume[a][t] / mean(volume[a][t-L..t-1]))`, the current
 * bar's volume against the mean of the L bars BEFORE it (the current bar is excluded, so a spike
 * is not diluted by itself). Causal: bars up to t only. pandas 1.5
 * `np.log(vol / vol.rolling(L, min_periods=minObs).mean().shift(1))`, with a zero volume (log 0)
 * or a zero mean given as `NaN` (missing), not ±Infinity. Volume is in base units as in the
 * panel. O(1) per bar.
 *
 * Reference: Gervais, S., Kaniel, R. and Mingelgrin, D. (2001), "The High-Volume Return
 * Premium", Journal of Finance 56(3).
 *
 * @example Volume twice its trailing mean
 * ```ts
 * import { volumeSurprise } from "@lib/research/signals/volume_surprise.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const volume = new Float64Array([10, 30, 40]);
 * const p = fromColumns({ freq: "1h", venue: "sim", assets: ["A"],
 *   index: Float64Array.from(volume, (_, i) => i * 3_600_000), volume: [volume] });
 * assert.equal(volumeSurprise(p, { lookback: 2 })[0]![2], Math.log(2));
 * ```
 */
export function volumeSurprise(panel: Panel, options: VolumeSurpriseOptions): Float64Array[] {
  const what = "volume surprise";
  const L = options.lookback;
  checkLookback(L, 1, what);
  const minObs = resolveMinObs(options.minObs, L, 1, what);
  return panel.volume.map((v) => {
    const mean = rollingStat(v, L, minObs, "mean");
    const out = new Float64Array(v.length).fill(NaN);
    for (let t = 1; t < v.length; t++) {
      const s = Math.log(v[t]! / mean[t - 1]!);
      if (Number.isFinite(s)) out[t] = s;
    }
    return out;
  });
}
