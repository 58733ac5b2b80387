/**
 * `deno task poll`: spot quotes and DEX snapshots every interval, into the store.
 *
 * ```
 * deno task poll --interval 60
 * deno task poll --interval 60 --symbols BTCUSDT,ETHUSDT --venues binance,kraken,coinbase \
 *   --dex-chains solana,base --dex-query SOL/USDC,WETH/USDC
 * deno task poll --once
 * ```
 *
 * Cycles start on multiples of the interval. A venue that fails is logged and served from its
 * last good quote (marked stale: from memory, or from the store when the process is fresh, so
 * `--once` falls back too); a refused quote goes to `quarantine`. `--once` exits 1 when every
 * venue failed. SIGINT or SIGTERM: the cycle in flight is committed, the run is closed, exit 0.
 *
 * Every venue is still asked each cycle (the cross-venue gate compares them), but each venue's
 * requests go through its rate limiter, its retries (bounded to half the interval) and its
 * circuit breaker, whose state is kept in `provider_health` across restarts. Settings and the
 * default venue list come from the providers config (`--providers`, `CRYPTOLAB_PROVIDERS`,
 * `config/providers.json`, else the defaults of `lib/providers/chain_config.ts`).
 *
 * @module
 */
import { DEFAULT_QUOTE_ALLOWLIST } from "@lib/ingest/dex_universe.ts";
import {
  ASSET_SYMBOLS,
  pollOnce,
  type PollOptions,
  resolveAsset,
  runPoll,
} from "@lib/ingest/poll.ts";
import {
  type ChainConfig,
  chainFromConfig,
  guardedDexSource,
  guardedQuoteSources,
  loadChainConfig,
} from "@lib/providers/chain_config.ts";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
import { type VenueId, venuesOffering } from "@lib/providers/registry.ts";
import { providerHealthStore } from "@lib/store/provider_health.ts";
import type { DexPair, SpotQuote } from "@lib/providers/types.ts";
import { finishRun, startRun } from "@lib/store/runs.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";

const USAGE = `deno task poll [--interval SECONDS] [options]

Record spot quotes from several venues and snapshots of a discovered DEX universe every
interval (cycles start on multiples of it).

  --interval S      seconds between cycles (default 60)
  --symbols LIST    assets or venue symbols: ${Object.keys(ASSET_SYMBOLS).join(", ")} or e.g.
                    BTCUSDT,ETHUSDT (default: all of them)
  --venues LIST     quote venues among ${venuesOffering("quotes").join(", ")}
                    (default: the providers config's quotes list, binance,kraken,coinbase)
  --tolerance X     cross-venue gate: largest relative distance from the median (default 0.02)
  --dex-chains LIST Dexscreener chain ids to keep (default solana); allowlisted quote tokens are
                    known for ${Object.keys(DEFAULT_QUOTE_ALLOWLIST).join(", ")}
  --dex-query LIST  Dexscreener searches (default SOL/USDC); an empty value turns DEX polling off
  --min-liquidity N DEX liquidity floor in USD (default 50000)
  --min-volume N    DEX 24h volume floor in USD (default 10000)
  --once            run one cycle now and exit (exit 1 when every venue failed)
  --db PATH         store file (default data/cryptolab.db or $CRYPTOLAB_DB)
  --providers PATH  providers config JSON: venues, retry and circuit-breaker settings (default
                    $CRYPTOLAB_PROVIDERS, else config/providers.json if present, else built-in)

Base URLs can be replaced with CRYPTOLAB_BINANCE_URL, CRYPTOLAB_KRAKEN_URL,
CRYPTOLAB_COINBASE_URL, CRYPTOLAB_DEXSCREENER_URL.`;

const list = (v: string | undefined, dflt: string): string[] =>
  (v ?? dflt).split(",").map((s) => s.trim()).filter((s) => s !== "");

function positive(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) {
    throw new UsageError(`--${flag} must be a positive number, got "${v}"`);
  }
  return x;
}

async function main(args: string[]): Promise<number> {
  const { values } = parseFlags(args, {
    interval: { type: "string" },
    symbols: { type: "string" },
    venues: { type: "string" },
    tolerance: { type: "string" },
    "dex-chains": { type: "string" },
    "dex-query": { type: "string" },
    "min-liquidity": { type: "string" },
    "min-volume": { type: "string" },
    once: { type: "boolean" },
    providers: { type: "string" },
  }, USAGE);
  let config: ChainConfig;
  try {
    config = loadChainConfig(values.providers).config;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const intervalMs = positive("interval", values.interval, 60) * 1000;
  const symbols = list(values.symbols, Object.keys(ASSET_SYMBOLS).join(","));
  try {
    for (const s of symbols) resolveAsset(s);
  } catch (e) {
    throw new UsageError(`--symbols: ${(e as Error).message}`);
  }
  const offering = venuesOffering("quotes") as string[];
  const venues = list(values.venues, config.quotes.join(","));
  for (const v of venues) {
    if (!offering.includes(v)) {
      throw new UsageError(`--venues: "${v}" offers no quotes; use ${offering.join(", ")}`);
    }
  }
  const tolerance = positive("tolerance", values.tolerance, 0.02);
  const chains = list(values["dex-chains"], "solana");
  const queries = list(values["dex-query"], "SOL/USDC");
  const rules = {
    minLiquidityUsd: positive("min-liquidity", values["min-liquidity"], 50_000),
    minVolumeH24: positive("min-volume", values["min-volume"], 10_000),
  };

  const now = Date.now;
  const ctx = { timeoutMs: Math.min(10_000, intervalMs), now };
  const maxAgeMs = 5 * intervalMs;
  const store = openTaskStore(values.db);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const chainOpts = {
    health: providerHealthStore(store.db),
    ctx,
    now,
    sleep,
    pool: createRateLimiterPool({ now, sleep }),
    breakers: new Map(),
  };
  // retries of a venue must leave time for the rest of the cycle
  const bound = { maxElapsedMs: intervalMs / 2 };
  const quoteChain = chainFromConfig(
    "quotes",
    { ...config, quotes: venues as VenueId[] },
    chainOpts,
  );
  const options: PollOptions = {
    quoteSources: guardedQuoteSources(quoteChain, bound),
    symbols,
    lkg: createLastKnownGood<SpotQuote>({ maxAgeMs, now }),
    lastGoodMaxAgeMs: maxAgeMs,
    gates: { tolerance, maxAgeMs: 2 * intervalMs },
    dex: queries.length === 0 ? undefined : {
      source: guardedDexSource(chainFromConfig("dex", config, chainOpts), bound),
      queries,
      chains,
      rules,
      lkg: createLastKnownGood<DexPair>({ maxAgeMs, now }),
    },
    now,
  };

  const runId = startRun(store.db, "poll", { ...values, intervalMs, symbols, venues });
  const totals = { written: 0, quarantined: 0, cycles: 0 };
  const report = (r: Awaited<ReturnType<typeof pollOnce>>) => {
    totals.cycles++;
    totals.written += r.spotWritten + r.spotStale + r.dexWritten + r.dexStale;
    totals.quarantined += r.quarantined;
    console.error(
      `poll ${new Date(r.ts).toISOString()}: ${r.spotWritten} quotes` +
        (r.spotStale > 0 ? ` (+${r.spotStale} stale)` : "") +
        `, ${r.dexWritten} DEX pairs` + (r.dexStale > 0 ? ` (+${r.dexStale} stale)` : "") +
        `, universe +${r.added}/-${r.dropped}, ${r.quarantined} quarantined, ` +
        `${r.errors.length} errors`,
    );
  };

  const ctrl = new AbortController();
  let signalName = "";
  const stops = (["SIGINT", "SIGTERM"] as const).map((s) => {
    const fn = () => {
      if (!ctrl.signal.aborted) {
        signalName = s;
        console.error(`\n${s}: committing the cycle in flight, then stopping`);
      }
      ctrl.abort();
    };
    Deno.addSignalListener(s, fn);
    return [s, fn] as const;
  });
  try {
    if (values.once) {
      const r = await pollOnce(store.db, { ...options, runId });
      report(r);
      if (r.allFailed) {
        const message = `every venue failed (${r.venuesFailed.join(", ")}); nothing fresh ` +
          `was written` + (r.spotStale + r.dexStale > 0 ? ", only stale last-known-good rows" : "");
        finishRun(store.db, runId, "failed", {
          rowsWritten: totals.written,
          rowsQuarantined: totals.quarantined,
          message,
        });
        console.error(`poll: ${message}`);
        return 1;
      }
    } else {await runPoll(store.db, {
        ...options,
        runId,
        intervalMs,
        signal: ctrl.signal,
        onCycle: report,
      });}
    finishRun(store.db, runId, "ok", {
      rowsWritten: totals.written,
      rowsQuarantined: totals.quarantined,
      message: `${totals.cycles} cycles` + (signalName ? `, stopped by ${signalName}` : ""),
    });
    return 0;
  } catch (e) {
    finishRun(store.db, runId, "failed", { message: (e as Error).message });
    throw e;
  } finally {
    for (const [s, fn] of stops) Deno.removeSignalListener(s, fn);
    store.close();
  }
}

if (import.meta.main) await runMain(main);
