/**
 * A dense convex QP, `min 1/2 x'Hx + c'x` subject to `a_i'x = b_i` and `a_i'x >= b_i`, solved
 * with the npm package `quadprog` 1.6.1 (internal: not re-exported from `mod.ts`).
 *
 * `quadprog` is Berwin Turlach's R/Fortran `solve.QP` ported line by line to JavaScript: the dual
 * active-set method of Goldfarb and Idnani (1983). It is exact at the active set it stops on (no
 * interior-point tolerance), but it needs `H` strictly positive definite and takes 1-indexed,
 * Fortran-style nested arrays (element 0 unused, constraints as the columns of `Amat`), which
 * this wrapper builds from flat typed arrays.
 *
 * @module
 */
import quadprog from "quadprog";

type SolveQP = (
  dmat: number[][],
  dvec: number[],
  amat: number[][],
  bvec: number[],
  meq: number,
  factorized?: number[],
) => {
  solution?: number[];
  Lagrangian?: number[];
  value?: number[];
  iterations?: number[];
  message: string;
};

const solveQP = (quadprog as unknown as { solveQP: SolveQP }).solveQP;

/** One linear constraint row over all the variables. */
export interface QpRow {
  /** Coefficients, one per variable. */
  readonly a: Float64Array;
  /** Right-hand side. */
  readonly b: number;
}

/** The problem in flat typed arrays. */
export interface QpProblem {
  /** Number of variables. */
  readonly n: number;
  /** `H`, flat row-major n x n, symmetric positive definite. */
  readonly hessian: Float64Array;
  /** `c`. */
  readonly linear: Float64Array;
  /** Rows with `a'x = b`. */
  readonly equalities: readonly QpRow[];
  /** Rows with `a'x >= b`. */
  readonly inequalities: readonly QpRow[];
}

/** The solver's answer. */
export interface QpSolution {
  /** "optimal"; "infeasible" (quadprog: constraints are inconsistent); "notPositiveDefinite". */
  readonly status: "optimal" | "infeasible" | "notPositiveDefinite";
  /** The minimizer (NaN unless optimal). */
  readonly x: Float64Array;
  /** Lagrange multipliers: equalities first, then inequalities (>= 0 for those). */
  readonly multipliers: Float64Array;
  /** Active-set iterations (constraints added). */
  readonly iterations: number;
}

/**
 * Solve the QP with quadprog. Constraints are passed equalities first (`meq`), as quadprog
 * wants. Cost: O(n^3) for the factorization, then O(n (n + q)) per constraint added or dropped.
 */
export function solveQp(p: QpProblem): QpSolution {
  const n = p.n;
  const rows = [...p.equalities, ...p.inequalities];
  const q = rows.length;
  const dmat: number[][] = [[]];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(n + 1).fill(0);
    for (let j = 0; j < n; j++) row[j + 1] = p.hessian[i * n + j]!;
    dmat.push(row);
  }
  const dvec = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < n; i++) dvec[i + 1] = -p.linear[i]!;
  // With no constraint, quadprog still wants one column: a zero row 0 >= -1 is never violated.
  const qq = Math.max(q, 1);
  const amat: number[][] = [new Array<number>(qq + 1).fill(0)];
  for (let j = 0; j < n; j++) {
    const col = new Array<number>(qq + 1).fill(0);
    for (let i = 0; i < q; i++) col[i + 1] = rows[i]!.a[j]!;
    amat.push(col);
  }
  const bvec = new Array<number>(qq + 1).fill(0);
  for (let i = 0; i < q; i++) bvec[i + 1] = rows[i]!.b;
  if (q === 0) bvec[1] = -1;
  const res = solveQP(dmat, dvec, amat, bvec, p.equalities.length, [0, 0]);
  const iterations = res.iterations?.[1] ?? 0;
  const multipliers = new Float64Array(q);
  const x = new Float64Array(n).fill(NaN);
  if (res.message.includes("inconsistent")) {
    return { status: "infeasible", x, multipliers, iterations };
  }
  if (res.message.includes("positive definite")) {
    return { status: "notPositiveDefinite", x, multipliers, iterations };
  }
  if (res.message !== "" || res.solution === undefined) {
    throw new Error(`quadprog failed: ${res.message}`);
  }
  for (let i = 0; i < n; i++) x[i] = res.solution[i + 1]!;
  for (let i = 0; i < q; i++) multipliers[i] = res.Lagrangian?.[i + 1] ?? 0;
  return { status: "optimal", x, multipliers, iterations };
}
