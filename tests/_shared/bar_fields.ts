/**
 * The numeric per-bar columns of `BarColumns` (every Float64Array column, in store order), for
 * tests that compare or perturb bars column by column.
 *
 * @module
 */

/** `ts` then the eight value columns; `complete` (a Uint8Array) is not included. */
export const NUMERIC_BAR_FIELDS = [
  "ts",
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quoteVolume",
  "tradeCount",
  "vwap",
] as const;
