/**
 * The small interfaces every venue implements, one per kind of data, and the context a
 * provider is built with.
 *
 * A provider turns one venue's public, keyless REST/WebSocket API into cryptolab's columnar
 * batches. It never places orders and never holds keys. Payloads are parsed with zod at this
 * boundary: a payload that does not match its schema is a {@link ProviderError} of kind
 * `parse` carrying the raw text, so the caller can quarantine it.
 *
 * @module
 */
import type { Freq } from "../core/freq.ts";
import type { BarColumns, TradeColumns } from "../core/types.ts";
import type { DexPair, SpotQuote } from "../core/snapshot_types.ts";
// SpotQuote and DexPair live in lib/core so the store never imports providers; re-exported here
// so `@lib/providers/types.ts` imports keep working.
export type { DexPair, SpotQuote } from "../core/snapshot_types.ts";

/** `fetch` as providers use it; tests and the fake exchange inject their own. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Hooks around every HTTP request a provider sends (see `limiterGate` in `./request_gate.ts`):
 * `beforeRequest` may wait (e.g. for a rate limiter) and runs BEFORE the request's timeout
 * starts, so waiting for budget is never mistaken for a slow venue; `afterResponse` sees the
 * headers of every answer, errors and 429s included (e.g. Binance's `x-mbx-used-weight-1m`).
 */
export interface RequestGate {
  beforeRequest(url: string): Promise<void>;
  afterResponse(url: string, headers: Headers): void;
}

/** What a provider is constructed with. */
export interface ProviderContext {
  /** Hooks around each HTTP request (rate limiting); default none. */
  readonly gate?: RequestGate | undefined;
  /** HTTP client; defaults to the global `fetch`. */
  readonly fetch?: Fetch;
  /** Base URL override (otherwise the venue's env var `CRYPTOLAB_<NAME>_URL`, then its default). */
  readonly baseUrl?: string;
  /** Request timeout in ms. Default 10,000. */
  readonly timeoutMs?: number;
  /** Clock (UTC epoch ms); tests pass a fake one. */
  readonly now?: () => number;
}

/** Why a request failed, so the fallback chain can decide to retry, wait or fall back. */
export type ProviderErrorKind =
  | "network" // connection refused, reset, DNS
  | "timeout" // no complete answer within the timeout
  | "http" // a non-2xx status other than rate limiting
  | "rate_limited" // 429 or 418 (Binance's IP ban), with Retry-After when given
  | "parse" // the body is not the JSON we expect (truncated, HTML error page, wrong types)
  | "too_large"; // the body is larger than the cap (`maxBodyBytes` of `./http.ts`)

/** A failed provider request, with everything needed to retry it or quarantine its payload. */
export class ProviderError extends Error {
  override name = "ProviderError";
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    readonly url: string,
    message: string,
    readonly detail: {
      readonly status?: number | undefined;
      readonly retryAfterMs?: number | undefined;
      readonly raw?: string | undefined;
      /**
       * `parse` only: the body is not JSON at all (cut off, empty, an HTML or text page). With
       * status 200 that is most often the transport (a connection cut mid-body, a proxy's
       * page), so it is retried like a 5xx; a body that is JSON of the wrong shape is not.
       */
      readonly notJson?: boolean | undefined;
    } = {},
  ) {
    super(`${provider}: ${message} (${url})`);
  }
  /** True when trying again later may succeed. */
  get retryable(): boolean {
    if (this.kind === "parse") return this.detail.notJson === true;
    if (this.kind === "too_large") return false;
    if (this.kind === "http") return (this.detail.status ?? 0) >= 500;
    return true;
  }
}

/** One page of candles and what to ask for next. */
export interface CandlePage {
  readonly bars: BarColumns;
  /** Open time of the next bar to request, or undefined when the range is exhausted. */
  readonly nextStartTime: number | undefined;
}

/** Candles (klines/OHLC) of one symbol. */
export interface CandleSource {
  readonly id: string;
  fetchCandles(req: {
    readonly symbol: string;
    readonly freq: Freq;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<CandlePage>;
}

/** One page of trades and where the next page starts. */
export interface TradePage {
  readonly trades: TradeColumns;
  /** Id (or cursor) to resume from, or undefined when nothing newer exists. */
  readonly next: number | string | undefined;
}

/** Historical trades of one symbol, paginated by id or cursor. */
export interface TradeSource {
  readonly id: string;
  fetchTrades(req: {
    readonly symbol: string;
    readonly from?: number | string;
    readonly limit?: number;
  }): Promise<TradePage>;
}

/** Last prices for symbols. */
export interface SpotQuoteSource {
  readonly id: string;
  fetchQuotes(symbols: readonly string[]): Promise<SpotQuote[]>;
}

/** DEX pairs by address, token or search. */
export interface DexPairSource {
  readonly id: string;
  pairsByAddress(chainId: string, pairAddresses: readonly string[]): Promise<DexPair[]>;
  pairsByToken(chainId: string, tokenAddress: string): Promise<DexPair[]>;
  search(query: string): Promise<DexPair[]>;
}

/** A funding payment of a perpetual. */
export interface FundingRate {
  readonly venue: string;
  readonly symbol: string;
  readonly ts: number;
  readonly rate: number;
  readonly markPrice: number | undefined;
}

/** Funding-rate history of perpetuals. */
export interface FundingSource {
  readonly id: string;
  fetchFunding(req: {
    readonly symbol: string;
    readonly startTime?: number;
    readonly endTime?: number;
    readonly limit?: number;
  }): Promise<FundingRate[]>;
}
