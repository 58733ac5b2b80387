/**
 * Input checks shared by the unit-root tests (internal).
 *
 * @module
 */
import type { Series } from "./types.ts";
import { type AdfAutolag, adfDefaultMaxLag, type AdfRegression, trendCount } from "./_adf_core.ts";

/**
 * The finite run of `x`: leading and trailing non-finite values (an asset listed late, data that
 * ends early) are trimmed; a non-finite value inside the run is refused, because a unit-root
 * regression on lagged values has no honest way to skip it.
 */
export function finiteRun(x: Series, what: string): { start: number; values: Float64Array } {
  let start = 0;
  let end = x.length;
  while (start < end && !Number.isFinite(x[start]!)) start++;
  while (end > start && !Number.isFinite(x[end - 1]!)) end--;
  for (let i = start; i < end; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new RangeError(
        `Cannot compute ${what}: value ${i} is ${
          x[i]
        } inside the series (finite from ${start} to ` +
          `${end - 1}); a unit-root test needs consecutive observations. Drop or fill the gap ` +
          `first: forward-fill a price (carry the last close) before taking logs, or test the ` +
          `longest gap-free stretch (e.g. x.slice(${i + 1}))`,
      );
    }
  }
  const values = new Float64Array(end - start);
  for (let i = start; i < end; i++) values[i - start] = x[i]!;
  return { start, values };
}

const REGRESSIONS = ["c", "ct", "ctt", "n"];

/** Validate adf options; returns the resolved regression and autolag. */
export function resolveAdfOptions(
  options: { regression?: AdfRegression; autolag?: AdfAutolag },
  what: string,
): { regression: AdfRegression; autolag: AdfAutolag } {
  const regression = options.regression ?? "c";
  if (!REGRESSIONS.includes(regression)) {
    throw new RangeError(
      `Cannot compute ${what}: regression must be "c", "ct", "ctt" or "n", got ${
        JSON.stringify(regression)
      }`,
    );
  }
  const raw = options.autolag === undefined ? "aic" : options.autolag;
  const autolag = raw === null ? null : (String(raw).toLowerCase() as AdfAutolag);
  if (autolag !== null && autolag !== "aic" && autolag !== "bic" && autolag !== "t-stat") {
    throw new RangeError(
      `Cannot compute ${what}: autolag must be "aic", "bic", "t-stat" or null, got ${
        JSON.stringify(raw)
      }`,
    );
  }
  return { regression, autolag };
}

/** Resolve and check `maxlag` for a finite series of length n (statsmodels' rules). */
export function resolveMaxLag(
  n: number,
  regression: AdfRegression,
  maxlag: number | undefined,
  what: string,
): number {
  const ntrend = trendCount(regression);
  const cap = Math.floor(n / 2) - ntrend - 1;
  let p: number;
  if (maxlag === undefined) {
    p = adfDefaultMaxLag(n, regression);
    if (p < 0) {
      throw new RangeError(
        `Cannot compute ${what}: ${n} observations are too few for regression "${regression}"; ` +
          `need at least ${2 * (ntrend + 1)}`,
      );
    }
  } else {
    if (!Number.isInteger(maxlag) || maxlag < 0) {
      throw new RangeError(`Cannot compute ${what}: maxlag must be an integer >= 0, got ${maxlag}`);
    }
    if (maxlag > cap) {
      throw new RangeError(
        `Cannot compute ${what}: maxlag must be at most floor(n/2) - ntrend - 1 = ${cap} for ` +
          `${n} observations and regression "${regression}", got ${maxlag}`,
      );
    }
    p = maxlag;
  }
  // Degrees of freedom of the largest regression must stay positive.
  if (n - 1 - p - (ntrend + 1 + p) < 1) {
    throw new RangeError(
      `Cannot compute ${what}: ${n} observations leave no degrees of freedom with ${p} lags and ` +
        `regression "${regression}"; pass a longer series or a smaller maxlag`,
    );
  }
  return p;
}
