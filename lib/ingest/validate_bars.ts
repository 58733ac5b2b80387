/**
 * Row checks for parsed bars before they reach the store: the bar gate of
 * lib/ingest/gates/bar_gates.ts (the one set of row rules) applied to a parsed file.
 *
 * @module
 */
import type { BarColumns, SeriesKey } from "../core/types.ts";
import { gateBars } from "./gates/bar_gates.ts";
import { REASONS } from "./gates/rules.ts";
import type { JumpOptions } from "./gates/jump.ts";
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
  /**
   * Rows dropped because another row with the same timestamp says the same with more decimals
   * (or with a column this row lacks): the more precise row is kept.
   */
  readonly roundedDropped: number;
  /**
   * Rows refused as `near-duplicate` (also in `problems`): another row of the same time says
   * the same bar within the tolerances of lib/ingest/gates/near_duplicate.ts, but not only by
   * rounding (an open a tick off), and it is the more precise row, so it was kept.
   */
  readonly nearDropped: number;
}

/** Options of {@link validateBars}. */
export interface ValidateBarsOptions {
  /** The current time (UTC ms) for the not-in-the-future rule. Default `Date.now()`. */
  readonly now?: number;
  /** The jump rule (lib/ingest/gates/jump.ts defaults); `false` turns it off. */
  readonly jump?: JumpOptions | false;
}

/**
 * Check every parsed bar with the row rules (lib/ingest/gates/rules.ts) and return the good
 * ones sorted by time: a row is refused when its timestamp is unreadable, off the bar grid of
 * `key.freq`, before the venue existed or 2009-01-03, or later than now plus one bar; a price
 * is not a finite positive number; high < low; open or close lies outside [low, high]; a
 * volume is not finite or is negative; or its close jumps by more than 20 robust sigmas from
 * the previous accepted close.
 *
 * Several otherwise valid rows with one timestamp: when they are all identical, one is kept
 * and the others are dropped (counted in `duplicatesDropped`); when they differ only by the
 * rounding of their source (`2523.079494` vs `2523.08`) or by a column one of them lacks, the
 * most precise row is kept (the others counted in `roundedDropped`); when they all agree
 * within the tolerances of lib/ingest/gates/near_duplicate.ts (prices 0.05% or a tick, volumes
 * 0.5%) but not only by rounding, the most precise row is kept (on a tie the one whose open is
 * nearest the previous close; a tie in both refuses all) and the others are refused as
 * `near-duplicate` with the kept row named (counted in `nearDropped`); when two disagree beyond
 * that, EVERY row of the group is refused ("duplicate timestamp with different values: none of
 * the N rows kept"). Keeping the first would let the file's row order decide which price
 * survives, and nothing in the file says which one is right.
 *
 * Cost: O(n) checks plus an O(n log n) sort when the file is not already ascending.
 *
 * @example A high below the low is refused, a rounded repeat gives way to the precise row
 * ```ts
 * import { validateBars } from "@lib/ingest/validate_bars.ts";
 * import { parseFreqtradeJson } from "@lib/ingest/formats/freqtrade_json.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1), h = 3600000;
 * const p = parseFreqtradeJson(JSON.stringify([
 *   [t + 2 * h, 1, 2, 1, 2, 5.26], [t + h, 1, 1, 2, 1, 5], [t, 1, 2, 1, 2, 5], [t, 1, 2, 1, 2, 5],
 *   [t + 2 * h, 1, 2, 1, 2, 5.3],
 * ]));
 * const v = validateBars(p, { venue: "binance", symbol: "X", freq: "1h" }, { now: t + 3 * h });
 * assert.deepEqual([...v.bars.ts], [t, t + 2 * h]);
 * assert.equal(v.bars.volume[1], 5.26);
 * assert.equal(v.problems[0]?.kind, "high < low");
 * assert.equal(v.duplicatesDropped, 1);
 * assert.equal(v.roundedDropped, 1);
 * ```
 */
export function validateBars(
  p: ParsedBars,
  key: SeriesKey,
  options: ValidateBarsOptions = {},
): ValidatedBars {
  const n = p.n;
  const nan = () => new Float64Array(n).fill(NaN);
  const bars: BarColumns = {
    venue: key.venue,
    symbol: key.symbol,
    freq: key.freq,
    ts: p.ts.subarray(0, n),
    open: p.open.subarray(0, n),
    high: p.high.subarray(0, n),
    low: p.low.subarray(0, n),
    close: p.close.subarray(0, n),
    volume: p.volume.subarray(0, n),
    quoteVolume: p.quoteVolume.subarray(0, n),
    tradeCount: p.tradeCount.subarray(0, n),
    vwap: nan(),
    complete: new Uint8Array(n).fill(1),
  };
  const g = gateBars(bars, {
    now: options.now ?? Date.now(),
    rowName: (i) => `${p.refKind} ${p.ref[i]}`,
    ...(options.jump === undefined ? {} : { jump: options.jump }),
  });
  const problems: RowProblem[] = [...p.problems];
  for (const r of g.rejected) {
    problems.push({
      ref: p.ref[r.index]!,
      raw: p.raw(r.index),
      kind: r.kind,
      detail: r.reason.slice(r.kind.length + 2),
    });
  }
  problems.sort((a, b) => a.ref - b.ref);
  let duplicatesDropped = 0, roundedDropped = 0;
  for (const d of g.dropped) {
    if (d.kind === "identical") duplicatesDropped++;
    else roundedDropped++;
  }
  const nearDropped = g.rejected.filter((r) => r.kind === REASONS.nearDuplicate).length;
  return {
    bars: g.accepted,
    rowOf: g.acceptedIndex,
    problems,
    duplicatesDropped,
    roundedDropped,
    nearDropped,
  };
}
