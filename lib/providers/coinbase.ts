/**
 * Coinbase's public Exchange API (keyless): product ticker as spot quotes, product candles as
 * bars.
 *
 * Candles come back newest first, at most 300 per request, and include the bucket still
 * forming: pages are time windows of at most 300 buckets, returned ascending with only closed
 * buckets. Base URL: `CRYPTOLAB_COINBASE_URL`, default `https://api.exchange.coinbase.com`.
 *
 * @module
 */
import { z } from "zod";
import type { Freq } from "../core/freq.ts";
import { allocBars } from "../core/types.ts";
import { baseUrl, getJson } from "./http.ts";
import type {
  CandlePage,
  CandleSource,
  Fetch,
  ProviderContext,
  RequestGate,
  SpotQuote,
  SpotQuoteSource,
} from "./types.ts";

/** Coinbase Exchange's public API when neither an override nor the env var is set. */
export const COINBASE_DEFAULT_URL = "https://api.exchange.coinbase.com";

/** Candle `granularity` (seconds) per frequency; Coinbase has no 1-second or 4-hour candles. */
export const COINBASE_GRANULARITY_S: Readonly<Partial<Record<Freq, number>>> = {
  "1m": 60,
  "5m": 300,
  "15m": 900,
  "1h": 3600,
  "1d": 86400,
};

/** Most candles Coinbase returns for one request. */
export const COINBASE_MAX_CANDLES = 300;

const PROVIDER = "coinbase";
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decimal = z.string().refine((s) => DECIMAL.test(s) && Number.isFinite(Number(s)), {
  message: "expected a finite decimal number in a string",
}).transform(Number);
const finite = z.number().refine(Number.isFinite, { message: "expected a finite number" });
const isoTime = z.string().refine((s) => Number.isFinite(Date.parse(s)), {
  message: "expected an ISO 8601 time",
}).transform((s) => Date.parse(s));

const tickerSchema = z.object({
  price: decimal,
  bid: decimal.optional(),
  ask: decimal.optional(),
  volume: decimal.optional(),
  time: isoTime.optional(),
});
const candlesSchema = z.array(z.tuple([finite, finite, finite, finite, finite, finite]));

/**
 * Coinbase spot market data from the public Exchange API.
 *
 * @example Parse a ticker served by an injected fetch
 * ```ts
 * import { CoinbaseProvider } from "@lib/providers/coinbase.ts";
 * import assert from "node:assert/strict";
 * const body = JSON.stringify({
 *   trade_id: 1, price: "64000.5", size: "0.1", bid: "64000.1", ask: "64000.9",
 *   volume: "1234.5", time: "2024-04-04T00:00:00.000Z",
 * });
 * const cb = new CoinbaseProvider({ fetch: () => Promise.resolve(new Response(body)) });
 * const [q] = await cb.fetchQuotes(["BTC-USD"]);
 * assert.equal(q?.price, 64000.5);
 * assert.equal(q?.ts, Date.UTC(2024, 3, 4));
 * ```
 */
export class CoinbaseProvider implements SpotQuoteSource, CandleSource {
  readonly id = "coinbase";
  readonly #base: string;
  readonly #fetch: Fetch | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #gate: RequestGate | undefined;
  readonly #now: () => number;

  /** Build from a context (fetch, base URL override, timeout, clock). */
  constructor(ctx: ProviderContext = {}) {
    this.#base = baseUrl("COINBASE", COINBASE_DEFAULT_URL, ctx.baseUrl);
    this.#fetch = ctx.fetch;
    this.#timeoutMs = ctx.timeoutMs;
    this.#gate = ctx.gate;
    this.#now = ctx.now ?? Date.now;
  }

  #get<S extends z.ZodType>(url: string, schema: S) {
    return getJson(PROVIDER, url, schema, {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      gate: this.#gate,
      now: this.#now,
    });
  }

  /**
   * Last trade price, best bid and ask, 24-hour volume and the time of the last trade, one
   * request per product id (`BTC-USD`), in the order asked.
   */
  async fetchQuotes(symbols: readonly string[]): Promise<SpotQuote[]> {
    const out: SpotQuote[] = [];
    for (const symbol of symbols) {
      const url = `${this.#base}/products/${encodeURIComponent(symbol)}/ticker`;
      const { data } = await this.#get(url, tickerSchema);
      out.push({
        venue: this.id,
        symbol,
        ts: data.time ?? this.#now(),
        price: data.price,
        bid: data.bid,
        ask: data.ask,
        volume24h: data.volume,
      });
    }
    return out;
  }

  /**
   * Closed candles in one window of at most 300 buckets (fewer with `limit`) starting at
   * `startTime` (ms) and clipped to `endTime`, ascending. `nextStartTime` opens the following
   * window, or is undefined once `endTime` or the present is reached. Without `startTime` the
   * latest closed candles are returned and the range ends there.
   */
  async fetchCandles(req: {
    readonly symbol: string;
    readonly freq: Freq;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<CandlePage> {
    const g = COINBASE_GRANULARITY_S[req.freq];
    if (g === undefined) {
      throw new RangeError(
        `Cannot fetch Coinbase candles at ${req.freq}: Coinbase offers 1m, 5m, 15m, 1h, 1d`,
      );
    }
    const step = g * 1000;
    const n = Math.min(req.limit ?? COINBASE_MAX_CANDLES, COINBASE_MAX_CANDLES);
    if (!(n >= 1)) {
      throw new RangeError(`Cannot fetch Coinbase candles: limit must be >= 1, got ${req.limit}`);
    }
    const endTime = req.endTime ?? Infinity;
    if (req.startTime !== undefined && endTime < req.startTime) {
      throw new RangeError(
        `Cannot fetch Coinbase candles: endTime ${endTime} is before startTime ${req.startTime}`,
      );
    }
    const now = this.#now();
    let url = `${this.#base}/products/${encodeURIComponent(req.symbol)}/candles?granularity=${g}`;
    let lo = -Infinity;
    let hi = endTime;
    if (req.startTime !== undefined) {
      lo = Math.ceil(req.startTime / step) * step; // buckets are aligned to the granularity
      hi = Math.min(lo + (n - 1) * step, endTime);
      if (hi < lo) { // no bucket opens inside [startTime, endTime]
        const empty = allocBars({ venue: this.id, symbol: req.symbol, freq: req.freq }, 0);
        return { bars: empty, nextStartTime: undefined };
      }
      const start = new Date(lo).toISOString();
      const end = new Date(hi).toISOString();
      url += `&start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
    }
    const { data } = await this.#get(url, candlesSchema);
    // Newest first from Coinbase; keep closed buckets in the window, ascending, no duplicates.
    const ts: number[] = [];
    const rowOf = new Map<number, number>();
    for (let i = 0; i < data.length; i++) {
      const t = data[i]![0] * 1000;
      if (t < lo || t > hi || t + step > now || rowOf.has(t)) continue;
      rowOf.set(t, i);
      ts.push(t);
    }
    ts.sort((a, b) => a - b);
    const first = req.startTime === undefined ? Math.max(0, ts.length - n) : 0;
    const count = Math.min(ts.length - first, n);
    const bars = allocBars({ venue: this.id, symbol: req.symbol, freq: req.freq }, count);
    for (let j = 0; j < count; j++) {
      const t = ts[first + j]!;
      const row = data[rowOf.get(t)!]!;
      bars.ts[j] = t;
      bars.low[j] = row[1];
      bars.high[j] = row[2];
      bars.open[j] = row[3];
      bars.close[j] = row[4];
      bars.volume[j] = row[5];
    }
    let nextStartTime: number | undefined;
    if (req.startTime !== undefined) {
      const next = hi + step;
      nextStartTime = next <= endTime && next + step <= now ? next : undefined;
    }
    return { bars, nextStartTime };
  }
}
