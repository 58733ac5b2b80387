/**
 * Backfill candles from a venue into the store, resuming where the store stops.
 *
 * Per symbol: read the last stored bar of `venue/symbol/freq`, start at
 * `max(since, last + 1 interval)`, page through `fetchCandles` until the source says the range
 * is exhausted or `until` is reached, and write each page in its own transaction (a kill loses
 * at most the page in flight, never a committed one). Every request goes through a circuit
 * breaker and `withRetry` (`@lib/providers/circuit_breaker.ts`, `@lib/providers/retry.ts`), so
 * network errors, timeouts, 5xx and 429/418 (with `Retry-After` honoured) are retried.
 *
 * A body that is not JSON at all (truncated, a text or HTML page with status 200) is most often
 * the transport, so it is retried like a 5xx; JSON of the wrong shape is not retried (the same
 * bytes would fail the same way). When a page still cannot be parsed after its retries, its raw
 * text goes to `quarantine` with the reason, nothing of that page is written, and the backfill
 * moves on to the next symbol; the next run asks for that page again, since it resumes from
 * the store. Likewise a symbol whose retries are exhausted is reported as failed and the
 * others go on.
 *
 * Where candles come from is the candles chain of the providers config:
 * {@link candlesFromChain} gives a venue's provider (built by the registry, behind its host's
 * rate limiter), its persisted breaker and the config's retry settings, to spread into
 * {@link BackfillOptions}.
 *
 * One `ingest_runs` row (task `backfill`) records each call: `ok` when every symbol finished,
 * `interrupted` when `signal` aborted it, `failed` (with the reasons) when a symbol could not be
 * completed; any other error of one symbol (a store write that throws) fails that symbol, and
 * the next symbols are still fetched.
 * `bar_gaps` is refreshed for every series touched.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import { type BinanceMarket, BinanceRest, topSymbolsByQuoteVolume } from "../providers/binance.ts";
import type { KindChain } from "../providers/chain_config.ts";
import { type CircuitBreaker, createCircuitBreaker } from "../providers/circuit_breaker.ts";
import type { VenueId } from "../providers/registry.ts";
import { type RetryEvent, type RetryPolicy, withRetry } from "../providers/retry.ts";
import {
  type CandlePage,
  type CandleSource,
  type ProviderContext,
  ProviderError,
} from "../providers/types.ts";
import { createRng } from "../stats/rng.ts";
import { withTransaction } from "../store/db.ts";
import { listSeries, readBars, writeBars } from "../store/bars.ts";
import type { BarColumns } from "../core/types.ts";
import { gateBars } from "./gates/bar_gates.ts";
import { BAR_JUMP_DEFAULTS } from "./gates/jump.ts";
import { refreshGaps } from "../store/gaps.ts";
import { BAR_JSON_FORMAT, quarantine } from "../store/quarantine.ts";
import { finishRun, type RunStatus, startRun } from "../store/runs.ts";

/** Progress after each committed page (or when a symbol starts or ends). */
export interface BackfillProgress {
  readonly symbol: string;
  /** Bars received so far, all symbols. */
  readonly done: number;
  /** Estimated bars of the whole job: each symbol's time range divided by the interval. */
  readonly total: number;
  /** Requests sent so far (retries included). */
  readonly requests: number;
}

/**
 * Options of {@link backfill}. The retry settings (`maxAttempts`, `baseDelayMs`, `maxDelayMs`,
 * `maxRetryAfterMs`) default to `RETRY_DEFAULTS` of `@lib/providers/retry.ts`; the task passes
 * the providers config's (see {@link candlesFromChain}).
 */
export interface BackfillOptions extends RetryPolicy {
  /** Where candles come from; wrap nothing, {@link backfill} adds retries and a breaker. */
  readonly source: CandleSource;
  /** Venue id under which bars are stored; default `source.id`. */
  readonly venue?: string;
  readonly symbols: readonly string[];
  readonly freq: Freq;
  /** First bar open time wanted (UTC ms, inclusive). */
  readonly since: number;
  /** End of the range (UTC ms, exclusive); default `now()`. */
  readonly until?: number;
  /** Clock (UTC ms); default `Date.now`. */
  readonly now?: () => number;
  /** Bars per request; default the source's maximum. */
  readonly limit?: number;
  /** Seed of the retry jitter (default 1). */
  readonly seed?: number;
  /**
   * Circuit breaker around each page's retries; default one in memory for this call. Pass a
   * persisted one (`persistentBreaker` of `@lib/providers/chain_config.ts` over
   * `providerHealthStore(db)`) so a venue that kept failing is not hammered after a restart.
   */
  readonly breaker?: CircuitBreaker;
  /** Waits between retries; default a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onProgress?: (p: BackfillProgress) => void;
  readonly onRetry?: (e: RetryEvent) => void;
  /** Abort to stop after the page in flight is committed; the run is marked `interrupted`. */
  readonly signal?: AbortSignal;
}

/** What happened to one symbol. */
export interface BackfillSymbolResult {
  readonly symbol: string;
  readonly status: RunStatus;
  /** Open time the fetch started from (after resuming). */
  readonly startTs: number;
  /** Pages committed. */
  readonly pages: number;
  readonly inserted: number;
  readonly unchanged: number;
  /** Bars that disagreed with stored bars and were kept as stored. */
  readonly conflicts: number;
  /** Rows refused by the row rules (each in `quarantine` with its reason). */
  readonly quarantined: number;
  /** Why it failed (the error message), when it did. */
  readonly error?: string;
}

/** What {@link backfill} did. */
export interface BackfillResult {
  readonly runId: number;
  readonly status: RunStatus;
  readonly symbols: readonly BackfillSymbolResult[];
  readonly inserted: number;
  /** Rows and payloads sent to `quarantine` (`quarantinedRows` + payloads). */
  readonly quarantined: number;
  /** Rows refused by the row rules. */
  readonly quarantinedRows: number;
  /** Requests sent (retries included). */
  readonly requests: number;
  readonly retries: number;
}

/** The retry settings given in `o` (absent ones take `withRetry`'s defaults). */
function retryPolicy(o: RetryPolicy): RetryPolicy {
  const p: { -readonly [K in keyof RetryPolicy]: RetryPolicy[K] } = {};
  if (o.maxAttempts !== undefined) p.maxAttempts = o.maxAttempts;
  if (o.baseDelayMs !== undefined) p.baseDelayMs = o.baseDelayMs;
  if (o.maxDelayMs !== undefined) p.maxDelayMs = o.maxDelayMs;
  if (o.maxRetryAfterMs !== undefined) p.maxRetryAfterMs = o.maxRetryAfterMs;
  return p;
}

function sleepReal(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Open time of the last stored bar of a series, or undefined when it has none. */
function lastStoredTs(db: DatabaseSync, venue: string, symbol: string, freq: Freq) {
  return listSeries(db, { venue, freq }).find((s) => s.symbol === symbol)?.lastTs;
}

/**
 * Fetch and store `symbols` at `freq` over `[since, until)` from `source`, only what the store
 * is missing. See the module documentation for the guarantees.
 *
 * @example Two pages from an injected source, then a re-run that fetches nothing
 * ```ts
 * import { backfill } from "@lib/ingest/backfill.ts";
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import type { CandleSource } from "@lib/providers/types.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000;
 * let calls = 0;
 * const source: CandleSource = {
 *   id: "sim",
 *   fetchCandles(req) {
 *     calls++;
 *     const start = req.startTime ?? 0;
 *     const n = Math.max(0, Math.min(2, (req.endTime! - start) / H + 1));
 *     const b = allocBars({ venue: "sim", symbol: req.symbol, freq: req.freq }, n);
 *     for (let i = 0; i < n; i++) {
 *       b.ts[i] = start + i * H;
 *       b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100 + i;
 *     }
 *     return Promise.resolve({ bars: b, nextStartTime: n === 2 ? start + 2 * H : undefined });
 *   },
 * };
 * const { db } = openStore(":memory:");
 * const t0 = Date.UTC(2024, 0, 1);
 * const opts = { source, symbols: ["X"], freq: "1h", since: t0, until: t0 + 4 * H } as const;
 * const r = await backfill(db, opts);
 * assert.equal(r.status, "ok");
 * assert.equal(r.inserted, 4);
 * assert.deepEqual([...readBars(db, { venue: "sim", symbol: "X", freq: "1h" }).ts], [t0, t0 + H, t0 + 2 * H, t0 + 3 * H]);
 * calls = 0;
 * assert.equal((await backfill(db, opts)).inserted, 0);
 * assert.equal(calls, 0);
 * ```
 */
export async function backfill(
  db: DatabaseSync,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const { source, freq, symbols } = options;
  const venue = options.venue ?? source.id;
  const now = options.now ?? Date.now;
  const until = options.until ?? now();
  const step = freqMs(freq);
  if (!Number.isFinite(options.since) || !Number.isFinite(until) || until <= options.since) {
    throw new RangeError(
      `Cannot backfill ${venue}: until (${until}) must be after since (${options.since}); ` +
        "give --since before --until",
    );
  }
  if (symbols.length === 0) {
    throw new RangeError(`Cannot backfill ${venue}: give at least one symbol`);
  }
  const sleep = options.sleep ?? sleepReal;
  const jitter = createRng(options.seed ?? 1);
  const breaker = options.breaker ?? createCircuitBreaker({ provider: venue, now });
  const srcTag = `${venue}:klines`;
  const runId = startRun(db, "backfill", {
    venue,
    symbols,
    freq,
    since: new Date(options.since).toISOString(),
    until: new Date(until).toISOString(),
  });

  let done = 0;
  let requests = 0;
  let retries = 0;
  let quarantined = 0;
  let quarantinedRows = 0;
  let inserted = 0;
  try {
    return await runSymbols();
  } catch (e) {
    // an error no symbol could absorb: the run must not stay `running`
    finishRun(db, runId, "failed", {
      rowsWritten: inserted,
      rowsQuarantined: quarantined,
      message: e instanceof Error ? e.message : String(e),
    });
    throw e;
  }

  async function runSymbols(): Promise<BackfillResult> {
    // where each symbol resumes, and the job's estimated size
    const starts = symbols.map((symbol) => {
      const last = lastStoredTs(db, venue, symbol, freq);
      const from = Math.ceil(options.since / step) * step;
      return last === undefined ? from : Math.max(from, last + step);
    });
    let total = 0;
    for (const s of starts) total += Math.max(0, Math.ceil((until - s) / step));

    const results: BackfillSymbolResult[] = [];
    let interrupted = false;

    const fetchPage = (symbol: string, startTime: number): Promise<CandlePage> =>
      breaker.call(() =>
        withRetry(() => {
          requests++;
          const req = options.limit === undefined
            ? { symbol, freq, startTime, endTime: until - 1 }
            : { symbol, freq, startTime, endTime: until - 1, limit: options.limit };
          return source.fetchCandles(req);
        }, {
          ...retryPolicy(options),
          jitter,
          sleep,
          now,
          onRetry: (e) => {
            retries++;
            options.onRetry?.(e);
          },
        })
      );

    for (let k = 0; k < symbols.length; k++) {
      const symbol = symbols[k]!;
      const startTs = starts[k]!;
      const key = { venue, symbol, freq };
      let pages = 0, ins = 0, unchanged = 0, conflicts = 0, refused = 0;
      let status: RunStatus = "ok";
      let error: string | undefined;
      let cursor: number | undefined = startTs;
      options.onProgress?.({ symbol, done, total, requests });
      while (cursor !== undefined && cursor < until) {
        if (options.signal?.aborted) {
          status = "interrupted";
          break;
        }
        let page: CandlePage;
        try {
          page = await fetchPage(symbol, cursor);
        } catch (e) {
          status = "failed";
          error = e instanceof Error ? e.message : String(e);
          if (e instanceof ProviderError && e.kind === "parse") {
            if (
              quarantine(db, {
                source: srcTag,
                locator: e.url,
                raw: e.detail.raw ?? "",
                reason: `${e.message}; page not stored, the next run asks for it again`,
                runId,
                venue,
                symbol,
                freq,
              })
            ) quarantined++;
          }
          break;
        }
        let w: ReturnType<typeof writeBars>;
        let kept: BarColumns;
        const pageCursor: number = cursor;
        try {
          // gate the whole page row by row, then keep the accepted bars of [cursor, until)
          const g = gateBars({ ...page.bars, venue }, {
            now: now(),
            jump: { history: storedCloses(db, key, pageCursor, step) },
          });
          kept = inWindow(g.accepted, pageCursor, until);
          w = withTransaction(db, () => {
            for (const r of g.rejected) {
              if (
                quarantine(db, {
                  source: srcTag,
                  locator: `${symbol} ${freq} ${rowTime(page.bars.ts[r.index]!)} (row ${r.index} ` +
                    `of the page from ${new Date(pageCursor).toISOString()})`,
                  raw: rowJson(page.bars, r.index),
                  reason: r.reason,
                  runId,
                  // so `deno task quarantine` can filter it and `release` can judge it again
                  format: BAR_JSON_FORMAT,
                  venue,
                  symbol,
                  freq,
                })
              ) refused++;
            }
            return writeBars(db, kept, { source: srcTag, runId });
          });
        } catch (e) {
          status = "failed";
          error = `cannot store the page from ${new Date(pageCursor).toISOString()}: ${
            e instanceof Error ? e.message : String(e)
          }`;
          break;
        }
        pages++;
        ins += w.inserted;
        unchanged += w.unchanged;
        conflicts += w.conflicts.length;
        inserted += w.inserted;
        done += kept.ts.length;
        options.onProgress?.({ symbol, done, total, requests });
        cursor = nextCursor(page, pageCursor, until, step);
      }
      quarantinedRows += refused;
      quarantined += refused;
      if (pages > 0) withTransaction(db, () => refreshGaps(db, key));
      const counts = { pages, inserted: ins, unchanged, conflicts, quarantined: refused };
      const r: BackfillSymbolResult = error === undefined
        ? { symbol, status, startTs, ...counts }
        : { symbol, status, startTs, ...counts, error };
      results.push(r);
      if (status === "interrupted") {
        interrupted = true;
        break;
      }
    }
    const status: RunStatus = interrupted
      ? "interrupted"
      : results.some((r) => r.status === "failed")
      ? "failed"
      : "ok";
    const failed = results.filter((r) => r.status === "failed");
    finishRun(db, runId, status, {
      rowsWritten: inserted,
      rowsQuarantined: quarantined,
      message: failed.length === 0
        ? `${inserted} bars written, ${quarantinedRows} rows quarantined, ${requests} requests, ` +
          `${retries} retries`
        : failed.map((r) => `${r.symbol}: ${r.error}`).join("; "),
    });
    return {
      runId,
      status,
      symbols: results,
      inserted,
      quarantined,
      quarantinedRows,
      requests,
      retries,
    };
  }
}

/**
 * The closes stored just before `from` (up to one jump window and one more), oldest first, so
 * the jump rule judges a page from its first bar.
 */
function storedCloses(
  db: DatabaseSync,
  key: { venue: string; symbol: string; freq: Freq },
  from: number,
  step: number,
): Float64Array {
  const span = (BAR_JUMP_DEFAULTS.window + 1) * step;
  return readBars(db, key, { from: from - span, to: from }).close;
}

/** The bars of `b` (sorted) with open time in `[from, until)`. */
function inWindow(b: BarColumns, from: number, until: number): BarColumns {
  let lo = 0;
  while (lo < b.ts.length && b.ts[lo]! < from) lo++;
  let hi = lo;
  while (hi < b.ts.length && b.ts[hi]! < until) hi++;
  if (lo === 0 && hi === b.ts.length) return b;
  return {
    ...b,
    ts: b.ts.subarray(lo, hi),
    open: b.open.subarray(lo, hi),
    high: b.high.subarray(lo, hi),
    low: b.low.subarray(lo, hi),
    close: b.close.subarray(lo, hi),
    volume: b.volume.subarray(lo, hi),
    quoteVolume: b.quoteVolume.subarray(lo, hi),
    tradeCount: b.tradeCount.subarray(lo, hi),
    vwap: b.vwap.subarray(lo, hi),
    complete: b.complete.subarray(lo, hi),
  };
}

/**
 * Where the next page starts: the source's `nextStartTime`, but never beyond one bar after the
 * last row of this page that lies in `[cursor, until)`. A source computes its next start from
 * the page's last row; when that row is garbage (a bar dated 2100), following it would skip
 * the rest of the range. Undefined when the source says the range is exhausted or does not move
 * forward (that would loop forever).
 */
function nextCursor(
  page: CandlePage,
  cursor: number,
  until: number,
  step: number,
): number | undefined {
  const next = page.nextStartTime;
  if (next === undefined) return undefined;
  let last = -Infinity;
  const ts = page.bars.ts;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t >= cursor && t < until && t > last) last = t;
  }
  const bound = last === -Infinity ? next : Math.min(next, Math.floor(last / step) * step + step);
  return bound > cursor ? bound : undefined;
}

/** A row's time for a quarantine locator: ISO when it is a valid time, else the number. */
function rowTime(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? String(ts) : d.toISOString();
}

/** One bar as JSON text, as the venue's page gave it (non-finite numbers spelled out). */
/** The raw text of a refused provider bar: its values as JSON ({@link BAR_JSON_FORMAT}). */
function rowJson(b: BarColumns, i: number): string {
  const v = (x: number) => (Number.isFinite(x) ? x : String(x));
  return JSON.stringify({
    ts: v(b.ts[i]!),
    open: v(b.open[i]!),
    high: v(b.high[i]!),
    low: v(b.low[i]!),
    close: v(b.close[i]!),
    volume: v(b.volume[i]!),
    quoteVolume: v(b.quoteVolume[i]!),
    tradeCount: v(b.tradeCount[i]!),
  });
}

/** What {@link candlesFromChain} gives: spread it into {@link BackfillOptions}. */
export interface ChainCandleSource extends RetryPolicy {
  readonly source: CandleSource;
  readonly venue: VenueId;
  readonly breaker: CircuitBreaker;
}

/**
 * The candle source of `venue` in a candles chain built by `chainFromConfig("candles", ...)`
 * of `@lib/providers/chain_config.ts`: its provider from the registry (behind its host's
 * rate-limit gate), its breaker (persisted when the chain was given a health store) and the
 * config's retry settings. Venues are wired only through the registry and the chain config;
 * {@link backfill} adds the retries and the breaker around each page.
 *
 * @example Kraken's candles from a chain
 * ```ts
 * import { candlesFromChain } from "@lib/ingest/backfill.ts";
 * import { chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const chain = chainFromConfig("candles", DEFAULT_CHAIN_CONFIG, {
 *   ctx: { baseUrl: "http://127.0.0.1:1" }, now: Date.now, sleep: () => Promise.resolve(),
 * });
 * const c = candlesFromChain(chain, "kraken");
 * assert.equal(c.source.id, "kraken");
 * assert.equal(c.maxAttempts, DEFAULT_CHAIN_CONFIG.retry.maxAttempts);
 * assert.throws(() => candlesFromChain(chain, "binance_futures"), /binance, kraken, coinbase/);
 * ```
 */
export function candlesFromChain(chain: KindChain<"candles">, venue: VenueId): ChainCandleSource {
  const source = chain.providers[venue];
  const breaker = chain.breakers[venue];
  if (source === undefined || breaker === undefined) {
    throw new RangeError(
      `Cannot backfill from ${venue}: it is not in the candles chain (${
        chain.venues.join(", ")
      }); build the chain with it (chainFromConfig("candles", { ...config, candles: ["${venue}"] }))`,
    );
  }
  return { source, venue, breaker, ...chain.config.retry };
}

/**
 * The `n` Binance symbols quoted in `quote` (default USDT) with the largest 24-hour quote
 * volume, from `exchangeInfo` and `ticker/24hr` (see {@link topSymbolsByQuoteVolume}).
 *
 * @example From an injected fetch
 * ```ts
 * import { topBinanceSymbols } from "@lib/ingest/backfill.ts";
 * import assert from "node:assert/strict";
 * const info = { serverTime: 0, symbols: [
 *   { symbol: "BTCUSDT", status: "TRADING", baseAsset: "BTC", quoteAsset: "USDT" },
 *   { symbol: "ETHUSDT", status: "TRADING", baseAsset: "ETH", quoteAsset: "USDT" },
 * ] };
 * const t = (symbol: string, q: string) => ({ symbol, lastPrice: "1", volume: "1", quoteVolume: q, closeTime: 0 });
 * const fetch = (url: string) => Promise.resolve(new Response(JSON.stringify(
 *   url.includes("exchangeInfo") ? info : [t("BTCUSDT", "5"), t("ETHUSDT", "9")],
 * )));
 * assert.deepEqual(await topBinanceSymbols(1, { fetch, baseUrl: "http://127.0.0.1:1" }), ["ETHUSDT"]);
 * ```
 */
export async function topBinanceSymbols(
  n: number,
  ctx: ProviderContext & { readonly market?: BinanceMarket; readonly quote?: string } = {},
): Promise<string[]> {
  const { quote, ...rest } = ctx;
  const binance = new BinanceRest(rest);
  const [tickers, info] = await Promise.all([
    binance.fetchTickers24h(),
    binance.fetchExchangeInfo(),
  ]);
  return topSymbolsByQuoteVolume(tickers, info, n, quote === undefined ? {} : { quote });
}
