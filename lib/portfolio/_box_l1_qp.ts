/**
 * A primal-dual active-set (semismooth Newton) solver for the QP family most portfolio problems
 * belong to (internal: not re-exported from `mod.ts`):
 *
 *   min 1/2 w'Hw + c'w + sum_i kappa_i |w_i - a_i|   s.t.   lo <= w <= hi,   E w = e
 *
 * with H symmetric positive definite, a few equality rows E (budget, net exposure, betas) and a
 * separable L1 term (a turnover penalty around the current weights `a`).
 *
 * Why not a general QP solver here: the L1 term needs N auxiliary variables (and a ridge, since
 * they have no curvature) and 2N more rows; this method works on the N weights alone (on the
 * 126-asset long-short problem: milliseconds, where quadprog's JavaScript port took seconds).
 *
 * Method: the optimality conditions are the fixed point `w = prox(w - g / d)` with
 * `g = Hw + c + E'nu`, `d = diag(H)` and `prox` the exact 1-D proximal map of the box plus the
 * kink (soft-threshold around `a_i` by `kappa_i / d_i`, then clip to `[lo_i, hi_i]`). The
 * active-set step reads every coordinate's state from that map (at a bound, at the kink, or free
 * with the slope +kappa or -kappa), solves the equality-constrained linear system of those states
 * exactly (Cholesky of H on the free set and the Schur complement of E), and stops when the
 * states repeat: the point then satisfies the fixed point, i.e. the KKT conditions, to rounding.
 * When E_F is rank deficient (a turnover penalty keeps a whole side, or every asset, at its
 * current weights, so an equality row has no free coordinate), the free system fixes the
 * multipliers only on the range of its Schur complement; along the null directions they are
 * chosen to minimize the squared violation of the fixed coordinates' optimality conditions
 * (their subgradient intervals), so the state update keeps them fixed when the point is optimal
 * and frees the violators when it is not. And a coordinate solved exactly onto its kink or bound
 * reads as a state change at a tie: the iteration stops there when the fixed-point residual
 * `max_i |prox(w - g / d)_i - w_i|` is within 1e-13 of max(1, |w|) (that residual is the KKT
 * test itself). Before both, penalized problems with equalities gave up and fell back to the
 * dual QP on 2N variables (10-30 times slower).
 * This is the primal-dual active set strategy of Hintermuller, Ito and Kunisch (2003, SIAM J.
 * Optim. 13(3), 865-888), a semismooth Newton method: it converges in a few steps near the
 * solution but can cycle from far away (it did on the 126-asset long-short problem). So it is
 * tried first from every coordinate free; when it has not converged in 8 steps, ADMM (Boyd et al.
 * 2011, over-relaxed; x takes the quadratic and the equalities through one cached Cholesky of
 * H + rho I with rho 10 times the mean diagonal of H, z the box and the kinks) runs 50, 100, 200, ... steps and the active-set step
 * restarts from the states of the ADMM point, as OSQP polishes its solutions (Stellato et al.
 * 2020). The answer is therefore the exact solution of the final linear system, not an ADMM
 * iterate. If nothing converges (6,400 ADMM steps) or a system is singular, it reports "failed"
 * and the caller falls back to the general dual active-set solver (`_dual_qp.ts`).
 *
 * Cost: O(F^3 / 3) per iteration for F free coordinates.
 *
 * @module
 */

/** The problem; all arrays have N entries except `eqRows` (M rows of N) and `eqValues` (M). */
export interface BoxL1Problem {
  readonly n: number;
  /** Flat row-major N x N, symmetric positive definite. */
  readonly hessian: Float64Array;
  readonly linear: Float64Array;
  /** Kink locations `a` (e.g. current weights). */
  readonly kinks: Float64Array;
  /** `kappa >= 0` (0: no kink). */
  readonly kappa: Float64Array;
  /** Lower bounds (may be -Infinity). */
  readonly lo: Float64Array;
  /** Upper bounds (may be Infinity). */
  readonly hi: Float64Array;
  readonly eqRows: readonly Float64Array[];
  readonly eqValues: readonly number[];
}

/** The answer. */
export interface BoxL1Solution {
  /**
   * "optimal"; "infeasible" (the first attempt failed and the caller's feasibility check said
   * no weights meet the bounds and equalities); "failed" (no convergence, or a singular system:
   * use another method).
   */
  readonly status: "optimal" | "infeasible" | "failed";
  readonly w: Float64Array;
  /** Multipliers of the equality rows. */
  readonly nu: Float64Array;
  readonly iterations: number;
}

/** Active-set iterations before giving up on a start (it converges in a handful or cycles). */
const POLISH_ITERATIONS = 25;
/** Active-set iterations from the all-free start before switching to ADMM. */
const FIRST_ITERATIONS = 8;

/** Fixed-point residual, relative to max(1, |w|), accepted as a tie between two states. */
const TIE = 1e-13;

const LO = 0, HI = 1, KINK = 2, UP = 3, DOWN = 4, FREE = 5;

/** In-place Cholesky of the flat k x k matrix (lower triangle); false if not positive definite. */
function cholesky(m: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    let s = m[j * k + j]!;
    for (let p = 0; p < j; p++) s -= m[j * k + p]! * m[j * k + p]!;
    if (!(s > 0)) return false;
    const r = Math.sqrt(s);
    m[j * k + j] = r;
    for (let i = j + 1; i < k; i++) {
      let t = m[i * k + j]!;
      const ri = i * k, rj = j * k;
      for (let p = 0; p < j; p++) t -= m[ri + p]! * m[rj + p]!;
      m[i * k + j] = t / r;
    }
  }
  return true;
}

/** Solve L L' x = b in place given the Cholesky factor L (lower triangle of `l`). */
function cholSolve(l: Float64Array, k: number, b: Float64Array): void {
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let p = 0; p < i; p++) s -= l[i * k + p]! * b[p]!;
    b[i] = s / l[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let p = i + 1; p < k; p++) s -= l[p * k + i]! * b[p]!;
    b[i] = s / l[i * k + i]!;
  }
}

/**
 * The coordinate states of `prox(w - g / d)` at the point `w` with multipliers `nu`; returns
 * the fixed-point residual `max_i |prox(w - g / d)_i - w_i|` (0 at a KKT point).
 */
function statesAt(
  p: BoxL1Problem,
  d: Float64Array,
  w: Float64Array,
  nu: Float64Array,
  out: Uint8Array,
): number {
  let residual = 0;
  const { n, hessian: h, linear: c, kinks: a, kappa, lo, hi } = p;
  const m = p.eqRows.length;
  for (let i = 0; i < n; i++) {
    let g = c[i]!;
    const row = i * n;
    for (let j = 0; j < n; j++) g += h[row + j]! * w[j]!;
    for (let r = 0; r < m; r++) g += p.eqRows[r]![i]! * nu[r]!;
    const z = w[i]! - g / d[i]!;
    const k = kappa[i]! / d[i]!;
    let v: number, st: number;
    if (kappa[i]! > 0) {
      if (z > a[i]! + k) [v, st] = [z - k, UP];
      else if (z < a[i]! - k) [v, st] = [z + k, DOWN];
      else [v, st] = [a[i]!, KINK];
    } else [v, st] = [z, FREE];
    if (v >= hi[i]!) [v, st] = [hi[i]!, HI];
    else if (v <= lo[i]!) [v, st] = [lo[i]!, LO];
    out[i] = st;
    residual = Math.max(residual, Math.abs(v - w[i]!));
  }
  return residual;
}

/**
 * Solve the equality-constrained linear system of the given states into `w` and return the
 * multipliers, or undefined when it is singular.
 */
function solveStates(
  p: BoxL1Problem,
  state: Uint8Array,
  w: Float64Array,
): Float64Array | undefined {
  const { n, hessian: h, linear: c, kinks: a, kappa, lo, hi } = p;
  const m = p.eqRows.length;
  // H_FF w_F + E_F' nu = -c_F - sigma kappa_F - H_FB w_B,  E_F w_F = e - E_B w_B
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    const st = state[i]!;
    if (st === LO) w[i] = lo[i]!;
    else if (st === HI) w[i] = hi[i]!;
    else if (st === KINK) w[i] = a[i]!;
    else free.push(i);
  }
  const f = free.length;
  const rhs = new Float64Array(f);
  const hff = new Float64Array(f * f);
  for (let u = 0; u < f; u++) {
    const i = free[u]!, row = i * n;
    const st = state[i]!;
    let s = -c[i]! - (st === UP ? kappa[i]! : st === DOWN ? -kappa[i]! : 0);
    for (let j = 0; j < n; j++) {
      const sj = state[j]!;
      if (sj === LO || sj === HI || sj === KINK) s -= h[row + j]! * w[j]!;
    }
    rhs[u] = s;
    for (let v = 0; v < f; v++) hff[u * f + v] = h[row + free[v]!]!;
  }
  if (f > 0 && !cholesky(hff, f)) return undefined;
  cholSolve(hff, f, rhs); // rhs <- H_FF^-1 rhs
  let nu: Float64Array = new Float64Array(m);
  if (m > 0) {
    // Y = H_FF^-1 E_F', S = E_F Y, r = e - E_B w_B; nu = S^-1 (E_F x0 - r); w_F = x0 - Y nu
    const y: Float64Array[] = [];
    const s = new Float64Array(m * m);
    const t = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      const row = p.eqRows[r]!;
      const col = new Float64Array(f);
      for (let u = 0; u < f; u++) col[u] = row[free[u]!]!;
      cholSolve(hff, f, col);
      y.push(col);
      let fixed = 0;
      for (let i = 0; i < n; i++) {
        const st = state[i]!;
        if (st === LO || st === HI || st === KINK) fixed += row[i]! * w[i]!;
      }
      let ex = 0;
      for (let u = 0; u < f; u++) ex += row[free[u]!]! * rhs[u]!;
      t[r] = ex - (p.eqValues[r]! - fixed);
    }
    for (let r = 0; r < m; r++) {
      const row = p.eqRows[r]!;
      for (let q = 0; q < m; q++) {
        let v = 0;
        for (let u = 0; u < f; u++) v += row[free[u]!]! * y[q]![u]!;
        s[r * m + q] = v;
      }
    }
    const before = s.slice();
    let full = cholesky(s, m);
    for (let r = 0; r < m && full; r++) {
      // a pivot that lost 1e-10 of its diagonal: E_F is (nearly) rank deficient
      if (s[r * m + r]! ** 2 < 1e-10 * before[r * m + r]!) full = false;
    }
    let nullBasis: Float64Array[] = [];
    if (full) {
      cholSolve(s, m, t);
      nu = t;
    } else {
      // Rank-deficient E_F (typically: every coordinate of a row sits on a bound or its kink,
      // as when a turnover penalty keeps a whole side at its current weights). The free
      // coordinates fix nu only on range(S); the rest is chosen below from the fixed ones.
      const split = pseudoSolve(before, m, t);
      if (split === undefined) return undefined;
      [nu, nullBasis] = split;
    }
    for (let u = 0; u < f; u++) {
      let v = rhs[u]!;
      for (let r = 0; r < m; r++) v -= y[r]![u]! * nu[r]!;
      rhs[u] = v;
    }
    for (let u = 0; u < f; u++) w[free[u]!] = rhs[u]!;
    if (nullBasis.length > 0) fixedMultipliers(p, state, w, nu, nullBasis);
    return nu;
  }
  for (let u = 0; u < f; u++) w[free[u]!] = rhs[u]!;
  return nu;
}

/**
 * Eigen decomposition of the symmetric m x m matrix `a` (flat, row-major; cyclic Jacobi, for
 * the few equality rows): eigenvalues and unit eigenvectors.
 */
function symmetricEigen(
  a: Float64Array,
  m: number,
): { values: Float64Array; vectors: Float64Array[] } {
  const s = a.slice();
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < m; i++) {
      diag += s[i * m + i]! ** 2;
      for (let j = i + 1; j < m; j++) off += s[i * m + j]! ** 2;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = s[p * m + q]!;
        if (apq === 0) continue;
        const theta = (s[q * m + q]! - s[p * m + p]!) / (2 * apq);
        const tt = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(tt * tt + 1), sn = tt * c;
        for (let k = 0; k < m; k++) {
          const akp = s[k * m + p]!, akq = s[k * m + q]!;
          s[k * m + p] = c * akp - sn * akq;
          s[k * m + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = s[p * m + k]!, aqk = s[q * m + k]!;
          s[p * m + k] = c * apk - sn * aqk;
          s[q * m + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = v[k * m + p]!, vkq = v[k * m + q]!;
          v[k * m + p] = c * vkp - sn * vkq;
          v[k * m + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(m);
  const vectors: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    values[j] = s[j * m + j]!;
    vectors.push(Float64Array.from({ length: m }, (_, k) => v[k * m + j]!));
  }
  return { values, vectors };
}

/**
 * `S nu = t` for a singular PSD `S` (flat m x m): the minimum-norm `nu` and a basis of the null
 * space of S, or undefined when `t` has a component there (the equalities cannot hold with the
 * fixed coordinates where they are: these states are infeasible).
 */
function pseudoSolve(
  s: Float64Array,
  m: number,
  t: Float64Array,
): [Float64Array, Float64Array[]] | undefined {
  const { values, vectors } = symmetricEigen(s, m);
  let top = 0, scale = 0;
  for (let j = 0; j < m; j++) top = Math.max(top, values[j]!);
  for (let r = 0; r < m; r++) scale = Math.max(scale, Math.abs(t[r]!));
  const nu = new Float64Array(m);
  const nullBasis: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const vec = vectors[j]!;
    let proj = 0;
    for (let r = 0; r < m; r++) proj += vec[r]! * t[r]!;
    if (values[j]! > 1e-10 * top) {
      for (let r = 0; r < m; r++) nu[r] = nu[r]! + (vec[r]! * proj) / values[j]!;
    } else {
      if (Math.abs(proj) > 1e-9 * (1 + scale)) return undefined;
      nullBasis.push(vec);
    }
  }
  return [nu, nullBasis];
}

/**
 * Complete the multipliers along the null directions `nullBasis` (which leave the weights
 * unchanged): minimize the squared violation of the fixed coordinates' optimality conditions,
 * `sum_i dist(g_i, [low_i, up_i])^2` with `g = Hw + c + E'nu`, by Gauss-Newton on the violated
 * ones (a convex piecewise quadratic: exact in a few steps). Where they can all hold, the state
 * update then keeps every fixed coordinate (the point is optimal); where they cannot, it frees
 * the ones that still violate. `nu` is updated in place.
 */
function fixedMultipliers(
  p: BoxL1Problem,
  state: Uint8Array,
  w: Float64Array,
  nu: Float64Array,
  nullBasis: readonly Float64Array[],
): void {
  const { n, hessian: h, linear: c, kinks: a, kappa, lo, hi } = p;
  const m = p.eqRows.length, q = nullBasis.length;
  const idx: number[] = [], g0: number[] = [], low: number[] = [], up: number[] = [];
  const dir: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const st = state[i]!;
    if (st !== LO && st !== HI && st !== KINK) continue;
    const row = i * n;
    let g = c[i]!;
    for (let j = 0; j < n; j++) g += h[row + j]! * w[j]!;
    for (let r = 0; r < m; r++) g += p.eqRows[r]![i]! * nu[r]!;
    const d = new Float64Array(q);
    let any = false;
    for (let k = 0; k < q; k++) {
      let v = 0;
      for (let r = 0; r < m; r++) v += p.eqRows[r]![i]! * nullBasis[k]![r]!;
      d[k] = v;
      if (v !== 0) any = true;
    }
    if (!any) continue;
    const k = kappa[i]!;
    // the subgradient interval of g_i that keeps w_i where it is (as statesAt reads it)
    let l: number, u: number;
    if (st === KINK) [l, u] = [-k, k];
    else if (st === LO) [l, u] = [lo[i]! < a[i]! ? k : -k, Infinity];
    else [l, u] = [-Infinity, hi[i]! > a[i]! ? -k : k];
    idx.push(i);
    g0.push(g);
    low.push(l);
    up.push(u);
    dir.push(d);
  }
  if (idx.length === 0) return;
  const y = new Float64Array(q);
  const violation = (yy: Float64Array, grad?: Float64Array, hess?: Float64Array) => {
    let f = 0;
    for (let e = 0; e < idx.length; e++) {
      let v = g0[e]!;
      for (let k = 0; k < q; k++) v += dir[e]![k]! * yy[k]!;
      const res = v < low[e]! ? v - low[e]! : v > up[e]! ? v - up[e]! : 0;
      if (res === 0) continue;
      f += res * res;
      if (grad && hess) {
        for (let k = 0; k < q; k++) {
          grad[k] = grad[k]! + res * dir[e]![k]!;
          for (let l = 0; l < q; l++) {
            hess[k * q + l] = hess[k * q + l]! + dir[e]![k]! * dir[e]![l]!;
          }
        }
      }
    }
    return f;
  };
  let scale = 0;
  for (const d of dir) for (let k = 0; k < q; k++) scale = Math.max(scale, d[k]! * d[k]!);
  for (let it = 0; it < 50; it++) {
    const grad = new Float64Array(q), hess = new Float64Array(q * q);
    const f = violation(y, grad, hess);
    if (f === 0) break;
    for (let k = 0; k < q; k++) hess[k * q + k] = hess[k * q + k]! + 1e-12 * scale;
    if (!cholesky(hess, q)) break;
    cholSolve(hess, q, grad);
    let step = 1, moved = false;
    const trial = new Float64Array(q);
    for (let ls = 0; ls < 30; ls++, step /= 2) {
      for (let k = 0; k < q; k++) trial[k] = y[k]! - step * grad[k]!;
      if (violation(trial) < f) {
        y.set(trial);
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  for (let k = 0; k < q; k++) {
    for (let r = 0; r < m; r++) nu[r] = nu[r]! + nullBasis[k]![r]! * y[k]!;
  }
}

/**
 * Primal-dual active set from the given states: solve, re-read the states, stop when they
 * repeat. Undefined on a singular system or after `maxIterations` systems.
 */
function activeSet(
  p: BoxL1Problem,
  d: Float64Array,
  start: Uint8Array,
  maxIterations: number,
): { w: Float64Array; nu: Float64Array; iterations: number } | undefined {
  const state = start.slice();
  const next = new Uint8Array(p.n);
  const w = new Float64Array(p.n);
  for (let it = 1; it <= maxIterations; it++) {
    const nu = solveStates(p, state, w);
    if (nu === undefined) return undefined;
    const residual = statesAt(p, d, w, nu, next);
    let same = true, size = 1;
    for (let i = 0; i < p.n; i++) {
      if (next[i] !== state[i]) same = false;
      size = Math.max(size, Math.abs(w[i]!));
    }
    // states that differ only at a tie (a free coordinate solved exactly onto its kink or
    // bound): the point is a fixed point all the same, and re-reading would cycle
    if (same || residual <= TIE * size) return { w, nu, iterations: it };
    state.set(next);
  }
  return undefined;
}

/**
 * ADMM (x: the quadratic with the equalities, z: the box and the kinks, over-relaxed by 1.6)
 * for `iterations` steps from `z, u`, updated in place; its states (read off z, which the prox
 * puts exactly on a bound or a kink) start the active-set polish, as OSQP's solution polishing.
 * Undefined when H + rho I or the Schur complement of E is singular.
 */
function admm(
  p: BoxL1Problem,
  rho: number,
  z: Float64Array,
  u: Float64Array,
  iterations: number,
): boolean {
  const { n, hessian: h, linear: c, kinks: a, kappa, lo, hi } = p;
  const m = p.eqRows.length;
  const k = new Float64Array(n * n);
  k.set(h);
  for (let i = 0; i < n; i++) k[i * n + i] = k[i * n + i]! + rho;
  if (!cholesky(k, n)) return false;
  const y: Float64Array[] = p.eqRows.map((row) => {
    const col = row.slice();
    cholSolve(k, n, col);
    return col;
  });
  const s = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    for (let q = 0; q < m; q++) {
      let v = 0;
      for (let i = 0; i < n; i++) v += p.eqRows[r]![i]! * y[q]![i]!;
      s[r * m + q] = v;
    }
  }
  if (m > 0 && !cholesky(s, m)) return false;
  const x = new Float64Array(n), t = new Float64Array(m);
  const alpha = 1.6;
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) x[i] = -c[i]! + rho * (z[i]! - u[i]!);
    cholSolve(k, n, x);
    if (m > 0) {
      for (let r = 0; r < m; r++) {
        let v = -p.eqValues[r]!;
        const row = p.eqRows[r]!;
        for (let i = 0; i < n; i++) v += row[i]! * x[i]!;
        t[r] = v;
      }
      cholSolve(s, m, t);
      for (let r = 0; r < m; r++) {
        const col = y[r]!, nr = t[r]!;
        for (let i = 0; i < n; i++) x[i] = x[i]! - col[i]! * nr;
      }
    }
    for (let i = 0; i < n; i++) {
      const xr = alpha * x[i]! + (1 - alpha) * z[i]!;
      const v = xr + u[i]! - a[i]!;
      const th = kappa[i]! / rho;
      let zi = a[i]! + (v > th ? v - th : v < -th ? v + th : 0);
      zi = Math.min(Math.max(zi, lo[i]!), hi[i]!);
      u[i] = u[i]! + xr - zi;
      z[i] = zi;
    }
  }
  return true;
}

/** The states z sits in (exactly on a bound or kink, or strictly between). */
function statesOf(p: BoxL1Problem, z: Float64Array, out: Uint8Array) {
  for (let i = 0; i < p.n; i++) {
    const v = z[i]!;
    if (v === p.lo[i]) out[i] = LO;
    else if (v === p.hi[i]) out[i] = HI;
    else if (p.kappa[i]! > 0) out[i] = v === p.kinks[i] ? KINK : v > p.kinks[i]! ? UP : DOWN;
    else out[i] = FREE;
  }
}

/**
 * Solve the problem; see the module documentation. First the active-set method from every
 * coordinate free (enough when few bounds bind); if it cycles or stalls, `feasible` (when given)
 * is asked whether any point meets the bounds and equalities ("infeasible" if not); then ADMM rounds of
 * 50, 100, 200, ... steps (at most `maxAdmm` in all), each followed by the active-set polish from
 * the ADMM point's states, until a polish converges.
 */
export function solveBoxL1(
  p: BoxL1Problem,
  maxAdmm = 6400,
  feasible?: () => boolean,
): BoxL1Solution {
  const n = p.n;
  const d = new Float64Array(n);
  let meanDiag = 0;
  for (let i = 0; i < n; i++) {
    d[i] = p.hessian[i * n + i]! > 0 ? p.hessian[i * n + i]! : 1;
    meanDiag += d[i]! / n;
  }
  const free = new Uint8Array(n).fill(FREE);
  let r = activeSet(p, d, free, FIRST_ITERATIONS);
  let total = r?.iterations ?? FIRST_ITERATIONS;
  if (r) return { status: "optimal", w: r.w, nu: r.nu, iterations: total };
  // an infeasible problem never converges: ask before spending the ADMM rounds on it
  if (feasible !== undefined && !feasible()) {
    return {
      status: "infeasible",
      w: new Float64Array(n).fill(NaN),
      nu: new Float64Array(0),
      iterations: total,
    };
  }
  const z = new Float64Array(n), u = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = Math.min(Math.max(p.kinks[i]!, p.lo[i]!), p.hi[i]!);
  const st = new Uint8Array(n);
  for (let steps = 50, done = 0; done < maxAdmm; done += steps, steps *= 2) {
    // rho = 10x the mean curvature: on a 6-asset long-short book with a penalty of 1e-4 (most
    // weights at their kinks) the polish converged after the first 50 steps in 84% of bars,
    // against 20% at 1x
    if (!admm(p, 10 * meanDiag, z, u, steps)) break;
    total += steps;
    statesOf(p, z, st);
    r = activeSet(p, d, st, POLISH_ITERATIONS);
    total += r?.iterations ?? POLISH_ITERATIONS;
    if (r) return { status: "optimal", w: r.w, nu: r.nu, iterations: total };
  }
  return {
    status: "failed",
    w: new Float64Array(n).fill(NaN),
    nu: new Float64Array(0),
    iterations: total,
  };
}
