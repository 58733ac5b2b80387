/**
 * Trailing z-score of a series against the `window` values before each bar (never the bar
 * itself), skipping NaN; NaN until `minCount` finite prior values. O(n) with running sums.
 */
export function trailingZ(
  x: Float64Array,
  window: number,
  minCount: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const n = x.length;
  let s = 0, ss = 0, c = 0;
  for (let t = 0; t < n; t++) {
    if (c >= minCount && c >= 2) {
      const m = s / c;
      const v = (ss - s * m) / (c - 1);
      out[t] = v > 0 ? (x[t]! - m) / Math.sqrt(v) : NaN;
    } else out[t] = NaN;
    // add x[t], drop x[t - window] (the window for t + 1 is t - window + 1 .. t)
    const a = x[t]!;
    if (Number.isFinite(a)) {
      s += a;
      ss += a * a;
      c++;
    }
    const d = t - window;
    if (d >= 0) {
      const b = x[d]!;
      if (Number.isFinite(b)) {
        s -= b;
        ss -= b * b;
        c--;
      }
    }
  }
  return out;
}

/** Trailing standard deviation (ddof 1) of the `window` values up to and including bar t; NaN below `minCount`. O(n). */
export function trailingStd(
  x: Float64Array,
  window: number,
  minCount: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  const n = x.length;
  let s = 0, ss = 0, c = 0;
  for (let t = 0; t < n; t++) {
    const a = x[t]!;
    if (Number.isFinite(a)) {
      s += a;
      ss += a * a;
      c++;
    }
    const d = t - window;
    if (d >= 0) {
      const b = x[d]!;
      if (Number.isFinite(b)) {
        s -= b;
        ss -= b * b;
        c--;
      }
    }
    if (c >= minCount && c >= 2) {
      const m = s / c;
      const v = (ss - s * m) / (c - 1);
      out[t] = Math.sqrt(Math.max(v, 0));
    } else out[t] = NaN;
  }
  return out;
}
