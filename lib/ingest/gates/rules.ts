/**
 * The row rules: the one place that says what a bar, a trade or a quote must look like before
 * it may be stored, with one set of reason strings. Every write path of venue or file data
 * goes through them: `import` (lib/ingest/validate_bars.ts, validate_trades.ts), `backfill`
 * (lib/ingest/backfill.ts, also the demo's backfill), `stream` (via `gateTrades`) and `poll`
 * (via `gateQuotes`). Simulated markets (lib/sim) and materialized bars (lib/materialize) are
 * built by our own code from rows that already passed these rules, and are written without them.
 *
 * A row is refused when:
 * - a price is not a finite number (NaN, `Infinity`, `1e999`) or is <= 0;
 * - a bar's high is below its low, or its open or close lies outside [low, high] (so high >=
 *   max(open, close) and low <= min(open, close));
 * - a volume (or a trade's quantity) is not finite, or is negative (a trade's quantity must be
 *   > 0); an optional column (quote volume, trade count) may be missing (NaN) but never infinite
 *   or negative;
 * - its time is not finite, is before the venue existed or before {@link GENESIS_MS} (no crypto
 *   asset traded before the first Bitcoin block), is after `now` plus a tolerance (one bar for
 *   bars), or (bars) is off the grid of the bar frequency;
 * - its price jumps from the previous accepted price by more than `k` robust sigmas
 *   (lib/ingest/gates/jump.ts; bars and trades).
 *
 * Perpetual-futures rows (issue 12; applied by lib/ingest/gates/perp_gates.ts on every perp
 * write path) are refused when a funding rate is not finite or beyond
 * {@link PERP_RULE_DEFAULTS}`.maxAbsFundingRate`, a funding time is off the funding grid (8h
 * by default, with a tolerance for the venue's few-ms stamps), a mark/index/premium kline
 * breaks the OHLC order (mark and index prices must also be > 0; a premium index may be
 * negative), open interest is not finite or negative, or a liquidation order has a side other
 * than buy/sell, a price or quantity that is not finite and > 0, or a filled quantity above its
 * quantity. Times follow the same time rules as every row.
 *
 * A reason is `kind: detail`: the kind is one of {@link REASONS} (counted per file and shown in
 * summaries), the detail carries the numbers.
 *
 * @module
 */
import { venueLaunchMs } from "./venue_launch.ts";

/** The kinds of refusal, shared by every gate and every write path. */
export const REASONS = Object.freeze(
  {
    badTimestamp: "bad timestamp",
    tooEarly: "timestamp before the venue existed",
    future: "timestamp in the future",
    offGrid: "timestamp off the bar grid",
    priceNotFinite: "price is not a finite number",
    nonPositivePrice: "non-positive price",
    highBelowLow: "high < low",
    openOutside: "open outside [low, high]",
    closeOutside: "close outside [low, high]",
    volumeNotFinite: "volume is not a finite number",
    negativeVolume: "negative volume",
    qtyNotFinite: "quantity is not a finite number",
    nonPositiveQty: "non-positive quantity",
    duplicateTs: "duplicate timestamp with different values",
    nearDuplicate: "near-duplicate",
    duplicateTradeId: "duplicate trade id with different values",
    jump: "price jump",
    staleQuote: "stale quote",
    offMedian: "off the cross-venue median",
    venuesDisagree: "venues disagree",
    rateNotFinite: "funding rate is not a finite number",
    rateOutOfBounds: "funding rate out of bounds",
    offFundingGrid: "funding time off the funding grid",
    openInterestNotFinite: "open interest is not a finite number",
    negativeOpenInterest: "negative open interest",
    badLiquidation: "bad liquidation order",
  } as const,
);

/** One of {@link REASONS}. */
export type ReasonKind = typeof REASONS[keyof typeof REASONS];

/** Why one row is refused: a kind for counting and a detail with the numbers. */
export interface RuleProblem {
  readonly kind: ReasonKind;
  readonly detail: string;
}

/**
 * 2009-01-03T00:00:00Z, the day of the Bitcoin genesis block: no crypto market row can be older,
 * whatever the venue (venues we do not know have no launch date of their own).
 */
export const GENESIS_MS: number = Date.UTC(2009, 0, 3);

/** Defaults of the time rules, stated once. */
export const RULE_DEFAULTS = Object.freeze({
  /** How far past `now` a bar's open time may be, in bars (the bar forming now, plus skew). */
  barFutureBars: 1,
  /** How far past `now` a trade time may be, in ms (clock skew). */
  tradeFutureToleranceMs: 5_000,
});

/**
 * The reason text stored in `quarantine` and returned by the gates: `kind: detail`.
 *
 * @example
 * ```ts
 * import { reasonText, REASONS } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(reasonText({ kind: REASONS.highBelowLow, detail: "high 1 < low 2" }), "high < low: high 1 < low 2");
 * ```
 */
export function reasonText(p: RuleProblem): string {
  return `${p.kind}: ${p.detail}`;
}

/**
 * ISO-8601 text of an epoch-ms time, or the number itself when it is out of Date's range.
 *
 * @example
 * ```ts
 * import { iso } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(iso(0), "1970-01-01T00:00:00.000Z");
 * assert.equal(iso(1e300), "1e+300");
 * ```
 */
export function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

/** Where and when a row is judged. */
export interface TimeContext {
  /** The current time, UTC epoch ms (injected: rules never read the clock). */
  readonly now: number;
  /** How far past `now` a time may be, ms. */
  readonly toleranceMs: number;
  /** The venue's launch (UTC ms), or undefined when unknown; {@link GENESIS_MS} applies anyway. */
  readonly launchMs: number | undefined;
  readonly venue: string;
}

/**
 * The time context of a venue: its launch date from lib/ingest/gates/venue_launch.ts unless
 * `launchMs` is given.
 *
 * @example
 * ```ts
 * import { timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const c = timeContext("kraken", 0, 5000);
 * assert.equal(c.launchMs, Date.UTC(2013, 8, 10));
 * ```
 */
export function timeContext(
  venue: string,
  now: number,
  toleranceMs: number,
  launchMs?: number,
): TimeContext {
  return { now, toleranceMs, launchMs: launchMs ?? venueLaunchMs(venue), venue };
}

/**
 * Why a timestamp is impossible (not finite, in the future, before the venue existed or
 * before {@link GENESIS_MS}), or undefined when it is plausible.
 *
 * @example A time before Kraken existed, and one before Bitcoin
 * ```ts
 * import { timeRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const now = Date.UTC(2024, 0, 1);
 * assert.equal(timeRule(Date.UTC(2020, 0, 1), timeContext("kraken", now, 0)), undefined);
 * assert.match(timeRule(Date.UTC(2012, 0, 1), timeContext("kraken", now, 0))!.detail, /before kraken existed/);
 * assert.match(timeRule(0, timeContext("sim", now, 0))!.detail, /before 2009-01-03/);
 * assert.equal(timeRule(Date.UTC(2100, 0, 1), timeContext("sim", now, 0))!.kind, "timestamp in the future");
 * ```
 */
export function timeRule(ts: number, c: TimeContext): RuleProblem | undefined {
  if (!Number.isFinite(ts)) {
    return { kind: REASONS.badTimestamp, detail: `time ${ts} is not a valid epoch-ms timestamp` };
  }
  if (ts > c.now + c.toleranceMs) {
    return {
      kind: REASONS.future,
      detail: `time ${iso(ts)} is after now ${iso(c.now)} + ${c.toleranceMs} ms tolerance`,
    };
  }
  if (c.launchMs !== undefined && ts < c.launchMs) {
    return {
      kind: REASONS.tooEarly,
      detail: `time ${iso(ts)} is before ${c.venue} existed (launched ${
        iso(c.launchMs).slice(0, 10)
      })`,
    };
  }
  if (ts < GENESIS_MS) {
    return {
      kind: REASONS.tooEarly,
      detail: `time ${iso(ts)} is before 2009-01-03, the first Bitcoin block`,
    };
  }
  return undefined;
}

function priceRule(name: string, v: number): RuleProblem | undefined {
  if (!Number.isFinite(v)) {
    return { kind: REASONS.priceNotFinite, detail: `${name} ${v} is not a finite number` };
  }
  if (v <= 0) return { kind: REASONS.nonPositivePrice, detail: `${name} ${v} <= 0` };
  return undefined;
}

function volumeRule(name: string, v: number, optional: boolean): RuleProblem | undefined {
  if (optional && Number.isNaN(v)) return undefined;
  if (!Number.isFinite(v)) {
    return { kind: REASONS.volumeNotFinite, detail: `${name} ${v} is not a finite number` };
  }
  if (v < 0) return { kind: REASONS.negativeVolume, detail: `${name} ${v} < 0` };
  return undefined;
}

/**
 * The rules for a DEX pair snapshot (poll's Dexscreener path): prices finite and positive
 * (`priceNative`, and `priceUsd` when given), 24h volume and liquidity finite and not negative
 * when given. Details name the pair (`chain:address`).
 *
 * @example
 * ```ts
 * import { dexPairRule } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const p = { chainId: "solana", pairAddress: "x", priceNative: 150, priceUsd: 150, liquidityUsd: 1e6, volumeH24: undefined };
 * assert.equal(dexPairRule(p), undefined);
 * assert.equal(dexPairRule({ ...p, priceNative: 0 })!.detail, "solana:x priceNative 0 <= 0");
 * ```
 */
export function dexPairRule(p: {
  readonly chainId: string;
  readonly pairAddress: string;
  readonly priceNative: number;
  readonly priceUsd: number | undefined;
  readonly liquidityUsd: number | undefined;
  readonly volumeH24: number | undefined;
}): RuleProblem | undefined {
  const r = priceRule("priceNative", p.priceNative) ??
    (p.priceUsd === undefined ? undefined : priceRule("priceUsd", p.priceUsd)) ??
    (p.volumeH24 === undefined ? undefined : volumeRule("volumeH24", p.volumeH24, false)) ??
    (p.liquidityUsd === undefined ? undefined : volumeRule("liquidityUsd", p.liquidityUsd, false));
  return r === undefined
    ? undefined
    : { kind: r.kind, detail: `${p.chainId}:${p.pairAddress} ${r.detail}` };
}

/** One bar's values, as the rules read them. */
export interface BarRow {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** NaN when the source has none. */
  readonly quoteVolume: number;
  /** NaN when the source has none. */
  readonly tradeCount: number;
}

/**
 * The first rule one bar breaks on its own (everything but the jump rule and duplicates), or
 * undefined. `stepMs` is the bar length; `c` the time context with the tolerance (one bar by
 * {@link RULE_DEFAULTS}).
 *
 * @example Infinity in a high, a candle with high < low, an off-grid time
 * ```ts
 * import { barRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000, t = Date.UTC(2024, 0, 1);
 * const c = timeContext("binance", t + h, h);
 * const ok = { ts: t, open: 10, high: 11, low: 9, close: 10, volume: 1, quoteVolume: NaN, tradeCount: NaN };
 * assert.equal(barRule(ok, h, c), undefined);
 * assert.equal(barRule({ ...ok, high: Infinity }, h, c)!.kind, "price is not a finite number");
 * assert.equal(barRule({ ...ok, high: 8 }, h, c)!.detail, "high 8 < low 9");
 * assert.equal(barRule({ ...ok, ts: t + 1 }, h, c)!.kind, "timestamp off the bar grid");
 * assert.equal(barRule({ ...ok, volume: Infinity }, h, c)!.kind, "volume is not a finite number");
 * ```
 */
export function barRule(b: BarRow, stepMs: number, c: TimeContext): RuleProblem | undefined {
  const t = timeRule(b.ts, c);
  if (t !== undefined) return t;
  if (b.ts % stepMs !== 0) {
    return {
      kind: REASONS.offGrid,
      detail: `time ${iso(b.ts)} is not a multiple of the bar length ${stepMs} ms`,
    };
  }
  const p = priceRule("open", b.open) ?? priceRule("high", b.high) ?? priceRule("low", b.low) ??
    priceRule("close", b.close);
  if (p !== undefined) return p;
  const { open: o, high: h, low: l, close: cl } = b;
  if (h < l) return { kind: REASONS.highBelowLow, detail: `high ${h} < low ${l}` };
  if (o < l || o > h) return { kind: REASONS.openOutside, detail: `open ${o} not in [${l}, ${h}]` };
  if (cl < l || cl > h) {
    return { kind: REASONS.closeOutside, detail: `close ${cl} not in [${l}, ${h}]` };
  }
  return volumeRule("volume", b.volume, false) ??
    volumeRule("quote volume", b.quoteVolume, true) ??
    volumeRule("trade count", b.tradeCount, true);
}

/**
 * The first rule one trade breaks on its own (everything but the jump rule and duplicate ids).
 *
 * @example
 * ```ts
 * import { tradeRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1), c = timeContext("binance", t, 5000);
 * assert.equal(tradeRule(t, 42000, 0.1, c), undefined);
 * assert.equal(tradeRule(t, 42000, 0, c)!.detail, "quantity 0 <= 0");
 * assert.equal(tradeRule(t, Infinity, 1, c)!.kind, "price is not a finite number");
 * ```
 */
export function tradeRule(
  ts: number,
  price: number,
  qty: number,
  c: TimeContext,
): RuleProblem | undefined {
  const p = priceRule("price", price);
  if (p !== undefined) return p;
  if (!Number.isFinite(qty)) {
    return { kind: REASONS.qtyNotFinite, detail: `quantity ${qty} is not a finite number` };
  }
  if (qty <= 0) return { kind: REASONS.nonPositiveQty, detail: `quantity ${qty} <= 0` };
  return timeRule(ts, c);
}

/**
 * The first rule one quote breaks on its own: its price, bid and ask (when given) finite and
 * positive, its volume (when given) finite and >= 0, its time plausible and not older than
 * `maxAgeMs`. Details name the venue.
 *
 * @example
 * ```ts
 * import { quoteRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const now = Date.UTC(2024, 0, 1), c = timeContext("kraken", now, 5000);
 * const q = { venue: "kraken", ts: now, price: 42000, bid: undefined, ask: undefined, volume24h: undefined };
 * assert.equal(quoteRule(q, c, 120_000), undefined);
 * assert.equal(quoteRule({ ...q, price: Infinity }, c, 120_000)!.detail, "kraken price Infinity is not a finite number");
 * assert.equal(quoteRule({ ...q, ts: now - 200_000 }, c, 120_000)!.kind, "stale quote");
 * ```
 */
export function quoteRule(
  q: {
    readonly venue: string;
    readonly ts: number;
    readonly price: number;
    readonly bid: number | undefined;
    readonly ask: number | undefined;
    readonly volume24h: number | undefined;
  },
  c: TimeContext,
  maxAgeMs: number,
): RuleProblem | undefined {
  const named = (p: RuleProblem | undefined) =>
    p === undefined ? undefined : { kind: p.kind, detail: `${q.venue} ${p.detail}` };
  const p = named(priceRule("price", q.price));
  if (p !== undefined) return p;
  for (const [name, v] of [["bid", q.bid], ["ask", q.ask]] as const) {
    if (v === undefined) continue;
    const r = named(priceRule(name, v));
    if (r !== undefined) return r;
  }
  if (q.volume24h !== undefined) {
    const r = named(volumeRule("24h volume", q.volume24h, true));
    if (r !== undefined) return r;
  }
  const t = named(timeRule(q.ts, c));
  if (t !== undefined) return t;
  if (c.now - q.ts > maxAgeMs) {
    return {
      kind: REASONS.staleQuote,
      detail: `${q.venue} quote ${iso(q.ts)} is ${c.now - q.ts} ms old, max age ${maxAgeMs} ms`,
    };
  }
  return undefined;
}

/** Defaults of the perp rules, stated once. */
export const PERP_RULE_DEFAULTS = Object.freeze({
  /**
   * Largest |funding rate| per funding event accepted: 5%. Binance caps USDT-M funding per
   * interval by contract (0.75% to 3% for the most volatile contracts,
   * https://www.binance.com/en/futures/funding-history/perpetual/funding-fee-history), so a
   * larger value is a unit error (a percentage read as a fraction) or a corrupt row.
   */
  maxAbsFundingRate: 0.05,
  /** The funding interval, ms: Binance USDT-M funds every 8 hours (some contracts 4h or 1h). */
  fundingIntervalMs: 8 * 3_600_000,
  /** How far from the funding grid a funding time may be stamped, ms (Binance: 0-20 ms late). */
  fundingGridToleranceMs: 1_000,
});

/**
 * The first rule one funding event breaks, or undefined: its time plausible and within
 * `toleranceMs` of a multiple of `intervalMs`, its rate finite and |rate| <= `maxAbsRate`
 * (defaults in {@link PERP_RULE_DEFAULTS}), its mark price (when given) finite and > 0.
 *
 * @example A real Binance stamp 17 ms after the hour passes; a percentage read as a fraction does not
 * ```ts
 * import { fundingRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const c = timeContext("binance_futures", Date.UTC(2022, 0, 1), 0);
 * assert.equal(fundingRule({ fundingTime: 1637193600017, rate: 0.0001 }, c), undefined);
 * assert.equal(fundingRule({ fundingTime: 1637193600017, rate: 1 }, c)!.kind, "funding rate out of bounds");
 * assert.equal(fundingRule({ fundingTime: 1637193600017 + 3_600_000, rate: 0 }, c)!.kind, "funding time off the funding grid");
 * ```
 */
export function fundingRule(
  f: {
    readonly fundingTime: number;
    readonly rate: number;
    readonly markPrice?: number | null | undefined;
  },
  c: TimeContext,
  options: {
    readonly intervalMs?: number | undefined;
    readonly toleranceMs?: number | undefined;
    readonly maxAbsRate?: number | undefined;
  } = {},
): RuleProblem | undefined {
  const t = timeRule(f.fundingTime, c);
  if (t !== undefined) return t;
  const interval = options.intervalMs ?? PERP_RULE_DEFAULTS.fundingIntervalMs;
  const tol = options.toleranceMs ?? PERP_RULE_DEFAULTS.fundingGridToleranceMs;
  const off = ((f.fundingTime % interval) + interval) % interval;
  if (Math.min(off, interval - off) > tol) {
    return {
      kind: REASONS.offFundingGrid,
      detail: `funding time ${iso(f.fundingTime)} is ${Math.min(off, interval - off)} ms from ` +
        `the ${interval / 3_600_000}h funding grid (tolerance ${tol} ms)`,
    };
  }
  if (!Number.isFinite(f.rate)) {
    return { kind: REASONS.rateNotFinite, detail: `rate ${f.rate} at ${iso(f.fundingTime)}` };
  }
  const max = options.maxAbsRate ?? PERP_RULE_DEFAULTS.maxAbsFundingRate;
  if (Math.abs(f.rate) > max) {
    return {
      kind: REASONS.rateOutOfBounds,
      detail: `|rate| ${Math.abs(f.rate)} > ${max} at ${iso(f.fundingTime)} (a percentage read ` +
        "as a fraction?)",
    };
  }
  if (f.markPrice !== undefined && f.markPrice !== null) {
    return priceRule("mark price", f.markPrice);
  }
  return undefined;
}

/**
 * The first rule one mark-price, index-price or premium-index kline breaks, or undefined: time
 * plausible and on the bar grid, prices finite (and > 0 except for the premium index, which
 * is a signed spread), high >= low, open and close within [low, high].
 *
 * @example
 * ```ts
 * import { perpKlineRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000, t = Date.UTC(2024, 0, 1), c = timeContext("binance_futures", t + h, h);
 * const k = { ts: t, open: -0.0002, high: 0.0001, low: -0.0003, close: 0 };
 * assert.equal(perpKlineRule(k, "premium", h, c), undefined);
 * assert.equal(perpKlineRule(k, "mark", h, c)!.kind, "non-positive price");
 * assert.equal(perpKlineRule({ ...k, high: -1 }, "premium", h, c)!.kind, "high < low");
 * ```
 */
export function perpKlineRule(
  k: {
    readonly ts: number;
    readonly open: number;
    readonly high: number;
    readonly low: number;
    readonly close: number;
  },
  kind: "mark" | "index" | "premium",
  stepMs: number,
  c: TimeContext,
): RuleProblem | undefined {
  const t = timeRule(k.ts, c);
  if (t !== undefined) return t;
  if (k.ts % stepMs !== 0) {
    return {
      kind: REASONS.offGrid,
      detail: `time ${iso(k.ts)} is not a multiple of the bar length ${stepMs} ms`,
    };
  }
  for (const name of ["open", "high", "low", "close"] as const) {
    const v = k[name];
    const p = kind === "premium"
      ? (Number.isFinite(v)
        ? undefined
        : { kind: REASONS.priceNotFinite, detail: `${name} ${v} is not a finite number` })
      : priceRule(name, v);
    if (p !== undefined) return p;
  }
  const { open: o, high: h, low: l, close: cl } = k;
  if (h < l) return { kind: REASONS.highBelowLow, detail: `high ${h} < low ${l}` };
  if (o < l || o > h) return { kind: REASONS.openOutside, detail: `open ${o} not in [${l}, ${h}]` };
  if (cl < l || cl > h) {
    return { kind: REASONS.closeOutside, detail: `close ${cl} not in [${l}, ${h}]` };
  }
  return undefined;
}

/**
 * The first rule one open-interest observation breaks, or undefined: time plausible, open
 * interest (and its value, when given) finite and >= 0.
 *
 * @example
 * ```ts
 * import { openInterestRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1), c = timeContext("binance_futures", t, 0);
 * assert.equal(openInterestRule({ ts: t, openInterest: 20403.6, openInterestValue: 1.5e8 }, c), undefined);
 * assert.equal(openInterestRule({ ts: t, openInterest: -1 }, c)!.kind, "negative open interest");
 * ```
 */
export function openInterestRule(
  o: {
    readonly ts: number;
    readonly openInterest: number;
    readonly openInterestValue?: number | null | undefined;
  },
  c: TimeContext,
): RuleProblem | undefined {
  const t = timeRule(o.ts, c);
  if (t !== undefined) return t;
  for (
    const [name, v] of [["open interest", o.openInterest], [
      "open interest value",
      o.openInterestValue,
    ]] as const
  ) {
    if (v === undefined || v === null) continue;
    if (!Number.isFinite(v)) {
      return { kind: REASONS.openInterestNotFinite, detail: `${name} ${v} at ${iso(o.ts)}` };
    }
    if (v < 0) {
      return { kind: REASONS.negativeOpenInterest, detail: `${name} ${v} < 0 at ${iso(o.ts)}` };
    }
  }
  return undefined;
}

/**
 * The first rule one liquidation order breaks, or undefined: side `buy` or `sell`, price and
 * quantity finite and > 0, average price and filled quantities finite and >= 0, filled
 * quantity not above the quantity, time plausible.
 *
 * @example
 * ```ts
 * import { liquidationRule, timeContext } from "@lib/ingest/gates/rules.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1), c = timeContext("binance_futures", t, 5000);
 * const o = { ts: t, side: "sell", price: 9910, avgPrice: 9910, qty: 0.014, lastFilledQty: 0.014, filledQty: 0.014 };
 * assert.equal(liquidationRule(o, c), undefined);
 * assert.equal(liquidationRule({ ...o, side: "SHORT" }, c)!.kind, "bad liquidation order");
 * assert.equal(liquidationRule({ ...o, qty: 0 }, c)!.kind, "non-positive quantity");
 * ```
 */
export function liquidationRule(
  o: {
    readonly ts: number;
    readonly side: string;
    readonly price: number;
    readonly avgPrice: number;
    readonly qty: number;
    readonly lastFilledQty: number;
    readonly filledQty: number;
  },
  c: TimeContext,
): RuleProblem | undefined {
  if (o.side !== "buy" && o.side !== "sell") {
    return { kind: REASONS.badLiquidation, detail: `side "${o.side}" is neither buy nor sell` };
  }
  const p = priceRule("price", o.price);
  if (p !== undefined) return p;
  if (!Number.isFinite(o.qty)) {
    return { kind: REASONS.qtyNotFinite, detail: `quantity ${o.qty} is not a finite number` };
  }
  if (o.qty <= 0) return { kind: REASONS.nonPositiveQty, detail: `quantity ${o.qty} <= 0` };
  for (
    const [name, v] of [["average price", o.avgPrice], ["last filled quantity", o.lastFilledQty], [
      "filled quantity",
      o.filledQty,
    ]] as const
  ) {
    if (!Number.isFinite(v) || v < 0) {
      return { kind: REASONS.badLiquidation, detail: `${name} ${v} is not a finite number >= 0` };
    }
  }
  if (o.filledQty > o.qty * (1 + 1e-9)) {
    return {
      kind: REASONS.badLiquidation,
      detail: `filled quantity ${o.filledQty} > quantity ${o.qty}`,
    };
  }
  return timeRule(o.ts, c);
}
