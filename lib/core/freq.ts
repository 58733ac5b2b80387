/**
 * Bar frequencies cryptolab stores, and their lengths in milliseconds.
 *
 * Every bar's `ts` is its open time in UTC epoch milliseconds and sits on the grid of its
 * frequency: `ts % freqMs(freq) === 0`. Crypto trades 24/7, so a day is always 24 hours and
 * there is no session calendar.
 *
 * @module
 */

/** The frequencies a bar may have, finest first. */
export const FREQS = ["1s", "1m", "5m", "15m", "1h", "4h", "1d"] as const;

/** One of {@link FREQS}. */
export type Freq = typeof FREQS[number];

const MS: Record<Freq, number> = {
  "1s": 1_000,
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

/** Bars per 365-day year at each frequency (crypto annualization: 365 days, never 252). */
export const PERIODS_PER_YEAR: Record<Freq, number> = Object.fromEntries(
  FREQS.map((f) => [f, (365 * 86_400_000) / MS[f]]),
) as Record<Freq, number>;

/** True when `s` names a supported frequency. */
export function isFreq(s: string): s is Freq {
  return (FREQS as readonly string[]).includes(s);
}

/**
 * Parse a frequency name, throwing an error that lists the valid ones.
 *
 * @example Parse a flag value
 * ```ts
 * import { parseFreq } from "@lib/core/freq.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseFreq("1h"), "1h");
 * assert.throws(() => parseFreq("2h"), /one of 1s, 1m, 5m, 15m, 1h, 4h, 1d/);
 * ```
 */
export function parseFreq(s: string): Freq {
  if (isFreq(s)) return s;
  throw new RangeError(`Unknown frequency "${s}": use one of ${FREQS.join(", ")}`);
}

/**
 * Length of one bar in milliseconds.
 *
 * @example
 * ```ts
 * import { freqMs } from "@lib/core/freq.ts";
 * import assert from "node:assert/strict";
 * assert.equal(freqMs("1h"), 3_600_000);
 * ```
 */
export function freqMs(freq: Freq): number {
  return MS[freq];
}

/** Open time of the bar of `freq` that contains instant `ts` (UTC epoch ms). */
export function floorToFreq(ts: number, freq: Freq): number {
  const m = MS[freq];
  return Math.floor(ts / m) * m;
}

/**
 * Map a bar length in milliseconds back to its frequency, or undefined when it is not one of
 * ours (e.g. Kraken's 720-minute files).
 */
export function freqFromMs(ms: number): Freq | undefined {
  return FREQS.find((f) => MS[f] === ms);
}
