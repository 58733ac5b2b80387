/**
 * Weighted moments over pairwise-complete rows, the kernel behind `sampleCovariance` (unit
 * weights) and `ewmaCovariance` (exponential weights). Internal: not re-exported from `mod.ts`.
 *
 * For every pair of columns (a, b) it uses the rows where both are finite, with row weights
 * `w[t]` (and `firstWeight[t]` in place of `w[t]` on the pair's first such row, which is how
 * pandas' `adjust=False` recursion weighs its starting value), and returns
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
 * Pairwise moments of sanitized columns (see {@link sanitize}). `weights` null means unit
 * weights; `firstWeight` null means the first row of a pair weighs `weights[t]` like the others.
 */
export function pairwiseMoments(
  cols: readonly Float64Array[],
  weights: Float64Array | null,
  firstWeight: Float64Array | null,
): PairwiseMoments {
  const k = cols.length;
  const n = k > 0 ? cols[0]!.length : 0;
  const sxy = new Float64Array(k * k), sw = new Float64Array(k * k);
  const sw2 = new Float64Array(k * k), nobs = new Float64Array(k * k);
  const groups = groupByMask(cols);
  const groupOf = new Int32Array(k);
  groups.forEach((g, gi) => g.forEach((j) => (groupOf[j] = gi)));

  for (const g of groups) {
    const ref = cols[g[0]!]!;
    const rows: number[] = [];
    for (let t = 0; t < n; t++) if (ref[t] === ref[t]) rows.push(t);
    const m = rows.length;
    const w = new Float64Array(m);
    let s = 0, s2 = 0;
    for (let i = 0; i < m; i++) {
      const t = rows[i]!;
      const wi = i === 0 && firstWeight !== null ? firstWeight[t]! : weights ? weights[t]! : 1;
      w[i] = wi;
      s += wi;
      s2 += wi * wi;
    }
    const root = w.map(Math.sqrt);
    const z = g.map((j) => {
      const c = cols[j]!;
      let sx = 0;
      for (let i = 0; i < m; i++) sx += w[i]! * c[rows[i]!]!;
      const mean = sx / s;
      const out = new Float64Array(m);
      for (let i = 0; i < m; i++) out[i] = root[i]! * (c[rows[i]!]! - mean);
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
      let s = 0, s2 = 0, sx = 0, sy = 0, cnt = 0, t0 = -1;
      for (let t = 0; t < n; t++) {
        const xv = x[t]!, yv = y[t]!;
        if (xv !== xv || yv !== yv) continue;
        let wt = 1;
        if (t0 < 0) {
          t0 = t;
          if (firstWeight !== null) wt = firstWeight[t]!;
          else if (weights !== null) wt = weights[t]!;
        } else if (weights !== null) wt = weights[t]!;
        s += wt;
        s2 += wt * wt;
        sx += wt * xv;
        sy += wt * yv;
        cnt++;
      }
      let p = 0;
      if (cnt > 0) {
        const mx = sx / s, my = sy / s;
        if (weights === null) {
          for (let t = t0; t < n; t++) {
            const xv = x[t]!, yv = y[t]!;
            if (xv === xv && yv === yv) p += (xv - mx) * (yv - my);
          }
        } else {
          for (let t = t0; t < n; t++) {
            const xv = x[t]!, yv = y[t]!;
            if (xv !== xv || yv !== yv) continue;
            const wt = t === t0 && firstWeight !== null ? firstWeight[t]! : weights[t]!;
            p += wt * (xv - mx) * (yv - my);
          }
        }
      }
      const c1 = a * k + b, c2 = b * k + a;
      sxy[c1] = sxy[c2] = p;
      sw[c1] = sw[c2] = s;
      sw2[c1] = sw2[c2] = s2;
      nobs[c1] = nobs[c2] = cnt;
    }
  }
  return { sxy, sw, sw2, nobs };
}
