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
 * This is the primal-dual active set strategy of Hintermuller, Ito and Kunisch (2003, SIAM J.
 * Optim. 13(3), 865-888), a semismooth Newton method: it converges in a few steps near the
 * solution but can cycle from far away (it did on the 126-asset long-short problem). So it is
 * tried first from every coordinate free; when it has not converged in 8 steps, ADMM (Boyd et al.
 * 2011, over-relaxed; x takes the quadratic and the equalities through one cached Cholesky of
 * H + rho I, z the box and the kinks) runs 50, 100, 200, ... steps and the active-set step
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
  /** "optimal", or "failed" (no convergence, or a singular system: use another method). */
  readonly status: "optimal" | "failed";
  readonly w: Float64Array;
  /** Multipliers of the equality rows. */
  readonly nu: Float64Array;
  readonly iterations: number;
}

/** Active-set iterations before giving up on a start (it converges in a handful or cycles). */
const POLISH_ITERATIONS = 25;
/** Active-set iterations from the all-free start before switching to ADMM. */
const FIRST_ITERATIONS = 8;

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

/** The coordinate states of `prox(w - g / d)` at the point `w` with multipliers `nu`. */
function statesAt(
  p: BoxL1Problem,
  d: Float64Array,
  w: Float64Array,
  nu: Float64Array,
  out: Uint8Array,
) {
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
    if (v >= hi[i]!) st = HI;
    else if (v <= lo[i]!) st = LO;
    out[i] = st;
  }
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
  let nu = new Float64Array(m);
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
    const before = new Float64Array(m);
    for (let r = 0; r < m; r++) before[r] = s[r * m + r]!;
    if (!cholesky(s, m)) return undefined;
    for (let r = 0; r < m; r++) {
      // a pivot that lost 1e-10 of its diagonal: E_F is (nearly) rank deficient
      if (s[r * m + r]! ** 2 < 1e-10 * before[r]!) return undefined;
    }
    cholSolve(s, m, t);
    nu = t;
    for (let u = 0; u < f; u++) {
      let v = rhs[u]!;
      for (let r = 0; r < m; r++) v -= y[r]![u]! * nu[r]!;
      rhs[u] = v;
    }
  }
  for (let u = 0; u < f; u++) w[free[u]!] = rhs[u]!;
  return nu;
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
    statesAt(p, d, w, nu, next);
    let same = true;
    for (let i = 0; i < p.n && same; i++) if (next[i] !== state[i]) same = false;
    if (same) return { w, nu, iterations: it };
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
 * coordinate free (enough when few bounds bind); if it cycles or stalls, ADMM rounds of
 * 50, 100, 200, ... steps (at most `maxAdmm` in all), each followed by the active-set polish from
 * the ADMM point's states, until a polish converges.
 */
export function solveBoxL1(p: BoxL1Problem, maxAdmm = 6400): BoxL1Solution {
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
  const z = new Float64Array(n), u = new Float64Array(n);
  for (let i = 0; i < n; i++) z[i] = Math.min(Math.max(p.kinks[i]!, p.lo[i]!), p.hi[i]!);
  const st = new Uint8Array(n);
  for (let steps = 50, done = 0; done < maxAdmm; done += steps, steps *= 2) {
    if (!admm(p, meanDiag, z, u, steps)) break;
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
