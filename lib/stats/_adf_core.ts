/**
 * The numeric core of the augmented Dickey-Fuller test (internal; `adf` and `engleGranger`
 * validate inputs and call it).
 *
 * statsmodels fits `maxlag + 1` separate OLS regressions for the lag search and one more for
 * the chosen lag, each by pseudo-inverse on an n x k design: O(maxlag n k^2). Here every fit
 * comes from one cross-product matrix per sample:
 *
 * 1. Deterministic terms (constant, trend, quadratic trend) are partialled out first
 *    (Frisch-Waugh-Lovell): the constant by centring, the trends by an orthonormal polynomial
 *    basis over the sample. The t statistic, residual sum of squares and information criteria
 *    are unchanged; only the degrees of freedom count the deterministic columns.
 * 2. The lagged differences are shifted copies of one series, so their cross-products form a
 *    sliding-window (nearly Toeplitz) matrix: the first row costs O(n maxlag), every other entry
 *    O(1) from its upper-left neighbour (add the row entering, drop the row leaving).
 * 3. One Cholesky factorisation of the augmented matrix [level, lag 1..p, y] gives every nested
 *    regression [level, lag 1..l] at once: the leading block of a Cholesky factor is the factor
 *    of the leading block, so SSR(l) = SSR(p) + sum_{i > l} z_i^2 and the t statistic of the
 *    last column of fit l is z_l / sqrt(SSR(l) / df) (z = the factor's last row).
 *
 * 4. Without deterministic terms (regression "n": Engle-Granger's residuals) the level column
 *    needs no pass of its own: x[t] = x[t-c] + dd[t-c] + ... + dd[t-1] turns each level-lag
 *    product into a prefix difference plus lag-block entries (gramN), and the final fit's
 *    longer sample extends the lag search's first row by its extra rows (extendFirstRowN), so
 *    a series costs one family of p + 1 dot products (WebAssembly SIMD, eight per pass).
 *
 * Total cost O(n maxlag + maxlag^3) per series instead of O(n maxlag^3). Normal equations
 * square the condition number, which is why the deterministic terms are removed exactly and the
 * differences centred before any product is formed; the real-data tests show agreement with
 * statsmodels' SVD fits to ~1e-13 relative (c, n; with a trend statsmodels' own raw
 * t, t^2 columns cost it more digits than we differ by).
 *
 * @module
 */

import { ADF_SIMD, type SimdBuffers, simdBuffers } from "./_adf_simd.ts";

/** Deterministic terms of the ADF regression (statsmodels names). */
export type AdfRegression = "c" | "ct" | "ctt" | "n";
/** Lag-length selection rule (statsmodels names, lower case); `null` uses `maxlag` lags. */
export type AdfAutolag = "aic" | "bic" | "t-stat" | null;

/** What the core returns; p-values and critical values are added by the caller. */
export interface AdfCoreResult {
  statistic: number;
  usedLag: number;
  nobs: number;
  icBest: number | null;
  maxLag: number;
}

/** Number of deterministic columns of a regression. */
export function trendCount(regression: AdfRegression): number {
  return regression === "n" ? 0 : regression.length;
}

/** statsmodels' default maximum lag `ceil(12 (n/100)^(1/4))`, capped at `n//2 - ntrend - 1`. */
export function adfDefaultMaxLag(n: number, regression: AdfRegression): number {
  const m = Math.ceil(12 * Math.pow(n / 100, 1 / 4));
  return Math.min(Math.floor(n / 2) - trendCount(regression) - 1, m);
}

// Scratch buffers reused across calls (single-threaded): no allocation per series once warm.
let dd: Float64Array = new Float64Array(0); // centred first differences
let lv: Float64Array = new Float64Array(0); // residualised level over the current sample
let q2 = new Float64Array(0); // orthonormal linear trend over the current sample
let q3 = new Float64Array(0); // orthonormal quadratic trend
let gram = new Float64Array(0); // (p + 2)^2 cross products, then the Cholesky factor
let proj = new Float64Array(0); // projections of the difference columns on q2, q3
let colSum = new Float64Array(0);
let perm = new Int32Array(0);
let work = new Float64Array(0);
// Regression "n" only (see gramN): prefix sums of x[t] dd[t] and x[t]^2, and the first-row
// products of the lag search.
let preXD = new Float64Array(0);
let preXX = new Float64Array(0);
let row0 = new Float64Array(0);

// The differences and the level live in the SIMD kernel's memory when it is available.
let simdBuf: SimdBuffers | null = null;

function ensure(m: number, p: number): void {
  if (dd.length < m) {
    if (ADF_SIMD !== null) {
      simdBuf = simdBuffers(ADF_SIMD, m);
      dd = simdBuf.dd;
      lv = simdBuf.lv;
    } else {
      dd = new Float64Array(m);
      lv = new Float64Array(m);
    }
    q2 = new Float64Array(m);
    q3 = new Float64Array(m);
    preXD = new Float64Array(m + 1);
    preXX = new Float64Array(m + 1);
  }
  const k = p + 2;
  if (gram.length < k * k) {
    gram = new Float64Array(k * k);
    work = new Float64Array(k * k);
    proj = new Float64Array(2 * k);
    colSum = new Float64Array(k);
    perm = new Int32Array(k);
    row0 = new Float64Array(k);
  }
}

const LOG_2PI = Math.log(2 * Math.PI);
// statsmodels _autolag: the t-stat rule stops at the first |t| >= norm.ppf(0.95).
const T_STOP = 1.6448536269514722;

/**
 * Fill `gram` ((p+2) x (p+2), row-major, symmetric) with the cross products of the residualised
 * columns [level, lag 1..p, y] over the sample that p lags leave: rows r = 0..nobs-1 with
 * y = d[p+r], level = x[p+r], lag j = d[p+r-j], nobs = x.length - 1 - p.
 */
function buildGram(x: ArrayLike<number>, p: number, ntrend: number): number {
  const m = x.length - 1;
  const nobs = m - p;
  const k = p + 2;
  if (ntrend >= 2) trendBasis(nobs, ntrend);
  // The level over the sample, residualised explicitly (no cancellation from a large mean or a
  // trend).
  if (ntrend === 0) {
    for (let r = 0; r < nobs; r++) lv[r] = x[p + r]!;
  } else {
    let mean = 0;
    for (let r = 0; r < nobs; r++) mean += x[p + r]!;
    mean /= nobs;
    for (let r = 0; r < nobs; r++) lv[r] = x[p + r]! - mean;
    // Two projection passes (re-orthogonalisation) keep lv orthogonal to the trend basis.
    for (let pass = 0; ntrend >= 2 && pass < 2; pass++) {
      let a2 = 0, a3 = 0;
      for (let r = 0; r < nobs; r++) a2 += q2[r]! * lv[r]!;
      if (ntrend === 3) { for (let r = 0; r < nobs; r++) a3 += q3[r]! * lv[r]!; }
      for (let r = 0; r < nobs; r++) lv[r] = lv[r]! - a2 * q2[r]!;
      if (ntrend === 3) { for (let r = 0; r < nobs; r++) lv[r] = lv[r]! - a3 * q3[r]!; }
    }
  }
  let ll = 0;
  for (let r = 0; r < nobs; r++) ll += lv[r]! * lv[r]!;
  gram[0] = ll;
  // Difference family: c = 0 is y, c = j >= 1 is lag j; D_c[r] = dd[p - c + r]. One pass per
  // column gives its raw product with y (first row S[0][c]), its sum, its product with the
  // level and its projections on the trend basis: O(nobs p) in all. Without trend terms
  // (Engle-Granger's residuals, the hot path of a pair screen) and with a constant, eight
  // columns share one WebAssembly SIMD pass (_adf_simd.ts), then four one TypeScript pass
  // (firstRowsOf4): the same sums in the same order as one column at a time, so the same bits.
  let c = 0;
  if (ntrend <= 1 && ADF_SIMD !== null && simdBuf !== null) {
    const sums = simdBuf.sums;
    for (; c + 7 <= p; c += 8) {
      ADF_SIMD.rows8(simdBuf.lvBase, p - c, p, nobs, ntrend, simdBuf.out);
      for (let q = 0; q < 8; q++) {
        storeColumn(c + q, sums[q]!, sums[8 + q]!, sums[16 + q]!, 0, 0, p, k, m);
      }
    }
    if (c <= p && p >= 7) {
      // The last 1-7 columns: one more block ending at column p; the columns it recomputes
      // come out the same (same sums, same order) and are not stored again.
      const c0 = p - 7;
      ADF_SIMD.rows8(simdBuf.lvBase, p - c0, p, nobs, ntrend, simdBuf.out);
      for (; c <= p; c++) {
        const q = c - c0;
        storeColumn(c, sums[q]!, sums[8 + q]!, sums[16 + q]!, 0, 0, p, k, m);
      }
    }
  }
  if (ntrend <= 1) {
    for (; c + 3 <= p; c += 4) {
      firstRowsOf4(p - c, p, nobs);
      for (let q = 0; q < 4; q++) {
        storeColumn(c + q, blk[q]!, blk[4 + q]!, blk[8 + q]!, 0, 0, p, k, m);
      }
    }
  }
  for (; c <= p; c++) {
    const off = p - c;
    let s = 0, sum = 0, sl = 0, a2 = 0, a3 = 0;
    if (ntrend <= 1) {
      for (let r = 0; r < nobs; r++) {
        const v = dd[off + r]!;
        s += dd[p + r]! * v;
        sum += v;
        sl += lv[r]! * v;
      }
    } else {
      for (let r = 0; r < nobs; r++) {
        const v = dd[off + r]!;
        s += dd[p + r]! * v;
        sum += v;
        sl += lv[r]! * v;
        a2 += q2[r]! * v;
        a3 += q3[r]! * v; // q3 is all zero for "ct"
      }
    }
    storeColumn(c, s, sum, sl, a2, a3, p, k, m);
  }
  if (ntrend >= 1) {
    // C = S - s_i s_j / n (constant), minus the projections on the trend basis.
    for (let i = 0; i <= p; i++) {
      const a = fam(i, p);
      for (let j = i; j <= p; j++) {
        const b = fam(j, p);
        let v = gram[a * k + b]! - (colSum[i]! * colSum[j]!) / nobs;
        if (ntrend >= 2) v -= proj[i]! * proj[j]! + proj[k + i]! * proj[k + j]!;
        gram[a * k + b] = v;
        gram[b * k + a] = v;
      }
    }
  }
  return nobs;
}

/**
 * Store column c's first-row product `s` with y, its sum, its product `sl` with the level and
 * its trend projections, then fill its diagonal of the sliding-window block:
 * S[i+1][j+1] = S[i][j] + (row entering at the top) - (row leaving at the bottom).
 */
function storeColumn(
  c: number,
  s: number,
  sum: number,
  sl: number,
  a2: number,
  a3: number,
  p: number,
  k: number,
  m: number,
): void {
  colSum[c] = sum;
  proj[c] = a2;
  proj[k + c] = a3;
  const b = fam(c, p);
  gram[b] = sl;
  gram[b * k] = sl;
  setFamily(0, c, s, p, k);
  for (let i = 0; i + c < p; i++) {
    const j = i + c;
    s += dd[p - 1 - i]! * dd[p - 1 - j]! - dd[m - 1 - i]! * dd[m - 1 - j]!;
    setFamily(i + 1, j + 1, s, p, k);
  }
}

// [s, sum, sl] of four adjacent columns, written by firstRowsOf4.
const blk = new Float64Array(12);

/**
 * The single-column pass of buildGram for columns c..c+3 at once (off = p - c): one load of y,
 * the level and one new difference per row instead of twelve, and twelve independent sums for
 * the CPU to overlap. Column c + q reads dd[off - q + r], which is what column c + q - 1 read
 * one row earlier, so the four values rotate through locals. Every sum adds the same products
 * in the same row order as the single-column loop: bit-identical results, about 2x faster.
 */
function firstRowsOf4(off: number, p: number, nobs: number): void {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, l0 = 0, l1 = 0, l2 = 0, l3 = 0;
  let u0 = 0, u1 = 0, u2 = 0, u3 = 0;
  // Locals, not the module's rebindable buffers: V8 then keeps them in registers.
  const d = dd, lvl0 = lv;
  let w0 = d[off]!, w1 = d[off - 1]!, w2 = d[off - 2]!, w3 = d[off - 3]!;
  const last = nobs - 1;
  // The sums u are needed with a constant only; computing them always keeps one loop.
  for (let r = 0; r < last; r++) {
    const yv = d[p + r]!, lvl = lvl0[r]!;
    s0 += yv * w0;
    s1 += yv * w1;
    s2 += yv * w2;
    s3 += yv * w3;
    u0 += w0;
    u1 += w1;
    u2 += w2;
    u3 += w3;
    l0 += lvl * w0;
    l1 += lvl * w1;
    l2 += lvl * w2;
    l3 += lvl * w3;
    w3 = w2;
    w2 = w1;
    w1 = w0;
    w0 = d[off + r + 1]!;
  }
  if (last >= 0) {
    // The last row, without loading the row after it.
    const yv = d[p + last]!, lvl = lvl0[last]!;
    s0 += yv * w0;
    s1 += yv * w1;
    s2 += yv * w2;
    s3 += yv * w3;
    u0 += w0;
    u1 += w1;
    u2 += w2;
    u3 += w3;
    l0 += lvl * w0;
    l1 += lvl * w1;
    l2 += lvl * w2;
    l3 += lvl * w3;
  }
  blk[0] = s0;
  blk[1] = s1;
  blk[2] = s2;
  blk[3] = s3;
  blk[4] = u0;
  blk[5] = u1;
  blk[6] = u2;
  blk[7] = u3;
  blk[8] = l0;
  blk[9] = l1;
  blk[10] = l2;
  blk[11] = l3;
}

// Regression "n" (Engle-Granger's residuals, the hot path of a pair screen): adfCore fills
// preXD[t] = sum_{s<t} x[s] dd[s] and preXX[t] = sum_{s<t} x[s]^2 with the differences; every
// sample's level products follow from them (see gramN).

/**
 * row0[c] = sum_{t=p}^{m-1} dd[t] dd[t-c], c = 0..p: the products of y with each lag over the
 * sample that p lags leave (the only O(n) work per lag), eight lags per SIMD pass.
 */
function firstRowN(p: number, m: number): void {
  const nobs = m - p;
  let c = 0;
  if (ADF_SIMD !== null && simdBuf !== null && p >= 7) {
    const sums = simdBuf.sums;
    for (; c <= p; c += 8) {
      const c0 = Math.min(c, p - 7); // the last block ends at column p
      ADF_SIMD.dots8(p - c0, p, nobs, simdBuf.out);
      for (let q = c - c0; q < 8; q++) row0[c0 + q] = sums[q]!;
    }
    return;
  }
  for (; c <= p; c++) {
    let s = 0;
    for (let t = p; t < m; t++) s += dd[t]! * dd[t - c]!;
    row0[c] = s;
  }
}

/**
 * The cross-product matrix [level, lag 1..p, y] of regression "n" from the first row row0:
 * the lag block by the sliding-window update of storeColumn, and the level column without
 * another pass over the data. With x[t] = x[t-c] + dd[t-c] + ... + dd[t-1],
 *   sum_t x[t] dd[t-c] = sum_t x[t-c] dd[t-c] + sum_{i=1..c} sum_t dd[t-i] dd[t-c]
 *                      = (preXD[m-c] - preXD[p-c]) + sum_{i=1..c} S[i][c],
 * where S[i][c] are lag-block entries already built, and sum_t x[t]^2 is a prefix difference.
 * O(p^2) after row0, instead of a second O(n p) family of sums.
 */
function gramN(p: number, m: number): number {
  const k = p + 2;
  gram[0] = preXX[m]! - preXX[p]!;
  for (let c = 0; c <= p; c++) storeColumn(c, row0[c]!, 0, 0, 0, 0, p, k, m);
  for (let c = 0; c <= p; c++) {
    const b = fam(c, p);
    let l = preXD[m - c]! - preXD[p - c]!;
    for (let i = 1; i <= c; i++) l += gram[i * k + b]!;
    gram[b] = l;
    gram[b * k] = l;
  }
  return m - p;
}

/**
 * row0 of the sample of p2 <= p lags from row0 of p lags: the rows t = p2..p-1 added,
 * O((p - p2) p2). The final fit of statsmodels' autolag uses this longer sample.
 */
function extendFirstRowN(p: number, p2: number): void {
  for (let c = 0; c <= p2; c++) {
    let s = row0[c]!;
    for (let t = p - 1; t >= p2; t--) s += dd[t]! * dd[t - c]!;
    row0[c] = s;
  }
}

/** Matrix index of difference-family column c (0 = y, j = lag j) in [level, lag 1..p, y]. */
function fam(c: number, p: number): number {
  return c === 0 ? p + 1 : c;
}

function setFamily(i: number, j: number, v: number, p: number, k: number): void {
  const a = fam(i, p), b = fam(j, p);
  gram[a * k + b] = v;
  gram[b * k + a] = v;
}

/** Orthonormal linear (q2) and quadratic (q3) trends over rows 0..n-1, orthogonal to 1. */
function trendBasis(n: number, ntrend: number): void {
  const mid = (n - 1) / 2;
  let s2 = 0;
  for (let r = 0; r < n; r++) {
    const t = r - mid;
    q2[r] = t;
    s2 += t * t;
  }
  const inv2 = 1 / Math.sqrt(s2);
  for (let r = 0; r < n; r++) q2[r] = q2[r]! * inv2;
  if (ntrend < 3) {
    q3.fill(0, 0, n);
    return;
  }
  // t^2 centred, then made orthogonal to q2 (zero by symmetry, removed numerically anyway).
  let mean = 0;
  for (let r = 0; r < n; r++) {
    const t = r - mid;
    q3[r] = t * t;
    mean += t * t;
  }
  mean /= n;
  let dot = 0;
  for (let r = 0; r < n; r++) {
    q3[r] = q3[r]! - mean;
    dot += q3[r]! * q2[r]!;
  }
  let s3 = 0;
  for (let r = 0; r < n; r++) {
    q3[r] = q3[r]! - dot * q2[r]!;
    s3 += q3[r]! * q3[r]!;
  }
  const inv3 = 1 / Math.sqrt(s3);
  for (let r = 0; r < n; r++) q3[r] = q3[r]! * inv3;
}

/**
 * In-place Cholesky (lower) of the k x k matrix `a` in the row order `perm`, written to
 * `work`. Regressor pivots (all but the last, y) that fall below 1e-12 of their original
 * diagonal mean a column is, to working precision, a combination of the others: refuse.
 */
function cholesky(k: number, stride: number): void {
  // Locals, not the module's rebindable buffers: V8 then keeps them in registers.
  const w = work, g = gram, pm = perm;
  for (let i = 0; i < k; i++) {
    const pi = pm[i]!, ri = i * k;
    for (let j = 0; j <= i; j++) {
      const pj = pm[j]!, rj = j * k;
      let s = g[pi * stride + pj]!;
      for (let m = 0; m < j; m++) s -= w[ri + m]! * w[rj + m]!;
      if (i === j) {
        if (i < k - 1) {
          const orig = g[pi * stride + pi]!;
          if (!(s > 1e-12 * orig)) {
            throw new RangeError(
              "Cannot compute ADF: the regressors are collinear (the series is constant, or " +
                "its differences repeat exactly, over the sample); check the input series",
            );
          }
        }
        w[ri + i] = Math.sqrt(Math.max(s, 0));
      } else {
        w[ri + j] = s / w[rj + j]!;
      }
    }
  }
}

function infoCriteria(
  ssr: number,
  nobs: number,
  kTotal: number,
): { aic: number; bic: number } {
  const nobs2 = nobs / 2;
  const llf = -nobs2 * LOG_2PI - nobs2 * Math.log(ssr / nobs) - nobs2;
  return { aic: -2 * llf + 2 * kTotal, bic: -2 * llf + Math.log(nobs) * kTotal };
}

/**
 * ADF regression of `x` (finite values only, length n) with statsmodels 0.13.5 `adfuller`
 * semantics. `maxlag` must already be validated (0 <= maxlag <= n//2 - ntrend - 1).
 */
export function adfCore(
  x: ArrayLike<number>,
  regression: AdfRegression,
  autolag: AdfAutolag,
  maxlag: number,
): AdfCoreResult {
  const n = x.length;
  const m = n - 1;
  const ntrend = trendCount(regression);
  ensure(m, maxlag);
  // Centring the differences does not change any centred cross product and avoids cancellation
  // when the drift is large next to the noise; without a constant the raw values are needed.
  let dmean = 0;
  if (ntrend >= 1) {
    for (let t = 0; t < m; t++) dmean += x[t + 1]! - x[t]!;
    dmean /= m;
  }
  const fastN = ntrend === 0;
  if (fastN) {
    // The differences and the prefix sums of gramN in one pass.
    const d = dd, pxd = preXD, pxx = preXX;
    let a = 0, b = 0;
    pxd[0] = 0;
    pxx[0] = 0;
    for (let t = 0; t < m; t++) {
      const v = x[t]!, dv = x[t + 1]! - v;
      d[t] = dv;
      a += v * dv;
      b += v * v;
      pxd[t + 1] = a;
      pxx[t + 1] = b;
    }
  } else {
    for (let t = 0; t < m; t++) dd[t] = x[t + 1]! - x[t]! - dmean;
  }

  let usedLag = maxlag;
  let icBest: number | null = null;
  if (autolag !== null) {
    const p = maxlag;
    let nobs: number;
    if (fastN) {
      firstRowN(p, m);
      nobs = gramN(p, m);
    } else {
      nobs = buildGram(x, p, ntrend);
    }
    const k = p + 2;
    for (let i = 0; i < k; i++) perm[i] = i;
    cholesky(k, k);
    // ssr[l] for l lags = L_yy^2 + sum_{i > l} z_i^2, accumulated from the full model down.
    const yRow = (k - 1) * k;
    let ssr = work[yRow + k - 1]! * work[yRow + k - 1]!;
    if (autolag === "t-stat") {
      icBest = 0;
      usedLag = p;
      for (let l = p; l >= 0; l--) {
        const z = work[yRow + l]!;
        const kTotal = ntrend + 1 + l;
        const t = z / Math.sqrt(ssr / (nobs - kTotal));
        icBest = Math.abs(t);
        usedLag = l;
        if (icBest >= T_STOP) break;
        ssr += z * z;
      }
    } else {
      let best = Infinity, bestLag = p;
      for (let l = p; l >= 0; l--) {
        const kTotal = ntrend + 1 + l;
        const ic = infoCriteria(ssr, nobs, kTotal);
        const v = autolag === "aic" ? ic.aic : ic.bic;
        // Python's min over (ic, lag) tuples: ties go to the smaller lag, hence <=.
        if (v <= best) {
          best = v;
          bestLag = l;
        }
        const z = work[yRow + l]!;
        ssr += z * z;
      }
      icBest = best;
      usedLag = bestLag;
    }
  }
  // Final fit on the full sample that usedLag leaves, level ordered last so its t statistic is
  // z_level / sqrt(ssr / df).
  const p = usedLag;
  let nobs: number;
  if (fastN) {
    if (autolag !== null) extendFirstRowN(maxlag, p);
    else firstRowN(p, m);
    nobs = gramN(p, m);
  } else {
    nobs = buildGram(x, p, ntrend);
  }
  const k = p + 2;
  for (let i = 0; i < p; i++) perm[i] = i + 1;
  perm[p] = 0;
  perm[p + 1] = p + 1;
  cholesky(k, k);
  const yRow = (k - 1) * k;
  const ssr = work[yRow + k - 1]! * work[yRow + k - 1]!;
  const df = nobs - (ntrend + 1 + p);
  const statistic = work[yRow + p]! / Math.sqrt(ssr / df);
  return { statistic, usedLag, nobs, icBest, maxLag: maxlag };
}
