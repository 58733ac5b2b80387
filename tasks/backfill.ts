/**
 * `deno task backfill`: fetch candles from a venue into the store, only what is missing.
 *
 * ```
 * deno task backfill --venue binance --symbols BTCUSDT,ETHUSDT --freq 1h --since 2024-01-01
 * deno task backfill --venue binance --symbols top:10 --freq 1h --since 2024-01-01 --until 2024-07-01
 * deno task backfill --kind funding --symbols BTCUSDT,ETHUSDT --since 2024-01-01
 * deno task backfill --kind mark --symbols BTCUSDT --freq 1h --since 2024-01-01
 * ```
 *
 * `--kind funding|mark|index|premium|oi` backfills Binance USDT-M perp data instead of candles
 * (tasks/_backfill_perp.ts, lib/ingest/perp_backfill.ts): same resume, progress, signal and
 * exit-code behaviour; rows go through the perp rules and refused ones to `quarantine`.
 *
 * Progress (done/total bars, rate, ETA) goes to stderr. SIGINT or SIGTERM: the page in flight is
 * committed, the run is marked `interrupted`, exit 0. Exit 1 when a symbol could not be
 * completed (its reason is printed; a bad payload is in `quarantine`); re-running resumes.
 *
 * Every request pays its published weight to the venue's rate limiter (Binance's used-weight
 * header tightens it), and the venue's circuit breaker is kept in `provider_health`, so a
 * re-run right after repeated failures waits for the cool-down instead of hammering the venue.
 * The venue's provider, its retry and breaker settings come from the candles chain of the
 * providers config (`--providers`, `CRYPTOLAB_PROVIDERS`, `config/providers.json`, else the
 * defaults of `lib/providers/chain_config.ts`); `--venue` defaults to the chain's first venue
 * and may be any venue the registry lists for candles.
 *
 * @module
 */
import { type Freq, FREQS } from "@lib/core/freq.ts";
import { backfill, candlesFromChain, topBinanceSymbols } from "@lib/ingest/backfill.ts";
import {
  type ChainConfig,
  chainFromConfig,
  loadChainConfig,
  venueGate,
} from "@lib/providers/chain_config.ts";
import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
import { type VenueId, venuesOffering } from "@lib/providers/registry.ts";
import { providerHealthStore } from "@lib/store/provider_health.ts";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { backfillProgressText as progressText } from "./_backfill_progress.ts";
import { runPerpBackfill } from "./_backfill_perp.ts";

const CANDLE_VENUES: readonly string[] = venuesOffering("candles");

const USAGE = `deno task backfill --symbols LIST|top:N --freq F --since DATE [options]

Fetch candles from a venue's public API into the store, resuming where the store stops.

  --kind K        candles (default) | funding | mark | index | premium | oi: perp funding
                  history, mark/index/premium-index klines or open interest (binance_futures;
                  --freq is then the kline interval or OI period, default 1h; funding takes none)
  --funding-interval H  --kind funding: the contract's funding grid, 1h | 2h | 4h | 8h (default
                  8h); times off it are quarantined
  --venue V       ${CANDLE_VENUES.join(" | ")} (default: the first venue of the
                  providers config's candles chain, binance unless configured)
  --symbols S     comma-separated venue symbols (BTCUSDT,ETHUSDT; Kraken XBTUSD; Coinbase
                  BTC-USD), or top:N = the N USDT pairs with the largest 24h quote volume
                  (Binance venues only)
  --freq F        bar interval: ${FREQS.join(", ")}
  --since DATE    first bar, ISO date or time in UTC (2024-01-01, 2024-01-01T12:00:00Z)
  --until DATE    end of the range, exclusive (default: now)
  --db PATH       store file (default data/cryptolab.db or $CRYPTOLAB_DB)
  --providers P   providers config JSON: candles chain, retry and circuit-breaker settings (default
                  $CRYPTOLAB_PROVIDERS, else config/providers.json if present, else built-in)

Base URLs can be replaced with CRYPTOLAB_BINANCE_URL, CRYPTOLAB_BINANCE_FUTURES_URL,
CRYPTOLAB_KRAKEN_URL, CRYPTOLAB_COINBASE_URL.`;

/** An ISO date (UTC when no zone is given) as epoch ms. */
function parseDate(flag: string, value: string): number {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? `${value}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(value)
    ? value
    : `${value}Z`;
  const t = Date.parse(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(t)) {
    throw new UsageError(`--${flag} must be an ISO date like 2024-01-01, got "${value}"`);
  }
  return t;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    venue: { type: "string" },
    symbols: { type: "string" },
    freq: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    providers: { type: "string" },
    kind: { type: "string" },
    "funding-interval": { type: "string" },
  }, USAGE);
  if (values.kind !== undefined && values.kind !== "candles") {
    return await runPerpBackfill({ ...values, kind: values.kind }, parseDate, USAGE);
  }
  if (values.venue !== undefined && !CANDLE_VENUES.includes(values.venue)) {
    throw new UsageError(
      `--venue must be one of ${CANDLE_VENUES.join(", ")}, got ${values.venue}\n\n${USAGE}`,
    );
  }
  if (values.symbols === undefined || values.symbols.trim() === "") {
    throw new UsageError(`--symbols is required\n\n${USAGE}`);
  }
  const freq = values.freq;
  if (freq === undefined || !(FREQS as readonly string[]).includes(freq)) {
    throw new UsageError(`--freq must be one of ${FREQS.join(", ")}, got ${freq ?? "nothing"}`);
  }
  if (values.since === undefined) throw new UsageError(`--since is required\n\n${USAGE}`);
  const since = parseDate("since", values.since);
  const until = values.until === undefined ? Date.now() : parseDate("until", values.until);
  if (until <= since) {
    throw new UsageError(`--until (${values.until}) must be after --since (${values.since})`);
  }

  let config: ChainConfig;
  try {
    config = loadChainConfig(values.providers).config;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const venue = (values.venue ?? config.candles[0]!) as VenueId;
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const pool = createRateLimiterPool({ now: Date.now, sleep });
  const gate = venueGate(venue, pool);
  const ctx = gate === undefined ? {} : { gate };

  let symbols: string[];
  const top = /^top:(\d+)$/.exec(values.symbols.trim());
  if (top === null && /^top:/i.test(values.symbols.trim())) {
    throw new UsageError(
      `--symbols top:N needs a whole number N >= 1, got "${values.symbols.trim()}" (e.g. top:20)`,
    );
  }
  if (top !== null && Number(top[1]) < 1) {
    throw new UsageError(`--symbols top:N needs N >= 1, got "${values.symbols.trim()}"`);
  }
  if (top !== null) {
    if (venue !== "binance" && venue !== "binance_futures") {
      throw new UsageError(`--symbols top:N needs a Binance venue, got --venue ${venue}`);
    }
    symbols = await topBinanceSymbols(Number(top[1]), {
      ...ctx,
      market: venue === "binance" ? "spot" : "futures",
    });
    console.error(`top:${top[1]} by 24h quote volume: ${symbols.join(", ")}`);
  } else {
    symbols = values.symbols.split(",").map((s) => s.trim()).filter((s) => s !== "");
  }

  const store = openTaskStore(values.db);
  // the candles chain of the config, narrowed to the asked venue: bars are stored per venue,
  // so a backfill never falls back to another venue's candles
  const chain = chainFromConfig("candles", { ...config, candles: [venue] }, {
    health: providerHealthStore(store.db),
    now: Date.now,
    sleep,
    pool,
  });
  const ctrl = new AbortController();
  const stop = () => {
    if (!ctrl.signal.aborted) {
      console.error("\nstopping: committing the page in flight, then marking the run interrupted");
    }
    ctrl.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, stop);
  const t0 = Date.now();
  try {
    const r = await backfill(store.db, {
      ...candlesFromChain(chain, venue),
      sleep,
      symbols,
      freq: freq as Freq,
      since,
      until,
      signal: ctrl.signal,
      onProgress: (p) => progressLine(progressText(p, Date.now() - t0)),
      onRetry: (e) =>
        console.error(
          `\nretry ${e.attempt} in ${Math.round(e.delayMs)} ms: ${e.error.message}`,
        ),
    });
    progressDone();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    console.error(
      `backfill ${r.status}: ${r.inserted} bars written, ${r.requests} requests, ` +
        `${r.retries} retries, ${r.quarantinedRows} rows and ${
          r.quarantined - r.quarantinedRows
        } payloads quarantined in ${secs} s (run ${r.runId})`,
    );
    for (const s of r.symbols) {
      if (s.quarantined > 0) {
        console.error(
          `  ${s.symbol}: ${s.quarantined} rows refused by the row rules, see the quarantine table`,
        );
      }
      if (s.error !== undefined) {
        console.error(`  ${s.symbol}: ${s.error} (re-run to resume from the store)`);
      }
    }
    return r.status === "failed" ? 1 : 0;
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, stop);
    store.close();
  }
}

if (import.meta.main) runMain(main);
