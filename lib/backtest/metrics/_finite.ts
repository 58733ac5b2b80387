/** The finite values of `x`, in order (NaN and infinities are "no return at this bar"). */
export function finiteValues(x: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!)) out[k++] = x[i]!;
  return out;
}

/** Mean and sample standard deviation (ddof 1) of the finite values, two-pass. */
export function meanStd(x: ArrayLike<number>): { mean: number; std: number; n: number } {
  let n = 0, s = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  const mean = n > 0 ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : NaN, n };
}

/** Throw unless `ppy` is a positive finite number of bars per year. */
export function checkPeriodsPerYear(ppy: number, what: string): void {
  if (!(ppy > 0) || !Number.isFinite(ppy)) {
    throw new RangeError(
      `Cannot compute ${what}: periodsPerYear must be a positive number of bars per 365-day ` +
        `year (8760 hourly, 365 daily), got ${ppy}`,
    );
  }
}
