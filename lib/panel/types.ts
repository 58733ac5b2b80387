/**
 * The panel: bars of a universe on one UTC time grid, as one Float64Array per asset and field.
 *
 * @module
 */
import type { Freq } from "../core/freq.ts";

/** The per-asset columns a panel holds. */
export const PANEL_FIELDS = ["open", "high", "low", "close", "volume", "logReturns"] as const;

/** One of {@link PANEL_FIELDS}. */
export type PanelField = typeof PANEL_FIELDS[number];

/**
 * A time x asset panel: what all research code consumes.
 *
 * `index` holds EVERY point of the frequency grid from the first to the last bar of the
 * universe, so a missing bar is a NaN row entry, never a skipped row, and row `t` means the
 * same instant for every asset. `logReturns[a][t] = ln(close[t] / close[t-1])`, NaN when
 * either close is missing: a gap is never a zero return (zero returns across gaps are how
 * backtests on "missing candles" print fake profits).
 */
export interface Panel {
  readonly freq: Freq;
  /** The venue of every asset, or `mixed` when the assets come from several venues. */
  readonly venue: string;
  /** Column labels: `BTCUSDT`, or `binance:BTCUSDT` when venues are mixed. */
  readonly assets: readonly string[];
  /** Bar open times, UTC epoch ms, strictly increasing by one bar. */
  readonly index: Float64Array;
  readonly open: readonly Float64Array[];
  readonly high: readonly Float64Array[];
  readonly low: readonly Float64Array[];
  readonly close: readonly Float64Array[];
  readonly volume: readonly Float64Array[];
  readonly logReturns: readonly Float64Array[];
}
