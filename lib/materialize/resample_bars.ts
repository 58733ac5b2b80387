/**
 * Bars to coarser bars (1m -> 1h, 1h -> 1d, ...), exactly as an exchange would compute them.
 *
 * @module
 */
import { allocBars, type BarColumns, sliceBars } from "../core/types.ts";
import { type Freq, freqMs } from "../core/freq.ts";
import { type DecimalHint, decimalSum } from "./decimal_sum.ts";
import { sortBarsByTs } from "./sort_bars.ts";

/**
 * Aggregate bars into coarser bars on the target grid (UTC epoch aligned: 1d bars open at
 * 00:00 UTC, 4h bars at 00:00, 04:00, ... UTC).
 *
 * Per target interval: open = first bar's open, high = max, low = min, close = last bar's
 * close, volume = exact decimal sum (see {@link decimalSum}), quote volume likewise (NaN if any
 * part is NaN), trade count = sum (NaN if any part is NaN), vwap = quote volume / volume.
 * `complete` is 1 only when every sub-interval bar is present and was itself complete.
 *
 * A bar with volume exactly 0 had no trades. Venues such as Binance still publish it, with the
 * previous close as its open, high, low and close; their own coarser bars come from trades, so
 * such a flat bar must not set the open, high, low or close of the coarser bar (unless no bar
 * of the interval traded at all). Real case: Binance FTT/USDT 2020-01-06, whose 00:00 hourly
 * bar has volume 0 and open 2.139 (the previous close), while Binance's daily open is 2.138,
 * the first trade of the day. The flat bar still counts as present for `complete`.
 *
 * Only intervals that contain at least one source bar produce a bar: a missing interval stays
 * missing (a gap), never a synthetic zero-return bar. Input rows may come in any order; a
 * duplicate timestamp or a bar off the source grid is an error.
 *
 * Cost: O(n) for sorted input (O(n log n) otherwise), one pass per output column.
 *
 * @param bars source bars of one series
 * @param toFreq target frequency; must be a coarser multiple of `bars.freq`
 *
 * @example Four 15-minute bars make one complete hour
 * ```ts
 * import { allocBars } from "@lib/core/types.ts";
 * import { resampleBars } from "@lib/materialize/resample_bars.ts";
 * import assert from "node:assert/strict";
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "15m" }, 4);
 * [10, 12, 11, 13].forEach((c, i) => {
 *   b.ts[i] = i * 900_000; b.open[i] = c - 1; b.high[i] = c + 1; b.low[i] = c - 2;
 *   b.close[i] = c; b.volume[i] = 0.1 * (i + 1);
 * });
 * const h = resampleBars(b, "1h");
 * assert.deepEqual([h.ts[0], h.open[0], h.high[0], h.low[0], h.close[0]], [0, 9, 14, 8, 13]);
 * assert.equal(h.volume[0], 1); // 0.1 + 0.2 + 0.3 + 0.4, exactly
 * assert.equal(h.complete[0], 1);
 * ```
 */
export function resampleBars(bars: BarColumns, toFreq: Freq): BarColumns {
  const fromMs = freqMs(bars.freq);
  const toMs = freqMs(toFreq);
  if (!(toMs > fromMs) || toMs % fromMs !== 0) {
    throw new RangeError(
      `Cannot resample ${bars.freq} bars to ${toFreq}: the target frequency must be a coarser ` +
        `multiple of the source frequency (${toFreq} = ${toMs} ms, ${bars.freq} = ${fromMs} ms)`,
    );
  }
  const b = sortBarsByTs(bars);
  const { ts, open, high, low, close, volume, quoteVolume, tradeCount, complete } = b;
  const n = ts.length;
  // ts strictly increase, so the output has at most one bar per target interval spanned
  const span = n === 0 ? 0 : Math.floor(ts[n - 1]! / toMs) - Math.floor(ts[0]! / toMs) + 1;
  const cap = Math.min(n, span);
  const out = allocBars({ venue: bars.venue, symbol: bars.symbol, freq: toFreq }, cap);
  const per = toMs / fromMs;
  const volHint: DecimalHint = { k: 0 };
  const qvHint: DecimalHint = { k: 0 };
  let s = 0;
  let g = 0;
  for (; s < n; g++) {
    const bucket = Math.floor(ts[s]! / toMs) * toMs;
    const limit = bucket + toMs;
    let e = s;
    let hi = -Infinity, lo = Infinity;
    let first = -1, last = -1;
    let allComplete = true;
    let tc = 0;
    while (e < n && ts[e]! < limit) {
      const t = ts[e]!;
      if (Math.floor(t / fromMs) * fromMs !== t) {
        throw new RangeError(
          `Cannot resample ${bars.venue} ${bars.symbol}: bar ts ${t} ` +
            `(${new Date(t).toISOString()}) is not on the ${bars.freq} grid; fix or quarantine ` +
            `the source bar`,
        );
      }
      if (volume[e]! !== 0) {
        const h = high[e]!, l = low[e]!;
        if (h > hi) hi = h;
        if (l < lo) lo = l;
        if (first < 0) first = e;
        last = e;
      }
      if (complete[e]! !== 1) allComplete = false;
      tc += tradeCount[e]!;
      e++;
    }
    if (first < 0) {
      // no bar with trades: keep the venue's flat bars rather than invent a price
      first = s;
      last = e - 1;
      for (let i = s; i < e; i++) {
        if (high[i]! > hi) hi = high[i]!;
        if (low[i]! < lo) lo = low[i]!;
      }
    }
    const vol = decimalSum(volume, s, e, volHint);
    const qv = decimalSum(quoteVolume, s, e, qvHint);
    out.ts[g] = bucket;
    out.open[g] = open[first]!;
    out.high[g] = hi;
    out.low[g] = lo;
    out.close[g] = close[last]!;
    out.volume[g] = vol;
    out.quoteVolume[g] = qv;
    out.tradeCount[g] = tc;
    out.vwap[g] = vol > 0 ? qv / vol : NaN;
    out.complete[g] = allComplete && e - s === per ? 1 : 0;
    s = e;
  }
  return g === cap ? out : sliceBars(out, 0, g);
}
