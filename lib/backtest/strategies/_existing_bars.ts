/** Rows where every given series has a finite value (the bars a one-asset rule can act on). */
export function existingBars(...series: ArrayLike<number>[]): Int32Array {
  const n = series[0]!.length;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    let ok = true;
    for (const s of series) {
      if (!Number.isFinite(s[t]!)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(t);
  }
  return Int32Array.from(out);
}

/** Refuse a window option that is not an integer >= min. */
export function checkWindow(what: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) {
    throw new RangeError(`Cannot compute ${what}: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

/** Refuse a weight that is not a finite number > 0. */
export function checkWeight(what: string, name: string, v: number): void {
  if (!(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(`Cannot compute ${what}: ${name} must be a finite number > 0, got ${v}`);
  }
}
