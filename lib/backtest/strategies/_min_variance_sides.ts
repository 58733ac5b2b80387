/**
 * Minimum-variance weights of a long-short book whose members and side totals are given, with
 * optimizePortfolio (lib/portfolio) on a trailing sample covariance.
 *
 * @module
 */
import { optimizePortfolio } from "../../portfolio/optimize_portfolio.ts";
import { sampleCovariance } from "../../portfolio/sample_covariance.ts";

/**
 * Weights of the members `cols` (side `+1` long, `-1` short) that minimize the variance of the
 * book over the returns of rows `t - window + 1 .. t` where every member has a return
 * (complete rows, so the covariance is positive semi-definite), with the long side summing to
 * `longSide`, the short side to `-shortSide`, each weight on its side's sign and at most `cap`
 * in size. `undefined` when fewer than `minRows` complete rows exist or the problem has no
 * optimal solution (the caller falls back to equal weights).
 */
export function minVarianceSides(
  returns: readonly Float64Array[],
  t: number,
  window: number,
  minRows: number,
  cols: readonly number[],
  sides: readonly number[],
  longSide: number,
  shortSide: number,
  cap: number,
): Float64Array | undefined {
  const k = cols.length;
  const rows: number[] = [];
  for (let s = Math.max(0, t - window + 1); s <= t; s++) {
    let ok = true;
    for (const a of cols) {
      if (!Number.isFinite(returns[a]![s]!)) {
        ok = false;
        break;
      }
    }
    if (ok) rows.push(s);
  }
  if (rows.length < Math.max(minRows, 2)) return undefined;
  const sub = cols.map((a) => Float64Array.from(rows, (s) => returns[a]![s]!));
  const covariance = sampleCovariance(sub);
  const lo = new Float64Array(k), hi = new Float64Array(k);
  const isLong = new Float64Array(k), isShort = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    if (sides[i]! > 0) {
      hi[i] = Math.min(cap, longSide);
      isLong[i] = 1;
    } else {
      lo[i] = -Math.min(cap, shortSide);
      isShort[i] = 1;
    }
  }
  const exposures = [];
  if (longSide > 0) exposures.push({ name: "long", loadings: isLong, target: longSide });
  if (shortSide > 0) exposures.push({ name: "short", loadings: isShort, target: -shortSide });
  const r = optimizePortfolio({
    covariance,
    objective: "minVariance",
    constraints: {
      longOnly: false,
      fullInvestment: false,
      minWeight: lo,
      maxWeight: hi,
      exposures,
    },
  });
  if (r.status !== "optimal") return undefined;
  // a member at its zero bound can come back as -1e-19: keep every weight on its side
  const w = r.weights;
  for (let i = 0; i < k; i++) w[i] = sides[i]! > 0 ? Math.max(0, w[i]!) : Math.min(0, w[i]!);
  return w;
}
