/**
 * Binance USDT-M perpetual data beyond trades and candles: mark-price, index-price and
 * premium-index klines (`/fapi/v1/markPriceKlines`, `/fapi/v1/indexPriceKlines`,
 * `/fapi/v1/premiumIndexKlines`), open-interest history (`/futures/data/openInterestHist`)
 * and the liquidation stream (`<symbol>@forceOrder`, lib/providers/binance_futures_ws.ts).
 * Funding history is `fetchFunding` of {@link BinanceRest}.
 *
 * {@link BinanceFuturesVenue} is what the registry builds for `binance_futures`: the trade
 * REST + stream venue plus these methods, so every kind goes through the same chain (rate
 * limiter keyed by `fapi.binance.com`, retries, breaker). Base URLs: `CRYPTOLAB_BINANCE_FUTURES_URL`
 * (REST) and `CRYPTOLAB_BINANCE_FUTURES_WS_URL` (stream). Payload shapes: Binance's USDS-M
 * futures docs (https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api);
 * every payload is validated with zod and a mismatch is a `ProviderError` of kind `parse`.
 *
 * Binance keeps only the last 30 days of open-interest history (`openInterestHist` refuses an
 * older `startTime`), so open interest is collected forward, not backfilled years back.
 *
 * @module
 */
import { z } from "zod";
import { baseUrl, getJson } from "./http.ts";
import { decimal, msInt } from "./binance_schemas.ts";
import { BinanceVenue, type BinanceVenueOptions } from "./binance_ws.ts";
import {
  BinanceLiquidationStream,
  type LiquidationStream,
  type LiquidationStreamSource,
} from "./binance_futures_ws.ts";
import type { StreamProblem } from "./binance_ws.ts";

/** Which computed price a perp kline follows. */
export type PerpKlineKind = "mark" | "index" | "premium";

/** Intervals of the perp price klines (Binance's, without `1s`, `3d`, `1w`, `1M`). */
export const PERP_INTERVALS = [
  "1m",
  "3m",
  "5m",
  "15m",
  "30m",
  "1h",
  "2h",
  "4h",
  "6h",
  "8h",
  "12h",
  "1d",
] as const; // deno-fmt-ignore
/** One of {@link PERP_INTERVALS}. */
export type PerpInterval = typeof PERP_INTERVALS[number];

/** Length of each {@link PerpInterval}, ms. */
export const PERP_INTERVAL_MS: Readonly<Record<PerpInterval, number>> = {
  "1m": 60_000,
  "3m": 180_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
}; // deno-fmt-ignore

/** Periods of `openInterestHist`. */
export const OI_PERIODS = ["5m", "15m", "30m", "1h", "2h", "4h", "6h", "12h", "1d"] as const;
/** One of {@link OI_PERIODS}. */
export type OiPeriod = typeof OI_PERIODS[number];

/** Largest `limit` of the price-kline endpoints (1500) and of `openInterestHist` (500). */
export const PERP_LIMITS = { klines: 1500, openInterest: 500 } as const;

/** Binance's path of each price kind, and the query parameter naming the instrument. */
const KLINE_PATHS: Readonly<Record<PerpKlineKind, { path: string; param: "symbol" | "pair" }>> = {
  mark: { path: "/fapi/v1/markPriceKlines", param: "symbol" },
  index: { path: "/fapi/v1/indexPriceKlines", param: "pair" },
  premium: { path: "/fapi/v1/premiumIndexKlines", param: "symbol" },
};

/**
 * One row of a mark/index/premium kline page: open time, OHLC, then placeholders (volume
 * fields are `"0"` and the count is the number of basic data points). Only the first 7
 * fields are read; the rest may be anything.
 */
export const perpKlineRow = z.tuple([msInt, decimal, decimal, decimal, decimal, z.unknown(), msInt])
  .rest(z.unknown());
/** A page of perp price klines. */
export const perpKlines = z.array(perpKlineRow);

/** One row of `/futures/data/openInterestHist` (the docs send `timestamp` as a string or number). */
export const openInterestRow = z.object({
  symbol: z.string().min(1),
  sumOpenInterest: decimal,
  sumOpenInterestValue: decimal,
  timestamp: z.union([msInt, z.string().regex(/^\d+$/).transform(Number).pipe(msInt)]),
});
/** A page of open-interest history. */
export const openInterestRows = z.array(openInterestRow);

/** A page of perp price klines as columns, oldest first. */
export interface PerpKlinePage {
  readonly symbol: string;
  readonly kind: PerpKlineKind;
  readonly interval: PerpInterval;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** Open time of the next kline to ask for, or undefined when the range is exhausted. */
  readonly nextStartTime: number | undefined;
}

/** Perp price klines (the `perp_klines` kind of the registry). */
export interface PerpKlineSource {
  readonly id: string;
  fetchPerpKlines(req: {
    readonly symbol: string;
    readonly kind: PerpKlineKind;
    readonly interval: PerpInterval;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<PerpKlinePage>;
}

/** One open-interest observation as the venue reports it. */
export interface OpenInterestPoint {
  readonly ts: number;
  readonly openInterest: number;
  readonly openInterestValue: number;
}

/** Open-interest history (the `open_interest` kind of the registry). */
export interface OpenInterestSource {
  readonly id: string;
  fetchOpenInterest(req: {
    readonly symbol: string;
    readonly period: OiPeriod;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<OpenInterestPoint[]>;
}

/**
 * The `binance_futures` venue: REST (trades, candles, quotes, funding), the trade stream, perp
 * price klines, open interest and the liquidation stream.
 *
 * @example Mark-price klines from a local server; the still-open last kline is dropped
 * ```ts
 * import { BinanceFuturesVenue } from "@lib/providers/binance_futures.ts";
 * import assert from "node:assert/strict";
 * const urls: string[] = [];
 * const fetch = (url: string) => {
 *   urls.push(url);
 *   return Promise.resolve(Response.json([
 *     [0, "9653.29", "9654.56", "9653.07", "9653.07", "0", 59_999, "0", 60, "0", "0", "0"],
 *     [60_000, "9653.07", "9655", "9650", "9651", "0", 119_999, "0", 60, "0", "0", "0"],
 *   ]));
 * };
 * const v = new BinanceFuturesVenue({ fetch, baseUrl: "http://127.0.0.1:1", now: () => 100_000 });
 * const page = await v.fetchPerpKlines({ symbol: "BTCUSDT", kind: "index", interval: "1m", startTime: 0 });
 * assert.deepEqual([...page.close], [9653.07]);
 * assert.equal(urls[0], "http://127.0.0.1:1/fapi/v1/indexPriceKlines?pair=BTCUSDT&interval=1m&startTime=0&limit=1500");
 * ```
 */
export class BinanceFuturesVenue extends BinanceVenue
  implements PerpKlineSource, OpenInterestSource, LiquidationStreamSource {
  readonly #opts: BinanceVenueOptions;

  constructor(options: Omit<BinanceVenueOptions, "market"> = {}) {
    super({ ...options, market: "futures" });
    this.#opts = options;
  }

  #get<T extends z.ZodType>(
    path: string,
    params: Record<string, string | number | undefined>,
    schema: T,
  ) {
    const q = Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    return getJson(this.id, `${this.base}${path}?${q}`, schema, {
      fetch: this.#opts.fetch,
      timeoutMs: this.#opts.timeoutMs,
      gate: this.#opts.gate,
      now: this.#opts.now ?? Date.now,
    });
  }

  /** One page of mark/index/premium klines, oldest first, without the still-open last one. */
  async fetchPerpKlines(req: {
    readonly symbol: string;
    readonly kind: PerpKlineKind;
    readonly interval: PerpInterval;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<PerpKlinePage> {
    const where = KLINE_PATHS[req.kind];
    if (where === undefined) {
      throw new RangeError(
        `Cannot fetch perp klines: kind must be mark, index or premium, got ${req.kind}`,
      );
    }
    const step = PERP_INTERVAL_MS[req.interval];
    if (step === undefined) {
      throw new RangeError(
        `Cannot fetch perp klines: interval must be one of ${
          PERP_INTERVALS.join(", ")
        }, got ${req.interval}`,
      );
    }
    const limit = req.limit ?? PERP_LIMITS.klines;
    if (!Number.isInteger(limit) || limit < 1 || limit > PERP_LIMITS.klines) {
      throw new RangeError(
        `Cannot fetch perp klines: limit must be an integer in [1, 1500], got ${limit}`,
      );
    }
    const { data } = await this.#get(where.path, {
      [where.param]: req.symbol,
      interval: req.interval,
      startTime: req.startTime,
      endTime: req.endTime,
      limit,
    }, perpKlines);
    const now = (this.#opts.now ?? Date.now)();
    let n = data.length;
    while (n > 0 && data[n - 1]![6] > now) n--;
    const col = () => new Float64Array(n);
    const page = {
      symbol: req.symbol,
      kind: req.kind,
      interval: req.interval,
      ts: col(),
      open: col(),
      high: col(),
      low: col(),
      close: col(),
    };
    for (let i = 0; i < n; i++) {
      const k = data[i]!;
      page.ts[i] = k[0];
      page.open[i] = k[1];
      page.high[i] = k[2];
      page.low[i] = k[3];
      page.close[i] = k[4];
    }
    let nextStartTime: number | undefined;
    if (data.length >= limit && n === data.length && n > 0) {
      const next = page.ts[n - 1]! + step;
      nextStartTime = req.endTime !== undefined && next > req.endTime ? undefined : next;
    }
    return { ...page, nextStartTime };
  }

  /** Open-interest history of one perp, oldest first (Binance keeps the last 30 days). */
  async fetchOpenInterest(req: {
    readonly symbol: string;
    readonly period: OiPeriod;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<OpenInterestPoint[]> {
    if (!(OI_PERIODS as readonly string[]).includes(req.period)) {
      throw new RangeError(
        `Cannot fetch open interest: period must be one of ${
          OI_PERIODS.join(", ")
        }, got ${req.period}`,
      );
    }
    const limit = req.limit ?? PERP_LIMITS.openInterest;
    if (!Number.isInteger(limit) || limit < 1 || limit > PERP_LIMITS.openInterest) {
      throw new RangeError(
        `Cannot fetch open interest: limit must be an integer in [1, 500], got ${limit}`,
      );
    }
    const { data } = await this.#get("/futures/data/openInterestHist", {
      symbol: req.symbol,
      period: req.period,
      startTime: req.startTime,
      endTime: req.endTime,
      limit,
    }, openInterestRows);
    return data.map((r) => ({
      ts: r.timestamp,
      openInterest: r.sumOpenInterest,
      openInterestValue: r.sumOpenInterestValue,
    })).sort((a, b) => a.ts - b.ts);
  }

  /** The `<symbol>@forceOrder` streams of `symbols` as one {@link LiquidationStream}. */
  openLiquidationStream(req: {
    readonly symbols: readonly string[];
    readonly onProblem?: (problem: StreamProblem) => void;
  }): LiquidationStream {
    return new BinanceLiquidationStream({
      symbols: req.symbols,
      wsUrl: baseUrl("BINANCE_FUTURES_WS", "wss://fstream.binance.com", this.#opts.wsUrl),
      ...(this.#opts.now !== undefined ? { now: this.#opts.now } : {}),
      ...(req.onProblem !== undefined ? { onProblem: req.onProblem } : {}),
    });
  }
}
