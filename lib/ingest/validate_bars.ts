/**
 * Row checks for parsed bars before they reach the store.
 *
 * @module
 */
import { allocBars, type BarColumns, type SeriesKey } from "../core/types.ts";
import { freqMs } from "../core/freq.ts";
import type { ParsedBars, RowProblem } from "./types.ts";

/** Clean bars and what was refused on the way. */
export interface ValidatedBars {
  /** Accepted bars, sorted by time, one per timestamp. */
  readonly bars: BarColumns;
  /** For each accepted bar, its row index in the parse result (for raw text and line). */
  readonly rowOf: Int32Array;
  /** Refused rows: the parser's plus the validator's, in file order. */
  readonly problems: RowProblem[];
  /**
   * Rows dropped because an identical bar with the same timestamp came earlier in the file
   * (one row of each all-identical group is kept).
   */
  readonly duplicatesDropped: number;
}

const PRICE_COLS = ["open", "high", "low", "close"] as const;

/**
 * Check every parsed bar and return the good ones sorted by time. A row is refused when its
 * timestamp is unreadable or off the bar grid of `key.freq`, a price is NaN or not positive,
 * high < low, open or close lies outside [low, high], or the volume is NaN or negative.
 *
 * Several otherwise valid rows with one timestamp: when they are all identical, one is kept
 * and the others are dropped silently (counted in `duplicatesDropped`); when any two differ,
 * EVERY row of the group is refused ("duplicate timestamp with different values: none of the N
 * rows kept"). Keeping the first would let the file's row order decide which price survives,
 * and nothing in the file says which one is right.
 *
 * Cost: O(n) checks plus an O(n log n) sort when the file is not already ascending.
 *
 * @example A high below the low is refused
 * ```ts
 * import { validateBars } from "@lib/ingest/validate_bars.ts";
 * import { parseFreqtradeJson } from "@lib/ingest/formats/freqtrade_json.ts";
 * import assert from "node:assert/strict";
 * const p = parseFreqtradeJson("[[7200000,1,2,1,2,5],[3600000,1,1,2,1,5],[0,1,2,1,2,5],[0,1,2,1,2,5]]");
 * const v = validateBars(p, { venue: "binance", symbol: "X", freq: "1h" });
 * assert.deepEqual([...v.bars.ts], [0, 7200000]);
 * assert.equal(v.problems[0]?.kind, "high < low");
 * assert.equal(v.duplicatesDropped, 1);
 * ```
 */
export function validateBars(p: ParsedBars, key: SeriesKey): ValidatedBars {
  const step = freqMs(key.freq);
  const problems: RowProblem[] = [...p.problems];
  const good = new Int32Array(p.n);
  let m = 0;
  const cols = { open: p.open, high: p.high, low: p.low, close: p.close };
  const refuse = (i: number, kind: string, detail: string) =>
    problems.push({ ref: p.ref[i]!, raw: p.raw(i), kind, detail });
  rows: for (let i = 0; i < p.n; i++) {
    const ts = p.ts[i]!;
    if (!Number.isFinite(ts)) {
      refuse(i, "bad timestamp", "the time could not be read");
      continue;
    }
    for (const c of PRICE_COLS) {
      const v = cols[c][i]!;
      if (Number.isNaN(v)) {
        refuse(i, "price is not a number", `${c} is not a number`);
        continue rows;
      }
      if (v <= 0) {
        refuse(i, "non-positive price", `${c} ${v} <= 0`);
        continue rows;
      }
    }
    const o = p.open[i]!, h = p.high[i]!, l = p.low[i]!, c = p.close[i]!, v = p.volume[i]!;
    if (h < l) refuse(i, "high < low", `high ${h} < low ${l}`);
    else if (o < l || o > h) refuse(i, "open outside [low, high]", `open ${o} not in [${l}, ${h}]`);
    else if (c < l || c > h) {
      refuse(i, "close outside [low, high]", `close ${c} not in [${l}, ${h}]`);
    } else if (Number.isNaN(v)) refuse(i, "volume is not a number", "volume is not a number");
    else if (v < 0) refuse(i, "negative volume", `volume ${v} < 0`);
    else if (ts % step !== 0) {
      refuse(
        i,
        `timestamp off the ${key.freq} grid`,
        `${new Date(ts).toISOString()} is not a multiple of ${key.freq}`,
      );
    } else good[m++] = i;
  }
  let order = good.subarray(0, m);
  let ascending = true;
  for (let k = 1; k < m && ascending; k++) ascending = p.ts[order[k]!]! > p.ts[order[k - 1]!]!;
  if (!ascending) order = order.slice().sort((a, b) => p.ts[a]! - p.ts[b]! || a - b);

  const keep = new Int32Array(m);
  let kept = 0, duplicatesDropped = 0;
  for (let k = 0; k < m;) {
    const first = order[k]!;
    let end = k + 1;
    while (end < m && p.ts[order[end]!] === p.ts[first]) end++;
    if (end === k + 1) {
      keep[kept++] = first;
      k = end;
      continue;
    }
    // a group of rows sharing one timestamp, in file order (the sort is stable on index)
    let diff = "";
    for (let g = k + 1; g < end && diff === ""; g++) {
      const d = differences(p, first, order[g]!);
      if (d !== "") diff = `line/row ${p.ref[first]} vs ${p.ref[order[g]!]}: ${d}`;
    }
    if (diff === "") {
      keep[kept++] = first;
      duplicatesDropped += end - k - 1;
    } else {
      const refs = Array.from(order.subarray(k, end), (i) => p.ref[i]!).join(", ");
      for (let g = k; g < end; g++) {
        refuse(
          order[g]!,
          "duplicate timestamp with different values",
          `none of the ${end - k} rows kept: line/row ${refs} share the time ` +
            `${new Date(p.ts[first]!).toISOString()}; ${diff}`,
        );
      }
    }
    k = end;
  }
  problems.sort((a, b) => a.ref - b.ref);
  const bars = allocBars(key, kept);
  for (let k = 0; k < kept; k++) {
    const i = keep[k]!;
    bars.ts[k] = p.ts[i]!;
    bars.open[k] = p.open[i]!;
    bars.high[k] = p.high[i]!;
    bars.low[k] = p.low[i]!;
    bars.close[k] = p.close[i]!;
    bars.volume[k] = p.volume[i]!;
    bars.quoteVolume[k] = p.quoteVolume[i]!;
    bars.tradeCount[k] = p.tradeCount[i]!;
  }
  return { bars, rowOf: keep.slice(0, kept), problems, duplicatesDropped };
}

function differences(p: ParsedBars, a: number, b: number): string {
  const out: string[] = [];
  const cols = [
    ["open", p.open],
    ["high", p.high],
    ["low", p.low],
    ["close", p.close],
    ["volume", p.volume],
    ["quote_volume", p.quoteVolume],
    ["trade_count", p.tradeCount],
  ] as const;
  for (const [name, col] of cols) {
    const x = col[a]!, y = col[b]!;
    if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) out.push(`${name} ${x} vs ${y}`);
  }
  return out.join(", ");
}
