/**
 * Binance spot and USDT-M futures public REST: klines (trade or mark price), aggregate and
 * raw trades, last prices and best bid/ask, funding-rate history, the symbol list and 24-hour
 * tickers (for `top:N` universes).
 *
 * One class, {@link BinanceRest}, serves both markets (`market: "spot" | "futures"`); it never
 * places orders and needs no key. Base URLs come from `CRYPTOLAB_BINANCE_URL` (default
 * https://api.binance.com) and `CRYPTOLAB_BINANCE_FUTURES_URL` (default https://fapi.binance.com),
 * so tests and mirrors can replace them. Every payload is validated with the zod schemas in
 * `binance_schemas.ts`; a payload that does not match is a `ProviderError` of kind `parse`
 * carrying the raw text.
 *
 * @module
 */
import { type Freq, freqMs } from "../core/freq.ts";
import { allocBars, type TradeColumns } from "../core/types.ts";
import { baseUrl, getJson } from "./http.ts";
import * as S from "./binance_schemas.ts";
import type {
  CandlePage,
  CandleSource,
  Fetch,
  FundingRate,
  FundingSource,
  ProviderContext,
  RequestGate,
  SpotQuote,
  SpotQuoteSource,
  TradePage,
  TradeSource,
} from "./types.ts";
import type { z } from "zod";

/** Which Binance market a {@link BinanceRest} talks to. */
export type BinanceMarket = "spot" | "futures";

/** Default public base URLs of each market. */
export const BINANCE_DEFAULT_URLS: Readonly<Record<BinanceMarket, string>> = {
  spot: "https://api.binance.com",
  futures: "https://fapi.binance.com",
};

/** Largest `limit` each market accepts on `/klines` (spot 1000, futures 1500). */
export const BINANCE_MAX_KLINES: Readonly<Record<BinanceMarket, number>> = {
  spot: 1000,
  futures: 1500,
};

/**
 * Published per-minute REQUEST_WEIGHT budget per IP (spot: 6000 since 2023-08, as
 * `/api/v3/exchangeInfo` `rateLimits` reports; futures: 2400).
 */
export const BINANCE_WEIGHT_PER_MINUTE: Readonly<Record<BinanceMarket, number>> = {
  spot: 6000,
  futures: 2400,
};

/** What a request weight may depend on. */
export interface WeightParams {
  /** The `limit` query parameter, when sent. */
  readonly limit?: number | undefined;
  /** How many symbols were asked for: 1 for `symbol=`, n for `symbols=[...]`, 0 for all. */
  readonly symbols?: number | undefined;
}

/** Spot and futures ticker endpoints weigh by how many symbols they return. */
function bySymbols(one: number, all: number) {
  return (p: WeightParams) => (p.symbols === 1 ? one : all);
}

/** USDT-M klines weigh by `limit`: [1,100) 1, [100,500) 2, [500,1000] 5, > 1000 10. */
function futuresKlineWeight(p: WeightParams): number {
  const limit = p.limit ?? 500; // Binance's default
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

/**
 * Binance's published request weight of every endpoint this provider calls, by URL path, for
 * the per-host rate limiter.
 *
 * Sources (checked 2026-11): spot "Market data endpoints" of the Binance Spot API docs
 * (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints;
 * klines "Weight: 2", aggTrades 4, trades and historicalTrades 25, ticker/price and
 * ticker/bookTicker 2 for one symbol and 4 for several or all, ticker/24hr 2 for 1-20 symbols,
 * 40 for 21-100, 80 for more or all, exchangeInfo 20) and the USDS-M futures market-data pages
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Kline-Candlestick-Data
 * and Mark-Price-Kline-Candlestick-Data: weight by LIMIT [1,100) 1, [100,500) 2, [500,1000] 5,
 * > 1000 10; Get-Funding-Rate-History: not in the weight budget but "share 500/5min/IP rate
 * limit with GET /fapi/v1/fundingInfo", counted here as 1 and bounded separately by
 * {@link BINANCE_FUNDING_REQUESTS_PER_5MIN}).
 *
 * @example Weigh a request before sending it
 * ```ts
 * import { BINANCE_REQUEST_WEIGHTS } from "@lib/providers/binance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(BINANCE_REQUEST_WEIGHTS["/api/v3/klines"]!({ limit: 1000 }), 2);
 * assert.equal(BINANCE_REQUEST_WEIGHTS["/fapi/v1/klines"]!({ limit: 1500 }), 10);
 * assert.equal(BINANCE_REQUEST_WEIGHTS["/api/v3/ticker/24hr"]!({ symbols: 0 }), 80);
 * ```
 */
export const BINANCE_REQUEST_WEIGHTS: Readonly<Record<string, (p: WeightParams) => number>> = {
  "/api/v3/klines": () => 2,
  "/api/v3/aggTrades": () => 4,
  "/api/v3/trades": () => 25,
  "/api/v3/historicalTrades": () => 25,
  "/api/v3/ticker/price": bySymbols(2, 4),
  "/api/v3/ticker/bookTicker": bySymbols(2, 4),
  "/api/v3/ticker/24hr": (p) => {
    const n = p.symbols ?? 0;
    return n >= 1 && n <= 20 ? 2 : n >= 21 && n <= 100 ? 40 : 80;
  },
  "/api/v3/exchangeInfo": () => 20,
  "/fapi/v1/klines": futuresKlineWeight,
  "/fapi/v1/markPriceKlines": futuresKlineWeight,
  "/fapi/v1/indexPriceKlines": futuresKlineWeight,
  "/fapi/v1/premiumIndexKlines": futuresKlineWeight,
  // documented as its own IP budget (1000 requests per 5 minutes); counted as 1 here
  "/futures/data/openInterestHist": () => 1,
  "/fapi/v1/aggTrades": () => 20,
  "/fapi/v1/trades": () => 5,
  "/fapi/v1/historicalTrades": () => 20,
  "/fapi/v1/ticker/price": bySymbols(1, 2),
  "/fapi/v1/ticker/bookTicker": bySymbols(2, 5),
  "/fapi/v1/ticker/24hr": bySymbols(1, 40),
  "/fapi/v1/exchangeInfo": () => 1,
  "/fapi/v1/fundingRate": () => 1,
};

/** `/fapi/v1/fundingRate` has its own budget: 500 requests per 5 minutes per IP. */
export const BINANCE_FUNDING_REQUESTS_PER_5MIN = 500;

/**
 * The request weight of a Binance URL, read from its path and query, or undefined when the
 * path is not in {@link BINANCE_REQUEST_WEIGHTS}.
 *
 * @example
 * ```ts
 * import { binanceRequestWeight } from "@lib/providers/binance.ts";
 * import assert from "node:assert/strict";
 * assert.equal(binanceRequestWeight("https://fapi.binance.com/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=99"), 1);
 * assert.equal(binanceRequestWeight('https://api.binance.com/api/v3/ticker/price?symbols=["A","B"]'), 4);
 * assert.equal(binanceRequestWeight("https://api.binance.com/api/v3/order"), undefined);
 * ```
 */
export function binanceRequestWeight(url: string): number | undefined {
  const u = new URL(url);
  const weigh = BINANCE_REQUEST_WEIGHTS[u.pathname.replace(/\/+$/, "")];
  if (weigh === undefined) return undefined;
  const limit = u.searchParams.get("limit");
  const many = u.searchParams.get("symbols");
  let symbols = 0;
  if (u.searchParams.has("symbol")) symbols = 1;
  else if (many !== null) {
    try {
      const list: unknown = JSON.parse(many);
      symbols = Array.isArray(list) ? list.length : 0;
    } catch {
      symbols = 0;
    }
  }
  return weigh({ limit: limit === null ? undefined : Number(limit), symbols });
}

/** Options of {@link BinanceRest}. */
export interface BinanceOptions extends ProviderContext {
  /** `spot` (default, `/api/v3`) or `futures` (USDT-M, `/fapi/v1`). */
  readonly market?: BinanceMarket;
  /** Candles of traded prices (`trade`, default) or, on futures only, of the mark price. */
  readonly klines?: "trade" | "mark";
  /**
   * Trades as aggregate trades (`agg`, default; ids are aggregate ids) or raw trades (`raw`:
   * `/trades` for the latest page, `/historicalTrades?fromId=` when resuming).
   */
  readonly trades?: "agg" | "raw";
  /** Quotes from `ticker/price` (`last`, default) or `ticker/bookTicker` (`book`: price = mid). */
  readonly quotes?: "last" | "book";
}

/** One listed symbol from `exchangeInfo`. */
export interface BinanceSymbol {
  readonly symbol: string;
  /** `TRADING`, `BREAK`, `HALT`, `SETTLING`, ... */
  readonly status: string;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  /** Futures only: `PERPETUAL`, `CURRENT_QUARTER`, ... */
  readonly contractType: string | undefined;
}

/** One row of the 24-hour rolling ticker. */
export interface BinanceTicker24h {
  readonly symbol: string;
  readonly lastPrice: number;
  /** Base-asset volume over the last 24 hours. */
  readonly volume: number;
  /** Quote-asset volume over the last 24 hours (what `top:N` ranks by). */
  readonly quoteVolume: number;
  readonly closeTime: number;
}

const FREQ_INTERVAL: Readonly<Record<Freq, string>> = {
  "1s": "1s",
  "1m": "1m",
  "5m": "5m",
  "15m": "15m",
  "1h": "1h",
  "4h": "4h",
  "1d": "1d",
};

function checkLimit(what: string, limit: number, max: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(
      `Cannot fetch ${what}: limit must be an integer in [1, ${max}], got ${limit}`,
    );
  }
}

/** The columns of one page of trades (internal). */
interface TradeArrays {
  readonly tradeId: number[];
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  readonly side: Int8Array;
}

/** Columns from parsed trades of either payload (aggTrades or trades), through accessors. */
function tradeArrays<T>(
  data: readonly T[],
  id: (t: T) => number,
  time: (t: T) => number,
  px: (t: T) => number,
  q: (t: T) => number,
  buyerMaker: (t: T) => boolean,
): TradeArrays {
  const n = data.length;
  const tradeId = new Array<number>(n);
  const ts = new Float64Array(n), price = new Float64Array(n), qty = new Float64Array(n);
  const side = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const t = data[i]!;
    tradeId[i] = id(t);
    ts[i] = time(t);
    price[i] = px(t);
    qty[i] = q(t);
    side[i] = buyerMaker(t) ? -1 : 1; // the buyer was the maker: a sell hit the bid
  }
  return { tradeId, ts, price, qty, side };
}

/**
 * Binance public REST for one market, as a {@link CandleSource}, {@link TradeSource},
 * {@link SpotQuoteSource} and (futures only) {@link FundingSource}.
 *
 * Candles: the still-open last kline (close time after `now`) is dropped, so nothing that is
 * not final is ever stored; `nextStartTime` is the last open time plus one interval, or
 * undefined when fewer than `limit` rows came back, the open kline was reached, or `endTime`
 * is passed. Trades: side is -1 (seller aggressor) when the buyer was the maker, else +1;
 * `next` is the last id + 1 when the page was full, else undefined (caught up).
 *
 * @example Klines from an injected fetch
 * ```ts
 * import { BinanceRest } from "@lib/providers/binance.ts";
 * import assert from "node:assert/strict";
 * const urls: string[] = [];
 * const fetch = (url: string) => {
 *   urls.push(url);
 *   return Promise.resolve(new Response(JSON.stringify([
 *     [0, "1", "2", "0.5", "1.5", "10", 59_999, "15", 3, "4", "6", "0"],
 *     [60_000, "1.5", "2", "1", "1.8", "5", 119_999, "9", 2, "1", "2", "0"],
 *   ])));
 * };
 * const binance = new BinanceRest({ fetch, baseUrl: "http://127.0.0.1:1", now: () => 1e12 });
 * const page = await binance.fetchCandles({ symbol: "BTCUSDT", freq: "1m", startTime: 0, limit: 2 });
 * assert.deepEqual([...page.bars.close], [1.5, 1.8]);
 * assert.equal(page.nextStartTime, 120_000);
 * assert.equal(urls[0], "http://127.0.0.1:1/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=0&limit=2");
 * ```
 */
export class BinanceRest implements CandleSource, TradeSource, SpotQuoteSource, FundingSource {
  /** `binance` or `binance_futures` (the venue id in the store). */
  readonly id: string;
  readonly market: BinanceMarket;
  readonly base: string;
  readonly #fetch: Fetch | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #gate: RequestGate | undefined;
  readonly #now: () => number;
  readonly #klines: "trade" | "mark";
  readonly #trades: "agg" | "raw";
  readonly #quotes: "last" | "book";
  readonly #prefix: string;

  constructor(options: BinanceOptions = {}) {
    this.market = options.market ?? "spot";
    const futures = this.market === "futures";
    this.id = futures ? "binance_futures" : "binance";
    this.base = baseUrl(
      futures ? "BINANCE_FUTURES" : "BINANCE",
      BINANCE_DEFAULT_URLS[this.market],
      options.baseUrl,
    );
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs;
    this.#gate = options.gate;
    this.#now = options.now ?? Date.now;
    this.#klines = options.klines ?? "trade";
    if (this.#klines === "mark" && !futures) {
      throw new RangeError(
        'Cannot build a Binance spot provider with klines: "mark": mark-price klines exist ' +
          'only on USDT-M futures; pass market: "futures"',
      );
    }
    this.#trades = options.trades ?? "agg";
    this.#quotes = options.quotes ?? "last";
    this.#prefix = futures ? "/fapi/v1" : "/api/v3";
  }

  #url(path: string, params: Record<string, string | number | undefined>): string {
    const q = Object.entries(params)
      .filter((e): e is [string, string | number] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
      .join("&");
    return `${this.base}${this.#prefix}${path}${q ? `?${q}` : ""}`;
  }

  #get<T extends z.ZodType>(url: string, schema: T) {
    return getJson(this.id, url, schema, {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      gate: this.#gate,
      now: this.#now,
    });
  }

  /** One page of klines (or mark-price klines) of `symbol` at `freq`, oldest first. */
  async fetchCandles(req: {
    readonly symbol: string;
    readonly freq: Freq;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<CandlePage> {
    const max = BINANCE_MAX_KLINES[this.market];
    const limit = req.limit ?? max;
    checkLimit("Binance klines", limit, max);
    if (req.freq === "1s" && this.market === "futures") {
      throw new RangeError(
        "Cannot fetch Binance futures klines at 1s: USDT-M futures have no 1s interval; use 1m",
      );
    }
    const path = this.#klines === "mark" ? "/markPriceKlines" : "/klines";
    const url = this.#url(path, {
      symbol: req.symbol,
      interval: FREQ_INTERVAL[req.freq],
      startTime: req.startTime,
      endTime: req.endTime,
      limit,
    });
    const { data } = await this.#get(url, S.klines);
    const now = this.#now();
    let n = data.length;
    // Binance returns the current, still-open kline last; it is not final, so it is dropped.
    while (n > 0 && data[n - 1]![6] > now) n--;
    const bars = allocBars({ venue: this.id, symbol: req.symbol, freq: req.freq }, n);
    const mark = this.#klines === "mark";
    for (let i = 0; i < n; i++) {
      const k = data[i]!;
      bars.ts[i] = k[0];
      bars.open[i] = k[1];
      bars.high[i] = k[2];
      bars.low[i] = k[3];
      bars.close[i] = k[4];
      // Mark-price klines carry no volume: Binance sends placeholder zeros and an "ignore"
      // count, so volume stays 0 (the store needs one) and the rest is unknown (NaN).
      bars.volume[i] = k[5];
      bars.quoteVolume[i] = mark ? NaN : k[7];
      bars.tradeCount[i] = mark ? NaN : k[8];
      bars.vwap[i] = !mark && k[5] > 0 ? k[7] / k[5] : NaN;
    }
    let nextStartTime: number | undefined;
    if (data.length >= limit && n === data.length && n > 0) {
      const next = bars.ts[n - 1]! + freqMs(req.freq);
      nextStartTime = req.endTime !== undefined && next > req.endTime ? undefined : next;
    }
    return { bars, nextStartTime };
  }

  /** One page of trades of `symbol`, from trade id `from` (inclusive) or the latest. */
  async fetchTrades(req: {
    readonly symbol: string;
    readonly from?: number | string;
    readonly limit?: number;
  }): Promise<TradePage> {
    const limit = req.limit ?? (this.market === "futures" && this.#trades === "raw" ? 500 : 1000);
    checkLimit("Binance trades", limit, 1000);
    let fromId: number | undefined;
    if (req.from !== undefined) {
      fromId = Number(req.from);
      if (!Number.isSafeInteger(fromId) || fromId < 0) {
        throw new RangeError(
          `Cannot fetch Binance trades: from must be a non-negative integer trade id, got ${req.from}`,
        );
      }
    }
    let cols: TradeArrays;
    if (this.#trades === "agg") {
      const url = this.#url("/aggTrades", { symbol: req.symbol, fromId, limit });
      const { data } = await this.#get(url, S.aggTrades);
      cols = tradeArrays(data, (t) => t.a, (t) => t.T, (t) => t.p, (t) => t.q, (t) => t.m);
    } else {
      const path = fromId === undefined ? "/trades" : "/historicalTrades";
      const url = this.#url(path, { symbol: req.symbol, fromId, limit });
      const { data } = await this.#get(url, S.trades);
      cols = tradeArrays(
        data,
        (t) => t.id,
        (t) => t.time,
        (t) => t.price,
        (t) => t.qty,
        (t) => t.isBuyerMaker,
      );
    }
    const { tradeId, ts, price, qty, side } = cols;
    const trades: TradeColumns = {
      venue: this.id,
      symbol: req.symbol,
      tradeId,
      ts,
      price,
      qty,
      side,
    };
    const last = tradeId[tradeId.length - 1];
    return { trades, next: tradeId.length >= limit && last !== undefined ? last + 1 : undefined };
  }

  /**
   * Last prices (or, with `quotes: "book"`, best bid/ask with price = mid) of `symbols`, in the
   * order asked. A symbol the venue does not return is left out.
   */
  async fetchQuotes(symbols: readonly string[]): Promise<SpotQuote[]> {
    if (symbols.length === 0) return [];
    const one = symbols.length === 1 ? symbols[0] : undefined;
    // Spot takes a JSON array of symbols; futures takes one symbol or none (= all).
    const params = one !== undefined
      ? { symbol: one }
      : this.market === "spot"
      ? { symbols: JSON.stringify(symbols) }
      : {};
    const fetchedAt = this.#now();
    const quotes = new Map<string, SpotQuote>();
    if (this.#quotes === "book") {
      const { data } = await this.#get(this.#url("/ticker/bookTicker", params), S.bookTickers);
      for (const t of data) {
        quotes.set(t.symbol, {
          venue: this.id,
          symbol: t.symbol,
          ts: t.time ?? fetchedAt,
          price: (t.bidPrice + t.askPrice) / 2,
          bid: t.bidPrice,
          ask: t.askPrice,
          volume24h: undefined,
        });
      }
    } else {
      const { data } = await this.#get(this.#url("/ticker/price", params), S.tickerPrices);
      for (const t of data) {
        quotes.set(t.symbol, {
          venue: this.id,
          symbol: t.symbol,
          ts: t.time ?? fetchedAt,
          price: t.price,
          bid: undefined,
          ask: undefined,
          volume24h: undefined,
        });
      }
    }
    const out: SpotQuote[] = [];
    for (const s of symbols) {
      const q = quotes.get(s);
      if (q !== undefined) out.push(q);
    }
    return out;
  }

  /** Funding-rate history of a USDT-M perpetual (futures only), oldest first, up to 1000. */
  async fetchFunding(req: {
    readonly symbol: string;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<FundingRate[]> {
    if (this.market !== "futures") {
      throw new RangeError(
        'Cannot fetch funding rates from Binance spot: funding exists only on perpetuals; use market: "futures"',
      );
    }
    const limit = req.limit ?? 1000;
    checkLimit("Binance funding rates", limit, 1000);
    const url = this.#url("/fundingRate", {
      symbol: req.symbol,
      startTime: req.startTime,
      endTime: req.endTime,
      limit,
    });
    const { data } = await this.#get(url, S.fundingRates);
    return data.map((f) => ({
      venue: this.id,
      symbol: f.symbol,
      ts: f.fundingTime,
      rate: f.fundingRate,
      markPrice: f.markPrice,
    }));
  }

  /** Every listed symbol with its status, base and quote asset. */
  async fetchExchangeInfo(): Promise<BinanceSymbol[]> {
    const { data } = await this.#get(this.#url("/exchangeInfo", {}), S.exchangeInfo);
    return data.symbols.map((s) => ({
      symbol: s.symbol,
      status: s.status,
      baseAsset: s.baseAsset,
      quoteAsset: s.quoteAsset,
      contractType: s.contractType,
    }));
  }

  /**
   * The exchange's clock (UTC ms; weight 1). A cheap call that also tells whether the venue
   * answers at all: the demo probes it before choosing real data over the simulated market.
   */
  async fetchServerTime(): Promise<number> {
    const { data } = await this.#get(this.#url("/time", {}), S.serverTime);
    return data.serverTime;
  }

  /** 24-hour rolling tickers of every symbol (weight 80 on spot, 40 on futures). */
  async fetchTickers24h(): Promise<BinanceTicker24h[]> {
    const { data } = await this.#get(this.#url("/ticker/24hr", {}), S.tickers24h);
    return data.map((t) => ({
      symbol: t.symbol,
      lastPrice: t.lastPrice,
      volume: t.volume,
      quoteVolume: t.quoteVolume,
      closeTime: t.closeTime,
    }));
  }
}

/**
 * Assets pegged to a fiat currency; a pair of two of them (USDCUSDT, EURUSDT) is not a crypto
 * market worth researching and is left out of `top:N` universes.
 */
export const STABLE_ASSETS: ReadonlySet<string> = new Set([
  "USDT",
  "USDC",
  "BUSD",
  "TUSD",
  "USDP",
  "PAX",
  "DAI",
  "FDUSD",
  "USDD",
  "UST",
  "PYUSD",
  "USDS",
  "SUSD",
  "GUSD",
  "EUR",
  "AEUR",
  "EURI",
]);

const LEVERAGED_SUFFIX = /^(.+)(UP|DOWN|BULL|BEAR)$/;
/** The 3x BTC tokens Binance listed bare as BULL and BEAR (2020-2022). */
const LEVERAGED_BTC: ReadonlySet<string> = new Set(["BULL", "BEAR"]);

/**
 * The `n` symbols quoted in `quote` with the largest 24-hour quote volume, for `top:N`
 * universes.
 *
 * Keeps only symbols `exchangeInfo` lists as `TRADING` (and, on futures, perpetuals), and
 * drops stable/stable pairs ({@link STABLE_ASSETS}) and Binance's leveraged tokens (BTCUP,
 * ETHDOWN, BNBBULL, XRPBEAR: a base that is another listed base asset plus UP, DOWN, BULL or
 * BEAR, so JUP or SYRUP stay; and the bare BTC tokens BULL and BEAR). Ties break by symbol name so the result is deterministic.
 *
 * @example
 * ```ts
 * import { topSymbolsByQuoteVolume } from "@lib/providers/binance.ts";
 * import assert from "node:assert/strict";
 * const info = [
 *   { symbol: "BTCUSDT", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT", contractType: undefined },
 *   { symbol: "BTCUPUSDT", status: "TRADING", baseAsset: "BTCUP", quoteAsset: "USDT", contractType: undefined },
 *   { symbol: "USDCUSDT", status: "TRADING", baseAsset: "USDC", quoteAsset: "USDT", contractType: undefined },
 *   { symbol: "ETHUSDT", status: "TRADING", baseAsset: "ETH", quoteAsset: "USDT", contractType: undefined },
 *   { symbol: "LUNAUSDT", status: "BREAK", baseAsset: "LUNA", quoteAsset: "USDT", contractType: undefined },
 * ];
 * const t = (symbol: string, quoteVolume: number) => ({ symbol, quoteVolume, lastPrice: 1, volume: 1, closeTime: 0 });
 * const tickers = [t("BTCUSDT", 5e9), t("BTCUPUSDT", 9e9), t("USDCUSDT", 8e9), t("ETHUSDT", 3e9), t("LUNAUSDT", 7e9)];
 * assert.deepEqual(topSymbolsByQuoteVolume(tickers, info, 5, { quote: "USDT" }), ["BTCUSDT", "ETHUSDT"]);
 * ```
 */
export function topSymbolsByQuoteVolume(
  tickers: readonly Pick<BinanceTicker24h, "symbol" | "quoteVolume">[],
  exchangeInfo: readonly BinanceSymbol[],
  n: number,
  options: { readonly quote?: string } = {},
): string[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot pick top symbols: n must be a positive integer, got ${n}`);
  }
  const quote = options.quote ?? "USDT";
  const bases = new Set(exchangeInfo.map((s) => s.baseAsset));
  const eligible = new Set<string>();
  for (const s of exchangeInfo) {
    if (s.status !== "TRADING" || s.quoteAsset !== quote) continue;
    if (s.contractType !== undefined && s.contractType !== "PERPETUAL") continue;
    if (STABLE_ASSETS.has(s.baseAsset) && STABLE_ASSETS.has(s.quoteAsset)) continue;
    const lev = LEVERAGED_SUFFIX.exec(s.baseAsset);
    if (lev === null ? LEVERAGED_BTC.has(s.baseAsset) : bases.has(lev[1]!)) continue;
    eligible.add(s.symbol);
  }
  return tickers
    .filter((t) => eligible.has(t.symbol) && Number.isFinite(t.quoteVolume))
    .sort((a, b) => b.quoteVolume - a.quoteVolume || (a.symbol < b.symbol ? -1 : 1))
    .slice(0, n)
    .map((t) => t.symbol);
}
