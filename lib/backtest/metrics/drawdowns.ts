/**
 * Drawdowns of the compounded equity curve: the underwater series and every drawdown episode.
 *
 * @module
 */

/** One drawdown: from a peak of the equity curve to the next time it is regained. */
export interface DrawdownEpisode {
  /** Point of the peak: 0 = the start (before bar 0), p = the close of bar p - 1. */
  readonly peakPoint: number;
  /** Point of the lowest equity of the episode (the first one on ties). */
  readonly troughPoint: number;
  /** Point where the equity is back at the peak level, or -1 when it never is. */
  readonly recoveryPoint: number;
  /** `trough equity / peak equity - 1` (negative). */
  readonly depth: number;
  /** Time of the peak: the first bar's open for point 0, else the close of bar p - 1 (UTC ms). */
  readonly peakTs: number;
  readonly troughTs: number;
  /** Time of the recovery, NaN when not recovered. */
  readonly recoveryTs: number;
  /** Bars from peak to recovery, or to the last bar's close when not recovered. */
  readonly bars: number;
  /** Milliseconds from peak to recovery, or to the last bar's close when not recovered. */
  readonly durationMs: number;
  /** True when the equity got back to the peak. */
  readonly recovered: boolean;
}

/** What {@link drawdowns} returns. */
export interface Drawdowns {
  /**
   * Underwater series, one value per bar: `equity[t] / max(1, equity[0..t]) - 1` (0 at a new
   * high, negative below it), with `equity[t] = prod(1 + r[0..t])` starting at 1.
   */
  readonly underwater: Float64Array;
  /** Every episode, in time order. */
  readonly episodes: readonly DrawdownEpisode[];
  /** The deepest drawdown (negative), 0 when the equity never fell below a peak. */
  readonly maxDrawdown: number;
  /** The deepest episode (the first on ties), or null. */
  readonly maxEpisode: DrawdownEpisode | null;
  /** The longest episode by time (the first on ties), or null. */
  readonly longestEpisode: DrawdownEpisode | null;
}

/**
 * Drawdowns of per-bar simple returns compounded into an equity curve that starts at 1 before
 * the first bar (as quantstats and empyrical do): the underwater series, and each episode from
 * a peak (the last point at the running high before the equity falls below it) through its
 * trough to the recovery (the first point back at or above the peak level), with its depth,
 * length in bars and in calendar time. An episode still open at the end runs to the last
 * bar's close. Point `p` is the equity at the close of bar `p - 1` (time
 * `index[p - 1] + barMs`); point 0 is the start (time `index[0]`). Non-finite returns carry
 * the equity. Sort `episodes` by `depth` for a top-N table ({@link topDrawdowns}). Cost: O(n).
 *
 * @example A 50% fall, recovered two bars later
 * ```ts
 * import { drawdowns } from "@lib/backtest/metrics/drawdowns.ts";
 * import assert from "node:assert/strict";
 * const d = drawdowns([0.1, -0.5, 0.5, 0.4], [0, 1, 2, 3], 1);
 * assert.equal(d.episodes.length, 1);
 * const e = d.episodes[0]!;
 * assert.deepEqual([e.peakPoint, e.troughPoint, e.recoveryPoint, e.bars], [1, 2, 4, 3]);
 * assert.ok(Math.abs(d.maxDrawdown - -0.5) < 1e-15);
 * ```
 */
export function drawdowns(
  returns: ArrayLike<number>,
  index: ArrayLike<number>,
  barMs: number,
): Drawdowns {
  const n = returns.length;
  if (index.length !== n) {
    throw new RangeError(
      `Cannot compute drawdowns: ${n} returns for ${index.length} index times; pass one time per bar`,
    );
  }
  const time = (p: number) => (p === 0 ? index[0]! : index[p - 1]! + barMs);
  const underwater = new Float64Array(n);
  const episodes: DrawdownEpisode[] = [];
  let equity = 1, peak = 1, peakPoint = 0;
  let inDd = false, trough = 1, troughPoint = 0;
  const close = (recoveryPoint: number) => {
    const end = recoveryPoint >= 0 ? recoveryPoint : n;
    episodes.push({
      peakPoint,
      troughPoint,
      recoveryPoint,
      depth: trough / peak - 1,
      peakTs: time(peakPoint),
      troughTs: time(troughPoint),
      recoveryTs: recoveryPoint >= 0 ? time(recoveryPoint) : NaN,
      bars: end - peakPoint,
      durationMs: time(end) - time(peakPoint),
      recovered: recoveryPoint >= 0,
    });
  };
  for (let t = 0; t < n; t++) {
    const r = returns[t]!;
    if (Number.isFinite(r)) equity *= 1 + r;
    const p = t + 1;
    if (equity >= peak) {
      if (inDd) {
        close(p);
        inDd = false;
      }
      peak = equity;
      peakPoint = p;
      underwater[t] = 0;
    } else {
      underwater[t] = equity / peak - 1;
      if (!inDd) {
        inDd = true;
        trough = equity;
        troughPoint = p;
      } else if (equity < trough) {
        trough = equity;
        troughPoint = p;
      }
    }
  }
  if (inDd) close(-1);
  let maxEpisode: DrawdownEpisode | null = null, longestEpisode: DrawdownEpisode | null = null;
  for (const e of episodes) {
    if (maxEpisode === null || e.depth < maxEpisode.depth) maxEpisode = e;
    if (longestEpisode === null || e.durationMs > longestEpisode.durationMs) longestEpisode = e;
  }
  return {
    underwater,
    episodes,
    maxDrawdown: maxEpisode?.depth ?? 0,
    maxEpisode,
    longestEpisode,
  };
}

/**
 * The `k` deepest drawdown episodes, deepest first (ties: the earlier first): the top-5 table
 * of a tear sheet.
 *
 * @example Two episodes
 * ```ts
 * import { drawdowns, topDrawdowns } from "@lib/backtest/metrics/drawdowns.ts";
 * import assert from "node:assert/strict";
 * const d = drawdowns([-0.1, 0.2, -0.3, 0.5], [0, 1, 2, 3], 1);
 * assert.deepEqual(topDrawdowns(d, 5).map((e) => Math.round(e.depth * 100)), [-30, -10]);
 * ```
 */
export function topDrawdowns(d: Drawdowns, k = 5): DrawdownEpisode[] {
  return [...d.episodes]
    .sort((a, b) => a.depth - b.depth || a.peakPoint - b.peakPoint)
    .slice(0, k);
}
