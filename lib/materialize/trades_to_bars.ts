/**
 * Trades to bars: OHLC, volume, quote volume, trade count and VWAP per interval.
 *
 * @module
 */
import { allocBars, type BarColumns, type TradeColumns } from "../core/types.ts";
import { type Freq, freqMs } from "../core/freq.ts";
import { type DecimalHint, decimalSum, neumaierSum, roundToDecimals } from "./decimal_sum.ts";
import { maxDecimalPlaces } from "./decimals.ts";

/** Order of two trade ids: numbers numerically, strings by code unit, numbers before strings. */
const EPS = 2 ** -52;

function compareIds(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Indices of the trades in (ts, id) order, or undefined when they are already in that order. */
function tradeOrder(t: TradeColumns): Uint32Array | undefined {
  const { ts, tradeId } = t;
  const n = ts.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    const d = ts[i]! - ts[i - 1]!;
    if (d < 0 || (d === 0 && compareIds(tradeId[i - 1]!, tradeId[i]!) >= 0)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => ts[a]! - ts[b]! || compareIds(tradeId[a]!, tradeId[b]!));
  for (let i = 1; i < n; i++) {
    const a = idx[i - 1]!, b = idx[i]!;
    if (ts[a] === ts[b] && compareIds(tradeId[a]!, tradeId[b]!) === 0) {
      throw new RangeError(
        `Cannot build bars for ${t.venue} ${t.symbol}: trade id ${tradeId[b]} appears twice; ` +
          `deduplicate the trades first`,
      );
    }
  }
  return idx;
}

function gather(a: Float64Array, idx: Uint32Array | undefined): Float64Array {
  if (idx === undefined) return a;
  const o = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) o[i] = a[idx[i]!]!;
  return o;
}

/**
 * Build bars of `freq` from trades.
 *
 * Trades are taken in (ts, trade id) order, whatever order they arrive in, so the result is
 * deterministic: open = first trade's price, high = max, low = min, close = last trade's
 * price, volume = exact decimal sum of quantities, quote volume = exact decimal sum of
 * price x qty (each product has at most decimals(price) + decimals(qty) places, and the sum is
 * rounded to the largest such count when the floating-point error bound allows it; see
 * {@link decimalSum} for why), trade count, and
 * vwap = quote volume / volume. Bar `ts` is the interval's open time on the UTC grid of `freq`.
 *
 * Only intervals with at least one trade produce a bar: no trade means no bar (a gap), never a
 * flat zero-volume bar carrying the last price forward.
 *
 * `complete` is 0 for the first and the last bar (the first and last interval of the trade
 * span): the trades we hold start and end somewhere inside those intervals, so they are only
 * partly covered (a 1d bar built from four minutes of trades is not a day). Every bar between
 * them is 1, meaning "built from all the trades of the interval that we hold"; whether the
 * trade feed itself had holes cannot be known from the trades alone. A single bar is 0.
 *
 * Cost: O(n) for ordered input, O(n log n) otherwise.
 *
 * @example Three trades, two minutes
 * ```ts
 * import { tradesToBars } from "@lib/materialize/trades_to_bars.ts";
 * import assert from "node:assert/strict";
 * const bars = tradesToBars({
 *   venue: "sim", symbol: "X", tradeId: [3, 1, 2],
 *   ts: Float64Array.of(61_000, 1_000, 2_000), price: Float64Array.of(11, 10, 12),
 *   qty: Float64Array.of(0.3, 0.1, 0.2), side: Int8Array.of(1, 1, -1),
 * }, "1m");
 * assert.deepEqual([...bars.ts], [0, 60_000]);
 * assert.deepEqual([bars.open[0], bars.high[0], bars.low[0], bars.close[0]], [10, 12, 10, 12]);
 * assert.equal(bars.volume[0], 0.3); // 0.1 + 0.2, exactly
 * assert.equal(bars.quoteVolume[0], 3.4);
 * assert.equal(bars.tradeCount[0], 2);
 * // the first and last minute are only partly covered by the trades we hold
 * assert.deepEqual([...bars.complete], [0, 0]);
 * ```
 */
export function tradesToBars(trades: TradeColumns, freq: Freq): BarColumns {
  const n = trades.ts.length;
  if (trades.price.length !== n || trades.qty.length !== n || trades.tradeId.length !== n) {
    throw new RangeError(
      `Cannot build bars for ${trades.venue} ${trades.symbol}: trade columns differ in length`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(trades.ts[i]!) || !(trades.price[i]! > 0) || !(trades.qty[i]! >= 0)) {
      throw new RangeError(
        `Cannot build bars for ${trades.venue} ${trades.symbol}: trade ${trades.tradeId[i]} has ` +
          `ts ${trades.ts[i]}, price ${trades.price[i]}, qty ${trades.qty[i]}; quarantine it first`,
      );
    }
  }
  const idx = tradeOrder(trades);
  const ts = gather(trades.ts, idx);
  const price = gather(trades.price, idx);
  const qty = gather(trades.qty, idx);
  const ms = freqMs(freq);
  const notional = new Float64Array(n);
  for (let i = 0; i < n; i++) notional[i] = price[i]! * qty[i]!;

  let groups = 0;
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    const g = Math.floor(ts[i]! / ms) * ms;
    if (g !== prev) {
      groups++;
      prev = g;
    }
  }
  const out = allocBars({ venue: trades.venue, symbol: trades.symbol, freq }, groups);
  const volHint: DecimalHint = { k: 0 };
  let s = 0;
  for (let g = 0; g < groups; g++) {
    const bucket = Math.floor(ts[s]! / ms) * ms;
    const limit = bucket + ms;
    let hi = price[s]!, lo = price[s]!;
    let e = s + 1;
    while (e < n && ts[e]! < limit) {
      const p = price[e]!;
      if (p > hi) hi = p;
      if (p < lo) lo = p;
      e++;
    }
    const vol = decimalSum(qty, s, e, volHint);
    const qk = maxDecimalPlaces(price, s, e) + maxDecimalPlaces(qty, s, e);
    const qsum = neumaierSum(notional, s, e);
    // Each product carries up to 3 roundings (price, qty, product): round to the exact decimal
    // only when the error bound is well below half a unit of its last place; otherwise the
    // compensated sum is the best double we have.
    let abs = 0;
    for (let i = s; i < e; i++) abs += Math.abs(notional[i]!);
    const qv = (3 * abs + Math.abs(qsum)) * EPS * 10 ** qk < 0.25
      ? roundToDecimals(qsum, qk)
      : qsum;
    out.ts[g] = bucket;
    out.open[g] = price[s]!;
    out.high[g] = hi;
    out.low[g] = lo;
    out.close[g] = price[e - 1]!;
    out.volume[g] = vol;
    out.quoteVolume[g] = qv;
    out.tradeCount[g] = e - s;
    out.vwap[g] = vol > 0 ? qv / vol : NaN;
    s = e;
  }
  if (groups > 0) {
    out.complete[0] = 0;
    out.complete[groups - 1] = 0;
  }
  return out;
}
