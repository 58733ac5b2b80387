/**
 * The demo on real data: when Binance answers, backfill the top pairs' hourly bars into the
 * store and build the same report as on the simulated market. `deno task demo` probes first
 * ({@link probeBinance}) and falls back to the simulated market when the probe fails.
 *
 * The backfill goes through the same guarded chain as `deno task backfill`:
 * `candlesFromChain(chainFromConfig("candles", ...), "binance")`, the provider behind the
 * venue's rate limiter, with the breaker persisted in `provider_health` and the retry settings
 * of the providers config.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { BinanceRest } from "../providers/binance.ts";
import type { Fetch } from "../providers/types.ts";
import type { RetryEvent } from "../providers/retry.ts";
import {
  type ChainConfig,
  chainFromConfig,
  DEFAULT_CHAIN_CONFIG,
  venueGate,
} from "../providers/chain_config.ts";
import { providerHealthStore } from "../store/provider_health.ts";
import {
  backfill,
  type BackfillProgress,
  candlesFromChain,
  topBinanceSymbols,
} from "../ingest/backfill.ts";
import { materializeBars } from "../materialize/run.ts";
import type { GitInfo, ReportModel } from "../report/model.ts";
import { buildDemoReport } from "../report/demo_report.ts";
import { loadDemoDataset, withOverfitting } from "./demo_run.ts";
import { signalsOverfittingUpTo } from "./report_run.ts";
import { withLedgerUpTo } from "./ledger_up_to.ts";
import type { TrialLedger } from "../research/ledger.ts";
import {
  DEFAULT_REPORT_SIGNALS,
  DEFAULT_SIGNAL_HORIZONS,
} from "../report/sections/signal_section.ts";
import { DEMO_DEFAULTS } from "./demo_fill.ts";

const HOUR = 3_600_000;

/** How the demo reaches Binance; every field has a default. */
export interface BinanceContext {
  /** Injected fetch (tests); default the global `fetch`. */
  readonly fetch?: Fetch | undefined;
  /** REST base; default `CRYPTOLAB_BINANCE_URL` or `https://api.binance.com`. */
  readonly baseUrl?: string | undefined;
}

/** What {@link probeBinance} found. */
export type BinanceProbe =
  | { readonly ok: true; readonly serverTime: number; readonly latencyMs: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Ask Binance for its clock (`GET /api/v3/time`, weight 1) and wait at most `timeoutMs`.
 * Never throws: a refused connection, a missing network permission, a timeout or a malformed
 * answer all come back as `{ ok: false, reason }` with the reason in words.
 *
 * @example No exchange listening
 * ```ts
 * import { probeBinance } from "@lib/pipeline/demo_binance.ts";
 * import assert from "node:assert/strict";
 * const fetch = () => Promise.reject(new TypeError("connection refused"));
 * const p = await probeBinance({ fetch, baseUrl: "http://127.0.0.1:1" }, 500);
 * assert.equal(p.ok, false);
 * if (!p.ok) assert.match(p.reason, /connection refused/);
 * ```
 */
export async function probeBinance(
  ctx: BinanceContext = {},
  timeoutMs = 3000,
): Promise<BinanceProbe> {
  const t0 = performance.now();
  try {
    const rest = new BinanceRest({ ...ctxFields(ctx), timeoutMs });
    const serverTime = await rest.fetchServerTime();
    return { ok: true, serverTime, latencyMs: performance.now() - t0 };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** Options of {@link runBinanceDemo}; each has the default stated. */
export interface BinanceDemoOptions extends BinanceContext {
  /** Number of pairs: the top USDT pairs by 24-hour quote volume, BTCUSDT and ETHUSDT always in. Default `DEMO_DEFAULTS.assets` (20). */
  readonly assets?: number;
  /** Days of hourly bars up to the last complete hour of the exchange clock. Default `DEMO_DEFAULTS.days` (30). */
  readonly days?: number;
  /** Rolling-beta window in hours. Default `DEMO_DEFAULTS.betaWindow` (168). */
  readonly betaWindow?: number;
  /** The exchange clock (UTC ms), from {@link probeBinance}. */
  readonly serverTime: number;
  readonly runId?: string | undefined;
  readonly projectDir?: string;
  readonly git?: GitInfo;
  /** Where the signal validation records its IC series (as `DemoOptions.ledger`). Default: none. */
  readonly ledger?: TrialLedger | undefined;
  /** Short progress lines (stderr in the task). */
  readonly onProgress?: (line: string) => void;
  /** Backfill progress (pages done / total) for a progress bar. */
  readonly onBackfill?: (p: BackfillProgress) => void;
  /** Stop after the page in flight (the report is then not built). */
  readonly signal?: AbortSignal;
  /**
   * Retry and breaker settings (`loadChainConfig().config` in the task). Default
   * `DEFAULT_CHAIN_CONFIG`. The demo always asks Binance: its universe is Binance's top pairs.
   */
  readonly config?: ChainConfig | undefined;
  /** Waits between retries and for the rate limiter. Default a real timer. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Called before each retry (progress in the task). */
  readonly onRetry?: ((e: RetryEvent) => void) | undefined;
}

/** What {@link runBinanceDemo} did. */
export interface BinanceDemoResult {
  readonly model: ReportModel;
  /** The pairs in the report. */
  readonly symbols: readonly string[];
  /** Pairs that were chosen but left out, with the reason. */
  readonly skipped: ReadonlyArray<{ readonly symbol: string; readonly reason: string }>;
  /** Hourly bars written by the backfill (0 when the store already had them). */
  readonly inserted: number;
  readonly timings: Readonly<Record<"universe" | "backfill" | "materialize" | "report", number>>;
}

function ctxFields(ctx: BinanceContext): { fetch?: Fetch; baseUrl?: string } {
  return {
    ...(ctx.fetch === undefined ? {} : { fetch: ctx.fetch }),
    ...(ctx.baseUrl === undefined ? {} : { baseUrl: ctx.baseUrl }),
  };
}

/**
 * Choose the top `assets` USDT pairs by 24-hour quote volume (BTCUSDT and ETHUSDT always in,
 * stable/stable pairs never), backfill `days` of hourly bars ending at the last complete hour
 * of `serverTime` into venue `binance` (resuming: a re-run fetches only what is missing), build
 * daily bars from them and the demo report. Pairs whose backfill failed are left out and listed
 * in `skipped` and in the report's data note; a failed BTCUSDT (the benchmark) throws, so the
 * caller can fall back to the simulated market.
 *
 * @example Against an injected exchange serving two pairs
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { runBinanceDemo } from "@lib/pipeline/demo_binance.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000, now = Date.UTC(2024, 0, 5);
 * const info = { serverTime: now, symbols: ["BTCUSDT", "ETHUSDT"].map((symbol) => ({ symbol, status: "TRADING",
 *   baseAsset: symbol.slice(0, 3), quoteAsset: "USDT" })) };
 * const tick = (symbol: string) => ({ symbol, lastPrice: "1", volume: "1", quoteVolume: "9", closeTime: 0 });
 * const fetch = (url: string) => {
 *   const u = new URL(url);
 *   if (u.pathname.endsWith("exchangeInfo")) return Promise.resolve(Response.json(info));
 *   if (u.pathname.endsWith("ticker/24hr")) return Promise.resolve(Response.json([tick("BTCUSDT"), tick("ETHUSDT")]));
 *   const start = Number(u.searchParams.get("startTime")), end = Number(u.searchParams.get("endTime"));
 *   const p0 = u.searchParams.get("symbol") === "BTCUSDT" ? 100 : 10;
 *   const rows = [];
 *   for (let t = start; t <= end && rows.length < 1000; t += H) {
 *     const c = String(p0 * (1 + 0.01 * Math.sin(t / H)));
 *     rows.push([t, c, c, c, c, "1", t + H - 1, "1", 1, "0", "0", "0"]);
 *   }
 *   return Promise.resolve(Response.json(rows));
 * };
 * const { db } = openStore(":memory:");
 * const r = await runBinanceDemo(db, { fetch, baseUrl: "http://127.0.0.1:1", serverTime: now,
 *   assets: 2, days: 3, betaWindow: 24, git: { commit: "unknown", dirty: null } });
 * assert.deepEqual(r.symbols, ["BTCUSDT", "ETHUSDT"]);
 * assert.equal(r.inserted, 2 * 72);
 * assert.match(r.model.dataNote, /real Binance spot hourly bars/);
 * ```
 */
export async function runBinanceDemo(
  db: DatabaseSync,
  options: BinanceDemoOptions,
): Promise<BinanceDemoResult> {
  const assets = options.assets ?? DEMO_DEFAULTS.assets;
  const days = options.days ?? DEMO_DEFAULTS.days;
  const betaWindow = options.betaWindow ?? DEMO_DEFAULTS.betaWindow;
  if (!Number.isInteger(assets) || assets < 2) {
    throw new RangeError(
      `Cannot run the Binance demo: assets must be an integer >= 2, got ${assets}`,
    );
  }
  if (!Number.isInteger(days) || days < 2) {
    throw new RangeError(`Cannot run the Binance demo: days must be an integer >= 2, got ${days}`);
  }
  const progress = options.onProgress ?? (() => {});
  const ctx = ctxFields(options);
  const t0 = performance.now();
  progress(`choosing the top ${assets} USDT pairs by 24-hour quote volume`);
  const config = options.config ?? DEFAULT_CHAIN_CONFIG;
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  // One rate limiter for the universe requests and the backfill, as in `deno task backfill`.
  const chain = chainFromConfig("candles", { ...config, candles: ["binance"] }, {
    ctx,
    health: providerHealthStore(db),
    now: Date.now,
    sleep,
  });
  const gate = venueGate("binance", chain.pool);
  const top = await topBinanceSymbols(assets + 2, gate === undefined ? ctx : { ...ctx, gate });
  const chosen = ["BTCUSDT", "ETHUSDT", ...top.filter((s) => s !== "BTCUSDT" && s !== "ETHUSDT")]
    .slice(0, assets);
  const to = Math.floor(options.serverTime / HOUR) * HOUR; // bars opening before `to` are closed
  const from = to - days * 24 * HOUR;
  const t1 = performance.now();
  progress(`backfilling ${chosen.length} pairs, ${days} days of 1h bars`);
  const result = await backfill(db, {
    ...candlesFromChain(chain, "binance"),
    sleep,
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    symbols: chosen,
    freq: "1h",
    since: from,
    until: to,
    ...(options.onBackfill === undefined ? {} : { onProgress: options.onBackfill }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (options.signal?.aborted) {
    throw new Error("Binance demo interrupted during the backfill; re-run to resume");
  }
  const skipped = result.symbols
    .filter((s) => s.status !== "ok")
    .map((s) => ({ symbol: s.symbol, reason: s.error ?? s.status }));
  const symbols = chosen.filter((s) => !skipped.some((k) => k.symbol === s));
  if (!symbols.includes("BTCUSDT")) {
    const why = skipped.find((s) => s.symbol === "BTCUSDT")?.reason ?? "no bars";
    throw new Error(
      `Cannot run the Binance demo: the benchmark BTCUSDT failed to backfill (${why})`,
    );
  }
  const t2 = performance.now();
  progress(`building 1d bars of ${symbols.length} pairs from 1h bars`);
  materializeBars(db, { toFreq: "1d", fromFreq: "1h", venue: "binance", symbols });
  const t3 = performance.now();
  progress("computing statistics and charts");
  const asOf = new Date(options.serverTime).toISOString().replace(/\.\d+Z$/, "Z");
  const dataNote = `real Binance spot hourly bars: top ${symbols.length} USDT pairs by 24-hour ` +
    `quote volume, ${days} days to ${new Date(to).toISOString().slice(0, 13)}:00Z ` +
    `(exchange clock ${asOf})` +
    (skipped.length === 0
      ? ""
      : `; left out after failed backfill: ${
        skipped.map((s) => `${s.symbol} (${s.reason})`).join(", ")
      }`);
  const model = binanceDemoModel(db, {
    symbols,
    from,
    to,
    assets,
    days,
    betaWindow,
    dataNote,
    runId: options.runId,
    projectDir: options.projectDir,
    git: options.git,
    ledger: options.ledger,
  });
  const t4 = performance.now();
  return {
    model,
    symbols,
    skipped,
    inserted: result.inserted,
    timings: { universe: t1 - t0, backfill: t2 - t1, materialize: t3 - t2, report: t4 - t3 },
  };
}

/** What {@link binanceDemoModel} builds the real-data demo report from. */
export interface BinanceDemoModelInput {
  /** The pairs in the report, `[from, to)` of their hourly bars on venue `binance`. */
  readonly symbols: readonly string[];
  readonly from: number;
  readonly to: number;
  /** The requested number of pairs, days and beta window (the manifest's parameters). */
  readonly assets: number;
  readonly days: number;
  readonly betaWindow: number;
  /**
   * The report's data note: the universe, the window and the exchange clock when the demo ran,
   * and the pairs left out (what the store cannot tell afterwards).
   */
  readonly dataNote: string;
  readonly runId?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly git?: GitInfo | undefined;
  /** Where the IC series are recorded (see `BinanceDemoOptions.ledger`). Default: none. */
  readonly ledger?: TrialLedger | undefined; /**
   * Count only ledger trials with an id up to this one in the overfitting verdicts: the
   * manifest's `ledgerUpTo` of a first build, given back by verify-report. @default every
   * trial of each family generation
   */

  readonly ledgerUpTo?: number | undefined;
}

/**
 * The real-data demo report of bars the demo already backfilled and rolled up to 1d, read
 * only: what {@link runBinanceDemo} builds after the backfill, and what `deno task
 * verify-report` re-renders a real-data demo report with.
 */
export function binanceDemoModel(db: DatabaseSync, input: BinanceDemoModelInput): ReportModel {
  const { assets, days, betaWindow } = input;
  const data = loadDemoDataset(db, "binance", input.symbols, input.from, input.to);
  const verdicts = signalsOverfittingUpTo(
    db,
    data.dataset,
    DEFAULT_REPORT_SIGNALS,
    DEFAULT_SIGNAL_HORIZONS[0]!,
    undefined,
    input.ledgerUpTo,
  );
  // the largest trial id the verdicts counted (0 without a verdict): trials recorded later
  // change no byte of a rebuild
  const model = withOverfitting(
    buildDemoReport(data.dataset, {
      benchmark: "BTCUSDT",
      betaWindow,
      data: {
        rollup: { freq: "1d", series: data.daily },
        origin: "Hourly bars are Binance's own klines; daily bars were built from them, and a " +
          "day is complete only when all 24 of its hours were present.",
      },
      seed: null,
      params: { source: "binance", assets, days, betaWindow },
      dataNote: input.dataNote,
      runId: input.runId,
      ...(input.projectDir === undefined ? {} : { projectDir: input.projectDir }),
      ...(input.git === undefined ? {} : { git: input.git }),
      ...(input.ledger === undefined ? {} : { ledger: input.ledger }),
    }),
    verdicts?.section ?? null,
  );
  return withLedgerUpTo(model, verdicts?.upTo ?? 0);
}
