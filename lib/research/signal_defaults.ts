/**
 * The defaults of signal validation, stated once: every report, task and notebook that
 * validates signals reads them from here.
 *
 * @module
 */

/** The default settings of signal validation (see each field). */
export interface SignalDefaults {
  /**
   * Signals a report validates when none are named: one-day and one-week momentum, one-bar
   * reversal, low volatility, volume surprise, Amihud illiquidity, BTC beta and residual
   * momentum, all with lookbacks that fit a month of hourly bars.
   */
  readonly signals: readonly string[];
  /** Forward-return horizons (bars) of the IC table: the next bar, 4 bars, 24 bars. */
  readonly horizons: readonly number[];
  /** Horizons (bars) of the IC decay chart (the table's horizons are always added). */
  readonly decayHorizons: readonly number[];
  /** Buckets of quantile returns and turnover (quintiles, as alphalens). */
  readonly quantiles: number;
  /** Fewest assets with a value at a bar for a cross-sectional IC or rank autocorrelation. */
  readonly minAssets: number;
}

/**
 * The one place the defaults of signal validation live.
 *
 * @example
 * ```ts
 * import { SIGNAL_DEFAULTS } from "@lib/research/signal_defaults.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(SIGNAL_DEFAULTS.horizons, [1, 4, 24]);
 * assert.equal(SIGNAL_DEFAULTS.quantiles, 5);
 * ```
 */
export const SIGNAL_DEFAULTS: SignalDefaults = Object.freeze({
  signals: Object.freeze([
    "momentum_24",
    "momentum_168",
    "reversal_1",
    "low_vol_168",
    "volume_surprise_24",
    "amihud_168",
    "beta_168",
    "residual_momentum_168",
  ]),
  horizons: Object.freeze([1, 4, 24]),
  decayHorizons: Object.freeze([1, 2, 4, 8, 12, 24]),
  quantiles: 5,
  minAssets: 5,
});
