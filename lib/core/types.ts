/**
 * Columnar row batches shared by ingest, store and materializers.
 *
 * Market data moves through cryptolab as columns of typed arrays, never as one object per row:
 * reading or writing a million bars as objects costs seconds, as columns it costs milliseconds.
 * `NaN` stands for SQL NULL in numeric columns.
 *
 * @module
 */
import type { Freq } from "./freq.ts";

/** Instrument kinds a venue can list. */
export type InstrumentKind = "spot" | "perp" | "dex_pair";

/** Identifies one bar series: a venue's symbol at one frequency. */
export interface SeriesKey {
  /** Venue id, lower case: `binance`, `binance_futures`, `kraken`, `sim`, ... */
  readonly venue: string;
  /** Symbol as the venue spells it: `BTCUSDT`, `XBTUSD`, `BTC-USD`. */
  readonly symbol: string;
  readonly freq: Freq;
}

/**
 * A batch of bars for one series, as columns of equal length, sorted by `ts` ascending.
 *
 * `quoteVolume`, `tradeCount` and `vwap` are NaN where the source does not provide them.
 * `complete[i]` is 1 only when every sub-interval bar `i` was built from was present (always 1
 * for bars imported as-is from a venue).
 */
export interface BarColumns extends SeriesKey {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly quoteVolume: Float64Array;
  readonly tradeCount: Float64Array;
  readonly vwap: Float64Array;
  readonly complete: Uint8Array;
}

/** Trade aggressor side: 1 buy, -1 sell, 0 unknown. */
export type Side = 1 | -1 | 0;

/** A batch of trades for one venue and symbol, as columns of equal length. */
export interface TradeColumns {
  readonly venue: string;
  readonly symbol: string;
  /** Venue trade ids; integers where the venue numbers its trades, strings otherwise. */
  readonly tradeId: (number | string)[];
  /** Execution time, UTC epoch milliseconds (fractional when the source has microseconds). */
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly side: Int8Array;
}

/** Allocate an empty bar batch of `n` rows; optional columns start as NaN, `complete` as 1. */
export function allocBars(key: SeriesKey, n: number): BarColumns {
  const nan = () => new Float64Array(n).fill(NaN);
  return {
    venue: key.venue,
    symbol: key.symbol,
    freq: key.freq,
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    quoteVolume: nan(),
    tradeCount: nan(),
    vwap: nan(),
    complete: new Uint8Array(n).fill(1),
  };
}

/** Copy rows `[start, end)` of a bar batch into a new batch. */
export function sliceBars(b: BarColumns, start: number, end: number): BarColumns {
  return {
    venue: b.venue,
    symbol: b.symbol,
    freq: b.freq,
    ts: b.ts.slice(start, end),
    open: b.open.slice(start, end),
    high: b.high.slice(start, end),
    low: b.low.slice(start, end),
    close: b.close.slice(start, end),
    volume: b.volume.slice(start, end),
    quoteVolume: b.quoteVolume.slice(start, end),
    tradeCount: b.tradeCount.slice(start, end),
    vwap: b.vwap.slice(start, end),
    complete: b.complete.slice(start, end),
  };
}
