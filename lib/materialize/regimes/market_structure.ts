/**
 * Market-structure classes of a cross-section of assets: risk-off, beta compression, dispersion,
 * chop, from cross-sectional dispersion, average pairwise correlation and beta dispersion.
 *
 * @module
 */

/** Market-structure class labels, by their code in {@link MarketStructure.classes}. */
export const MARKET_STRUCTURE_LABELS = [
  "chop",
  "dispersion",
  "beta_compression",
  "risk_off",
] as const;

/** A market-structure label. */
export type MarketStructureLabel = typeof MARKET_STRUCTURE_LABELS[number];

/** Options of {@link marketStructure}; every default is stated here once. */
export interface MarketStructureOptions {
  /** Rows of the rolling window for correlations, betas, market volatility and return. @default 168 */
  window?: number;
  /**
   * Rows of the trailing baseline each feature is z-scored against (mean and standard deviation
   * of the feature over the `baseline` rows ending at `t`). @default 720 (30 days of hours)
   */
  baseline?: number;
  /** Assets with a full window needed for a row to be classified. @default 5 */
  minAssets?: number;
  /**
   * Risk-off: average-correlation z-score at or above this, with a falling market (window return
   * below 0) and rising volatility (market-volatility z-score above 0). @default 1
   */
  riskOffCorrelationZ?: number;
  /** Beta compression: beta-dispersion z-score at or below minus this, with correlation z > 0. @default 1 */
  betaCompressionZ?: number;
  /** Dispersion: cross-sectional dispersion z-score at or above this. @default 1 */
  dispersionZ?: number;
}

/** Defaults of {@link MarketStructureOptions}. */
export const MARKET_STRUCTURE_DEFAULTS = {
  window: 168,
  baseline: 720,
  minAssets: 5,
  riskOffCorrelationZ: 1,
  betaCompressionZ: 1,
  dispersionZ: 1,
} as const;

/** Result of {@link marketStructure}; every series has one value per row (NaN when undefined). */
export interface MarketStructure {
  /** Class code per row (index into {@link MARKET_STRUCTURE_LABELS}); -1 when undefined. */
  classes: Int8Array;
  /** Mean over the window of the cross-sectional standard deviation of returns (ddof 1). */
  dispersion: Float64Array;
  /** Average pairwise Pearson correlation over the window, across assets with a full window. */
  avgCorrelation: Float64Array;
  /** Cross-sectional standard deviation (ddof 1) of the assets' window betas on the market. */
  betaDispersion: Float64Array;
  /** Market (equal-weighted mean of available returns) volatility over the window (ddof 1). */
  marketVolatility: Float64Array;
  /** Market log return summed over the window. */
  marketReturn: Float64Array;
  /** Trailing z-scores of dispersion, average correlation, beta dispersion, market volatility. */
  z: {
    dispersion: Float64Array;
    avgCorrelation: Float64Array;
    betaDispersion: Float64Array;
    marketVolatility: Float64Array;
  };
  /** Assets with a full window at each row. */
  assets: Int32Array;
  /** The options used. */
  options: Required<MarketStructureOptions>;
}

/**
 * Classify each row of a panel of log returns into a market-structure class. Everything at row
 * `t` uses rows `t - window + 1 .. t` (features) and `t - baseline + 1 .. t` (their z-scores), so
 * it is known at the close of row `t` and nothing after `t` moves it.
 *
 * Features, over the assets with a finite return in every row of the window:
 * - **dispersion**: the cross-sectional standard deviation of returns, averaged over the window;
 * - **average correlation**: the mean of the pairwise Pearson correlations, computed exactly as
 *   `(sum_s p_s^2 / (window - 1) - m) / (m (m - 1))` with `p_s = sum_i (r_is - mean_i) / sd_i`
 *   (the sum of a correlation matrix is the variance of the sum of standardized series);
 * - **beta dispersion**: the cross-sectional standard deviation of each asset's OLS beta on the
 *   market (the equal-weighted mean of the available returns) over the window;
 * - **market volatility** and **market return** over the window.
 *
 * Classes, first rule that holds (thresholds are z-scores against the trailing baseline):
 * 1. `risk_off`: correlation z >= `riskOffCorrelationZ`, market return < 0 and market-volatility
 *    z > 0: a correlated sell-off with rising volatility;
 * 2. `beta_compression`: beta-dispersion z <= -`betaCompressionZ` and correlation z > 0: assets
 *    move as one, betas bunched together (little to gain from picking);
 * 3. `dispersion`: dispersion z >= `dispersionZ`: assets go their own ways (relative value);
 * 4. `chop`: otherwise.
 *
 * The labels follow Crypto-Analyzer's market-structure classes; the features and rules here are
 * our own, stated above. Cost: O(n m (m + window)) for n rows and m assets (one pass over the
 * window per asset and row for the correlation sum, rolling sums for the rest).
 *
 * @param returns one log-return series per asset, all of the same length (NaN = missing)
 * @param options see {@link MarketStructureOptions}
 *
 * @example Five assets that first move apart, then together
 * ```ts
 * import { marketStructure, MARKET_STRUCTURE_LABELS } from "@lib/materialize/regimes/market_structure.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const rng = createRng(5);
 * const n = 400;
 * const r = Array.from({ length: 5 }, () => new Float64Array(n));
 * for (let t = 0; t < n; t++) {
 *   const m = rng.normal();
 *   for (let i = 0; i < 5; i++) r[i]![t] = 0.01 * (t < 300 ? rng.normal() : m + 0.1 * rng.normal());
 * }
 * const s = marketStructure(r, { window: 24, baseline: 200 });
 * assert.ok(s.avgCorrelation[350]! > 0.9 && Math.abs(s.avgCorrelation[250]!) < 0.3);
 * assert.ok(MARKET_STRUCTURE_LABELS[s.classes[330]!] !== "dispersion");
 * ```
 */
export function marketStructure(
  returns: readonly ArrayLike<number>[],
  options: MarketStructureOptions = {},
): MarketStructure {
  const o: Required<MarketStructureOptions> = {
    ...MARKET_STRUCTURE_DEFAULTS,
    ...definedOnly(options),
  };
  const what = "Cannot classify market structure";
  if (!Number.isInteger(o.window) || o.window < 3) {
    throw new RangeError(`${what}: window must be an integer >= 3, got ${o.window}`);
  }
  if (!Number.isInteger(o.baseline) || o.baseline < 10) {
    throw new RangeError(`${what}: baseline must be an integer >= 10, got ${o.baseline}`);
  }
  if (!Number.isInteger(o.minAssets) || o.minAssets < 3) {
    throw new RangeError(`${what}: minAssets must be an integer >= 3, got ${o.minAssets}`);
  }
  const m = returns.length;
  if (m < o.minAssets) {
    throw new RangeError(`${what}: ${m} assets given, minAssets is ${o.minAssets}`);
  }
  const n = returns[0]!.length;
  for (let i = 1; i < m; i++) {
    if (returns[i]!.length !== n) {
      throw new RangeError(
        `${what}: every series must have the same length; asset 0 has ${n} rows, asset ${i} has ${
          returns[i]!.length
        }`,
      );
    }
  }
  const W = o.window;
  const nan = () => new Float64Array(n).fill(NaN);
  const dispersion = nan(), avgCorrelation = nan(), betaDispersion = nan();
  const marketVolatility = nan(), marketReturn = nan();
  const assets = new Int32Array(n);

  // market return and per-row cross-sectional std
  const mkt = nan(), xsd = nan();
  for (let t = 0; t < n; t++) {
    let s = 0, s2 = 0, c = 0;
    for (let i = 0; i < m; i++) {
      const v = returns[i]![t]!;
      if (Number.isFinite(v)) {
        s += v;
        s2 += v * v;
        c++;
      }
    }
    if (c > 0) mkt[t] = s / c;
    if (c >= 2) xsd[t] = Math.sqrt(Math.max(0, (s2 - (s * s) / c) / (c - 1)));
  }
  // per-asset count of finite values in the window, and rolling sums with the market
  const cnt = new Int32Array(m);
  const sx = new Float64Array(m), sxx = new Float64Array(m), sxm = new Float64Array(m);
  let mCnt = 0, sm = 0, smm = 0, dCnt = 0, sd = 0;
  const mean = new Float64Array(m), sdev = new Float64Array(m);
  const eligible = new Int32Array(m);
  const betas = new Float64Array(m);
  for (let t = 0; t < n; t++) {
    const mt = mkt[t]!;
    const mOk = Number.isFinite(mt);
    if (mOk) {
      mCnt++;
      sm += mt;
      smm += mt * mt;
    }
    if (Number.isFinite(xsd[t]!)) {
      dCnt++;
      sd += xsd[t]!;
    }
    for (let i = 0; i < m; i++) {
      const v = returns[i]![t]!;
      if (Number.isFinite(v)) {
        cnt[i]!++;
        sx[i]! += v;
        sxx[i]! += v * v;
        if (mOk) sxm[i]! += v * mt;
      }
    }
    if (t >= W) {
      const u = t - W;
      const mu = mkt[u]!;
      const muOk = Number.isFinite(mu);
      if (muOk) {
        mCnt--;
        sm -= mu;
        smm -= mu * mu;
      }
      if (Number.isFinite(xsd[u]!)) {
        dCnt--;
        sd -= xsd[u]!;
      }
      for (let i = 0; i < m; i++) {
        const v = returns[i]![u]!;
        if (Number.isFinite(v)) {
          cnt[i]!--;
          sx[i]! -= v;
          sxx[i]! -= v * v;
          if (muOk) sxm[i]! -= v * mu;
        }
      }
    }
    if (t < W - 1) continue;
    if (dCnt === W) dispersion[t] = sd / W;
    if (mCnt === W) {
      marketReturn[t] = sm;
      marketVolatility[t] = Math.sqrt(Math.max(0, (smm - (sm * sm) / W) / (W - 1)));
    }
    let e = 0;
    for (let i = 0; i < m; i++) {
      if (cnt[i] !== W) continue;
      const mu = sx[i]! / W;
      const v = (sxx[i]! - sx[i]! * mu) / (W - 1);
      if (!(v > 0)) continue;
      mean[i] = mu;
      sdev[i] = Math.sqrt(v);
      eligible[e++] = i;
    }
    assets[t] = e;
    if (e < o.minAssets || mCnt !== W) continue;
    // average pairwise correlation: variance of the sum of standardized returns
    let ss = 0;
    for (let s = t - W + 1; s <= t; s++) {
      let p = 0;
      for (let q = 0; q < e; q++) {
        const i = eligible[q]!;
        p += (returns[i]![s]! - mean[i]!) / sdev[i]!;
      }
      ss += p * p;
    }
    avgCorrelation[t] = (ss / (W - 1) - e) / (e * (e - 1));
    // betas on the market: cov(r_i, m) / var(m) over the window
    const varM = (smm - (sm * sm) / W) / (W - 1);
    if (varM > 0) {
      let bs = 0, bss = 0;
      for (let q = 0; q < e; q++) {
        const i = eligible[q]!;
        const cov = (sxm[i]! - (sx[i]! * sm) / W) / (W - 1);
        const b = cov / varM;
        betas[q] = b;
        bs += b;
        bss += b * b;
      }
      betaDispersion[t] = Math.sqrt(Math.max(0, (bss - (bs * bs) / e) / (e - 1)));
    }
  }
  const z = {
    dispersion: trailingZ(dispersion, o.baseline),
    avgCorrelation: trailingZ(avgCorrelation, o.baseline),
    betaDispersion: trailingZ(betaDispersion, o.baseline),
    marketVolatility: trailingZ(marketVolatility, o.baseline),
  };
  const classes = new Int8Array(n).fill(-1);
  for (let t = 0; t < n; t++) {
    const zc = z.avgCorrelation[t]!, zd = z.dispersion[t]!, zb = z.betaDispersion[t]!;
    const zv = z.marketVolatility[t]!, mr = marketReturn[t]!;
    if ([zc, zd, zb, zv, mr].some((v) => !Number.isFinite(v))) continue;
    if (zc >= o.riskOffCorrelationZ && mr < 0 && zv > 0) classes[t] = 3;
    else if (zb <= -o.betaCompressionZ && zc > 0) classes[t] = 2;
    else if (zd >= o.dispersionZ) classes[t] = 1;
    else classes[t] = 0;
  }
  return {
    classes,
    dispersion,
    avgCorrelation,
    betaDispersion,
    marketVolatility,
    marketReturn,
    z,
    assets,
    options: o,
  };
}

/**
 * z-score of x[t] against the mean and sample std of the finite x over the `baseline` rows
 * ending at t (needs at least half of them finite).
 */
function trailingZ(x: Float64Array, baseline: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  let s = 0, s2 = 0, c = 0;
  let shift = NaN;
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    if (Number.isFinite(v)) {
      if (Number.isNaN(shift)) shift = v;
      const d = v - shift;
      s += d;
      s2 += d * d;
      c++;
    }
    if (t >= baseline) {
      const u = x[t - baseline]!;
      if (Number.isFinite(u)) {
        const d = u - shift;
        s -= d;
        s2 -= d * d;
        c--;
      }
    }
    if (c >= Math.ceil(baseline / 2) && Number.isFinite(v)) {
      const mu = s / c;
      const varr = (s2 - s * mu) / (c - 1);
      if (varr > 0) out[t] = (v - shift - mu) / Math.sqrt(varr);
    }
  }
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
