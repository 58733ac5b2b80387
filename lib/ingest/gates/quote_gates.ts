/**
 * Quality gate for spot quotes of ONE asset from several venues before they are written.
 *
 * @module
 */
import type { SpotQuote } from "../../providers/types.ts";
import { quoteRule, REASONS, reasonText, type RuleProblem, timeContext } from "./rules.ts";
import type { GateRejection, GateResult } from "./types.ts";

/** Options of {@link gateQuotes}. */
export interface QuoteGateOptions {
  /** The current time, UTC epoch ms (injected). */
  readonly now: number;
  /** A quote older than this (ms before `now`) is stale. Default 120,000 (two poll intervals of 60 s). */
  readonly maxAgeMs?: number;
  /** How far past `now` a quote time may be (clock skew), ms. Default 5,000. */
  readonly futureToleranceMs?: number;
  /**
   * Largest accepted relative distance from the cross-venue median, `|p / median - 1|`.
   * Default 0.02 (2%): the same asset on liquid venues agrees to well under 0.5% outside
   * crises (arbitrage keeps it there), so 2% leaves room for USDT-vs-USD quote currencies and
   * fast markets while catching a wrong symbol, a stale feed or a unit error.
   */
  readonly tolerance?: number;
}

/**
 * Split quotes of one asset (e.g. BTCUSDT on Binance, XBTUSD on Kraken, BTC-USD on Coinbase,
 * all fetched in one poll, hence at about the same time) into accepted and refused ones.
 *
 * First, each quote alone, by the row rules of lib/ingest/gates/rules.ts (`quoteRule`): a price
 * not finite or <= 0, a bid or ask given but not finite or <= 0, a 24h volume given but not
 * finite or negative, a time later than `now + futureToleranceMs`, before the venue existed or
 * 2009-01-03, or older than `now - maxAgeMs` (stale) is refused.
 * Then the survivors are compared across venues (one quote per venue: when a venue appears
 * twice only its newest quote is used for the median):
 * - 3 or more venues: the median of their prices is the reference; a quote farther than
 *   `tolerance` from it is refused ("deviates 10.00% from the median 42000 of 3 venues"). The
 *   median of three or more cannot be dragged by one bad venue, so the verdict names the
 *   culprit.
 * - exactly 2 venues: there is no majority to say which one is wrong. When they differ by more
 *   than `tolerance` (relative to their mean) BOTH are refused as "venues disagree", so nothing
 *   doubtful is stored; when they agree both pass.
 * - 1 venue: nothing to compare; the single-quote checks decide.
 *
 * Cost: O(n log n); pure, no I/O.
 *
 * @example One venue 10% off among three is refused
 * ```ts
 * import { gateQuotes } from "@lib/ingest/gates/quote_gates.ts";
 * import assert from "node:assert/strict";
 * const now = Date.UTC(2024, 0, 1);
 * const q = (venue: string, price: number) =>
 *   ({ venue, symbol: "BTC", ts: now - 1000, price, bid: undefined, ask: undefined, volume24h: undefined });
 * const g = gateQuotes([q("binance", 42000), q("kraken", 42010), q("coinbase", 46200)], { now });
 * assert.deepEqual(g.accepted.map((x) => x.venue), ["binance", "kraken"]);
 * assert.equal(g.rejected[0]!.index, 2);
 * assert.match(g.rejected[0]!.reason, /^off the cross-venue median: coinbase price 46200 deviates 9\.97% from the median 42010 of 3 venues/);
 * ```
 */
export function gateQuotes(
  quotes: readonly SpotQuote[],
  opts: QuoteGateOptions,
): GateResult<SpotQuote[]> {
  const maxAge = opts.maxAgeMs ?? 120_000;
  const skew = opts.futureToleranceMs ?? 5_000;
  const tol = opts.tolerance ?? 0.02;
  if (!(tol > 0)) throw new RangeError(`Cannot gate quotes: tolerance must be > 0, got ${tol}`);
  if (!(maxAge > 0)) {
    throw new RangeError(`Cannot gate quotes: maxAgeMs must be > 0, got ${maxAge}`);
  }
  const reasons: (RuleProblem | undefined)[] = quotes.map((q) =>
    quoteRule(q, timeContext(q.venue, opts.now, skew), maxAge)
  );

  const newest = new Map<string, number>(); // venue -> index of its newest surviving quote
  quotes.forEach((q, i) => {
    if (reasons[i] !== undefined) return;
    const j = newest.get(q.venue);
    if (j === undefined || q.ts > quotes[j]!.ts) newest.set(q.venue, i);
  });
  const venues = [...newest.values()];
  if (venues.length >= 3) {
    const sorted = venues.map((i) => quotes[i]!.price).sort((a, b) => a - b);
    const m = sorted.length >> 1;
    const med = sorted.length % 2 === 1 ? sorted[m]! : 0.5 * (sorted[m - 1]! + sorted[m]!);
    quotes.forEach((q, i) => {
      if (reasons[i] !== undefined) return;
      const dev = Math.abs(q.price / med - 1);
      if (dev > tol) {
        reasons[i] = {
          kind: REASONS.offMedian,
          detail: `${q.venue} price ${q.price} deviates ${pct(dev)} from the median ${med} ` +
            `of ${venues.length} venues (tolerance ${pct(tol)})`,
        };
      }
    });
  } else if (venues.length === 2) {
    const a = quotes[venues[0]!]!, b = quotes[venues[1]!]!;
    const diff = Math.abs(a.price - b.price) / (0.5 * (a.price + b.price));
    if (diff > tol) {
      quotes.forEach((_q, i) => {
        if (reasons[i] !== undefined) return;
        reasons[i] = {
          kind: REASONS.venuesDisagree,
          detail: `${a.venue} ${a.price} vs ${b.venue} ${b.price} differ by ${pct(diff)} ` +
            `(tolerance ${pct(tol)}); a third venue is needed to tell which is wrong`,
        };
      });
    }
  }
  const accepted: SpotQuote[] = [];
  const rejected: GateRejection[] = [];
  quotes.forEach((q, i) => {
    const r = reasons[i];
    if (r === undefined) accepted.push(q);
    else rejected.push({ index: i, kind: r.kind, reason: reasonText(r) });
  });
  return { accepted, rejected };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
