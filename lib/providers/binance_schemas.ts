/**
 * zod schemas of the Binance spot (`/api/v3`) and USDT-M futures (`/fapi/v1`) REST payloads
 * cryptolab reads.
 *
 * Binance sends prices and quantities as decimal strings (`"60685.22000000"`) so that no
 * precision is lost in JSON; {@link decimal} converts them to numbers and rejects anything
 * that is not a finite decimal (an empty string, `"NaN"`, `"1e999"`), so a malformed payload
 * fails here, at the boundary, as a `parse` error with its raw text.
 *
 * @module
 */
import { z } from "zod";

const DECIMAL_RE = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/**
 * A decimal string converted to a finite number.
 *
 * @example Strings in, numbers out, garbage rejected
 * ```ts
 * import { decimal } from "@lib/providers/binance_schemas.ts";
 * import assert from "node:assert/strict";
 * assert.equal(decimal.parse("60685.22000000"), 60685.22);
 * assert.equal(decimal.safeParse("").success, false);
 * assert.equal(decimal.safeParse("NaN").success, false);
 * assert.equal(decimal.safeParse("1e999").success, false);
 * ```
 */
export const decimal = z
  .string()
  .regex(DECIMAL_RE, "expected a decimal number as a string")
  .transform(Number)
  .pipe(z.number().refine(Number.isFinite, "decimal is out of range"));

/** A millisecond timestamp or id: a non-negative safe integer. */
export const msInt = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * One kline row: `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades,
 * takerBuyBase, takerBuyQuote, ignore]`. Mark-price klines have the same shape with zeros in
 * the volume fields.
 *
 * @example
 * ```ts
 * import { klineRow } from "@lib/providers/binance_schemas.ts";
 * import assert from "node:assert/strict";
 * const row = klineRow.parse([0, "1", "2", "0.5", "1.5", "10", 59999, "15", 3, "4", "6", "0"]);
 * assert.equal(row[4], 1.5);
 * ```
 */
export const klineRow = z.tuple(
  [msInt, decimal, decimal, decimal, decimal, decimal, msInt, decimal, msInt, decimal, decimal],
  z.unknown(),
);

/** A page of klines. */
export const klines = z.array(klineRow);

/** One row of `/aggTrades`: aggregate id, price, qty, first/last trade id, time, buyer-maker. */
export const aggTrade = z.object({
  a: msInt,
  p: decimal,
  q: decimal,
  f: msInt,
  l: msInt,
  T: msInt,
  m: z.boolean(),
});

/** A page of aggregate trades. */
export const aggTrades = z.array(aggTrade);

/** One row of `/trades` or `/historicalTrades`. */
export const trade = z.object({
  id: msInt,
  price: decimal,
  qty: decimal,
  time: msInt,
  isBuyerMaker: z.boolean(),
});

/** A page of trades. */
export const trades = z.array(trade);

/** `/ticker/price` for one symbol (futures add `time`). */
export const tickerPrice = z.object({
  symbol: z.string().min(1),
  price: decimal,
  time: msInt.optional(),
});

/** `/ticker/price` for one symbol (an object) or several (an array). */
export const tickerPrices = z.union([tickerPrice.transform((t) => [t]), z.array(tickerPrice)]);

/** `/ticker/bookTicker` for one symbol (futures add `time`). */
export const bookTicker = z.object({
  symbol: z.string().min(1),
  bidPrice: decimal,
  bidQty: decimal,
  askPrice: decimal,
  askQty: decimal,
  time: msInt.optional(),
});

/** `/ticker/bookTicker` for one symbol (an object) or several (an array). */
export const bookTickers = z.union([bookTicker.transform((t) => [t]), z.array(bookTicker)]);

/** One row of `/ticker/24hr` (only the fields cryptolab uses). */
export const ticker24h = z.object({
  symbol: z.string().min(1),
  lastPrice: decimal,
  volume: decimal,
  quoteVolume: decimal,
  closeTime: msInt,
});

/** `/ticker/24hr` for one symbol (an object) or all (an array). */
export const tickers24h = z.union([ticker24h.transform((t) => [t]), z.array(ticker24h)]);

/** One symbol of `/exchangeInfo` (futures add `contractType`). */
export const exchangeSymbol = z.object({
  symbol: z.string().min(1),
  status: z.string().min(1),
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  contractType: z.string().optional(),
});

/** `/exchangeInfo` (only the symbol list). */
export const exchangeInfo = z.object({
  serverTime: msInt,
  symbols: z.array(exchangeSymbol),
});

/** One row of `/fapi/v1/fundingRate`; `markPrice` is absent or `""` on old rows. */
export const fundingRate = z.object({
  symbol: z.string().min(1),
  fundingRate: decimal,
  fundingTime: msInt,
  markPrice: z.union([z.literal("").transform(() => undefined), decimal]).optional(),
});

/** A page of funding rates. */
export const fundingRates = z.array(fundingRate);

/** `GET /api/v3/time` and `/fapi/v1/time`: the exchange clock in UTC ms. */
export const serverTime = z.object({ serverTime: z.number().int().nonnegative() });
