/**
 * Minimum-variance weights of a long-short book whose members and side totals are given, with
 * optimizePortfolio (lib/portfolio) on a trailing covariance (sample, Ledoit-Wolf, OAS or EWMA),
 * optionally neutral to factor columns' betas and with a turnover penalty.
 *
 * @module
 */
import { optimizePortfolio } from "../../portfolio/optimize_portfolio.ts";
import { sampleCovariance } from "../../portfolio/sample_covariance.ts";
import { ledoitWolf } from "../../portfolio/ledoit_wolf.ts";
import { oas } from "../../portfolio/oas.ts";
import { ewmaCovariance } from "../../portfolio/ewma_covariance.ts";

/** The covariance estimators the long-short optimizer can use. */
export const RISK_MODELS = ["sample", "ledoit-wolf", "oas", "ewma"] as const;
export type RiskModel = typeof RISK_MODELS[number];

/**
 * Why {@link minVarianceSides} found no weights: `"history"` (too few complete rows of returns
 * in the window), `"cap"` (the cap times a side's members is below the side's total),
 * `"factors"` (the factors' returns are constant or collinear over the window: no betas) or
 * `"infeasible"` (the optimizer's status was not optimal: no weights meet every constraint).
 */
export type FallbackReason = "history" | "cap" | "factors" | "infeasible";

/** What {@link minVarianceSides} adds to plain minimum variance. */
export interface SidesExtras {
  /** Covariance of the window's complete rows. */
  readonly riskModel: RiskModel;
  /** Half-life in rows of the "ewma" model. */
  readonly halfLife: number;
  /** Factor columns the book is held neutral to (their betas, see {@link minVarianceSides}). */
  readonly factors: readonly number[];
  /** Cost per unit of turnover against `current` (per-period return units); 0 = none. */
  readonly penalty: number;
  /** The members' weights held before this bar, for the turnover penalty. */
  readonly current: Float64Array | undefined;
}

/**
 * Weights of the members `cols` (side `+1` long, `-1` short) that minimize the variance of the
 * book over the returns of rows `t - window + 1 .. t` where every member (and every factor
 * column) has a return (complete rows, so the covariance is positive semi-definite), with the
 * long side summing to `longSide`, the short side to `-shortSide`, each weight on its side's
 * sign and at most `cap` in size. With `extras.factors`, `sum_i beta_i,f w_i = 0` for each
 * factor f, where `beta_i` are the slopes of an OLS regression (with an intercept) of member
 * i's returns on all the factors' returns over the same rows (a factor column regressed on
 * itself has beta 1 to itself and 0 to the others). With `extras.penalty`, the objective also
 * pays `penalty * sum_i |w_i - current_i|`. A {@link FallbackReason} when fewer than `minRows`
 * complete rows exist or the problem has no optimal solution (the caller falls back to equal
 * weights).
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
  extras?: SidesExtras,
): Float64Array | FallbackReason {
  const k = cols.length;
  // a side whose members cannot reach its total under the cap has no solution: say so at once
  // instead of letting the optimizer search for the conflicting constraints at every bar
  let nLong = 0;
  for (const side of sides) if (side > 0) nLong++;
  const reach = (n: number, total: number) => n * Math.min(cap, total) >= total * (1 - 1e-12);
  if (!reach(nLong, longSide) || !reach(k - nLong, shortSide)) return "cap";
  const factors = extras?.factors ?? [];
  const need = [...cols, ...factors];
  const rows: number[] = [];
  for (let s = Math.max(0, t - window + 1); s <= t; s++) {
    let ok = true;
    for (const a of need) {
      if (!Number.isFinite(returns[a]![s]!)) {
        ok = false;
        break;
      }
    }
    if (ok) rows.push(s);
  }
  if (rows.length < Math.max(minRows, 2, factors.length + 2)) return "history";
  const sub = cols.map((a) => Float64Array.from(rows, (s) => returns[a]![s]!));
  const model = extras?.riskModel ?? "sample";
  const covariance = model === "ledoit-wolf"
    ? ledoitWolf(sub).covariance
    : model === "oas"
    ? oas(sub).covariance
    : model === "ewma"
    ? ewmaCovariance(sub, { halfLife: extras!.halfLife })
    : sampleCovariance(sub);
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
  let betas: Record<string, Float64Array> | undefined;
  if (factors.length > 0) {
    const f = factors.map((a) => Float64Array.from(rows, (s) => returns[a]![s]!));
    const b = olsSlopes(sub, f);
    if (b === undefined) return "factors";
    betas = Object.fromEntries(factors.map((c, j) => [`column${c}`, b[j]!]));
  }
  const penalty = extras?.penalty ?? 0;
  const r = optimizePortfolio({
    covariance,
    objective: "minVariance",
    constraints: {
      longOnly: false,
      fullInvestment: false,
      minWeight: lo,
      maxWeight: hi,
      exposures,
      ...(betas === undefined ? {} : { betas }),
      ...(penalty > 0 ? { turnover: { penalty } } : {}),
    },
    ...(penalty > 0 && extras?.current !== undefined ? { currentWeights: extras.current } : {}),
  });
  if (r.status !== "optimal") return "infeasible";
  // a member at its zero bound can come back as -1e-19: keep every weight on its side
  const w = r.weights;
  for (let i = 0; i < k; i++) w[i] = sides[i]! > 0 ? Math.max(0, w[i]!) : Math.min(0, w[i]!);
  return w;
}

/**
 * Slopes of the OLS regression of each column of `y` on an intercept and the columns of `x`
 * (same rows): `out[j][i]` is column i's slope on regressor j. Undefined when `[1, x]` is
 * singular (a constant factor). Normal equations solved by Gaussian elimination with partial
 * pivoting: the regressors are one or two factors, so the system is at most 3 x 3.
 */
function olsSlopes(
  y: readonly Float64Array[],
  x: readonly Float64Array[],
): Float64Array[] | undefined {
  const n = x[0]!.length, p = x.length + 1;
  const col = (j: number, s: number) => (j === 0 ? 1 : x[j - 1]![s]!);
  const xtx = Array.from({ length: p }, () => new Float64Array(p));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let v = 0;
      for (let s = 0; s < n; s++) v += col(a, s) * col(b, s);
      xtx[a]![b] = v;
    }
  }
  const out = x.map(() => new Float64Array(y.length));
  for (let i = 0; i < y.length; i++) {
    const m = xtx.map((r) => Float64Array.from(r));
    const rhs = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let v = 0;
      for (let s = 0; s < n; s++) v += col(a, s) * y[i]![s]!;
      rhs[a] = v;
    }
    for (let c = 0; c < p; c++) {
      let piv = c;
      for (let r = c + 1; r < p; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
      if (!(Math.abs(m[piv]![c]!) > 1e-14 * Math.max(1, Math.abs(m[0]![0]!)))) return undefined;
      [m[c], m[piv]] = [m[piv]!, m[c]!];
      [rhs[c], rhs[piv]] = [rhs[piv]!, rhs[c]!];
      for (let r = c + 1; r < p; r++) {
        const f = m[r]![c]! / m[c]![c]!;
        for (let q = c; q < p; q++) m[r]![q]! -= f * m[c]![q]!;
        rhs[r]! -= f * rhs[c]!;
      }
    }
    const beta = new Float64Array(p);
    for (let c = p - 1; c >= 0; c--) {
      let v = rhs[c]!;
      for (let q = c + 1; q < p; q++) v -= m[c]![q]! * beta[q]!;
      beta[c] = v / m[c]![c]!;
    }
    for (let j = 0; j < x.length; j++) out[j]![i] = beta[j + 1]!;
  }
  return out;
}
