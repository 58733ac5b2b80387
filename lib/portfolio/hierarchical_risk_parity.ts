/**
 * Hierarchical Risk Parity (Lopez de Prado 2016).
 *
 * @module
 */
import { flatCovariance } from "./_allocation.ts";

/** How the distance between two clusters is taken from the distances between their members. */
export type HrpLinkage = "single" | "complete" | "average";

/** Options of {@link hierarchicalRiskParity}. */
export interface HierarchicalRiskParityOptions {
  /**
   * Linkage of the agglomerative clustering: "single" (nearest members: the paper's choice),
   * "complete" (farthest) or "average" (UPGMA), as `scipy.cluster.hierarchy.linkage`.
   * @default "single"
   */
  readonly linkage?: HrpLinkage;
  /**
   * What is clustered. "columns": the Euclidean distances between the columns of the
   * correlation-distance matrix `D` (`dt_ij = sqrt(sum_k (D_ki - D_kj)^2)`), which is what the
   * paper's section 3.1 defines and what its code does (it passes the N x N matrix `D` to
   * `scipy.cluster.hierarchy.linkage`, which reads a square array as N observations and takes
   * their Euclidean distances). "matrix": `D` itself as the distance between assets (what
   * PyPortfolioOpt and riskfolio-lib do, via `squareform(D)`).
   * @default "columns"
   */
  readonly distance?: "columns" | "matrix";
}

/** Defaults of {@link HierarchicalRiskParityOptions}. */
export const HRP_DEFAULTS = { linkage: "single", distance: "columns" } as const;

/** The answer of {@link hierarchicalRiskParity}. */
export interface HierarchicalRiskParity {
  /** Long-only weights summing to 1, one per asset in the input order. */
  readonly weights: Float64Array;
  /** The quasi-diagonal order of the assets (the dendrogram's leaves, left to right). */
  readonly order: Int32Array;
  /**
   * The dendrogram as scipy's linkage matrix: row k merges clusters `[a, b]` (a < b; ids below
   * N are assets, N + k the cluster formed at row k) at `distance`, giving `size` assets.
   */
  readonly linkage: { a: number; b: number; distance: number; size: number }[];
}

/**
 * Hierarchical Risk Parity weights: cluster the assets by correlation, order them so that
 * similar assets sit together (quasi-diagonalization), then split the ordered list in halves
 * recursively, sharing each parent's weight between its halves in inverse proportion to their
 * variance (each half held at inverse-variance weights). No matrix is inverted, so it works on
 * singular and ill-conditioned covariances where a minimum-variance optimizer does not.
 *
 * **As in the paper's code** (Lopez de Prado 2016, appendix, `getQuasiDiag`/`getRecBipart`):
 * correlation distance `D_ij = sqrt((1 - rho_ij) / 2)`; by default single linkage on the
 * Euclidean distances between the columns of `D` (see `distance`); the bisection splits the
 * ordered list at `floor(len / 2)`, not at the dendrogram's branches; the first half's share is
 * `1 - V_0 / (V_0 + V_1)`. Ties between equal distances merge the first pair in index order.
 *
 * Reference: M. Lopez de Prado (2016), "Building diversified portfolios that outperform out of
 * sample", Journal of Portfolio Management 42(4), 59-69 (SSRN 2708678). Cost: O(N^3) for the
 * clustering (N^2 pairs, N merges), O(N^2 log N) for the bisection.
 *
 * @param covariance N x N covariance with positive variances
 *
 * @example Two pairs of correlated assets
 * ```ts
 * import { hierarchicalRiskParity } from "@lib/portfolio/hierarchical_risk_parity.ts";
 * import assert from "node:assert/strict";
 * const vol = [0.1, 0.2, 0.1, 0.2];
 * const rho = [[1, 0.9, 0, 0], [0.9, 1, 0, 0], [0, 0, 1, 0.9], [0, 0, 0.9, 1]];
 * const cov = rho.map((r, i) => r.map((c, j) => c * vol[i]! * vol[j]!));
 * const { weights, order } = hierarchicalRiskParity(cov);
 * assert.deepEqual([...order], [0, 1, 2, 3]);
 * assert.ok(Math.abs(weights[0]! - weights[2]!) < 1e-15); // the two pairs are alike
 * assert.ok(Math.abs(weights.reduce((a, b) => a + b) - 1) < 1e-15);
 * ```
 */
export function hierarchicalRiskParity(
  covariance: readonly ArrayLike<number>[],
  options: HierarchicalRiskParityOptions = {},
): HierarchicalRiskParity {
  const what = "hierarchical risk parity weights";
  const [s, n] = flatCovariance(covariance, what);
  const linkage = options.linkage ?? HRP_DEFAULTS.linkage;
  const distance = options.distance ?? HRP_DEFAULTS.distance;
  if (!["single", "complete", "average"].includes(linkage)) {
    throw new RangeError(
      `Cannot compute ${what}: unknown linkage "${linkage}"; use "single", "complete" or "average"`,
    );
  }
  if (distance !== "columns" && distance !== "matrix") {
    throw new RangeError(
      `Cannot compute ${what}: unknown distance "${distance}"; use "columns" or "matrix"`,
    );
  }
  const dm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const rho = s[i * n + j]! / Math.sqrt(s[i * n + i]! * s[j * n + j]!);
      dm[i * n + j] = i === j ? 0 : Math.sqrt(Math.max(0, (1 - rho) / 2));
    }
  }
  let dist = dm;
  if (distance === "columns") {
    dist = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let v = 0;
        for (let k = 0; k < n; k++) {
          const d = dm[k * n + i]! - dm[k * n + j]!;
          v += d * d;
        }
        dist[i * n + j] = dist[j * n + i] = Math.sqrt(v);
      }
    }
  }
  const rows = cluster(dist, n, linkage);
  const order = leaves(rows, n);
  return { weights: bisect(s, n, order), order, linkage: rows };
}

/** Naive agglomerative clustering with Lance-Williams updates; rows as scipy's linkage. */
function cluster(
  dist: Float64Array,
  n: number,
  linkage: HrpLinkage,
): HierarchicalRiskParity["linkage"] {
  const d = dist.slice();
  const id = Int32Array.from({ length: n }, (_, i) => i);
  const size = new Float64Array(n).fill(1);
  const alive = new Uint8Array(n).fill(1);
  const rows: HierarchicalRiskParity["linkage"] = [];
  for (let step = 0; step < n - 1; step++) {
    let bi = -1, bj = -1, best = Infinity;
    for (let i = 0; i < n; i++) {
      if (!alive[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (alive[j] && d[i * n + j]! < best) [best, bi, bj] = [d[i * n + j]!, i, j];
      }
    }
    const [a, b] = id[bi]! < id[bj]! ? [id[bi]!, id[bj]!] : [id[bj]!, id[bi]!];
    const si = size[bi]!, sj = size[bj]!;
    rows.push({ a, b, distance: best, size: si + sj });
    for (let k = 0; k < n; k++) {
      if (!alive[k] || k === bi || k === bj) continue;
      const x = d[bi * n + k]!, y = d[bj * n + k]!;
      const v = linkage === "single"
        ? Math.min(x, y)
        : linkage === "complete"
        ? Math.max(x, y)
        : (si * x + sj * y) / (si + sj);
      d[bi * n + k] = d[k * n + bi] = v;
    }
    alive[bj] = 0;
    id[bi] = n + step;
    size[bi] = si + sj;
  }
  return rows;
}

/** The dendrogram's leaves from the root, left child first (the paper's `getQuasiDiag`). */
function leaves(rows: HierarchicalRiskParity["linkage"], n: number): Int32Array {
  const out = new Int32Array(n);
  if (n === 1) return out;
  const stack = [n + rows.length - 1];
  let k = 0;
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (c < n) out[k++] = c;
    else {
      const r = rows[c - n]!;
      stack.push(r.b, r.a); // a is visited first
    }
  }
  return out;
}

/** Inverse-variance portfolio variance of the assets `idx` (the paper's `getClusterVar`). */
function clusterVariance(s: Float64Array, n: number, idx: Int32Array): number {
  let total = 0;
  for (const i of idx) total += 1 / s[i * n + i]!;
  let v = 0;
  for (const i of idx) {
    const wi = 1 / s[i * n + i]! / total;
    for (const j of idx) v += wi * s[i * n + j]! * (1 / s[j * n + j]! / total);
  }
  return v;
}

/** Recursive bisection of the ordered assets (the paper's `getRecBipart`). */
function bisect(s: Float64Array, n: number, order: Int32Array): Float64Array {
  const w = new Float64Array(n).fill(1);
  let clusters = [order];
  while (clusters.length > 0) {
    const next: Int32Array[] = [];
    for (const c of clusters) {
      if (c.length <= 1) continue;
      const half = c.length >> 1;
      const left = c.subarray(0, half), right = c.subarray(half);
      const v0 = clusterVariance(s, n, left), v1 = clusterVariance(s, n, right);
      const alpha = 1 - v0 / (v0 + v1);
      for (const i of left) w[i] = w[i]! * alpha;
      for (const i of right) w[i] = w[i]! * (1 - alpha);
      next.push(left, right);
    }
    clusters = next;
  }
  return w;
}
