/**
 * Kraken's public REST API (keyless): Ticker as spot quotes, OHLC as candles, Trades with the
 * `since` cursor.
 *
 * Kraken answers HTTP 200 even for errors and wraps everything as `{error: [...], result}`: a
 * non-empty `error` array becomes a {@link ProviderError}: `rate_limited` for Kraken's
 * "too many requests" family; `http` with status 503 (so retryable) for `EService:*`
 * (`Unavailable`, `Busy`, `Deadline elapsed`: the service, not the request, failed); `http` with
 * status 400 (not retryable) for everything else, such as `EQuery:Unknown asset pair`. Results are keyed by Kraken's own pair name
 * (`XXBTZUSD` for a request of `XBTUSD`); the symbol is returned as the caller spelled it.
 * Base URL: `CRYPTOLAB_KRAKEN_URL`, default `https://api.kraken.com`.
 *
 * @module
 */
import { z } from "zod";
import { type Freq, freqMs } from "../core/freq.ts";
import { allocBars, type TradeColumns } from "../core/types.ts";
import { baseUrl, getJson } from "./http.ts";
import {
  type CandlePage,
  type CandleSource,
  type Fetch,
  type ProviderContext,
  ProviderError,
  type RequestGate,
  type SpotQuote,
  type SpotQuoteSource,
  type TradePage,
  type TradeSource,
} from "./types.ts";

/** Kraken's public API when neither an override nor `CRYPTOLAB_KRAKEN_URL` is set. */
export const KRAKEN_DEFAULT_URL = "https://api.kraken.com";

/** OHLC `interval` (minutes) per frequency; Kraken has no 1-second candles. */
export const KRAKEN_INTERVAL_MINUTES: Readonly<Partial<Record<Freq, number>>> = {
  "1m": 1,
  "5m": 5,
  "15m": 15,
  "1h": 60,
  "4h": 240,
  "1d": 1440,
};

const PROVIDER = "kraken";
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decimal = z.string().refine((s) => DECIMAL.test(s) && Number.isFinite(Number(s)), {
  message: "expected a finite decimal number in a string",
}).transform(Number);
const finite = z.number().refine(Number.isFinite, { message: "expected a finite number" });

const envelope = z.object({ error: z.array(z.string()), result: z.unknown().optional() });
const tickerEntry = z.object({
  a: z.tuple([decimal], z.string()),
  b: z.tuple([decimal], z.string()),
  c: z.tuple([decimal], z.string()),
  v: z.tuple([decimal, decimal]),
});
const tickerResult = z.record(z.string(), tickerEntry);
const ohlcRow = z.tuple([finite, decimal, decimal, decimal, decimal, decimal, decimal, finite]);
const ohlcRows = z.array(ohlcRow);
const ohlcLast = z.number().int();
const tradeRow = z.tuple(
  [decimal, decimal, finite, z.enum(["b", "s"]), z.string(), z.string()],
  z.number().int(),
);
const tradeRows = z.array(tradeRow);
const tradeLast = z.union([z.string().regex(/^\d+$/), z.number().int()]);
const RATE_LIMITED = /^(EGeneral:Too many requests|EAPI:Rate limit exceeded)/;
const SERVICE_DOWN = /^EService:/;

/**
 * Kraken spot market data: quotes, candles and trades of the public API.
 *
 * @example Parse a Ticker answer served by an injected fetch
 * ```ts
 * import { KrakenProvider } from "@lib/providers/kraken.ts";
 * import assert from "node:assert/strict";
 * const body = JSON.stringify({
 *   error: [],
 *   result: { XXBTZUSD: { a: ["101.5", "1", "1.000"], b: ["101.0", "2", "2.000"], c: ["101.2", "0.1"], v: ["5", "12.5"] } },
 * });
 * const kraken = new KrakenProvider({ fetch: () => Promise.resolve(new Response(body)), now: () => 7 });
 * const [q] = await kraken.fetchQuotes(["XBTUSD"]);
 * assert.deepEqual(q, { venue: "kraken", symbol: "XBTUSD", ts: 7, price: 101.2, bid: 101, ask: 101.5, volume24h: 12.5 });
 * ```
 */
export class KrakenProvider implements SpotQuoteSource, CandleSource, TradeSource {
  readonly id = "kraken";
  readonly #base: string;
  readonly #fetch: Fetch | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #gate: RequestGate | undefined;
  readonly #now: () => number;

  /** Build from a context (fetch, base URL override, timeout, clock). */
  constructor(ctx: ProviderContext = {}) {
    this.#base = baseUrl("KRAKEN", KRAKEN_DEFAULT_URL, ctx.baseUrl);
    this.#fetch = ctx.fetch;
    this.#timeoutMs = ctx.timeoutMs;
    this.#gate = ctx.gate;
    this.#now = ctx.now ?? Date.now;
  }

  /** GET a public endpoint and unwrap `{error, result}`: Kraken errors become ProviderErrors. */
  async #get(path: string, params: Record<string, string>): Promise<
    { url: string; raw: string; result: Record<string, unknown> }
  > {
    const url = `${this.#base}${path}?${new URLSearchParams(params)}`;
    const { data, raw } = await getJson(PROVIDER, url, envelope, {
      fetch: this.#fetch,
      timeoutMs: this.#timeoutMs,
      gate: this.#gate,
      now: this.#now,
    });
    if (data.error.length > 0) {
      const message = `Kraken error: ${data.error.join("; ")}`;
      if (data.error.some((e) => RATE_LIMITED.test(e))) {
        throw new ProviderError(PROVIDER, "rate_limited", url, message, { raw });
      }
      // Kraken sends these with HTTP 200; the equivalent HTTP status decides retryability.
      const status = data.error.some((e) => SERVICE_DOWN.test(e)) ? 503 : 400;
      throw new ProviderError(PROVIDER, "http", url, message, { status, raw });
    }
    const result = parsePart(z.record(z.string(), z.unknown()), data.result, url, raw, "result");
    return { url, raw, result };
  }

  /**
   * Last trade price (`c[0]`), best bid (`b[0]`), best ask (`a[0]`) and rolling 24-hour volume
   * (`v[1]`) per symbol, in the order asked. Kraken gives no quote time, so `ts` is the fetch
   * time. One request for all symbols; a symbol whose Kraken key cannot be matched in a
   * multi-pair answer is asked for alone.
   */
  async fetchQuotes(symbols: readonly string[]): Promise<SpotQuote[]> {
    if (symbols.length === 0) return [];
    const { url, raw, result } = await this.#get("/0/public/Ticker", { pair: symbols.join(",") });
    const ts = this.#now();
    const tickers = parsePart(tickerResult, result, url, raw, "result");
    const keys = Object.keys(tickers);
    const out: SpotQuote[] = [];
    for (const symbol of symbols) {
      let key = matchPairKey(symbol, keys);
      if (key === undefined && symbols.length === 1 && keys.length === 1) key = keys[0];
      const t = key === undefined ? undefined : tickers[key];
      if (t === undefined) {
        if (symbols.length === 1) {
          throw new ProviderError(PROVIDER, "parse", url, `no ticker for ${symbol} in answer`, {
            raw,
          });
        }
        const [alone] = await this.fetchQuotes([symbol]);
        if (alone !== undefined) out.push(alone);
        continue;
      }
      out.push({
        venue: this.id,
        symbol,
        ts,
        price: t.c[0],
        bid: t.b[0],
        ask: t.a[0],
        volume24h: t.v[1],
      });
    }
    return out;
  }

  /**
   * Committed OHLC candles from `startTime` (ms, inclusive) to `endTime` (inclusive), at most
   * `limit` of them. Kraken's last entry is the candle still forming: it is never returned.
   * Kraken serves only its latest 720 candles per interval whatever `since` says, so a page
   * that reaches the forming candle ends the range: `nextStartTime` is the open time after
   * Kraken's `last` cursor, or undefined when the page held no new committed candle.
   */
  async fetchCandles(req: {
    readonly symbol: string;
    readonly freq: Freq;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<CandlePage> {
    const interval = KRAKEN_INTERVAL_MINUTES[req.freq];
    if (interval === undefined) {
      throw new RangeError(
        `Cannot fetch Kraken OHLC at ${req.freq}: Kraken offers 1m, 5m, 15m, 1h, 4h, 1d`,
      );
    }
    const params: Record<string, string> = { pair: req.symbol, interval: String(interval) };
    // `since` is exclusive on Kraken's side: one second earlier keeps the bar at startTime.
    if (req.startTime !== undefined) {
      params.since = String(Math.floor(req.startTime / 1000) - 1);
    }
    const { url, raw, result } = await this.#get("/0/public/OHLC", params);
    const last = parsePart(ohlcLast, result.last, url, raw, "result.last");
    const rows = parsePart(ohlcRows, pairValue(result, url, raw), url, raw, "result.<pair>");
    const startTime = req.startTime ?? -Infinity;
    const endTime = req.endTime ?? Infinity;
    const limit = req.limit ?? Infinity;
    const step = freqMs(req.freq);
    const keep: number[] = [];
    let truncatedAt: number | undefined;
    for (let i = 0; i < rows.length - 1; i++) { // rows.length - 1: drop the forming candle
      const row = rows[i]!;
      const ts = row[0] * 1000;
      if (row[0] > last || ts < startTime || ts > endTime) continue;
      if (keep.length >= limit) {
        truncatedAt = ts;
        break;
      }
      keep.push(i);
    }
    const bars = allocBars({ venue: this.id, symbol: req.symbol, freq: req.freq }, keep.length);
    for (let j = 0; j < keep.length; j++) {
      const row = rows[keep[j]!]!;
      bars.ts[j] = row[0] * 1000;
      bars.open[j] = row[1];
      bars.high[j] = row[2];
      bars.low[j] = row[3];
      bars.close[j] = row[4];
      bars.vwap[j] = row[5];
      bars.volume[j] = row[6];
      bars.tradeCount[j] = row[7];
    }
    let nextStartTime: number | undefined;
    if (truncatedAt !== undefined) nextStartTime = truncatedAt;
    else if (keep.length > 0) {
      const next = last * 1000 + step;
      nextStartTime = next <= endTime ? next : undefined;
    }
    return { bars, nextStartTime };
  }

  /**
   * Public trades after the cursor `from` (Kraken's `since`: the nanosecond string from a
   * previous page's `next`, or a Unix time), at most `limit` (Kraken's `count`, 1..1000).
   * Ids are Kraken's `trade_id` when present, else a deterministic string built from the
   * trade's own fields. `next` is Kraken's `last` cursor, undefined when the page is empty.
   */
  async fetchTrades(req: {
    readonly symbol: string;
    readonly from?: number | string;
    readonly limit?: number;
  }): Promise<TradePage> {
    const params: Record<string, string> = { pair: req.symbol };
    if (req.from !== undefined) params.since = String(req.from);
    if (req.limit !== undefined) params.count = String(req.limit);
    const { url, raw, result } = await this.#get("/0/public/Trades", params);
    const last = parsePart(tradeLast, result.last, url, raw, "result.last");
    const rows = parsePart(tradeRows, pairValue(result, url, raw), url, raw, "result.<pair>");
    const n = rows.length;
    const trades: TradeColumns = {
      venue: this.id,
      symbol: req.symbol,
      tradeId: new Array<number | string>(n),
      ts: new Float64Array(n),
      price: new Float64Array(n),
      qty: new Float64Array(n),
      side: new Int8Array(n),
    };
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      trades.price[i] = r[0];
      trades.qty[i] = r[1];
      trades.ts[i] = r[2] * 1000;
      trades.side[i] = r[3] === "b" ? 1 : -1;
      const id = r[6];
      if (id !== undefined) trades.tradeId[i] = id;
      else {
        // Same fields at the same instant are told apart by their order of appearance.
        const key = `${r[2]}:${r[0]}:${r[1]}:${r[3]}:${r[4]}`;
        const k = seen.get(key) ?? 0;
        seen.set(key, k + 1);
        trades.tradeId[i] = `${key}:${k}`;
      }
    }
    return { trades, next: n > 0 ? String(last) : undefined };
  }
}

/**
 * The key of `symbol` among Kraken's result keys: the same spelling, or Kraken's legacy
 * `X<base>Z<quote>` form (`XBTUSD` is keyed `XXBTZUSD`, `ETHEUR` is `XETHZEUR`).
 *
 * @example Match a legacy pair name
 * ```ts
 * import { matchPairKey } from "@lib/providers/kraken.ts";
 * import assert from "node:assert/strict";
 * assert.equal(matchPairKey("XBTUSD", ["XETHZUSD", "XXBTZUSD"]), "XXBTZUSD");
 * assert.equal(matchPairKey("XBTUSDT", ["XBTUSDT"]), "XBTUSDT");
 * assert.equal(matchPairKey("SOLUSD", ["XXBTZUSD"]), undefined);
 * ```
 */
export function matchPairKey(symbol: string, keys: readonly string[]): string | undefined {
  const s = symbol.toUpperCase();
  const candidates = [s];
  if (s.length === 6) candidates.push(`X${s.slice(0, 3)}Z${s.slice(3)}`);
  for (const c of candidates) if (keys.includes(c)) return c;
  return undefined;
}

/** The one pair entry of an OHLC/Trades result (its other key is `last`). */
function pairValue(result: Record<string, unknown>, url: string, raw: string): unknown {
  const keys = Object.keys(result).filter((k) => k !== "last");
  if (keys.length !== 1) {
    throw new ProviderError(
      PROVIDER,
      "parse",
      url,
      `expected one pair in result, got ${keys.length} (${keys.slice(0, 5).join(", ")})`,
      { raw },
    );
  }
  return result[keys[0]!];
}

function parsePart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  url: string,
  raw: string,
  where: string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [where, ...(issue?.path ?? []).map(String)].join(".");
  throw new ProviderError(
    PROVIDER,
    "parse",
    url,
    `unexpected payload at ${path}: ${issue?.message}`,
    { raw },
  );
}
