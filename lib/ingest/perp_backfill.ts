/**
 * Backfill of perpetual-futures history (funding rates, mark/index/premium klines, open
 * interest) from a venue's REST API into the store, resuming where the store stops. Each page
 * goes through the venue's chain (rate limiter, retries, circuit breaker) and then through
 * the one gated perp write path (lib/ingest/perp_write.ts), so refused rows are quarantined
 * and the rest committed page by page; an abort stops after the page in flight.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { KindChain } from "../providers/chain_config.ts";
import type { VenueId } from "../providers/registry.ts";
import {
  OI_PERIODS,
  type OiPeriod,
  PERP_INTERVAL_MS,
  PERP_INTERVALS,
  type PerpInterval,
} from "../providers/binance_futures.ts";
import { finishRun, type RunStatus, startRun } from "../store/runs.ts";
import { lastFundingTime } from "../store/perp_funding.ts";
import { lastPerpKlineTs } from "../store/perp_price_klines.ts";
import { lastOpenInterestTs } from "../store/perp_open_interest.ts";
import { PERP_RULE_DEFAULTS } from "./gates/rules.ts";
import {
  type PerpWriteResult,
  storeFunding,
  storeOpenInterest,
  storePerpKlines,
} from "./perp_write.ts";
import type { BackfillProgress } from "./backfill.ts";

/** What a perp backfill fetches. */
export const PERP_KINDS = ["funding", "mark", "index", "premium", "oi"] as const;
/** One of {@link PERP_KINDS}. */
export type PerpKind = typeof PERP_KINDS[number];

/** The chains a perp backfill asks (only the one of its kind is needed). */
export interface PerpChains {
  readonly funding?: KindChain<"funding"> | undefined;
  readonly perpKlines?: KindChain<"perp_klines"> | undefined;
  readonly openInterest?: KindChain<"open_interest"> | undefined;
}

/** Options of {@link backfillPerp}. */
export interface PerpBackfillOptions {
  readonly kind: PerpKind;
  /** The venue asked and stored under (its chain must hold it). */
  readonly venue: VenueId;
  readonly chains: PerpChains;
  readonly symbols: readonly string[];
  /** Kline interval (mark/index/premium) or open-interest period. @default "1h" */
  readonly interval?: string | undefined;
  /**
   * The funding grid the funding rule checks times against (some contracts fund every 4h or
   * 1h). @default PERP_RULE_DEFAULTS.fundingIntervalMs (8 hours)
   */
  readonly fundingIntervalMs?: number | undefined;
  /** First time wanted (UTC ms, inclusive). */
  readonly since: number;
  /** End (UTC ms, exclusive). @default now() */
  readonly until?: number | undefined;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
  /** Abort to stop after the page in flight; the run is marked `interrupted`. */
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: PerpBackfillProgress) => void) | undefined;
}

/** Progress after each committed page: the spot backfill's fields and this symbol's own count. */
export interface PerpBackfillProgress extends BackfillProgress {
  /** Rows received so far for `symbol` alone (`done` counts every symbol). */
  readonly symbolDone: number;
}

/** What happened to one symbol. */
export interface PerpBackfillSymbolResult {
  readonly symbol: string;
  readonly status: RunStatus;
  /** Where the fetch started (after resuming from the store). */
  readonly startTs: number;
  readonly pages: number;
  /** Rows the venue returned for this symbol (stored, unchanged, updated or quarantined). */
  readonly rows: number;
  readonly inserted: number;
  readonly unchanged: number;
  readonly updated: number;
  readonly quarantined: number;
  readonly error?: string;
}

/** What {@link backfillPerp} did. */
export interface PerpBackfillResult {
  readonly runId: number;
  readonly status: RunStatus;
  readonly kind: PerpKind;
  readonly symbols: readonly PerpBackfillSymbolResult[];
  readonly inserted: number;
  readonly quarantined: number;
  readonly requests: number;
}

/** Rows per request of each kind (each endpoint's maximum). */
const PAGE = { funding: 1000, klines: 1500, oi: 500 } as const;

/**
 * Fetch `kind` for each symbol from `since` (or just after the last stored row) to `until`,
 * page by page, gate and store every page, and record the run in `ingest_runs`. A symbol that
 * fails (its chain gave up) is reported and the others go on; re-running resumes.
 *
 * @example Funding from an injected fetch, resumed on the second run
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { backfillPerp } from "@lib/ingest/perp_backfill.ts";
 * import { chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000, t0 = Date.UTC(2024, 0, 1);
 * const fetch = (url: string) => {
 *   const start = Number(new URL(url).searchParams.get("startTime"));
 *   const rows = [0, 1, 2].map((k) => ({ symbol: "BTCUSDT", fundingTime: t0 + k * 8 * H + 3, fundingRate: "0.0001" }))
 *     .filter((r) => r.fundingTime >= start);
 *   return Promise.resolve(Response.json(rows));
 * };
 * const chain = chainFromConfig("funding", DEFAULT_CHAIN_CONFIG, {
 *   ctx: { fetch, baseUrl: "http://127.0.0.1:1" }, now: Date.now, sleep: () => Promise.resolve() });
 * const { db } = openStore(":memory:");
 * const o = { kind: "funding" as const, venue: "binance_futures" as const, chains: { funding: chain },
 *   symbols: ["BTCUSDT"], since: t0, until: t0 + 24 * H, now: () => t0 + 48 * H };
 * assert.equal((await backfillPerp(db, o)).inserted, 3);
 * const again = await backfillPerp(db, o);
 * assert.equal(again.inserted, 0);
 * assert.equal(again.symbols[0]!.startTs, t0 + 16 * H + 4);
 * ```
 */
export async function backfillPerp(
  db: DatabaseSync,
  options: PerpBackfillOptions,
): Promise<PerpBackfillResult> {
  const { kind, venue, symbols, since } = options;
  const now = options.now ?? Date.now;
  const until = options.until ?? now();
  const interval = options.interval ?? "1h";
  if (kind === "oi" && !(OI_PERIODS as readonly string[]).includes(interval)) {
    throw new RangeError(
      `Cannot backfill open interest: period must be one of ${
        OI_PERIODS.join(", ")
      }, got ${interval}`,
    );
  }
  if (
    kind !== "oi" && kind !== "funding" && !(PERP_INTERVALS as readonly string[]).includes(interval)
  ) {
    throw new RangeError(
      `Cannot backfill ${kind} klines: interval must be one of ${
        PERP_INTERVALS.join(", ")
      }, got ${interval}`,
    );
  }
  const step = kind === "funding"
    ? PERP_RULE_DEFAULTS.fundingIntervalMs
    : PERP_INTERVAL_MS[interval as PerpInterval];
  const runId = startRun(db, "backfill", {
    kind,
    venue,
    symbols,
    interval: kind === "funding" ? undefined : interval,
    since,
    until,
  });
  const results: PerpBackfillSymbolResult[] = [];
  let requests = 0, done = 0;
  const total = symbols.length * Math.max(1, Math.ceil((until - since) / step));
  const ctx = () => ({ venue, source: `${venue}:${kind}`, runId, now: now() });
  const chainOf = () => {
    const c = kind === "funding"
      ? options.chains.funding
      : kind === "oi"
      ? options.chains.openInterest
      : options.chains.perpKlines;
    if (c === undefined) {
      throw new RangeError(`Cannot backfill ${kind}: no ${kind} chain was given`);
    }
    return c;
  };
  const chain = chainOf();

  for (const symbol of symbols) {
    const last = kind === "funding"
      ? lastFundingTime(db, venue, symbol)
      : kind === "oi"
      ? lastOpenInterestTs(db, { venue, symbol, period: interval as OiPeriod })
      : lastPerpKlineTs(db, { venue, symbol, kind, freq: interval as PerpInterval });
    // funding times are stamped a few ms late: resume just after the last one
    const resume = last === undefined ? since : last + (kind === "funding" ? 1 : step);
    let cursor = Math.max(since, resume);
    const startTs = cursor;
    let pages = 0, rows = 0, inserted = 0, unchanged = 0, updated = 0, quarantined = 0;
    let status: RunStatus = "ok";
    let error: string | undefined;
    const add = (w: PerpWriteResult, n: number) => {
      pages++;
      inserted += w.inserted;
      unchanged += w.unchanged;
      updated += w.updated;
      quarantined += w.quarantined;
      done += n;
      rows += n;
      options.onProgress?.({ symbol, done, symbolDone: rows, total, requests });
    };
    try {
      while (cursor < until) {
        if (options.signal?.aborted) {
          status = "interrupted";
          break;
        }
        requests++;
        if (kind === "funding") {
          const r = await (chain as KindChain<"funding">).call(
            (p) =>
              p.fetchFunding({
                symbol,
                startTime: cursor,
                endTime: until - 1,
                limit: PAGE.funding,
              }),
            { venues: [venue] },
          );
          const rows = r.value.filter((f) => f.ts >= cursor && f.ts < until);
          add(
            storeFunding(
              db,
              symbol,
              rows.map((f) => ({
                fundingTime: f.ts,
                rate: f.rate,
                markPrice: f.markPrice ?? null,
              })),
              ctx(),
              { intervalMs: options.fundingIntervalMs },
            ),
            rows.length,
          );
          if (r.value.length < PAGE.funding || rows.length === 0) break;
          cursor = rows[rows.length - 1]!.ts + 1;
        } else if (kind === "oi") {
          const r = await (chain as KindChain<"open_interest">).call(
            (p) =>
              p.fetchOpenInterest({
                symbol,
                period: interval as OiPeriod,
                startTime: cursor,
                endTime: until - 1,
                limit: PAGE.oi,
              }),
            { venues: [venue] },
          );
          const rows = r.value.filter((o) => o.ts >= cursor && o.ts < until);
          add(storeOpenInterest(db, symbol, interval as OiPeriod, rows, ctx()), rows.length);
          if (r.value.length < PAGE.oi || rows.length === 0) break;
          cursor = rows[rows.length - 1]!.ts + step;
        } else {
          const r = await (chain as KindChain<"perp_klines">).call(
            (p) =>
              p.fetchPerpKlines({
                symbol,
                kind,
                interval: interval as PerpInterval,
                startTime: cursor,
                endTime: until - 1,
                limit: PAGE.klines,
              }),
            { venues: [venue] },
          );
          const pg = r.value;
          const n = pg.ts.length;
          add(
            storePerpKlines(
              db,
              {
                venue,
                symbol,
                kind,
                freq: interval as PerpInterval,
                ts: pg.ts,
                open: pg.open,
                high: pg.high,
                low: pg.low,
                close: pg.close,
                complete: new Uint8Array(n).fill(1),
              },
              step,
              ctx(),
            ),
            n,
          );
          if (pg.nextStartTime === undefined || n === 0) break;
          cursor = pg.nextStartTime;
        }
      }
    } catch (e) {
      status = "failed";
      error = (e as Error).message;
    }
    results.push({
      symbol,
      status,
      startTs,
      pages,
      rows,
      inserted,
      unchanged,
      updated,
      quarantined,
      ...(error === undefined ? {} : { error }),
    });
    if (status === "interrupted") break;
  }
  const status: RunStatus = results.some((r) => r.status === "failed")
    ? "failed"
    : results.some((r) => r.status === "interrupted") || results.length < symbols.length
    ? "interrupted"
    : "ok";
  const ins = results.reduce((a, r) => a + r.inserted, 0);
  const q = results.reduce((a, r) => a + r.quarantined, 0);
  finishRun(db, runId, status, {
    rowsWritten: ins,
    rowsQuarantined: q,
    ...(status === "failed"
      ? { message: results.filter((r) => r.error).map((r) => `${r.symbol}: ${r.error}`).join("; ") }
      : {}),
  });
  return { runId, status, kind, symbols: results, inserted: ins, quarantined: q, requests };
}
