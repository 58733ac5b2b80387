/**
 * Report section: how the numbers were computed.
 *
 * @module
 */
import type { Freq } from "../../core/freq.ts";
import type { Block } from "../model.ts";
import { barWords } from "./_bars.ts";

/**
 * The method section of a report on `freq` bars: returns, gaps, annualization, the library
 * functions behind each number and how to check the dataset fingerprint.
 *
 * @example Hourly bars
 * ```ts
 * import { methodSection } from "@lib/report/sections/method_section.ts";
 * import assert from "node:assert/strict";
 * const blocks = methodSection("1h");
 * assert.ok(blocks.some((b) => b.type === "paragraph" && /8,760/.test(b.text)));
 * ```
 */
export function methodSection(freq: Freq): Block[] {
  const w = barWords(freq);
  return [
    {
      type: "paragraph",
      text: `All returns are log returns of ${w.adjective} closes on a common UTC grid; a bar ` +
        "with no data is missing (NaN), never a zero return. Annualization uses 365 days " +
        `(${w.perYear} ${w.unit}s), because crypto markets trade every day of the year.`,
    },
    {
      type: "paragraph",
      text: "Levels use gap-spanning returns: the first bar after a gap carries the whole " +
        "price move across it, ln(close after / last close before). So cumulative returns " +
        "end at exactly last close / first close - 1, the maximum drawdown sees a fall that " +
        "happened during a gap, and the annualized log return is ln(last close / first " +
        `close) divided by the ${w.unit}s elapsed between them (missing ones count as time ` +
        `that passed) times ${w.perYear}.`,
    },
    {
      type: "paragraph",
      text: `Spreads use strict ${w.span} returns, undefined on both sides of a missing bar: ` +
        `volatility (sample standard deviation x sqrt(${w.perYear})), correlations (pairwise ` +
        "complete) and rolling betas. A move across a gap spans several bars, so counting " +
        "it as one would inflate them. Sharpe = annualized log return / annualized " +
        "volatility, with a risk-free rate of 0.",
    },
    {
      type: "paragraph",
      text: "The research sections come from the library functions named in their captions " +
        "(factorModel, icDecay, quantileReturns, rankAutocorrelation, turnover, screenPairs, " +
        "hedgeRatio, spreadZScore, zScoreSignals). Signals and factor fits at bar t use data " +
        "up to t only; forward returns start at t+1.",
    },
    {
      type: "paragraph",
      text: "The dataset fingerprint in the manifest is the SHA-256 of the canonical encoding " +
        `of exactly the ${w.adjective} bar rows used; recompute it from the store to check ` +
        "that a report was built from the data you have.",
    },
  ];
}
