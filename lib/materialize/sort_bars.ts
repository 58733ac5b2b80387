/**
 * Put a bar batch in strictly increasing time order.
 *
 * @module
 */
import type { BarColumns } from "../core/types.ts";

/**
 * Return `bars` itself when its timestamps strictly increase, otherwise a sorted copy. A
 * duplicate timestamp is an error: two different bars for one interval cannot both be right.
 *
 * @example
 * ```ts
 * import { allocBars } from "@lib/core/types.ts";
 * import { sortBarsByTs } from "@lib/materialize/sort_bars.ts";
 * import assert from "node:assert/strict";
 * const b = allocBars({ venue: "sim", symbol: "X", freq: "1m" }, 2);
 * b.ts[0] = 60_000; b.close[0] = 2; b.ts[1] = 0; b.close[1] = 1;
 * assert.deepEqual([...sortBarsByTs(b).close], [1, 2]);
 * ```
 */
export function sortBarsByTs(bars: BarColumns): BarColumns {
  const ts = bars.ts;
  const n = ts.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (!(ts[i]! > ts[i - 1]!)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return bars;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => ts[a]! - ts[b]!);
  for (let i = 1; i < n; i++) {
    if (ts[idx[i]!] === ts[idx[i - 1]!]) {
      const t = ts[idx[i]!]!;
      throw new RangeError(
        `Cannot order ${bars.venue} ${bars.symbol} ${bars.freq} bars: two bars share ts ${t} ` +
          `(${new Date(t).toISOString()}); keep one per interval`,
      );
    }
  }
  const g = <T extends Float64Array | Uint8Array>(a: T): T => {
    const o = new (a.constructor as new (n: number) => T)(n);
    for (let i = 0; i < n; i++) o[i] = a[idx[i]!]!;
    return o;
  };
  return {
    venue: bars.venue,
    symbol: bars.symbol,
    freq: bars.freq,
    ts: g(ts),
    open: g(bars.open),
    high: g(bars.high),
    low: g(bars.low),
    close: g(bars.close),
    volume: g(bars.volume),
    quoteVolume: g(bars.quoteVolume),
    tradeCount: g(bars.tradeCount),
    vwap: g(bars.vwap),
    complete: g(bars.complete),
  };
}
