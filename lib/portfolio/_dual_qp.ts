/**
 * Goldfarb and Idnani's dual active-set method for a strictly convex QP, on flat typed arrays
 * with sparse constraint rows (internal: not re-exported from `mod.ts`):
 *
 *   min 1/2 x'Gx + c'x   s.t.   a_i'x = b_i (equalities),   a_i'x >= b_i (inequalities)
 *
 * The same method as the npm package `quadprog` (Turlach's `solve.QP`), written from the paper
 * (D. Goldfarb and A. Idnani (1983), "A numerically stable dual method for solving strictly
 * convex quadratic programs", Math. Programming 27, 1-33) in the arrangement of Di Gaspero's
 * QuadProg++: `J = L^-T Q` and the upper-triangular `R` are updated by Givens rotations as
 * constraints enter and leave. Why a second implementation: quadprog's JavaScript port keeps its
 * loop variables in closures, so each update allocates a heap number; on portfolio problems with
 * a few hundred variables it spent most of its time in the garbage collector (0.3-0.5 s for 50
 * assets with a gross limit). Here a step costs O(n^2) plus O(nnz) to scan the constraints.
 *
 * The dual method starts at the unconstrained minimum and adds the most violated constraint
 * (violation divided by the row's norm) until none is violated; it ends exactly on its active
 * set, like quadprog, and reports "infeasible" when a violated constraint cannot be met.
 *
 * @module
 */

/** A sparse constraint row `sum_k val[k] x[idx[k]]` compared with `b`. */
export interface SparseRow {
  readonly idx: Int32Array;
  readonly val: Float64Array;
  readonly b: number;
}

/** The problem. */
export interface DualQpProblem {
  readonly n: number;
  /** `G`, flat row-major n x n, symmetric positive definite. */
  readonly hessian: Float64Array;
  /** `c`. */
  readonly linear: Float64Array;
  readonly equalities: readonly SparseRow[];
  readonly inequalities: readonly SparseRow[];
}

/** The answer. */
export interface DualQpSolution {
  /**
   * "optimal"; "infeasible"; "notPositiveDefinite" (G); "failed" (linearly dependent
   * equalities, or no progress: the caller should use another method).
   */
  readonly status: "optimal" | "infeasible" | "notPositiveDefinite" | "failed";
  readonly x: Float64Array;
  /** Constraints added or dropped. */
  readonly iterations: number;
}

/** Turn a dense row into a sparse one (exact zeros dropped). */
export function sparseRow(a: Float64Array, b: number): SparseRow {
  let k = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) k++;
  const idx = new Int32Array(k), val = new Float64Array(k);
  k = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0) {
      idx[k] = i;
      val[k++] = a[i]!;
    }
  }
  return { idx, val, b };
}

const EPS = 2.220446049250313e-16;

/** Solve the QP; see the module documentation. */
export function solveDualQp(p: DualQpProblem): DualQpSolution {
  const n = p.n;
  const g = p.hessian;
  const fail = (status: DualQpSolution["status"], iterations: number): DualQpSolution => ({
    status,
    x: new Float64Array(n).fill(NaN),
    iterations,
  });
  // Cholesky G = L L' (L lower, row-major)
  const l = g.slice();
  for (let j = 0; j < n; j++) {
    let s = l[j * n + j]!;
    for (let k = 0; k < j; k++) s -= l[j * n + k]! * l[j * n + k]!;
    if (!(s > 0)) return fail("notPositiveDefinite", 0);
    const r = Math.sqrt(s);
    l[j * n + j] = r;
    for (let i = j + 1; i < n; i++) {
      let t = l[i * n + j]!;
      for (let k = 0; k < j; k++) t -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = t / r;
    }
  }
  // J = L^-T (upper triangular), stored column-major: jc[col * n + row]
  const jc = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    const base = col * n;
    jc[base + col] = 1 / l[col * n + col]!;
    for (let k = col - 1; k >= 0; k--) {
      let s = 0;
      for (let m = k + 1; m <= col; m++) s += l[m * n + k]! * jc[base + m]!;
      jc[base + k] = -s / l[k * n + k]!;
    }
  }
  // x = -G^-1 c = -J J' c
  const x = new Float64Array(n);
  {
    const y = new Float64Array(n);
    for (let col = 0; col < n; col++) {
      let s = 0;
      for (let k = 0; k <= col; k++) s += jc[col * n + k]! * p.linear[k]!;
      y[col] = s;
    }
    for (let col = 0; col < n; col++) {
      const v = y[col]!;
      for (let k = 0; k <= col; k++) x[k] = x[k]! - jc[col * n + k]! * v;
    }
  }
  const rc = new Float64Array(n * n); // R, column-major, upper triangular in its first iq columns
  const active = new Int32Array(n); // >= 0: inequality index; < 0: -(equality index) - 1
  const u = new Float64Array(n);
  const d = new Float64Array(n), z = new Float64Array(n), r = new Float64Array(n);
  let iq = 0, rNorm = 1, iterations = 0;

  const computeD = (row: SparseRow) => {
    for (let col = 0; col < n; col++) {
      const base = col * n;
      let s = 0;
      for (let k = 0; k < row.idx.length; k++) s += jc[base + row.idx[k]!]! * row.val[k]!;
      d[col] = s;
    }
  };
  // z = J2 d2 (columns iq..n-1), r = R^-1 d1 (first iq)
  const updateZR = () => {
    z.fill(0);
    for (let col = iq; col < n; col++) {
      const v = d[col]!, base = col * n;
      if (v !== 0) { for (let k = 0; k < n; k++) z[k] = z[k]! + jc[base + k]! * v; }
    }
    for (let i = iq - 1; i >= 0; i--) {
      let s = d[i]!;
      for (let k = i + 1; k < iq; k++) s -= rc[k * n + i]! * r[k]!;
      r[i] = s / rc[i * n + i]!;
    }
  };
  const dot = (row: SparseRow, v: Float64Array) => {
    let s = 0;
    for (let k = 0; k < row.idx.length; k++) s += row.val[k]! * v[row.idx[k]!]!;
    return s;
  };
  const addConstraint = (): boolean => {
    for (let j = n - 1; j >= iq + 1; j--) {
      let cc = d[j - 1]!, ss = d[j]!;
      const h = Math.hypot(cc, ss);
      if (h === 0) continue;
      d[j] = 0;
      ss /= h;
      cc /= h;
      if (cc < 0) {
        cc = -cc;
        ss = -ss;
        d[j - 1] = -h;
      } else d[j - 1] = h;
      const xny = ss / (1 + cc);
      const a = (j - 1) * n, b = j * n;
      for (let k = 0; k < n; k++) {
        const t1 = jc[a + k]!, t2 = jc[b + k]!;
        const v = t1 * cc + t2 * ss;
        jc[a + k] = v;
        jc[b + k] = xny * (t1 + v) - t2;
      }
    }
    iq++;
    for (let i = 0; i < iq; i++) rc[(iq - 1) * n + i] = d[i]!;
    if (Math.abs(d[iq - 1]!) <= EPS * rNorm) return false;
    rNorm = Math.max(rNorm, Math.abs(d[iq - 1]!));
    return true;
  };
  const deleteConstraint = (pos: number) => {
    for (let i = pos; i < iq - 1; i++) {
      active[i] = active[i + 1]!;
      u[i] = u[i + 1]!;
      for (let k = 0; k < n; k++) rc[i * n + k] = rc[(i + 1) * n + k]!;
    }
    iq--;
    for (let k = 0; k < n; k++) rc[iq * n + k] = 0;
    for (let j = pos; j < iq; j++) {
      let cc = rc[j * n + j]!, ss = rc[j * n + j + 1]!;
      const h = Math.hypot(cc, ss);
      if (h === 0) continue;
      cc /= h;
      ss /= h;
      rc[j * n + j + 1] = 0;
      if (cc < 0) {
        rc[j * n + j] = -h;
        cc = -cc;
        ss = -ss;
      } else rc[j * n + j] = h;
      const xny = ss / (1 + cc);
      for (let k = j + 1; k < iq; k++) {
        const t1 = rc[k * n + j]!, t2 = rc[k * n + j + 1]!;
        const v = t1 * cc + t2 * ss;
        rc[k * n + j] = v;
        rc[k * n + j + 1] = xny * (t1 + v) - t2;
      }
      const a = j * n, b = (j + 1) * n;
      for (let k = 0; k < n; k++) {
        const t1 = jc[a + k]!, t2 = jc[b + k]!;
        const v = t1 * cc + t2 * ss;
        jc[a + k] = v;
        jc[b + k] = xny * (v + t1) - t2;
      }
    }
  };

  // equalities first: each is added with a full step and never dropped
  for (let e = 0; e < p.equalities.length; e++) {
    const row = p.equalities[e]!;
    computeD(row);
    // a row (numerically) in the span of the equalities already added: J2'a vanishes. Met
    // already: redundant, skip it; not met: the equalities contradict each other. (Stepping
    // along a rounding-level z instead took a huge step that broke the earlier equalities.)
    let all = 0, rest = 0;
    for (let col = 0; col < n; col++) {
      all += d[col]! * d[col]!;
      if (col >= iq) rest += d[col]! * d[col]!;
    }
    if (rest <= 1e-20 * all) {
      let size = Math.abs(row.b);
      for (let k = 0; k < row.idx.length; k++) size += Math.abs(row.val[k]! * x[row.idx[k]!]!);
      if (Math.abs(dot(row, x) - row.b) > 1e-9 * (1 + size)) return fail("infeasible", iterations);
      continue;
    }
    updateZR();
    const zn = dot(row, z);
    const t2 = Math.abs(zn) > EPS ? (row.b - dot(row, x)) / zn : 0;
    for (let k = 0; k < n; k++) x[k] = x[k]! + t2 * z[k]!;
    for (let k = 0; k < iq; k++) u[k] = u[k]! - t2 * r[k]!;
    u[iq] = t2;
    active[iq] = -e - 1;
    if (!addConstraint()) {
      // dependent on the ones before: consistent (met already) or a contradiction
      iq--;
      const gap = Math.abs(dot(row, x) - row.b);
      if (gap > 1e-9 * (1 + Math.abs(row.b))) return fail("infeasible", iterations);
      return fail("failed", iterations);
    }
  }

  const ineq = p.inequalities;
  const norms = new Float64Array(ineq.length);
  for (let i = 0; i < ineq.length; i++) {
    let s = 0;
    for (const v of ineq[i]!.val) s += v * v;
    norms[i] = Math.sqrt(s) || 1;
  }
  const isActive = new Uint8Array(ineq.length);
  const maxIterations = 50 * (n + ineq.length) + 100;
  for (;;) {
    // the most violated inequality, by violation over the row's norm
    let pick = -1, worst = 0;
    for (let i = 0; i < ineq.length; i++) {
      if (isActive[i]) continue;
      const row = ineq[i]!;
      const s = (dot(row, x) - row.b) / norms[i]!;
      const tol = 1e-12 * (1 + Math.abs(row.b) / norms[i]!);
      if (s < -tol && s < worst) [worst, pick] = [s, i];
    }
    if (pick < 0) return { status: "optimal", x, iterations };
    const row = ineq[pick]!;
    let uPlus = 0;
    for (;;) {
      if (++iterations > maxIterations) return fail("failed", iterations);
      computeD(row);
      updateZR();
      let t1 = Infinity, drop = -1;
      for (let k = 0; k < iq; k++) {
        if (active[k]! >= 0 && r[k]! > 0) {
          const v = u[k]! / r[k]!;
          if (v < t1) [t1, drop] = [v, k];
        }
      }
      let zz = 0;
      for (let k = 0; k < n; k++) zz += z[k]! * z[k]!;
      const zn = dot(row, z);
      const slack = dot(row, x) - row.b;
      const t2 = zz > EPS * EPS && zn > 0 ? -slack / zn : Infinity;
      const t = Math.min(t1, t2);
      if (t === Infinity) return fail("infeasible", iterations);
      if (t2 === Infinity) {
        for (let k = 0; k < iq; k++) u[k] = u[k]! - t * r[k]!;
        uPlus += t;
        isActive[active[drop]!] = 0;
        deleteConstraint(drop);
        continue;
      }
      for (let k = 0; k < n; k++) x[k] = x[k]! + t * z[k]!;
      for (let k = 0; k < iq; k++) u[k] = u[k]! - t * r[k]!;
      uPlus += t;
      if (t === t2) {
        u[iq] = uPlus;
        active[iq] = pick;
        if (!addConstraint()) return fail("failed", iterations);
        isActive[pick] = 1;
        break;
      }
      isActive[active[drop]!] = 0;
      deleteConstraint(drop);
    }
  }
}
