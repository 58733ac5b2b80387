/**
 * Which stored data a target bar series is built from, when the user does not say.
 *
 * @module
 */
import { type Freq, freqMs, FREQS } from "../core/freq.ts";

/** Something a target series could be built from: stored trades or a stored bar series. */
export interface SourceCandidate {
  /** `trades`, or the frequency of a stored bar series of the same venue and symbol. */
  readonly from: Freq | "trades";
  /** Earliest trade time or bar open time, UTC epoch ms. */
  readonly firstTs: number;
  /** Latest trade time or bar open time, UTC epoch ms. */
  readonly lastTs: number;
}

/** Fineness rank: trades first, then frequencies from finest to coarsest. */
function rank(from: Freq | "trades"): number {
  return from === "trades" ? -1 : FREQS.indexOf(from);
}

/**
 * Pick the source of one target series: among the candidates that can build `to` (trades, or
 * a bar frequency finer than `to` that divides it), the one whose data spans the most `to`
 * intervals, counted from the interval of its first row to the interval of its last row;
 * on a tie, the finer one (trades before any bar frequency). Returns undefined when no
 * candidate can build `to`.
 *
 * Why span and not "trades first" or "finest first": a store often holds years of hourly bars
 * and a few minutes of trades or months of 5-minute bars for the same symbol. Building the
 * daily series from the short sample would throw away what the long one says; counting
 * intervals of the target frequency makes trades and the 1-minute bars built from them tie
 * (the finer, trades, wins), so a rerun picks the same source.
 *
 * Cost: O(candidates).
 *
 * @example Five years of hourly bars beat five minutes of trades
 * ```ts
 * import { chooseSource } from "@lib/materialize/choose_source.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const candidates = [
 *   { from: "trades", firstTs: 1_000 * day, lastTs: 1_000 * day + 300_000 },
 *   { from: "5m", firstTs: 1_500 * day, lastTs: 1_700 * day },
 *   { from: "1h", firstTs: 0, lastTs: 1_826 * day },
 * ] as const;
 * assert.equal(chooseSource(candidates, "1d"), "1h");
 * // only trades can build 1m bars
 * assert.equal(chooseSource(candidates, "1m"), "trades");
 * // equal spans: the finer source wins
 * assert.equal(chooseSource([
 *   { from: "1h", firstTs: 0, lastTs: 23 * 3_600_000 },
 *   { from: "15m", firstTs: 0, lastTs: 95 * 900_000 },
 * ], "1d"), "15m");
 * ```
 */
export function chooseSource(
  candidates: readonly SourceCandidate[],
  to: Freq,
): Freq | "trades" | undefined {
  const toMs = freqMs(to);
  let best: SourceCandidate | undefined;
  let bestSpan = -1;
  for (const c of candidates) {
    if (c.from !== "trades") {
      const ms = freqMs(c.from);
      if (!(ms < toMs) || toMs % ms !== 0) continue;
    }
    const span = Math.floor(c.lastTs / toMs) - Math.floor(c.firstTs / toMs) + 1;
    if (
      span > bestSpan ||
      (span === bestSpan && best !== undefined && rank(c.from) < rank(best.from))
    ) {
      best = c;
      bestSpan = span;
    }
  }
  return best?.from;
}
