/**
 * The shape of a simulated market and of the truths planted in it.
 *
 * @module
 */
import type { BarColumns } from "../core/types.ts";

/** A cointegrated pair: `log y[t] = intercept + hedgeRatio * log x[t] + s[t]`, `s` an OU. */
export interface SimPairTruth {
  readonly y: string;
  readonly x: string;
  readonly hedgeRatio: number;
  readonly intercept: number;
  /** Bars for the spread's deviation to halve: `s[t] = phi s[t-1] + noise`, `phi = 2^(-1/halfLife)`. */
  readonly halfLifeBars: number;
  /** Stationary standard deviation of the spread `s` (log units). */
  readonly spreadSd: number;
  /** The AR(1) coefficient per bar, `2^(-1 / halfLifeBars)`. */
  readonly phi: number;
}

/** Bars removed from one series: rows with `fromTs <= ts < toTs` are missing. */
export interface SimGapTruth {
  readonly symbol: string;
  readonly fromTs: number;
  readonly toTs: number;
  readonly bars: number;
}

/** The planted predictive signal. */
export interface SimSignalTruth {
  readonly name: string;
  /**
   * Per carrying symbol, the value published at the close of bar `t` (full time grid, index as
   * {@link SimTruth.ts}). It is standard normal and its Pearson correlation with the same
   * symbol's log return of bar `t + 1` is `ic` (time-series IC, per asset).
   */
  readonly values: Readonly<Record<string, Float64Array>>;
  readonly ic: number;
  /** `signalHalfLifeBars` (0: a fresh value each bar, predicting the next bar only). */
  readonly halfLifeBars: number;
  /**
   * AR(1) coefficient of the values, `2^(-1/halfLifeBars)` (0 when fresh): a value published at
   * bar `t` has IC `ic * phi^(j-1)` with the return of bar `t + j`.
   */
  readonly phi: number;
}

/** Everything the generator planted, for tests and reports to check methods against. */
export interface SimTruth {
  /** The full time grid (bar open times, UTC ms) that all truth series are indexed by. */
  readonly ts: Float64Array;
  readonly btcSymbol: string;
  readonly ethSymbol: string;
  /** ETH's factor return loads on BTC's with this coefficient (plus its own GARCH shock). */
  readonly ethOnBtc: number;
  /** Per symbol, the betas to BTC and ETH log returns in force at each bar of `ts`. */
  readonly betas: Readonly<
    Record<string, { readonly btc: Float64Array; readonly eth: Float64Array }>
  >;
  /** Per symbol, the centre the drifting betas revert to. */
  readonly meanBetas: Readonly<Record<string, { readonly btc: number; readonly eth: number }>>;
  /** Per symbol, the constant log-return drift per bar not explained by the factors. */
  readonly alphas: Readonly<Record<string, number>>;
  /** Per symbol, the idiosyncratic volatility per bar (standard deviation of the noise). */
  readonly idioVol: Readonly<Record<string, number>>;
  readonly pairs: readonly SimPairTruth[];
  readonly signal: SimSignalTruth;
  readonly gaps: readonly SimGapTruth[];
}

/** Output of `simulateMarket`. */
export interface SimMarket {
  readonly seed: number;
  readonly freq: "1m" | "1h";
  /** Every symbol, BTC and ETH first, then `SIMA`, `SIMB`, ... */
  readonly symbols: readonly string[];
  /** One bar batch per symbol (venue `sim`), same order as `symbols`; gaps removed. */
  readonly bars: readonly BarColumns[];
  readonly truth: SimTruth;
}
