/**
 * Weighted moments over pairwise-complete rows, the kernel behind `sampleCovariance` (unit
 * weights) and `ewmaCovariance` (exponential weights). Internal: not re-exported from `mod.ts`.
 *
 * For every pair of columns (a, b) it uses the rows where both are finite, with weights that
 * may depend on which rows those are (see {@link Weigh}), and returns
 * `sw = sum w`, `sw2 = sum w^2`, `nobs`, and `sxy = sum w (x - mx)(y - my)` with the weighted
 * means `mx`, `my` over those same rows (two passes, so no cancellation).
 *
 * Columns whose finite rows are exactly the same (on real panels most assets share the same
 * gaps) are handled as one group: centred once and multiplied as a Gram matrix. Pairs across
 * groups are computed one by one. Cost: O(N^2 T) either way.
 *
 * @module
 */
import { gram } from "./_linear.ts";
import type { ReturnColumns } from "./types.ts";

/** Flat row-major N x N arrays of the pairwise moments. */
export interface PairwiseMoments {
  readonly sxy: Float64Array;
  readonly sw: Float64Array;
  readonly sw2: Float64Array;
  readonly nobs: Float64Array;
}

/** Copy the columns to Float64Arrays with every non-finite value as NaN. */
export function sanitize(returns: ReturnColumns): Float64Array[] {
  return returns.map((col) => {
    const out = Float64Array.from(col);
    for (let t = 0; t < out.length; t++) if (out[t]! - out[t]! !== 0) out[t] = NaN;
    return out;
  });
}

/** Group column indices whose finite rows are identical. */
function groupByMask(cols: readonly Float64Array[]): number[][] {
  const groups = new Map<string, number[][]>();
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j]!;
    // A cheap signature first; identical masks are then confirmed element by element.
    let count = 0, h = 0;
    for (let t = 0; t < c.length; t++) {
      if (c[t] === c[t]) {
        count++;
        h = (Math.imul(h, 31) + t) | 0;
      }
    }
    const key = `${count}:${h}`;
    const bucket = groups.get(key);
    if (bucket === undefined) {
      groups.set(key, [[j]]);
      continue;
    }
    let placed = false;
    for (const g of bucket) {
      const ref = cols[g[0]!]!;
      let same = true;
      for (let t = 0; t < c.length; t++) {
        if ((c[t] === c[t]) !== (ref[t] === ref[t])) {
          same = false;
          break;
        }
      }
      if (same) {
        g.push(j);
        placed = true;
        break;
      }
    }
    if (!placed) bucket.push([j]);
  }
  return [...groups.values()].flat();
}

/**
 * Fills `out[0..m)` with the weights of a pair (or block) whose finite rows are `rows[0..m)`
 * (ascending). Only ratios matter: every moment is normalized by the weights' sum.
 */
export type Weigh = (rows: Int32Array, m: number, out: Float64Array) => void;

/**
 * Pairwise moments of sanitized columns (see {@link sanitize}). `weigh` null means unit
 * weights.
 */
export function pairwiseMoments(
  cols: readonly Float64Array[],
  weigh: Weigh | null,
): PairwiseMoments {
  const k = cols.length;
  const n = k > 0 ? cols[0]!.length : 0;
  const sxy = new Float64Array(k * k), sw = new Float64Array(k * k);
  const sw2 = new Float64Array(k * k), nobs = new Float64Array(k * k);
  const groups = groupByMask(cols);
  const groupOf = new Int32Array(k);
  groups.forEach((g, gi) => g.forEach((j) => (groupOf[j] = gi)));
  const rows = new Int32Array(n);
  const w = new Float64Array(n);

  for (const g of groups) {
    const ref = cols[g[0]!]!;
    let m = 0;
    for (let t = 0; t < n; t++) if (ref[t] === ref[t]) rows[m++] = t;
    if (weigh === null) w.fill(1, 0, m);
    else weigh(rows, m, w);
    let s = 0, s2 = 0;
    for (let i = 0; i < m; i++) {
      s += w[i]!;
      s2 += w[i]! * w[i]!;
    }
    const z = g.map((j) => {
      const c = cols[j]!;
      let sx = 0;
      for (let i = 0; i < m; i++) sx += w[i]! * c[rows[i]!]!;
      const mean = sx / s;
      const out = new Float64Array(m);
      for (let i = 0; i < m; i++) out[i] = Math.sqrt(w[i]!) * (c[rows[i]!]! - mean);
      return out;
    });
    const gg = gram(z, 1);
    for (let a = 0; a < g.length; a++) {
      for (let b = 0; b < g.length; b++) {
        const cell = g[a]! * k + g[b]!;
        sxy[cell] = gg[a * g.length + b]!;
        sw[cell] = s;
        sw2[cell] = s2;
        nobs[cell] = m;
      }
    }
  }

  for (let a = 0; a < k; a++) {
    const x = cols[a]!;
    for (let b = a + 1; b < k; b++) {
      if (groupOf[a] === groupOf[b]) continue;
      const y = cols[b]!;
      let m = 0;
      for (let t = 0; t < n; t++) if (x[t] === x[t] && y[t] === y[t]) rows[m++] = t;
      let s = 0, s2 = 0, p = 0;
      if (m > 0) {
        let sx = 0, sy = 0;
        if (weigh === null) {
          for (let i = 0; i < m; i++) {
            sx += x[rows[i]!]!;
            sy += y[rows[i]!]!;
          }
          s = s2 = m;
          const mx = sx / s, my = sy / s;
          for (let i = 0; i < m; i++) {
            const t = rows[i]!;
            p += (x[t]! - mx) * (y[t]! - my);
          }
        } else {
          weigh(rows, m, w);
          for (let i = 0; i < m; i++) {
            const t = rows[i]!, wt = w[i]!;
            s += wt;
            s2 += wt * wt;
            sx += wt * x[t]!;
            sy += wt * y[t]!;
          }
          const mx = sx / s, my = sy / s;
          for (let i = 0; i < m; i++) {
            const t = rows[i]!;
            p += w[i]! * (x[t]! - mx) * (y[t]! - my);
          }
        }
      }
      const c1 = a * k + b, c2 = b * k + a;
      sxy[c1] = sxy[c2] = p;
      sw[c1] = sw[c2] = s;
      sw2[c1] = sw2[c2] = s2;
      nobs[c1] = nobs[c2] = m;
    }
  }
  return { sxy, sw, sw2, nobs };
}
