/**
 * Cross-sectional transforms of signal panels, applied one timestamp at a time: winsorize,
 * z-score, neutralize to exposures, and sequential orthogonalization of several signals.
 *
 * A signal panel is asset-major like a `Panel` field: `signal[a][t]` is asset a at bar t, every
 * asset on the same time grid, NaN when missing. The cross-section at t is
 * `signal[0][t], ..., signal[A-1][t]`. Each function loops over t, gathers the finite values of
 * that cross-section into scratch arrays allocated once, applies the one-cross-section function
 * of `lib/stats` (`winsorize`, `zscore`, `neutralize`, `orthogonalize`; the same arithmetic, so
 * the results are identical to calling them on each column of the time x asset matrix) and
 * scatters the result back. Every transform uses only values dated t, so it keeps whatever
 * causality the input signal has.
 *
 * Reading one value per asset array at each t, and writing one back, touches A distant memory
 * locations per step; the loops therefore work on blocks of 64 timestamps, copied in and out
 * of small time-major scratch blocks with sequential reads and writes per asset (a
 * cache-blocked transpose: far fewer cache misses than striding over the asset arrays).
 *
 * @module
 */
import { leastSquares } from "../stats/least_squares.ts";
import { orthogonalizeRows } from "../stats/orthogonalize.ts";
import { pearson } from "../stats/pearson.ts";
import type { NeutralizeOptions } from "../stats/neutralize.ts";
import {
  checkWinsorizeOptions,
  clipFinite,
  linearQuantileInPlace,
  type WinsorizeOptions,
} from "../stats/winsorize.ts";
import { checkZscoreOptions, standardize, type ZscoreOptions } from "../stats/zscore.ts";

/**
 * {@link winsorize} applied to every cross-section of an asset-major signal panel: at each t the
 * values of all assets are clipped at their own `lower` and `upper` quantiles (pandas
 * `df.clip(df.quantile(lower, axis=1), df.quantile(upper, axis=1), axis=0)` on the time x asset
 * frame). NaN stays NaN; a timestamp with no finite value is all NaN.
 *
 * Cost: O(A n) expected for A assets and n bars; scratch of O(A) values allocated once.
 *
 * @example Clip each hour's cross-section at its quartiles
 * ```ts
 * import { winsorizeCrossSection } from "@lib/research/cross_section.ts";
 * import assert from "node:assert/strict";
 * const signal = [[1, 5], [2, NaN], [3, 6], [40, 7]].map((v) => Float64Array.from(v));
 * const w = winsorizeCrossSection(signal, { lower: 0.25, upper: 0.75 });
 * assert.deepEqual(w.map((a) => a[0]), [1.75, 2, 3, 12.25]);
 * assert.deepEqual(w.map((a) => a[1]), [5.5, NaN, 6, 6.5]);
 * ```
 */
export function winsorizeCrossSection(
  signal: readonly Float64Array[],
  options: WinsorizeOptions = {},
): Float64Array[] {
  const { lower, upper } = checkWinsorizeOptions(options);
  const n = checkPanel(signal, "winsorize cross-sections", "signal");
  const nAssets = signal.length;
  const out = signal.map(() => new Float64Array(n));
  const buf = new Float64Array(nAssets);
  const blk = new Float64Array(nAssets * BLOCK), oblk = new Float64Array(nAssets * BLOCK);
  for (let t0 = 0; t0 < n; t0 += BLOCK) {
    const b = loadBlock(signal, t0, n, blk);
    for (let j = 0, off = 0; j < b; j++, off += nAssets) {
      const m = gatherFinite(blk, off, nAssets, buf);
      if (m === 0) {
        oblk.fill(NaN, off, off + nAssets);
        continue;
      }
      const lo = linearQuantileInPlace(buf, m, lower);
      const hi = linearQuantileInPlace(buf, m, upper);
      for (let a = 0; a < nAssets; a++) oblk[off + a] = clipFinite(blk[off + a]!, lo, hi);
    }
    storeBlock(oblk, t0, b, out);
  }
  return out;
}

/**
 * {@link zscore} applied to every cross-section of an asset-major signal panel: at each t,
 * `(x - mean) / std` over the assets with a finite value (sample std, `ddof` 1 by default),
 * optionally clipped to `[-clip, clip]`; pandas `df.sub(df.mean(axis=1), axis=0)
 * .div(df.std(axis=1), axis=0).clip(-clip, clip)` on the time x asset frame. A timestamp with
 * fewer than `ddof + 1` finite values or all values equal is all NaN.
 *
 * Cost: O(A n); scratch of O(A) values allocated once.
 *
 * @example Standardize each hour across assets
 * ```ts
 * import { zscoreCrossSection } from "@lib/research/cross_section.ts";
 * import assert from "node:assert/strict";
 * const signal = [[1, 0], [2, 0], [3, 0]].map((v) => Float64Array.from(v));
 * const z = zscoreCrossSection(signal);
 * assert.deepEqual(z.map((a) => a[0]), [-1, 0, 1]);
 * assert.ok(z.every((a) => Number.isNaN(a[1]!))); // no dispersion at t = 1
 * ```
 */
export function zscoreCrossSection(
  signal: readonly Float64Array[],
  options: ZscoreOptions = {},
): Float64Array[] {
  const { clip, ddof } = checkZscoreOptions(options);
  const n = checkPanel(signal, "z-score cross-sections", "signal");
  const nAssets = signal.length;
  const out = signal.map(() => new Float64Array(n));
  const buf = new Float64Array(nAssets);
  const blk = new Float64Array(nAssets * BLOCK), oblk = new Float64Array(nAssets * BLOCK);
  for (let t0 = 0; t0 < n; t0 += BLOCK) {
    const b = loadBlock(signal, t0, n, blk);
    for (let j = 0, off = 0; j < b; j++, off += nAssets) {
      const m = gatherFinite(blk, off, nAssets, buf);
      let sd = NaN, mu = NaN;
      if (m - ddof > 0) {
        let s = 0, lo = Infinity, hi = -Infinity;
        for (let i = 0; i < m; i++) {
          const v = buf[i]!;
          s += v;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        mu = s / m;
        let ss = 0;
        for (let i = 0; i < m; i++) ss += (buf[i]! - mu) * (buf[i]! - mu);
        sd = lo < hi ? Math.sqrt(ss / (m - ddof)) : NaN; // all equal: no scale (see zscore)
      }
      if (!(sd > 0)) {
        oblk.fill(NaN, off, off + nAssets);
        continue;
      }
      for (let a = 0; a < nAssets; a++) oblk[off + a] = standardize(blk[off + a]!, mu, sd, clip);
    }
    storeBlock(oblk, t0, b, out);
  }
  return out;
}

/**
 * {@link neutralize} applied to every cross-section: at each t, the residuals of the OLS
 * regression of the signal on the exposures (plus a constant unless `intercept: false`) over the
 * assets where the signal and every exposure are finite; NaN elsewhere, and NaN for the whole
 * timestamp when the fit is not identified there (no more complete assets than regressors, or
 * collinear exposures). `exposurePanels[j][a][t]` is exposure j of asset a at t: a rolling beta
 * to BTC, log market cap, ... Use exposures known at t (a causal beta), or the neutral signal
 * inherits their look-ahead.
 *
 * Equal to statsmodels `sm.OLS(y_t, sm.add_constant(X_t), missing="drop").fit().resid` per
 * timestamp. Cost: O(n A k^2) for k regressors; scratch arrays allocated once, plus the work
 * arrays of {@link leastSquares} (O(A k)) per timestamp.
 *
 * @example Remove the market-beta bet from a signal at every hour
 * ```ts
 * import { neutralizeCrossSection } from "@lib/research/cross_section.ts";
 * import assert from "node:assert/strict";
 * const signal = [[0.1, 0.2], [0.3, 0.1], [0.2, 0.4], [0.6, 0.3]].map((v) => Float64Array.from(v));
 * const beta = [[0.8, 0.9], [1.1, 1.0], [1.0, 1.3], [1.6, NaN]].map((v) => Float64Array.from(v));
 * const r = neutralizeCrossSection(signal, [beta]);
 * for (const t of [0, 1]) {
 *   let dot = 0;
 *   for (let a = 0; a < 4; a++) if (Number.isFinite(r[a]![t]!)) dot += r[a]![t]! * beta[a]![t]!;
 *   assert.ok(Math.abs(dot) < 1e-14);
 * }
 * assert.ok(Number.isNaN(r[3]![1]!)); // no beta for asset 3 at t = 1
 * ```
 */
export function neutralizeCrossSection(
  signal: readonly Float64Array[],
  exposurePanels: readonly (readonly Float64Array[])[],
  options: NeutralizeOptions = {},
): Float64Array[] {
  const intercept = options.intercept ?? true;
  const n = checkPanel(signal, "neutralize cross-sections", "signal");
  const nAssets = signal.length;
  exposurePanels.forEach((p, j) => {
    if (p.length !== nAssets) {
      throw new RangeError(
        `Cannot neutralize cross-sections: exposure ${j} has ${p.length} assets, the signal has ${nAssets}; pass panels of the same universe`,
      );
    }
    const nj = checkPanel(p, "neutralize cross-sections", `exposure ${j}`);
    if (nj !== n) {
      throw new RangeError(
        `Cannot neutralize cross-sections: exposure ${j} has ${nj} bars, the signal has ${n}; align them on one time grid`,
      );
    }
  });
  const k = exposurePanels.length;
  const p = k + (intercept ? 1 : 0);
  const out = signal.map(() => new Float64Array(n));
  const ys = new Float64Array(nAssets);
  const xs = exposurePanels.map(() => new Float64Array(nAssets));
  const ones = new Float64Array(nAssets).fill(1);
  const rows = new Int32Array(nAssets);
  const blk = new Float64Array(nAssets * BLOCK), oblk = new Float64Array(nAssets * BLOCK);
  const xblk = exposurePanels.map(() => new Float64Array(nAssets * BLOCK));
  // Views of the scratch arrays by cross-section size m, made at most once per m.
  const views: ({ y: Float64Array; cols: Float64Array[] } | undefined)[] = [];
  for (let t0 = 0; t0 < n; t0 += BLOCK) {
    const b = loadBlock(signal, t0, n, blk);
    for (let j = 0; j < k; j++) loadBlock(exposurePanels[j]!, t0, n, xblk[j]!);
    oblk.fill(NaN);
    for (let jt = 0, off = 0; jt < b; jt++, off += nAssets) {
      let m = 0;
      for (let a = 0; a < nAssets; a++) {
        const v = blk[off + a]!;
        if (!Number.isFinite(v)) continue;
        let ok = true;
        for (let j = 0; ok && j < k; j++) ok = Number.isFinite(xblk[j]![off + a]!);
        if (!ok) continue;
        ys[m] = v;
        for (let j = 0; j < k; j++) xs[j]![m] = xblk[j]![off + a]!;
        rows[m++] = a;
      }
      if (m <= p) continue;
      let view = views[m];
      if (view === undefined) {
        const cols = xs.map((x) => x.subarray(0, m));
        if (intercept) cols.unshift(ones.subarray(0, m));
        view = { y: ys.subarray(0, m), cols };
        views[m] = view;
      }
      let resid: Float64Array = view.y;
      if (p > 0) {
        const fit = leastSquares(view.cols, view.y);
        if (fit === null) continue;
        resid = fit.residuals;
      }
      for (let i = 0; i < m; i++) oblk[off + rows[i]!] = resid[i]!;
    }
    storeBlock(oblk, t0, b, out);
  }
  return out;
}

/** Options for {@link orthogonalizeSignals}. */
export interface OrthogonalizeSignalsOptions {
  /** A label per signal, in order (for tables of the correlation matrices). Default `s0, s1, ...`. */
  readonly names?: readonly string[];
}

/** What {@link orthogonalizeSignals} returns. */
export interface OrthogonalizedSignals {
  /** The signal labels, in the given (priority) order. */
  readonly names: readonly string[];
  /** The orthogonalized signals: `signals[j][a][t]`, same shape as the input. */
  readonly signals: Float64Array[][];
  /**
   * Average over the used timestamps of the cross-sectional Pearson correlation matrix of the
   * input signals (K rows of K), on the assets where all signals are finite.
   */
  readonly before: Float64Array[];
  /** The same average for the orthogonalized signals (off-diagonal ~0 by construction). */
  readonly after: Float64Array[];
  /** Mean of `|before[i][j]|` over the pairs i < j (NaN with one signal). */
  readonly averageAbsCorrelationBefore: number;
  /** Mean of `|after[i][j]|` over the pairs i < j (NaN with one signal). */
  readonly averageAbsCorrelationAfter: number;
  /** Number of timestamps where every signal could be orthogonalized: those averaged. */
  readonly periods: number;
}

/**
 * {@link orthogonalize} applied to every cross-section of several signal panels: at each t, on
 * the assets where every signal is finite, the first signal is demeaned and each later one is
 * replaced by its OLS residual on a constant and the orthogonalized signals before it (order is
 * priority). Also reports the average cross-sectional correlation matrix before and after, the
 * number the issue asks for: how much the signals overlapped, and that the overlap is gone.
 *
 * A timestamp enters the averages when every signal could be orthogonalized there (more
 * complete assets than regressors, no signal a combination of the previous ones); each cell is
 * the mean over those timestamps of the per-timestamp correlation, skipping timestamps where a
 * signal is constant. Equal to, per timestamp t, pandas `df_t.dropna().corr()` before and
 * statsmodels sequential `sm.OLS(...).fit().resid` after.
 *
 * Cost: O(n A K^3) for K signals; scratch arrays allocated once, plus the work arrays of
 * `leastSquares` per timestamp and signal.
 *
 * @example Two overlapping signals
 * ```ts
 * import { orthogonalizeSignals } from "@lib/research/cross_section.ts";
 * import assert from "node:assert/strict";
 * const mom = [[0.1, 0.2], [0.3, 0.1], [0.2, 0.4], [0.6, 0.3]].map((v) => Float64Array.from(v));
 * const rev = [[0.2, 0.3], [0.5, 0.1], [0.1, 0.5], [0.9, 0.2]].map((v) => Float64Array.from(v));
 * const o = orthogonalizeSignals([mom, rev], { names: ["mom", "rev"] });
 * assert.ok(o.averageAbsCorrelationBefore > 0.5);
 * assert.ok(o.averageAbsCorrelationAfter < 1e-12);
 * assert.equal(o.periods, 2);
 * ```
 */
export function orthogonalizeSignals(
  signals: readonly (readonly Float64Array[])[],
  options: OrthogonalizeSignalsOptions = {},
): OrthogonalizedSignals {
  const nSignals = signals.length;
  if (nSignals === 0) {
    throw new RangeError("Cannot orthogonalize signals: pass at least one signal panel");
  }
  const names = options.names ?? signals.map((_, j) => `s${j}`);
  if (names.length !== nSignals) {
    throw new RangeError(
      `Cannot orthogonalize signals: got ${names.length} names for ${nSignals} signals; pass one name per signal`,
    );
  }
  const nAssets = signals[0]!.length;
  const n = checkPanel(signals[0]!, "orthogonalize signals", "signal 0");
  signals.forEach((s, j) => {
    const nj = checkPanel(s, "orthogonalize signals", `signal ${j}`);
    if (s.length !== nAssets || nj !== n) {
      throw new RangeError(
        `Cannot orthogonalize signals: signal ${j} is ${s.length} assets x ${nj} bars, signal 0 is ${nAssets} x ${n}; pass panels of the same universe and grid`,
      );
    }
  });
  const out = signals.map(() => Array.from({ length: nAssets }, () => new Float64Array(n)));
  const cols = signals.map(() => new Float64Array(nAssets));
  const orth = signals.map(() => new Float64Array(nAssets));
  const ones = new Float64Array(nAssets).fill(1);
  const rows = new Int32Array(nAssets);
  const blks = signals.map(() => new Float64Array(nAssets * BLOCK));
  const oblks = signals.map(() => new Float64Array(nAssets * BLOCK));
  const views: ({ cols: Float64Array[]; orth: Float64Array[]; ones: Float64Array } | undefined)[] =
    [];
  const sumBefore = new Float64Array(nSignals * nSignals);
  const sumAfter = new Float64Array(nSignals * nSignals);
  const cntBefore = new Float64Array(nSignals * nSignals);
  const cntAfter = new Float64Array(nSignals * nSignals);
  let periods = 0;
  for (let t0 = 0; t0 < n; t0 += BLOCK) {
    let b = 0;
    for (let j = 0; j < nSignals; j++) {
      b = loadBlock(signals[j]!, t0, n, blks[j]!);
      oblks[j]!.fill(NaN);
    }
    for (let jt = 0, off = 0; jt < b; jt++, off += nAssets) {
      let m = 0;
      for (let a = 0; a < nAssets; a++) {
        let ok = true;
        for (let j = 0; ok && j < nSignals; j++) ok = Number.isFinite(blks[j]![off + a]!);
        if (!ok) continue;
        for (let j = 0; j < nSignals; j++) cols[j]![m] = blks[j]![off + a]!;
        rows[m++] = a;
      }
      if (m < 2) continue; // even the first signal (demeaned) needs two assets
      let view = views[m];
      if (view === undefined) {
        view = {
          cols: cols.map((c) => c.subarray(0, m)),
          orth: orth.map((c) => c.subarray(0, m)),
          ones: ones.subarray(0, m),
        };
        views[m] = view;
      }
      orthogonalizeRows(view.cols, view.ones, view.orth);
      let all = true;
      for (let j = 0; j < nSignals; j++) {
        const o = view.orth[j]!;
        if (Number.isNaN(o[0]!)) {
          all = false;
          continue;
        }
        const dst = oblks[j]!;
        for (let i = 0; i < m; i++) dst[off + rows[i]!] = o[i]!;
      }
      if (!all) continue;
      periods++;
      accumulateCorrelations(view.cols, sumBefore, cntBefore);
      accumulateCorrelations(view.orth, sumAfter, cntAfter);
    }
    for (let j = 0; j < nSignals; j++) storeBlock(oblks[j]!, t0, b, out[j]!);
  }
  const before = averageMatrix(sumBefore, cntBefore, nSignals);
  const after = averageMatrix(sumAfter, cntAfter, nSignals);
  return {
    names: [...names],
    signals: out,
    before,
    after,
    averageAbsCorrelationBefore: meanAbsOffDiagonal(before),
    averageAbsCorrelationAfter: meanAbsOffDiagonal(after),
    periods,
  };
}

/** Number of bars of an asset-major panel; throws unless every asset has the same length. */
function checkPanel(panel: readonly Float64Array[], what: string, label: string): number {
  const n = panel.length > 0 ? panel[0]!.length : 0;
  panel.forEach((s, a) => {
    if (s.length !== n) {
      throw new RangeError(
        `Cannot ${what}: ${label} asset ${a} has ${s.length} bars, asset 0 has ${n}; pass an asset-major panel on one time grid`,
      );
    }
  });
  return n;
}

/** Timestamps per block of the cache-blocked loops. */
const BLOCK = 64;

/**
 * Copy `panel[a][t0 + j]` into `blk[j * A + a]` for the `b = min(BLOCK, n - t0)` timestamps of
 * the block (one sequential read per asset); returns b.
 */
function loadBlock(
  panel: readonly Float64Array[],
  t0: number,
  n: number,
  blk: Float64Array,
): number {
  const nAssets = panel.length;
  const b = Math.min(BLOCK, n - t0);
  for (let a = 0; a < nAssets; a++) {
    const s = panel[a]!;
    for (let j = 0, i = a; j < b; j++, i += nAssets) blk[i] = s[t0 + j]!;
  }
  return b;
}

/** Copy `blk[j * A + a]` back into `out[a][t0 + j]` for the b timestamps of the block. */
function storeBlock(blk: Float64Array, t0: number, b: number, out: readonly Float64Array[]): void {
  const nAssets = out.length;
  for (let a = 0; a < nAssets; a++) {
    const o = out[a]!;
    for (let j = 0, i = a; j < b; j++, i += nAssets) o[t0 + j] = blk[i]!;
  }
}

/** Copy the finite values of `blk[off .. off + len)` into `buf`; returns how many. */
function gatherFinite(blk: Float64Array, off: number, len: number, buf: Float64Array): number {
  let m = 0;
  for (let a = 0; a < len; a++) {
    const v = blk[off + a]!;
    if (Number.isFinite(v)) buf[m++] = v;
  }
  return m;
}

function accumulateCorrelations(
  cols: readonly Float64Array[],
  sum: Float64Array,
  cnt: Float64Array,
): void {
  // Only called when every signal was orthogonalized, so no column is constant: the diagonal
  // is 1 and only the pairs need computing.
  const k = cols.length;
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const r = i === j ? 1 : pearson(cols[i]!, cols[j]!);
      if (Number.isNaN(r)) continue;
      sum[i * k + j] = sum[i * k + j]! + r;
      cnt[i * k + j] = cnt[i * k + j]! + 1;
    }
  }
}

function averageMatrix(sum: Float64Array, cnt: Float64Array, k: number): Float64Array[] {
  const out = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const v = cnt[i * k + j]! > 0 ? sum[i * k + j]! / cnt[i * k + j]! : NaN;
      out[i]![j] = v;
      out[j]![i] = v;
    }
  }
  return out;
}

function meanAbsOffDiagonal(mat: readonly Float64Array[]): number {
  let s = 0, c = 0;
  for (let i = 0; i < mat.length; i++) {
    for (let j = i + 1; j < mat.length; j++) {
      s += Math.abs(mat[i]![j]!);
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}
