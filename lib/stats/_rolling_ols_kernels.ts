/**
 * The loops behind `rollingOls` (internal: not re-exported from `mod.ts`): a general kernel for
 * any number of regressors and a two-regressor kernel with scalar state. Both keep the window's
 * means and centered cross-products by Welford's add/remove updates, recompute them exactly
 * every `window` steps (and before judging a window whose rolled sums of squares are down to
 * rounding residues), solve the centered normal equations by Cholesky, and refit a
 * near-singular window by QR (`leastSquares`).
 *
 * @module
 */
import { leastSquares } from "./least_squares.ts";
import type { RollingOlsResult } from "./types.ts";

/** Relative Cholesky pivot below which the centered normal equations hand over to QR. */
export const PIVOT_TOL = 1e-6;
/** Centered sum of squares below this fraction of the raw one counts as a constant column. */
export const CONSTANT_TOL = 1e-12;
/**
 * A rolled centered sum of squares at or below this fraction of the squared deviations that
 * have passed through it since the last exact recompute is a rounding residue, not a variance:
 * the window is recomputed exactly before it is judged. Without this, a window of eight zero
 * returns reached by Welford removals has a residue mean and a residue sum of squares, both
 * tiny, and the constancy test above compares one residue with the other (it passes), so the
 * slope becomes a ratio of noise. The rounding error of the rolled sum is a few ulps of that
 * accumulated scale, so 1e-9 leaves a wide margin; a genuine variance that small relative to
 * the recent past only costs one O(window) recompute.
 */
export const DRIFT_TOL = 1e-9;

/** Resolved options. */
export interface RollingSpec {
  readonly window: number;
  readonly minObs: number;
  readonly causal: boolean;
}

/** Any number of regressors: state in small typed arrays, O(k²) per step. */
export function rollingOlsAny(
  Y: Float64Array,
  X: readonly Float64Array[],
  complete: Uint8Array,
  spec: RollingSpec,
  out: RollingOlsResult,
): void {
  const { window, minObs, causal } = spec;
  const { alpha, betas, rSquared, residuals, nobs } = out;
  const n = Y.length;
  const k = X.length;
  // Regressors row-major (row i at xr[i k .. i k + k)): one typed array, read sequentially.
  const xr = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const x = X[j]!;
    for (let i = 0; i < n; i++) xr[i * k + j] = x[i]!;
  }
  // Window state: st = [count, mean y, centered sum of squares of y]; means of x; centered
  // cross-products (upper triangle of k x k, row-major); centered x'y.
  const st = new Float64Array(3);
  const mx = new Float64Array(k);
  const sxx = new Float64Array(k * k);
  const sxy = new Float64Array(k);
  // Squared deviations d² of x (0..k-1) and y (k) fed to the rolled moments since the last
  // exact recompute: the scale their rounding residue is judged against (see DRIFT_TOL).
  const acc = new Float64Array(k + 1);
  // Scratch, allocated once.
  const dx = new Float64Array(k);
  const chol = new Float64Array(k * k);
  const z = new Float64Array(k);
  const b = new Float64Array(k);
  const qr: QrScratch = { cols: null, y: null };

  for (let t = 0; t < n; t++) {
    if (complete[t] === 1) update(1, t, k, xr, Y, st, mx, sxx, sxy, dx, acc);
    const old = t - window;
    if (old >= 0 && complete[old] === 1) update(-1, old, k, xr, Y, st, mx, sxx, sxy, dx, acc);
    // Bound rounding drift: exact moments once per window.
    if ((t + 1) % window === 0) {
      recompute(t - window + 1, t, k, xr, Y, complete, st, mx, sxx, sxy);
      acc.fill(0);
    }
    const o = causal ? t + 1 : t;
    if (o >= n) continue;
    const cnt = st[0]!;
    nobs[o] = cnt;
    if (cnt < minObs) continue;
    if (residueOnly(k, st, sxx, acc)) {
      recompute(Math.max(0, t - window + 1), t, k, xr, Y, complete, st, mx, sxx, sxy);
      acc.fill(0);
    }
    let a: number, r2: number;
    if (solveCentered(k, cnt, mx, sxx, sxy, chol, z, b)) {
      a = st[1]!;
      let explained = 0;
      for (let j = 0; j < k; j++) {
        a -= b[j]! * mx[j]!;
        explained += b[j]! * sxy[j]!;
      }
      const syy = st[2]!;
      r2 = 1 - Math.max(syy - explained, 0) / syy;
    } else {
      // Near-singular window: refit by QR on its complete rows (rare, O(window k²)).
      const fit = refitQr(Math.max(0, t - window + 1), t, X, Y, complete, window, qr, b);
      if (fit === null) continue;
      a = fit[0];
      r2 = fit[1];
    }
    alpha[o] = a;
    rSquared[o] = r2;
    let e = Y[o]! - a;
    for (let j = 0; j < k; j++) {
      betas[j]![o] = b[j]!;
      e -= b[j]! * xr[o * k + j]!;
    }
    if (complete[o] === 1) residuals[o] = e;
  }
}

/**
 * True when a rolled centered sum of squares (x's diagonal or y's) is no larger than the
 * rounding residue of what passed through it since the last exact recompute (DRIFT_TOL).
 */
function residueOnly(k: number, st: Float64Array, sxx: Float64Array, acc: Float64Array): boolean {
  for (let j = 0; j < k; j++) {
    const a = acc[j]!;
    if (a > 0 && sxx[j * k + j]! <= DRIFT_TOL * a) return true;
  }
  const a = acc[k]!;
  return a > 0 && st[2]! <= DRIFT_TOL * a;
}

/** Two regressors: the same algorithm as {@link rollingOlsAny} with the state in locals. */
export function rollingOlsTwo(
  Y: Float64Array,
  X1: Float64Array,
  X2: Float64Array,
  complete: Uint8Array,
  spec: RollingSpec,
  out: RollingOlsResult,
): void {
  const { window, minObs, causal } = spec;
  const { alpha, rSquared, residuals, nobs } = out;
  const beta1 = out.betas[0]!, beta2 = out.betas[1]!;
  const n = Y.length;
  const b = new Float64Array(2);
  const qr: QrScratch = { cols: null, y: null };
  const X = [X1, X2];
  const mom = new Float64Array(10);
  let c = 0, my = 0, m1 = 0, m2 = 0, syy = 0, s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  // Squared deviations fed to s11, s22, syy since the last exact recompute (see DRIFT_TOL).
  let a1 = 0, a2 = 0, ay = 0;
  for (let t = 0; t < n; t++) {
    if (complete[t] === 1) {
      const x1 = X1[t]!, x2 = X2[t]!, yy = Y[t]!;
      c++;
      const step = 1 / c;
      const d1 = x1 - m1, d2 = x2 - m2, dy = yy - my;
      m1 += d1 * step;
      m2 += d2 * step;
      my += dy * step;
      const e1 = x1 - m1, e2 = x2 - m2, ey = yy - my;
      s11 += d1 * e1;
      s12 += d1 * e2;
      s22 += d2 * e2;
      s1y += d1 * ey;
      s2y += d2 * ey;
      syy += dy * ey;
      a1 += d1 * d1;
      a2 += d2 * d2;
      ay += dy * dy;
    }
    const old = t - window;
    if (old >= 0 && complete[old] === 1) {
      c--;
      if (c === 0) {
        my =
          m1 =
          m2 =
          syy =
          s11 =
          s12 =
          s22 =
          s1y =
          s2y =
          a1 =
          a2 =
          ay =
            0;
      } else {
        const x1 = X1[old]!, x2 = X2[old]!, yy = Y[old]!;
        const step = 1 / c;
        const d1 = x1 - m1, d2 = x2 - m2, dy = yy - my;
        m1 -= d1 * step;
        m2 -= d2 * step;
        my -= dy * step;
        const e1 = x1 - m1, e2 = x2 - m2, ey = yy - my;
        s11 -= d1 * e1;
        s12 -= d1 * e2;
        s22 -= d2 * e2;
        s1y -= d1 * ey;
        s2y -= d2 * ey;
        syy -= dy * ey;
        a1 += d1 * d1;
        a2 += d2 * d2;
        ay += dy * dy;
      }
    }
    const o = causal ? t + 1 : t;
    // Bound rounding drift: exact two-pass moments once per window, and before judging a
    // window whose rolled sums of squares are down to rounding residues (see DRIFT_TOL).
    // (Out of line: inner loops here would slow the whole loop down.)
    if (
      (t + 1) % window === 0 ||
      (o < n && c >= minObs &&
        ((a1 > 0 && s11 <= DRIFT_TOL * a1) || (a2 > 0 && s22 <= DRIFT_TOL * a2) ||
          (ay > 0 && syy <= DRIFT_TOL * ay)))
    ) {
      twoPassTwo(Math.max(0, t - window + 1), t, Y, X1, X2, complete, mom);
      c = mom[0]!;
      m1 = mom[1]!;
      m2 = mom[2]!;
      my = mom[3]!;
      s11 = mom[4]!;
      s12 = mom[5]!;
      s22 = mom[6]!;
      s1y = mom[7]!;
      s2y = mom[8]!;
      syy = mom[9]!;
      a1 = a2 = ay = 0;
    }
    if (o >= n) continue;
    nobs[o] = c;
    if (c < minObs) continue;
    let a: number, r2: number, b1: number, b2: number;
    // Cholesky of [[s11, s12], [s12, s22]] with the same guards as solveCentered.
    const l11 = Math.sqrt(s11);
    const l21 = s12 / l11;
    const piv = s22 - l21 * l21;
    if (
      s11 > CONSTANT_TOL * (s11 + c * m1 * m1) && s22 > CONSTANT_TOL * (s22 + c * m2 * m2) &&
      piv > PIVOT_TOL * s22
    ) {
      const l22 = Math.sqrt(piv);
      const z1 = s1y / l11;
      b2 = (s2y - l21 * z1) / l22 / l22;
      b1 = (z1 - l21 * b2) / l11;
      a = my - b1 * m1 - b2 * m2;
      r2 = 1 - Math.max(syy - b1 * s1y - b2 * s2y, 0) / syy;
    } else {
      const fit = refitQr(Math.max(0, t - window + 1), t, X, Y, complete, window, qr, b);
      if (fit === null) continue;
      a = fit[0];
      r2 = fit[1];
      b1 = b[0]!;
      b2 = b[1]!;
    }
    alpha[o] = a;
    beta1[o] = b1;
    beta2[o] = b2;
    rSquared[o] = r2;
    if (complete[o] === 1) residuals[o] = Y[o]! - a - b1 * X1[o]! - b2 * X2[o]!;
  }
}

/** Exact two-pass moments of the complete rows in [lo, hi] for two regressors, into `mom`. */
function twoPassTwo(
  lo: number,
  hi: number,
  Y: Float64Array,
  X1: Float64Array,
  X2: Float64Array,
  complete: Uint8Array,
  mom: Float64Array,
): void {
  let c = 0, a1 = 0, a2 = 0, ay = 0;
  for (let i = lo; i <= hi; i++) {
    if (complete[i] === 0) continue;
    c++;
    a1 += X1[i]!;
    a2 += X2[i]!;
    ay += Y[i]!;
  }
  mom.fill(0);
  if (c === 0) return;
  const m1 = a1 / c, m2 = a2 / c, my = ay / c;
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0, syy = 0;
  for (let i = lo; i <= hi; i++) {
    if (complete[i] === 0) continue;
    const e1 = X1[i]! - m1, e2 = X2[i]! - m2, ey = Y[i]! - my;
    s11 += e1 * e1;
    s12 += e1 * e2;
    s22 += e2 * e2;
    s1y += e1 * ey;
    s2y += e2 * ey;
    syy += ey * ey;
  }
  mom[0] = c;
  mom[1] = m1;
  mom[2] = m2;
  mom[3] = my;
  mom[4] = s11;
  mom[5] = s12;
  mom[6] = s22;
  mom[7] = s1y;
  mom[8] = s2y;
  mom[9] = syy;
}

/**
 * Add (`sign` 1) or remove (`sign` -1) row i: Welford's update of the means and centered
 * cross-products, `m' = m ± d / c'`, `S' = S ± d (x - m')` with d = x - m and c' the new count.
 */
function update(
  sign: number,
  i: number,
  k: number,
  xr: Float64Array,
  Y: Float64Array,
  st: Float64Array,
  mx: Float64Array,
  sxx: Float64Array,
  sxy: Float64Array,
  dx: Float64Array,
  acc: Float64Array,
): void {
  const cnt = st[0]! + sign;
  st[0] = cnt;
  if (cnt === 0) {
    st[1] = 0;
    st[2] = 0;
    mx.fill(0);
    sxx.fill(0);
    sxy.fill(0);
    acc.fill(0);
    return;
  }
  const step = sign / cnt;
  const row = i * k;
  for (let j = 0; j < k; j++) {
    const d = xr[row + j]! - mx[j]!;
    dx[j] = d;
    acc[j] = acc[j]! + d * d;
    mx[j] = mx[j]! + d * step;
  }
  const yi = Y[i]!;
  const my = st[1]!;
  const dy = yi - my;
  acc[k] = acc[k]! + dy * dy;
  const myNew = my + dy * step;
  st[1] = myNew;
  const ey = yi - myNew;
  st[2] = st[2]! + sign * dy * ey;
  for (let j = 0; j < k; j++) {
    const dj = sign * dx[j]!;
    const off = j * k;
    for (let l = j; l < k; l++) sxx[off + l] = sxx[off + l]! + dj * (xr[row + l]! - mx[l]!);
    sxy[j] = sxy[j]! + dj * ey;
  }
}

/** Exact two-pass moments of the complete rows in [lo, hi]. */
function recompute(
  lo: number,
  hi: number,
  k: number,
  xr: Float64Array,
  Y: Float64Array,
  complete: Uint8Array,
  st: Float64Array,
  mx: Float64Array,
  sxx: Float64Array,
  sxy: Float64Array,
): void {
  let cnt = 0, my = 0;
  mx.fill(0);
  sxx.fill(0);
  sxy.fill(0);
  for (let i = lo; i <= hi; i++) {
    if (complete[i] === 0) continue;
    cnt++;
    my += Y[i]!;
    for (let j = 0; j < k; j++) mx[j] = mx[j]! + xr[i * k + j]!;
  }
  st[0] = cnt;
  if (cnt === 0) {
    st[1] = 0;
    st[2] = 0;
    mx.fill(0);
    return;
  }
  my /= cnt;
  for (let j = 0; j < k; j++) mx[j] = mx[j]! / cnt;
  let syy = 0;
  for (let i = lo; i <= hi; i++) {
    if (complete[i] === 0) continue;
    const ey = Y[i]! - my;
    syy += ey * ey;
    const row = i * k;
    for (let j = 0; j < k; j++) {
      const dj = xr[row + j]! - mx[j]!;
      const off = j * k;
      for (let l = j; l < k; l++) sxx[off + l] = sxx[off + l]! + dj * (xr[row + l]! - mx[l]!);
      sxy[j] = sxy[j]! + dj * ey;
    }
  }
  st[1] = my;
  st[2] = syy;
}

/** Solve the centered normal equations `sxx b = sxy` by Cholesky; false when near singular. */
function solveCentered(
  k: number,
  cnt: number,
  mx: Float64Array,
  sxx: Float64Array,
  sxy: Float64Array,
  chol: Float64Array,
  z: Float64Array,
  b: Float64Array,
): boolean {
  for (let j = 0; j < k; j++) {
    const djj = sxx[j * k + j]!;
    if (!(djj > CONSTANT_TOL * (djj + cnt * mx[j]! * mx[j]!))) return false;
    let s = djj;
    for (let m = 0; m < j; m++) s -= chol[j * k + m]! * chol[j * k + m]!;
    if (!(s > PIVOT_TOL * djj)) return false;
    const ljj = Math.sqrt(s);
    chol[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let v = sxx[j * k + i]!;
      for (let m = 0; m < j; m++) v -= chol[i * k + m]! * chol[j * k + m]!;
      chol[i * k + j] = v / ljj;
    }
  }
  for (let i = 0; i < k; i++) {
    let v = sxy[i]!;
    for (let m = 0; m < i; m++) v -= chol[i * k + m]! * z[m]!;
    z[i] = v / chol[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let v = z[i]!;
    for (let m = i + 1; m < k; m++) v -= chol[m * k + i]! * b[m]!;
    b[i] = v / chol[i * k + i]!;
  }
  return true;
}

/** Buffers for {@link refitQr}, allocated on the first near-singular window only. */
interface QrScratch {
  cols: Float64Array[] | null;
  y: Float64Array | null;
}

/**
 * Householder QR on the complete rows of [lo, hi] with an intercept: slopes into b, returns
 * [intercept, centered R²], or null when the window is rank deficient to working precision.
 */
function refitQr(
  lo: number,
  hi: number,
  X: readonly Float64Array[],
  Y: Float64Array,
  complete: Uint8Array,
  window: number,
  qr: QrScratch,
  b: Float64Array,
): [number, number] | null {
  const k = X.length;
  if (qr.cols === null || qr.y === null) {
    qr.cols = Array.from({ length: k + 1 }, () => new Float64Array(window));
    qr.y = new Float64Array(window);
    qr.cols[0]!.fill(1);
  }
  const cols = qr.cols, yy = qr.y;
  let m = 0;
  for (let i = lo; i <= hi; i++) {
    if (complete[i] === 0) continue;
    for (let j = 0; j < k; j++) cols[j + 1]![m] = X[j]![i]!;
    yy[m++] = Y[i]!;
  }
  const fit = leastSquares(cols.map((c) => c.subarray(0, m)), yy.subarray(0, m));
  if (fit === null) return null;
  for (let j = 0; j < k; j++) b[j] = fit.coef[j + 1]!;
  let mean = 0, tss = 0;
  for (let i = 0; i < m; i++) mean += yy[i]!;
  mean /= m;
  for (let i = 0; i < m; i++) tss += (yy[i]! - mean) ** 2;
  return [fit.coef[0]!, 1 - fit.ssr / tss];
}
