/**
 * Quality gate for spot quotes of ONE asset from several venues before they are written.
 *
 * @module
 */
import type { SpotQuote } from "../../providers/types.ts";
import { iso } from "./bar_gates.ts";
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
 * First, each quote alone: a price NaN or <= 0, a bid or ask given but NaN or <= 0, a time
 * later than `now + futureToleranceMs`, or older than `now - maxAgeMs` (stale) is refused.
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
 * assert.match(g.rejected[0]!.reason, /deviates 9\.97% from the median 42010 of 3 venues/);
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
  const reasons: (string | undefined)[] = quotes.map((q) => single(q, opts.now, maxAge, skew));

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
        reasons[i] = `${q.venue} price ${q.price} deviates ${pct(dev)} from the median ${med} ` +
          `of ${venues.length} venues (tolerance ${pct(tol)})`;
      }
    });
  } else if (venues.length === 2) {
    const a = quotes[venues[0]!]!, b = quotes[venues[1]!]!;
    const diff = Math.abs(a.price - b.price) / (0.5 * (a.price + b.price));
    if (diff > tol) {
      quotes.forEach((_q, i) => {
        if (reasons[i] !== undefined) return;
        reasons[i] = `venues disagree: ${a.venue} ${a.price} vs ${b.venue} ${b.price} differ by ` +
          `${pct(diff)} (tolerance ${pct(tol)}); a third venue is needed to tell which is wrong`;
      });
    }
  }
  const accepted: SpotQuote[] = [];
  const rejected: GateRejection[] = [];
  quotes.forEach((q, i) => {
    const r = reasons[i];
    if (r === undefined) accepted.push(q);
    else rejected.push({ index: i, reason: r });
  });
  return { accepted, rejected };
}

function single(q: SpotQuote, now: number, maxAge: number, skew: number): string | undefined {
  if (Number.isNaN(q.price)) return `${q.venue} price is not a number`;
  if (q.price <= 0) return `${q.venue} price ${q.price} <= 0`;
  for (const [name, v] of [["bid", q.bid], ["ask", q.ask]] as const) {
    if (v === undefined) continue;
    if (Number.isNaN(v)) return `${q.venue} ${name} is not a number`;
    if (v <= 0) return `${q.venue} ${name} ${v} <= 0`;
  }
  if (!Number.isFinite(q.ts)) return `${q.venue} quote time ${q.ts} is not a valid timestamp`;
  if (q.ts > now + skew) {
    return `${q.venue} quote time ${iso(q.ts)} is in the future: after now ${
      iso(now)
    } + ${skew} ms`;
  }
  if (now - q.ts > maxAge) {
    return `${q.venue} quote is stale: ${iso(q.ts)} is ${now - q.ts} ms old, max age ${maxAge} ms`;
  }
  return undefined;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
