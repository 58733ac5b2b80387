/** Options of {@link quotedSpreads}. */
export interface QuotedSpreadsOptions {
  /**
   * Oldest quote used, in ms before the bar's open; an older one leaves the bar unknown (NaN).
   * @default the grid's first step (one bar)
   */
  readonly maxAgeMs?: number;
}

/**
 * Quoted proportional spreads on the engine's grid: `out[t] = (ask - bid) / ((ask + bid) / 2)`
 * of the last quote whose time is at or before `gridTs[t]` (the bar's open, when the engine
 * fills), NaN when there is none younger than `maxAgeMs` or the quote is unusable (missing,
 * not positive, crossed: ask < bid). Pure: the caller reads the quotes (for example
 * `readSpotSnapshots` of `lib/store`, whose rows carry `ts`, `bid` and `ask`) and passes their
 * columns. `quoteTs` must be ascending. Cost: O(T + quotes).
 *
 * @example A quote counts from its own time on, never before
 * ```ts
 * import { quotedSpreads } from "@lib/backtest/costs/quoted_spreads.ts";
 * import assert from "node:assert/strict";
 * const grid = [0, 3_600_000, 7_200_000];
 * const s = quotedSpreads(grid, [3_000_000], [99.9], [100.1]);
 * assert.ok(Number.isNaN(s[0]!));
 * assert.ok(Math.abs(s[1]! - 0.002) < 1e-15);
 * assert.ok(Number.isNaN(s[2]!)); // older than one bar
 * ```
 */
export function quotedSpreads(
  gridTs: ArrayLike<number>,
  quoteTs: ArrayLike<number>,
  bid: ArrayLike<number>,
  ask: ArrayLike<number>,
  options: QuotedSpreadsOptions = {},
): Float64Array {
  if (quoteTs.length !== bid.length || quoteTs.length !== ask.length) {
    throw new RangeError(
      `Cannot align quoted spreads: quoteTs, bid and ask must have the same length, got ` +
        `${quoteTs.length}, ${bid.length} and ${ask.length}`,
    );
  }
  for (let q = 1; q < quoteTs.length; q++) {
    if (!(quoteTs[q]! >= quoteTs[q - 1]!)) {
      throw new RangeError(
        `Cannot align quoted spreads: quote times must be ascending, row ${q} (${quoteTs[q]}) ` +
          `is before row ${q - 1} (${quoteTs[q - 1]}); sort the quotes by time first`,
      );
    }
  }
  const n = gridTs.length;
  const maxAge = options.maxAgeMs ?? (n > 1 ? gridTs[1]! - gridTs[0]! : Infinity);
  if (!(maxAge >= 0)) {
    throw new RangeError(`Cannot align quoted spreads: maxAgeMs must be >= 0, got ${maxAge}`);
  }
  const out = new Float64Array(n).fill(NaN);
  let q = -1;
  for (let t = 0; t < n; t++) {
    const ts = gridTs[t]!;
    while (q + 1 < quoteTs.length && quoteTs[q + 1]! <= ts) q++;
    if (q < 0 || ts - quoteTs[q]! > maxAge) continue;
    const b = bid[q]!, a = ask[q]!;
    if (!(b > 0) || !(a >= b) || !Number.isFinite(a)) continue;
    out[t] = (a - b) / ((a + b) / 2);
  }
  return out;
}
