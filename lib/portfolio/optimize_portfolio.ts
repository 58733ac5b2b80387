/**
 * Mean-variance portfolio construction under linear constraints: minimum variance, mean-variance
 * with risk aversion and maximum Sharpe, with weight bounds, gross and net exposure, factor
 * (beta) neutrality and turnover, solved as a dense QP with `quadprog` (Goldfarb-Idnani).
 *
 * @module
 */
import { checkSquare } from "./_linear.ts";
import { psdWithin, scaledSmallestEigenvalue, smallestEigenvalue } from "./_psd.ts";
import { correlationToCovariance, covarianceToCorrelation } from "./covariance_to_correlation.ts";
import { nearestCorrelation } from "./nearest_correlation.ts";
import { solveBoxL1 } from "./_box_l1_qp.ts";
import { solveDualQp, sparseRow } from "./_dual_qp.ts";
import { type QpRow, solveQp } from "./_qp.ts";

/** What {@link optimizePortfolio} optimizes. */
export type PortfolioObjective = "minVariance" | "meanVariance" | "maxSharpe";

/** A linear exposure `sum_i loadings_i w_i`, held at `target` or within `[min, max]`. */
export interface ExposureConstraint {
  /** Name used in `binding` and `conflicts` (as `exposure:<name>`). */
  readonly name: string;
  /** One loading per asset (a beta, a sector dummy, a signal...). */
  readonly loadings: ArrayLike<number>;
  /**
   * Hold the exposure at exactly this value.
   * @default 0 when neither `min` nor `max` is given
   */
  readonly target?: number;
  /** Lower bound on the exposure (instead of `target`). */
  readonly min?: number;
  /** Upper bound on the exposure (instead of `target`). */
  readonly max?: number;
}

/** Turnover against `currentWeights`: `sum_i |w_i - w0_i|` (both legs of every trade). */
export interface TurnoverConstraint {
  /** Upper bound on the turnover (L1 distance from the current weights). */
  readonly limit?: number;
  /**
   * Cost per unit of turnover, in per-period return units (a number, or one per asset): the
   * objective pays `sum_i penalty_i |w_i - w0_i|`. `0.001` charges 10 bp of the portfolio per
   * 100% traded, in the same units as the per-period expected returns.
   */
  readonly penalty?: number | ArrayLike<number>;
}

/** The constraints of {@link optimizePortfolio}; each is a named group in `binding`/`conflicts`. */
export interface PortfolioConstraints {
  /**
   * No short positions: `w_i >= 0` (group `longOnly`).
   * @default true
   */
  readonly longOnly?: boolean;
  /**
   * The weights sum to one: `sum_i w_i = 1` (group `fullInvestment`). Set `false` for a
   * long-short book and use `netExposure`.
   * @default true
   */
  readonly fullInvestment?: boolean;
  /** Lower bound per asset (one number for all, or one per asset; group `minWeight`). */
  readonly minWeight?: number | ArrayLike<number>;
  /** Upper bound per asset (one number for all, or one per asset; group `maxWeight`). */
  readonly maxWeight?: number | ArrayLike<number>;
  /** `sum_i w_i`: a number holds it there, `{min, max}` bounds it (group `netExposure`). */
  readonly netExposure?: number | { readonly min?: number; readonly max?: number };
  /** Upper bound on `sum_i |w_i|` (group `grossExposure`). */
  readonly grossExposure?: number;
  /**
   * Betas per factor, one per asset, e.g. `{BTC: betaBtc, ETH: betaEth}` from the factor model
   * (`FactorBetas` of `lib/research`): each makes the portfolio neutral to that factor,
   * `sum_i beta_i w_i = 0` (group `beta:<name>`).
   */
  readonly betas?: Readonly<Record<string, ArrayLike<number>>>;
  /** Any other exposures with targets or bounds (group `exposure:<name>`). */
  readonly exposures?: readonly ExposureConstraint[];
  /** Turnover limit and/or penalty against `currentWeights` (group `turnoverLimit`). */
  readonly turnover?: TurnoverConstraint;
}

/**
 * What {@link optimizePortfolio} does with a covariance that is not positive semi-definite:
 * "none" refuses (status "notPositiveSemiDefinite"); "nearestCorrelation" replaces it by
 * `D C* D`, where `D` holds the given volatilities and `C*` is the nearest correlation matrix
 * (Higham 2002, {@link nearestCorrelation}) to its correlation, and says so in the result.
 */
export type CovarianceRepair = "none" | "nearestCorrelation";

/** Options of {@link optimizePortfolio}. */
export interface OptimizePortfolioOptions {
  /**
   * Per-period covariance of the assets' returns (N x N, symmetric, positive semi-definite: its
   * smallest eigenvalue at least -1e-11 times its mean variance, see `covarianceRepair`).
   */
  readonly covariance: readonly ArrayLike<number>[];
  /**
   * What to do when `covariance` is not positive semi-definite (a pairwise covariance of assets
   * with different histories, a hand-edited or stressed matrix): "none" refuses with status
   * "notPositiveSemiDefinite" and a message naming its smallest eigenvalue; "nearestCorrelation"
   * (an explicit opt-in) optimizes on the repaired matrix `D C* D` instead (variances kept,
   * correlations moved to the nearest correlation matrix, Higham 2002), with
   * `diagnostics.covarianceRepaired` true and the message saying so. The default refuses because
   * a repair changes the risk model: that is the caller's decision, not the optimizer's.
   * @default "none"
   */
  readonly covarianceRepair?: CovarianceRepair;
  /** Per-period expected returns (N); needed by "meanVariance" and "maxSharpe". */
  readonly expectedReturns?: ArrayLike<number>;
  /** What to optimize. */
  readonly objective: PortfolioObjective;
  /** Constraints; every field is optional. */
  readonly constraints?: PortfolioConstraints;
  /**
   * The weights held now, for turnover.
   * @default all zero (starting from cash)
   */
  readonly currentWeights?: ArrayLike<number>;
  /**
   * `lambda` in `lambda / 2 w'Sw` (units 1/return: the return one would give up per unit of
   * variance, times 2).
   * @default 1
   */
  readonly riskAversion?: number;
  /**
   * Per-period risk-free rate, for "maxSharpe".
   * @default 0
   */
  readonly riskFreeRate?: number;
  /** Asset names for `binding` (`maxWeight:BTCUSDT`); the index otherwise. */
  readonly assets?: readonly string[];
}

/** Defaults of {@link OptimizePortfolioOptions} and {@link PortfolioConstraints}. */
export const OPTIMIZE_PORTFOLIO_DEFAULTS = {
  longOnly: true,
  fullInvestment: true,
  riskAversion: 1,
  riskFreeRate: 0,
  covarianceRepair: "none",
} as const;

/**
 * A covariance passes the positive semi-definite check when the smallest eigenvalue of its
 * correlation-scaled form `D^-1/2 S D^-1/2` (D its diagonal) is at least `-PSD_TOLERANCE`
 * (tested as a Cholesky factorization of that matrix plus `PSD_TOLERANCE * I`; a zero-variance
 * asset passes when its covariances are 0 up to rounding: `psdWithin` in ./_psd.ts). Scaled
 * so, one huge-variance asset cannot hide a non-PSD block of small ones. Rounding in a
 * covariance computed from data is around 1e-14 of its scale even for 126 assets, so 1e-11
 * accepts every matrix that is PSD up to rounding (a singular one included: fewer bars than
 * assets) and refuses every real defect;
 * it is below the 1e-10 ridge the dense solver adds to a singular matrix, so a matrix that
 * passes is always solvable there.
 */
export const PSD_TOLERANCE = 1e-11;

/**
 * "optimal"; "infeasible" (no weights meet the constraints: `conflicts` names a minimal
 * conflicting set); "noPositiveExcessReturn" (maxSharpe only: the constraints hold, but no
 * portfolio meeting them earns more than the risk-free rate, e.g. a bear market); "unbounded"
 * (maxSharpe only: portfolios meeting the constraints approach a best Sharpe ratio only as their
 * weights grow without bound, so no portfolio attains it: bound the weights or the gross
 * exposure); "notPositiveSemiDefinite" (the covariance has a negative eigenvalue, so some
 * portfolio would have a negative variance; nothing was optimized: repair it, see
 * `covarianceRepair`).
 */
export type PortfolioStatus =
  | "optimal"
  | "infeasible"
  | "noPositiveExcessReturn"
  | "unbounded"
  | "notPositiveSemiDefinite";

/** Figures of the solution, all per period. */
export interface PortfolioDiagnostics {
  /** Which method solved it. */
  readonly method: string;
  /** Active-set iterations of the solver (0 when it did not run). */
  readonly iterations: number;
  /** `w'Sw`. */
  readonly variance: number;
  /** `sqrt(w'Sw)`. */
  readonly volatility: number;
  /** `mu'w` (NaN without expected returns). */
  readonly expectedReturn: number;
  /** `(mu'w - riskFreeRate) / volatility` (NaN without expected returns). */
  readonly sharpe: number;
  /** `sum_i |w_i - w0_i|`. */
  readonly turnover: number;
  /** `sum_i penalty_i |w_i - w0_i|` (0 without a penalty). */
  readonly turnoverCost: number;
  /** `sum_i |w_i|`. */
  readonly grossExposure: number;
  /** `sum_i w_i`. */
  readonly netExposure: number;
  /** Each beta and exposure constraint's value, by group name (`beta:BTC`, `exposure:x`). */
  readonly exposures: Readonly<Record<string, number>>;
  /**
   * Ridge added to the diagonal of the quadratic term, relative to its mean diagonal: 0, or
   * 1e-10 when the covariance was singular (fewer bars than assets) and quadprog solved it.
   */
  readonly ridge: number;
  /**
   * The smallest eigenvalue of the covariance given, computed when it failed the positive
   * semi-definite check (see {@link PSD_TOLERANCE}); NaN when the check passed (the cheap
   * Cholesky test does not compute it).
   */
  readonly smallestEigenvalue: number;
  /**
   * True when the covariance given was not positive semi-definite and `covarianceRepair:
   * "nearestCorrelation"` replaced it; `variance`, `volatility` and `sharpe` are then those of
   * the repaired matrix (the one optimized).
   */
  readonly covarianceRepaired: boolean;
}

/** The answer of {@link optimizePortfolio}. */
export interface PortfolioResult {
  /** One weight per asset (all NaN unless `status` is "optimal"). */
  readonly weights: Float64Array;
  /** See {@link PortfolioStatus}. */
  readonly status: PortfolioStatus;
  /** One sentence saying what happened and, when not optimal, what to do. */
  readonly message: string;
  /**
   * The active constraints: equality groups (`fullInvestment`, `beta:BTC`, ...), inequality
   * groups at their bound (`grossExposure`, `netExposure`, `turnoverLimit`), and per-asset
   * bounds as `longOnly:<asset>`, `minWeight:<asset>`, `maxWeight:<asset>`.
   */
  readonly binding: string[];
  /**
   * When infeasible: a minimal set of constraint groups that cannot hold together (dropping
   * any one of them makes the rest feasible). Empty otherwise.
   */
  readonly conflicts: string[];
  /**
   * The minimized objective in per-period return units (see {@link optimizePortfolio});
   * for "maxSharpe", the per-period Sharpe ratio (maximized). NaN when not optimal, except
   * "unbounded": the per-period Sharpe ratio approached (the supremum, not attained).
   */
  readonly objective: number;
  /** See {@link PortfolioDiagnostics}. */
  readonly diagnostics: PortfolioDiagnostics;
}

interface Range {
  lo: number;
  hi: number;
}

interface Exposure extends Range {
  group: string;
  a: Float64Array;
}

/** The validated problem. */
interface Spec {
  n: number;
  cov: Float64Array;
  scale: number;
  mu: Float64Array | undefined;
  objective: PortfolioObjective;
  lambda: number;
  rf: number;
  w0: Float64Array;
  penalty: Float64Array | undefined;
  longOnly: boolean;
  minW: Float64Array | undefined;
  maxW: Float64Array | undefined;
  full: boolean;
  net: Range | undefined;
  gross: number | undefined;
  exposures: Exposure[];
  turnoverLimit: number | undefined;
  names: readonly string[] | undefined;
  groups: string[];
  /** Smallest eigenvalue of the covariance given when it failed the PSD check, else NaN. */
  minEigenvalue: number;
  repaired: boolean;
}

const METHOD = "quadprog 1.6.1 (Goldfarb-Idnani dual active set)";
const DUAL = "Goldfarb-Idnani dual active set (typed arrays, sparse rows)";
const ACTIVE_SET = "primal-dual active set (semismooth Newton) on the weights";
const AUX_RIDGE = 1e-8;
const RIDGE = 1e-10;
const BIND_TOL = 1e-8;

function vector(v: ArrayLike<number>, n: number, what: string): Float64Array {
  if (v.length !== n) {
    throw new RangeError(
      `Cannot optimize the portfolio: ${what} has ${v.length} entries, the covariance ${n} assets`,
    );
  }
  const out = Float64Array.from(v);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(out[i]!)) {
      throw new RangeError(
        `Cannot optimize the portfolio: ${what}[${i}] is ${out[i]}; every entry must be finite`,
      );
    }
  }
  return out;
}

function perAsset(v: number | ArrayLike<number>, n: number, what: string): Float64Array {
  return typeof v === "number" ? vector(new Float64Array(n).fill(v), n, what) : vector(v, n, what);
}

function finiteNumber(v: number, what: string): number {
  if (!Number.isFinite(v)) {
    throw new RangeError(`Cannot optimize the portfolio: ${what} is ${v}; give a finite number`);
  }
  return v;
}

function rangeOf(
  target: number | undefined,
  min: number | undefined,
  max: number | undefined,
  what: string,
): Range {
  if (target !== undefined) {
    if (min !== undefined || max !== undefined) {
      throw new RangeError(
        `Cannot optimize the portfolio: ${what} has both a target and bounds; give one or the other`,
      );
    }
    const t = finiteNumber(target, what);
    return { lo: t, hi: t };
  }
  if (min === undefined && max === undefined) return { lo: 0, hi: 0 };
  return {
    lo: min === undefined ? -Infinity : finiteNumber(min, `${what}.min`),
    hi: max === undefined ? Infinity : finiteNumber(max, `${what}.max`),
  };
}

function validate(o: OptimizePortfolioOptions): Spec {
  const n = checkSquare(o.covariance, "the optimal portfolio");
  const cov = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = o.covariance[i]![j]!, u = o.covariance[j]![i]!;
      if (Math.abs(v - u) > 1e-12 * (Math.abs(v) + Math.abs(u))) {
        throw new RangeError(
          `Cannot optimize the portfolio: the covariance is not symmetric at (${i}, ${j}): ` +
            `${v} vs ${u}`,
        );
      }
      cov[i * n + j] = (v + u) / 2;
    }
    if (!(cov[i * n + i]! >= 0)) {
      throw new RangeError(
        `Cannot optimize the portfolio: the variance of asset ${i} is ${
          cov[i * n + i]
        }; a covariance has a non-negative diagonal`,
      );
    }
    trace += cov[i * n + i]!;
  }
  const scale = trace > 0 ? trace / n : 1;
  const needsMu = o.objective !== "minVariance";
  if (!["minVariance", "meanVariance", "maxSharpe"].includes(o.objective)) {
    throw new RangeError(
      `Cannot optimize the portfolio: unknown objective "${o.objective}"; ` +
        `use "minVariance", "meanVariance" or "maxSharpe"`,
    );
  }
  if (needsMu && o.expectedReturns === undefined) {
    throw new RangeError(
      `Cannot optimize the portfolio: objective "${o.objective}" needs expectedReturns ` +
        `(per-period, one per asset)`,
    );
  }
  const mu = o.expectedReturns === undefined
    ? undefined
    : vector(o.expectedReturns, n, "expectedReturns");
  const c = o.constraints ?? {};
  const lambda = finiteNumber(
    o.riskAversion ?? OPTIMIZE_PORTFOLIO_DEFAULTS.riskAversion,
    "riskAversion",
  );
  if (!(lambda > 0)) {
    throw new RangeError(`Cannot optimize the portfolio: riskAversion must be > 0, got ${lambda}`);
  }
  const w0 = o.currentWeights === undefined
    ? new Float64Array(n)
    : vector(o.currentWeights, n, "currentWeights");
  const penalty = c.turnover?.penalty === undefined
    ? undefined
    : perAsset(c.turnover.penalty, n, "turnover.penalty");
  if (penalty?.some((v) => v < 0)) {
    throw new RangeError("Cannot optimize the portfolio: turnover.penalty must be >= 0");
  }
  if (penalty !== undefined && o.objective === "maxSharpe") {
    throw new RangeError(
      "Cannot optimize the portfolio: maxSharpe cannot take a turnover penalty (the Sharpe " +
        "ratio has no per-period cost term); use turnover.limit, or meanVariance with the penalty",
    );
  }
  const longOnly = c.longOnly ?? OPTIMIZE_PORTFOLIO_DEFAULTS.longOnly;
  const full = c.fullInvestment ?? OPTIMIZE_PORTFOLIO_DEFAULTS.fullInvestment;
  if (o.objective === "maxSharpe" && !full) {
    throw new RangeError(
      "Cannot optimize the portfolio: maxSharpe needs fullInvestment (the Sharpe ratio does not " +
        "depend on the scale of the weights, so the budget sum(w) = 1 fixes it)",
    );
  }
  const net = c.netExposure === undefined
    ? undefined
    : typeof c.netExposure === "number"
    ? rangeOf(c.netExposure, undefined, undefined, "netExposure")
    : rangeOf(undefined, c.netExposure.min, c.netExposure.max, "netExposure");
  const gross = c.grossExposure === undefined
    ? undefined
    : finiteNumber(c.grossExposure, "grossExposure");
  const exposures: Exposure[] = [];
  for (const [name, betas] of Object.entries(c.betas ?? {})) {
    exposures.push({ group: `beta:${name}`, a: vector(betas, n, `betas.${name}`), lo: 0, hi: 0 });
  }
  for (const e of c.exposures ?? []) {
    exposures.push({
      group: `exposure:${e.name}`,
      a: vector(e.loadings, n, `exposure ${e.name}`),
      ...rangeOf(e.target, e.min, e.max, `exposure ${e.name}`),
    });
  }
  const turnoverLimit = c.turnover?.limit === undefined
    ? undefined
    : finiteNumber(c.turnover.limit, "turnover.limit");
  const minW = c.minWeight === undefined ? undefined : perAsset(c.minWeight, n, "minWeight");
  const maxW = c.maxWeight === undefined ? undefined : perAsset(c.maxWeight, n, "maxWeight");
  if (o.assets !== undefined && o.assets.length !== n) {
    throw new RangeError(
      `Cannot optimize the portfolio: ${o.assets.length} asset names for ${n} assets`,
    );
  }
  const groups: string[] = [];
  if (longOnly) groups.push("longOnly");
  if (minW) groups.push("minWeight");
  if (maxW) groups.push("maxWeight");
  if (full) groups.push("fullInvestment");
  if (net) groups.push("netExposure");
  if (gross !== undefined) groups.push("grossExposure");
  for (const e of exposures) groups.push(e.group);
  if (turnoverLimit !== undefined) groups.push("turnoverLimit");
  return {
    n,
    cov,
    scale,
    mu,
    objective: o.objective,
    lambda,
    rf: finiteNumber(o.riskFreeRate ?? OPTIMIZE_PORTFOLIO_DEFAULTS.riskFreeRate, "riskFreeRate"),
    w0,
    penalty,
    longOnly,
    minW,
    maxW,
    full,
    net,
    gross,
    exposures,
    turnoverLimit,
    names: o.assets,
    groups,
    minEigenvalue: NaN,
    repaired: false,
  };
}

/** Three significant digits, in exponent form outside [1e-3, 1e6) (`-2.09e-5`). */
function sig(v: number): string {
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e6) ? v.toPrecision(3) : v.toExponential(2);
}

/**
 * The positive semi-definite check, and the opt-in repair: the spec to optimize, or the
 * refusal. Cost: one Cholesky factorization (O(N^3 / 6)); an eigen decomposition only when it
 * fails.
 */
function checkPsd(s: Spec, repair: CovarianceRepair): Spec | PortfolioResult {
  const n = s.n;
  if (psdWithin(s.cov, n, PSD_TOLERANCE)) return s;
  const min = smallestEigenvalue(s.cov, n);
  const refused = { ...s, minEigenvalue: min };
  const what = `The covariance is not positive semi-definite: its smallest eigenvalue is ` +
    `${sig(min)} (${sig(min / s.scale)} times its mean variance ${sig(s.scale)}; ` +
    `${sig(scaledSmallestEigenvalue(s.cov, n))} scaled to unit variances, where the check ` +
    `allows -${PSD_TOLERANCE}), so some ` +
    `portfolio would have a negative variance, which any optimizer exploits (weights pushed ` +
    `to their bounds, a variance reported as 0)`;
  if (repair === "none") {
    return notOptimal(
      refused,
      "notPositiveSemiDefinite",
      `${what}; nothing was optimized. Repair it first (covarianceToCorrelation, ` +
        `nearestCorrelation, correlationToCovariance: Higham 2002), or pass covarianceRepair: ` +
        `"nearestCorrelation" to do that here, or estimate it on complete rows (ledoitWolf, oas, ` +
        `or sampleCovariance of the rows where every asset has a return), which is PSD`,
      [],
    );
  }
  const rows = Array.from({ length: n }, (_, i) => s.cov.subarray(i * n, (i + 1) * n));
  let split;
  try {
    split = covarianceToCorrelation(rows);
  } catch (e) {
    return notOptimal(
      refused,
      "notPositiveSemiDefinite",
      `${what}, and covarianceRepair "nearestCorrelation" cannot repair it: ` +
        `${(e as Error).message}; drop that asset or estimate the covariance on complete rows`,
      [],
    );
  }
  const near = nearestCorrelation(split.correlation);
  const fixed = correlationToCovariance(near.correlation, split.volatilities);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) cov[i * n + j] = (fixed[i]![j]! + fixed[j]![i]!) / 2;
  }
  if (!psdWithin(cov, n, PSD_TOLERANCE)) {
    return notOptimal(
      refused,
      "notPositiveSemiDefinite",
      `${what}, and its nearest-correlation repair still fails the check (smallest eigenvalue ` +
        `${sig(smallestEigenvalue(cov, n))}); repair it yourself with a floor on the ` +
        `eigenvalues (nearestCorrelation's minEigenvalue) or use a shrinkage estimator`,
      [],
    );
  }
  return { ...refused, cov, repaired: true };
}

/** Variable layout and rows of one QP built from a set of enabled groups. */
interface Built {
  nVar: number;
  tOff: number;
  gOff: number;
  equalities: QpRow[];
  inequalities: QpRow[];
  lo: Float64Array;
  hi: Float64Array;
  /** Which group gave each asset's lower bound ("" for none). */
  loGroup: string[];
  hiGroup: string[];
  sum: Range;
}

/**
 * The constraint rows over x = [w, t (turnover), g (gross)], or "infeasible" when bounds already
 * contradict each other (min > max, or the sum ranges do not meet).
 */
function buildRows(s: Spec, on: ReadonlySet<string>, withPenalty: boolean): Built | "infeasible" {
  const n = s.n;
  const useT = on.has("turnoverLimit") || (withPenalty && s.penalty !== undefined);
  const useG = on.has("grossExposure");
  const tOff = useT ? n : -1;
  const gOff = useG ? n * (useT ? 2 : 1) : -1;
  const nVar = n * (1 + (useT ? 1 : 0) + (useG ? 1 : 0));
  const eq: QpRow[] = [], ge: QpRow[] = [];
  const row = (entries: [number, number][], b: number, kind: "eq" | "ge") => {
    const a = new Float64Array(nVar);
    for (const [j, v] of entries) a[j] = a[j]! + v;
    (kind === "eq" ? eq : ge).push({ a, b });
  };
  const lo = new Float64Array(n).fill(-Infinity), hi = new Float64Array(n).fill(Infinity);
  const loGroup = new Array<string>(n).fill(""), hiGroup = new Array<string>(n).fill("");
  for (let i = 0; i < n; i++) {
    if (on.has("longOnly")) [lo[i], loGroup[i]] = [0, "longOnly"];
    if (on.has("minWeight") && s.minW![i]! >= lo[i]!) {
      [lo[i], loGroup[i]] = [s.minW![i]!, "minWeight"];
    }
    if (on.has("maxWeight")) [hi[i], hiGroup[i]] = [s.maxW![i]!, "maxWeight"];
    if (lo[i]! > hi[i]!) return "infeasible";
    if (lo[i] === hi[i]) row([[i, 1]], lo[i]!, "eq");
    else {
      if (lo[i]! > -Infinity) row([[i, 1]], lo[i]!, "ge");
      if (hi[i]! < Infinity) row([[i, -1]], -hi[i]!, "ge");
    }
  }
  const sum: Range = { lo: -Infinity, hi: Infinity };
  if (on.has("fullInvestment")) [sum.lo, sum.hi] = [1, 1];
  if (on.has("netExposure")) {
    sum.lo = Math.max(sum.lo, s.net!.lo);
    sum.hi = Math.min(sum.hi, s.net!.hi);
  }
  if (sum.lo > sum.hi) return "infeasible";
  const ones: [number, number][] = Array.from({ length: n }, (_, i) => [i, 1]);
  const minus: [number, number][] = Array.from({ length: n }, (_, i) => [i, -1]);
  const ranged = (coef: [number, number][], neg: [number, number][], r: Range) => {
    if (r.lo === r.hi) row(coef, r.lo, "eq");
    else {
      if (r.lo > -Infinity) row(coef, r.lo, "ge");
      if (r.hi < Infinity) row(neg, -r.hi, "ge");
    }
  };
  ranged(ones, minus, sum);
  for (const e of s.exposures) {
    if (!on.has(e.group)) continue;
    if (e.lo > e.hi) return "infeasible";
    const coef: [number, number][] = [], neg: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      coef.push([i, e.a[i]!]);
      neg.push([i, -e.a[i]!]);
    }
    ranged(coef, neg, e);
  }
  if (useT) {
    for (let i = 0; i < n; i++) {
      row([[tOff + i, 1], [i, -1]], -s.w0[i]!, "ge"); // t_i >= w_i - w0_i
      row([[tOff + i, 1], [i, 1]], s.w0[i]!, "ge"); // t_i >= w0_i - w_i
    }
    if (on.has("turnoverLimit")) {
      row(Array.from({ length: n }, (_, i) => [tOff + i, -1]), -s.turnoverLimit!, "ge");
    }
  }
  if (useG) {
    if (s.gross! < 0) return "infeasible";
    for (let i = 0; i < n; i++) {
      row([[gOff + i, 1], [i, -1]], 0, "ge");
      row([[gOff + i, 1], [i, 1]], 0, "ge");
    }
    row(Array.from({ length: n }, (_, i) => [gOff + i, -1]), -s.gross!, "ge");
  }
  return { nVar, tOff, gOff, equalities: eq, inequalities: ge, lo, hi, loGroup, hiGroup, sum };
}

/** Do the enabled groups admit any weights? (min ||x||^2 under them: quadprog on I). */
function feasible(s: Spec, on: ReadonlySet<string>): boolean {
  const b = buildRows(s, on, false);
  if (b === "infeasible") return false;
  const h = new Float64Array(b.nVar * b.nVar);
  for (let i = 0; i < b.nVar; i++) h[i * b.nVar + i] = 1;
  const own = solveDualQp({
    n: b.nVar,
    hessian: h,
    linear: new Float64Array(b.nVar),
    equalities: b.equalities.map((r) => sparseRow(r.a, r.b)),
    inequalities: b.inequalities.map((r) => sparseRow(r.a, r.b)),
  });
  if (own.status === "optimal" || own.status === "infeasible") return own.status === "optimal";
  const r = solveQp({
    n: b.nVar,
    hessian: h,
    linear: new Float64Array(b.nVar),
    equalities: b.equalities,
    inequalities: b.inequalities,
  });
  return r.status === "optimal";
}

/**
 * A minimal infeasible subset of the groups (a deletion filter: drop each group in turn and
 * keep it out when the rest is still infeasible). Dropping any one group of the result makes
 * the others feasible. Cost: one feasibility QP per group.
 */
function conflictingGroups(s: Spec): string[] {
  let set = [...s.groups];
  for (const g of s.groups) {
    const trial = set.filter((x) => x !== g);
    if (!feasible(s, new Set(trial))) set = trial;
  }
  return set;
}

/** Solve with the Hessian's w block = `hw` (flat n x n), retrying with a ridge if singular. */
function solveWith(
  s: Spec,
  b: Built,
  hw: Float64Array,
  linear: Float64Array,
): {
  x: Float64Array;
  status: "optimal" | "infeasible";
  iterations: number;
  ridge: number;
  method: string;
} {
  const n = s.n, m = b.nVar;
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += hw[i * n + i]! / n;
  if (!(meanDiag > 0)) meanDiag = 1;
  for (const ridge of [0, RIDGE]) {
    const h = new Float64Array(m * m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) h[i * m + j] = hw[i * n + j]!;
      h[i * m + i] = h[i * m + i]! + ridge * meanDiag;
    }
    for (let i = n; i < m; i++) h[i * m + i] = AUX_RIDGE * meanDiag;
    const own = solveDualQp({
      n: m,
      hessian: h,
      linear,
      equalities: b.equalities.map((r) => sparseRow(r.a, r.b)),
      inequalities: b.inequalities.map((r) => sparseRow(r.a, r.b)),
    });
    if (own.status === "optimal" || own.status === "infeasible") {
      return { x: own.x, status: own.status, iterations: own.iterations, ridge, method: DUAL };
    }
    if (own.status === "notPositiveDefinite") continue;
    const r = solveQp({
      n: m,
      hessian: h,
      linear,
      equalities: b.equalities,
      inequalities: b.inequalities,
    });
    if (r.status !== "notPositiveDefinite") {
      return { x: r.x, status: r.status, iterations: r.iterations, ridge, method: METHOD };
    }
  }
  throw new Error(
    "Cannot optimize the portfolio: the covariance is not positive semi-definite even with a " +
      "1e-10 ridge; repair it first (nearestCorrelation, or a shrinkage estimator)",
  );
}

/**
 * The primal-dual active-set solver when every constraint is a weight bound or an equality and
 * the only non-smooth term is the turnover penalty (`undefined` when the problem has a gross
 * exposure, a turnover limit or a ranged sum/exposure, or when that solver gives up).
 */
function separable(
  s: Spec,
  on: ReadonlySet<string>,
  b: Built,
  hw: Float64Array,
  linear: Float64Array,
):
  | { x: Float64Array; status: "optimal"; iterations: number; ridge: number; method: string }
  | "infeasible"
  | undefined {
  if (on.has("grossExposure") || on.has("turnoverLimit")) return undefined;
  const n = s.n;
  const eqRows: Float64Array[] = [], eqValues: number[] = [];
  if (b.sum.lo === b.sum.hi) {
    eqRows.push(new Float64Array(n).fill(1));
    eqValues.push(b.sum.lo);
  } else if (b.sum.lo > -Infinity || b.sum.hi < Infinity) return undefined;
  for (const e of s.exposures) {
    if (!on.has(e.group)) continue;
    if (e.lo !== e.hi) return undefined;
    eqRows.push(e.a);
    eqValues.push(e.lo);
  }
  const kappa = new Float64Array(n);
  if (s.penalty && b.tOff >= 0) { for (let i = 0; i < n; i++) kappa[i] = linear[b.tOff + i]!; }
  const r = solveBoxL1(
    {
      n,
      hessian: hw,
      linear: linear.subarray(0, n),
      kinks: s.w0,
      kappa,
      lo: b.lo,
      hi: b.hi,
      eqRows,
      eqValues,
    },
    undefined,
    () => feasible(s, on),
  );
  if (r.status === "infeasible") return "infeasible";
  if (r.status !== "optimal") return undefined;
  return { x: r.w, status: "optimal", iterations: r.iterations, ridge: 0, method: ACTIVE_SET };
}

function label(s: Spec, i: number): string {
  return s.names?.[i] ?? `${i}`;
}

function quad(cov: Float64Array, w: Float64Array, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let j = 0; j < n; j++) r += cov[i * n + j]! * w[j]!;
    v += w[i]! * r;
  }
  return v;
}

function diagnose(
  s: Spec,
  w: Float64Array,
  iterations: number,
  ridge: number,
): PortfolioDiagnostics {
  const n = s.n;
  const variance = Math.max(quad(s.cov, w, n), 0);
  let ret = NaN, turnover = 0, cost = 0, gross = 0, net = 0;
  if (s.mu) {
    ret = 0;
    for (let i = 0; i < n; i++) ret += s.mu[i]! * w[i]!;
  }
  for (let i = 0; i < n; i++) {
    const d = Math.abs(w[i]! - s.w0[i]!);
    turnover += d;
    if (s.penalty) cost += s.penalty[i]! * d;
    gross += Math.abs(w[i]!);
    net += w[i]!;
  }
  const exposures: Record<string, number> = {};
  for (const e of s.exposures) {
    let v = 0;
    for (let i = 0; i < n; i++) v += e.a[i]! * w[i]!;
    exposures[e.group] = v;
  }
  const volatility = Math.sqrt(variance);
  return {
    method: METHOD,
    iterations,
    variance,
    volatility,
    expectedReturn: ret,
    sharpe: s.mu ? (ret - s.rf) / volatility : NaN,
    turnover,
    turnoverCost: cost,
    grossExposure: gross,
    netExposure: net,
    exposures,
    ridge,
    smallestEigenvalue: s.minEigenvalue,
    covarianceRepaired: s.repaired,
  };
}

function bindingOf(s: Spec, b: Built, w: Float64Array, d: PortfolioDiagnostics): string[] {
  const out: string[] = [];
  const near = (x: number, y: number) => Math.abs(x - y) <= BIND_TOL * Math.max(1, Math.abs(y));
  for (let i = 0; i < s.n; i++) {
    if (b.loGroup[i] !== "" && near(w[i]!, b.lo[i]!)) out.push(`${b.loGroup[i]}:${label(s, i)}`);
    if (b.hiGroup[i] !== "" && near(w[i]!, b.hi[i]!)) out.push(`${b.hiGroup[i]}:${label(s, i)}`);
  }
  if (s.full) out.push("fullInvestment");
  if (s.net && (near(d.netExposure, s.net.lo) || near(d.netExposure, s.net.hi))) {
    out.push("netExposure");
  }
  if (s.gross !== undefined && near(d.grossExposure, s.gross)) out.push("grossExposure");
  for (const e of s.exposures) {
    const v = d.exposures[e.group]!;
    if (near(v, e.lo) || near(v, e.hi)) out.push(e.group);
  }
  if (s.turnoverLimit !== undefined && near(d.turnover, s.turnoverLimit)) {
    out.push("turnoverLimit");
  }
  return out;
}

function notOptimal(
  s: Spec,
  status: Exclude<PortfolioStatus, "optimal">,
  message: string,
  conflicts: string[],
): PortfolioResult {
  const w = new Float64Array(s.n).fill(NaN);
  return {
    weights: w,
    status,
    message,
    binding: [],
    conflicts,
    objective: NaN,
    diagnostics: { ...diagnose(s, w, 0, 0), method: DUAL },
  };
}

function infeasible(s: Spec): PortfolioResult {
  const conflicts = conflictingGroups(s);
  return notOptimal(
    s,
    "infeasible",
    `No weights meet the constraints: ${conflicts.join(", ")} cannot hold together (without any ` +
      `one of them the rest can); relax or drop one of them`,
    conflicts,
  );
}

/**
 * Optimal portfolio weights under linear constraints.
 *
 * **Objectives**, in per-period return units (the covariance `S` and expected returns `mu` are
 * per bar, and so is the turnover penalty `kappa`, so a penalty means the same everywhere):
 * - `"minVariance"`: minimize `lambda/2 w'Sw + sum_i kappa_i |w_i - w0_i|`;
 * - `"meanVariance"`: minimize `lambda/2 w'Sw - mu'w + sum_i kappa_i |w_i - w0_i|` (maximize
 *   the risk-adjusted return net of trading costs);
 * - `"maxSharpe"`: maximize `(mu'w - rf) / sqrt(w'Sw)` with `sum w = 1`, solved as the convex
 *   problem `min y'Sy` s.t. `(mu - rf)'y = 1` with every constraint made homogeneous by
 *   `k = sum y` (Cornuejols & Tutuncu 2007, section 8.2), then `w = y / k`. It takes a turnover
 *   limit, not a penalty. When no portfolio meeting the constraints earns more than `rf` (every
 *   expected return below it, as in a crypto bear market, long-only), the status is
 *   "noPositiveExcessReturn" and the message says so: there is no maximum-Sharpe portfolio to
 *   return (PyPortfolioOpt raises a solver error there). When some do but the best Sharpe ratio
 *   is only approached as the weights grow without bound (long-short with no weight or gross
 *   bounds: e.g. every expected return below `rf` and the tangency direction `S^-1 (mu - rf)`
 *   with a negative sum, so the supremum is that of a zero-budget long-short portfolio, Merton
 *   1972), the status is "unbounded", `objective` is that supremum, and the message says which
 *   bounds to add.
 *
 * `lambda` is `riskAversion` (default 1); `w0` is `currentWeights` (default all zero). The
 * result's `objective` is the value above at the solution (the Sharpe ratio for "maxSharpe").
 *
 * **Constraints** (each a named group): `longOnly` (default on) and per-asset `minWeight` /
 * `maxWeight`; `fullInvestment` (default on: sum w = 1); `netExposure` (sum w, exact or within
 * bounds); `grossExposure` (sum |w| <= G); `betas` (`sum beta_i w_i = 0` per factor, e.g. BTC and
 * ETH betas from the factor model), `exposures` (any loadings with a target or bounds);
 * `turnover` (`limit` on sum |w - w0|, and/or the `penalty` above).
 *
 * **Method.** Two solvers, chosen by the constraints:
 * - weight bounds (`longOnly`, `minWeight`, `maxWeight`), equalities (`fullInvestment`, an exact
 *   `netExposure`, `betas`, exact `exposures`) and the turnover penalty, with "minVariance" or
 *   "meanVariance": a primal-dual active-set method on the N weights alone (the L1 penalty as a
 *   kink in each coordinate), started from ADMM when it does not converge at once, and exact at
 *   its final active set (see `_box_l1_qp.ts`). This is the long-short beta-neutral problem with
 *   a turnover penalty; on 126 assets it takes milliseconds, and one bar of `longShort`'s
 *   optimized book (12 assets, side totals, BTC-neutral, penalty 1e-4) about 0.1-0.2 ms. It
 *   handles the case a real penalty makes common, where whole rows of weights stay at their
 *   current values (an equality row with no free weight), and, when its first attempt fails,
 *   asks one feasibility QP before its ADMM rounds, so an infeasible problem (a beta target the
 *   sides cannot reach) is named in about a millisecond.
 * - anything else (`grossExposure`, `turnover.limit`, a ranged `netExposure` or exposure,
 *   "maxSharpe"), and the rare case where the first solver gives up: one dense QP solved by
 *   Goldfarb & Idnani's dual active-set method (exact at its final active set), in our own
 *   typed-array implementation with sparse constraint rows (`_dual_qp.ts`), and by the npm
 *   package `quadprog` 1.6.1 (the same method) only if ours reports a degenerate step. Ours
 *   exists because quadprog's JavaScript port keeps its loop variables in closures and spends
 *   most of its time in the garbage collector (0.3-0.5 s for 50 assets with a gross limit; ours
 *   takes about 20 ms, and both agree to 1e-13 on 300 random problems in the tests). L1 terms
 *   take auxiliary variables there: `t_i >= |w_i - w0_i|` for turnover, `g_i >= |w_i|` for gross
 *   exposure; the method needs a strictly positive-definite matrix, so they get a ridge of 1e-8
 *   times the mean diagonal of the quadratic term (smaller ridges cost accuracy in `L^-1`: 1e-12
 *   gave 1e-5 relative errors; at 1e-8 objectives agree with cvxopt to 1e-8). A singular
 *   covariance gets a 1e-10 ridge on the weights there (`diagnostics.ridge`).
 * `diagnostics.method` says which ran. The covariance is scaled to unit mean variance before
 * solving, so the solvers see O(1) numbers whatever the bar frequency.
 *
 * **The covariance must be positive semi-definite.** A pairwise covariance of assets with
 * different histories, or a hand-edited or stressed matrix, can have a negative eigenvalue: some
 * portfolio then has a "negative variance", and every solver path would exploit it (weights at
 * their bounds, a variance reported as 0). So before solving, every call checks it: a Cholesky
 * factorization of `C + 1e-11 * I`, C the covariance scaled to unit variances ({@link
 * PSD_TOLERANCE}: C's smallest eigenvalue must be at least -1e-11, far above rounding and below
 * the ridge the dense solver may add; scaled so, a huge-variance asset cannot hide a non-PSD
 * block of small ones). A matrix that fails is refused, with status
 * "notPositiveSemiDefinite", NaN weights, `diagnostics.smallestEigenvalue` and a message saying
 * how to repair it, unless the caller opts into `covarianceRepair: "nearestCorrelation"`: the
 * correlation is replaced by its nearest correlation matrix (Higham 2002, {@link
 * nearestCorrelation}), the variances kept, and the result says so
 * (`diagnostics.covarianceRepaired`, the message). The check costs one factorization, O(N^3/6):
 * under 1 ms for 126 assets.
 *
 * **Infeasible problems** return `status: "infeasible"`, NaN weights and `conflicts`: a
 * minimal set of constraint groups that cannot hold together, found by re-solving the
 * feasibility problem with each group dropped in turn (a deletion filter). E.g. long-only,
 * beta-neutral to BTC when every beta is positive, and fully invested:
 * `["longOnly", "fullInvestment", "beta:BTC"]`.
 *
 * **binding** names the active constraints at the solution (within 1e-8).
 *
 * References: D. Goldfarb and A. Idnani (1983), "A numerically stable dual method for solving
 * strictly convex quadratic programs", Math. Programming 27, 1-33; G. Cornuejols and R. Tutuncu
 * (2007), "Optimization Methods in Finance", Cambridge. Cost: O(m^3) for m variables (N, 2N or
 * 3N), plus O(m q) per active-set step for q constraint rows.
 *
 * @example Minimum variance, long-only, at most 60% in one asset
 * ```ts
 * import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
 * import assert from "node:assert/strict";
 * const covariance = [[0.04, 0.006, 0.002], [0.006, 0.01, 0.001], [0.002, 0.001, 0.0225]];
 * const r = optimizePortfolio({
 *   covariance,
 *   objective: "minVariance",
 *   constraints: { maxWeight: 0.6 },
 *   assets: ["BTC", "ETH", "SOL"],
 * });
 * assert.equal(r.status, "optimal");
 * assert.ok(Math.abs(r.weights.reduce((a, b) => a + b) - 1) < 1e-12);
 * assert.deepEqual(r.binding, ["maxWeight:ETH", "fullInvestment"]);
 * ```
 *
 * @example A bear market: no expected return beats the risk-free rate
 * ```ts
 * import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
 * import assert from "node:assert/strict";
 * const r = optimizePortfolio({
 *   covariance: [[0.04, 0.01], [0.01, 0.09]],
 *   expectedReturns: [-0.001, -0.002],
 *   objective: "maxSharpe",
 * });
 * assert.equal(r.status, "noPositiveExcessReturn");
 * assert.ok(Number.isNaN(r.weights[0]));
 * ```
 *
 * @example A covariance that is not positive semi-definite is refused, or repaired on request
 * ```ts
 * import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
 * import assert from "node:assert/strict";
 * // correlation 2 between the first two assets: eigenvalues 3, 1 and -1
 * const covariance = [[1, 2, 0], [2, 1, 0], [0, 0, 1]];
 * const constraints = { longOnly: false, minWeight: -5, maxWeight: 5 };
 * const r = optimizePortfolio({ covariance, objective: "minVariance", constraints });
 * assert.equal(r.status, "notPositiveSemiDefinite");
 * assert.ok(Math.abs(r.diagnostics.smallestEigenvalue + 1) < 1e-12);
 * const fixed = optimizePortfolio({
 *   covariance,
 *   objective: "minVariance",
 *   constraints,
 *   covarianceRepair: "nearestCorrelation",
 * });
 * assert.equal(fixed.status, "optimal");
 * assert.ok(fixed.diagnostics.covarianceRepaired);
 * assert.ok(Math.abs(fixed.diagnostics.variance - 0.5) < 1e-9);
 * ```
 *
 * @example Conflicting constraints are named
 * ```ts
 * import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";
 * import assert from "node:assert/strict";
 * const r = optimizePortfolio({
 *   covariance: [[0.04, 0.01], [0.01, 0.09]],
 *   objective: "minVariance",
 *   constraints: { longOnly: true, fullInvestment: true, netExposure: 0 },
 * });
 * assert.equal(r.status, "infeasible");
 * assert.deepEqual(r.conflicts, ["fullInvestment", "netExposure"]);
 * ```
 */
export function optimizePortfolio(options: OptimizePortfolioOptions): PortfolioResult {
  const repair = options.covarianceRepair ?? OPTIMIZE_PORTFOLIO_DEFAULTS.covarianceRepair;
  if (repair !== "none" && repair !== "nearestCorrelation") {
    throw new RangeError(
      `Cannot optimize the portfolio: unknown covarianceRepair "${repair}"; use "none" ` +
        `(refuse a matrix that is not positive semi-definite) or "nearestCorrelation"`,
    );
  }
  const checked = checkPsd(validate(options), repair);
  if ("status" in checked) return checked;
  const s = checked;
  const n = s.n;
  const on = new Set(s.groups);
  if (s.objective === "maxSharpe") return maxSharpe(s, on);
  const b = buildRows(s, on, true);
  if (b === "infeasible") return infeasible(s);
  const hw = new Float64Array(n * n);
  for (let c = 0; c < n * n; c++) hw[c] = (s.lambda * s.cov[c]!) / s.scale;
  const linear = new Float64Array(b.nVar);
  if (s.objective === "meanVariance") {
    for (let i = 0; i < n; i++) linear[i] = -s.mu![i]! / s.scale;
  }
  if (s.penalty && b.tOff >= 0) {
    for (let i = 0; i < n; i++) linear[b.tOff + i] = s.penalty[i]! / s.scale;
  }
  const fast = separable(s, on, b, hw, linear);
  if (fast === "infeasible") return infeasible(s);
  const r = fast ?? solveWith(s, b, hw, linear);
  if (r.status === "infeasible") return infeasible(s);
  const w = r.x.slice(0, n);
  const d = { ...diagnose(s, w, r.iterations, r.ridge), method: fast ? ACTIVE_SET : r.method };
  let objective = (s.lambda / 2) * d.variance + d.turnoverCost;
  if (s.objective === "meanVariance") objective -= d.expectedReturn;
  return {
    weights: w,
    status: "optimal",
    message: `optimal (${s.objective})${repairedNote(s)}`,
    binding: bindingOf(s, b, w, d),
    conflicts: [],
    objective,
    diagnostics: d,
  };
}

function repairedNote(s: Spec): string {
  return s.repaired
    ? ` on the repaired covariance: the one given has smallest eigenvalue ` +
      `${sig(s.minEigenvalue)}, and covarianceRepair "nearestCorrelation" replaced its ` +
      `correlation by the nearest correlation matrix (variances kept)`
    : "";
}

function maxSharpe(s: Spec, on: ReadonlySet<string>): PortfolioResult {
  const n = s.n;
  const excess = new Float64Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    excess[i] = s.mu![i]! - s.rf;
    top = Math.max(top, Math.abs(excess[i]!));
  }
  const noExcess = () =>
    notOptimal(
      s,
      "noPositiveExcessReturn",
      `No portfolio meeting the constraints has an expected return above the risk-free rate ` +
        `${s.rf} (the best asset's excess return is ${
          Math.max(...excess)
        }): there is no maximum-Sharpe portfolio; use minVariance, or meanVariance, instead`,
      [],
    );
  if (s.longOnly && excess.every((v) => v <= 0)) {
    return feasible(s, on) ? noExcess() : infeasible(s);
  }
  const b = buildRows(s, on, false);
  if (b === "infeasible") return infeasible(s);
  // Homogenize: a'x >= beta becomes a'x - beta k >= 0 with k = sum(y) (fullInvestment holds).
  const homogeneous = (rows: readonly QpRow[]): QpRow[] => {
    const out: QpRow[] = [];
    for (const r of rows) {
      const a = r.a.slice();
      for (let i = 0; i < n; i++) a[i] = a[i]! - r.b;
      if (a.some((v) => Math.abs(v) > 1e-15)) out.push({ a, b: 0 });
    }
    return out;
  };
  const equalities = homogeneous(b.equalities);
  const inequalities = homogeneous(b.inequalities);
  const ea = new Float64Array(b.nVar);
  for (let i = 0; i < n; i++) ea[i] = excess[i]! / top;
  equalities.unshift({ a: ea, b: 1 });
  const ka = new Float64Array(b.nVar);
  for (let i = 0; i < n; i++) ka[i] = 1;
  inequalities.push({ a: ka, b: 0 });
  const hb: typeof b = { ...b, equalities, inequalities };
  const hw = new Float64Array(n * n);
  for (let c = 0; c < n * n; c++) hw[c] = s.cov[c]! / s.scale;
  const r = solveWith(s, hb, hw, new Float64Array(b.nVar));
  if (r.status === "infeasible") return feasible(s, on) ? noExcess() : infeasible(s);
  let k = 0, size = 0;
  for (let i = 0; i < n; i++) (k += r.x[i]!, size += Math.abs(r.x[i]!));
  if (!(k > 1e-12 * Math.max(1, size))) {
    // y earns excess return with sum(y) = 0: a direction the constraints allow at any scale (a
    // recession direction), so w0 + t y (w0 feasible) earns more than rf for t large enough, and
    // its Sharpe ratio rises towards y's as t grows: the supremum exists but is not attained
    if (!feasible(s, on)) return infeasible(s);
    const y = r.x.subarray(0, n);
    const sup = top / Math.sqrt(quad(s.cov, y, n));
    const result = notOptimal(
      s,
      "unbounded",
      `The maximum Sharpe ratio is not attained: portfolios meeting the constraints approach a ` +
        `Sharpe ratio of ${sup.toPrecision(4)} per period only as their weights grow without ` +
        `bound (adding ever more of a long-short position with sum w = 0 that earns more than ` +
        `the risk-free rate ${s.rf}), so no weights are best; bound them (minWeight and ` +
        `maxWeight, grossExposure, or longOnly) to get a maximum-Sharpe portfolio, or use ` +
        `minVariance or meanVariance`,
      [],
    );
    return { ...result, objective: sup };
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = r.x[i]! / k;
  const d = { ...diagnose(s, w, r.iterations, r.ridge), method: r.method };
  return {
    weights: w,
    status: "optimal",
    message: `optimal (maxSharpe)${repairedNote(s)}`,
    binding: bindingOf(s, b, w, d),
    conflicts: [],
    objective: d.sharpe,
    diagnostics: d,
  };
}
