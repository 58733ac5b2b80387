/**
 * Words for a bar frequency in report text (`hourly`, `one-hour`, `8,760 hours`).
 *
 * @module
 */
import { type Freq, PERIODS_PER_YEAR } from "../../core/freq.ts";

const UNIT: Record<Freq, { adjective: string; span: string; unit: string }> = {
  "1s": { adjective: "one-second", span: "one-second", unit: "second" },
  "1m": { adjective: "one-minute", span: "one-minute", unit: "minute" },
  "5m": { adjective: "5-minute", span: "5-minute", unit: "5-minute bar" },
  "15m": { adjective: "15-minute", span: "15-minute", unit: "15-minute bar" },
  "1h": { adjective: "hourly", span: "one-hour", unit: "hour" },
  "4h": { adjective: "4-hour", span: "4-hour", unit: "4-hour bar" },
  "1d": { adjective: "daily", span: "one-day", unit: "day" },
};

/** How report text names bars of one frequency. */
export interface BarWords {
  /** `hourly` (as in "hourly bars"). */
  readonly adjective: string;
  /** `one-hour` (as in "one-hour returns"). */
  readonly span: string;
  /** `hour` (as in "168 hours"); plural adds `s`. */
  readonly unit: string;
  /** Bars per 365-day year, grouped: `8,760`. */
  readonly perYear: string;
}

/**
 * The words for `freq`.
 *
 * @example Hourly bars
 * ```ts
 * import { barWords } from "@lib/report/sections/_bars.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(barWords("1h"), { adjective: "hourly", span: "one-hour", unit: "hour", perYear: "8,760" });
 * ```
 */
export function barWords(freq: Freq): BarWords {
  const perYear = String(Math.round(PERIODS_PER_YEAR[freq])).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return { ...UNIT[freq], perYear };
}

/**
 * Names for report text: all of them up to `max`, else the first `max` and how many more
 * (a note listing 121 symbols is not read; the tables list them all).
 *
 * @example
 * ```ts
 * import { nameList } from "@lib/report/sections/_bars.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nameList(["A", "B"]), "A, B");
 * assert.equal(nameList(["A", "B", "C", "D"], 2), "A, B and 2 more");
 * ```
 */
export function nameList(names: readonly string[], max = 12): string {
  return names.length <= max
    ? names.join(", ")
    : `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}
