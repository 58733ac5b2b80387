/**
 * The perp side of `deno task backfill` (`--kind funding|mark|index|premium|oi`): flags,
 * chains and the summary; the work is `backfillPerp` of lib/ingest/perp_backfill.ts.
 *
 * @module
 */
import { backfillPerp, PERP_KINDS, type PerpKind } from "@lib/ingest/perp_backfill.ts";
import { OI_PERIODS, PERP_INTERVALS } from "@lib/providers/binance_futures.ts";
import { chainFromConfig, loadChainConfig } from "@lib/providers/chain_config.ts";
import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
import { type VenueId, venuesOffering } from "@lib/providers/registry.ts";
import { providerHealthStore } from "@lib/store/provider_health.ts";
import { openTaskStore, progressDone, progressLine, UsageError } from "./_cli.ts";
import { formatDuration } from "./_backfill_progress.ts";

/** The flags of `deno task backfill` the perp kinds read. */
export interface PerpBackfillFlags {
  readonly kind: string;
  readonly venue?: string | undefined;
  readonly symbols?: string | undefined;
  readonly freq?: string | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly providers?: string | undefined;
  readonly db?: string | undefined;
  readonly "funding-interval"?: string | undefined;
}

/** Run a perp backfill from the task's flags; returns the exit code. */
export async function runPerpBackfill(
  flags: PerpBackfillFlags,
  parseDate: (flag: string, value: string) => number,
  usage: string,
): Promise<number> {
  if (!(PERP_KINDS as readonly string[]).includes(flags.kind)) {
    throw new UsageError(
      `--kind must be candles or one of ${PERP_KINDS.join(", ")}, got ${flags.kind}\n\n${usage}`,
    );
  }
  const kind = flags.kind as PerpKind;
  const chainKind = kind === "funding"
    ? "funding"
    : kind === "oi"
    ? "open_interest"
    : "perp_klines";
  const offering = venuesOffering(chainKind);
  const venue = (flags.venue ?? offering[0]) as VenueId;
  if (!offering.includes(venue)) {
    throw new UsageError(
      `--venue must be one of ${offering.join(", ")} for --kind ${kind}, got ${venue}`,
    );
  }
  if (flags.symbols === undefined || flags.symbols.trim() === "" || /^top:/i.test(flags.symbols)) {
    throw new UsageError(
      `--symbols needs perp symbols for --kind ${kind} (e.g. BTCUSDT,ETHUSDT)\n\n${usage}`,
    );
  }
  const symbols = flags.symbols.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const allowed: readonly string[] = kind === "oi" ? OI_PERIODS : PERP_INTERVALS;
  if (kind === "funding" && flags.freq !== undefined) {
    throw new UsageError(
      "--freq does not apply to --kind funding (funding comes at its own times)",
    );
  }
  const interval = flags.freq ?? "1h";
  if (kind !== "funding" && !allowed.includes(interval)) {
    throw new UsageError(
      `--freq for --kind ${kind} must be one of ${allowed.join(", ")}, got ${interval}`,
    );
  }
  const fi = flags["funding-interval"];
  if (fi !== undefined && kind !== "funding") {
    throw new UsageError("--funding-interval applies to --kind funding only");
  }
  const fundingHours = fi === undefined ? 8 : Number(/^(\d+)h$/.exec(fi)?.[1]);
  if (![1, 2, 4, 8].includes(fundingHours)) {
    throw new UsageError(`--funding-interval must be 1h, 2h, 4h or 8h, got ${fi}`);
  }
  if (flags.since === undefined) throw new UsageError(`--since is required\n\n${usage}`);
  const since = parseDate("since", flags.since);
  const until = flags.until === undefined ? Date.now() : parseDate("until", flags.until);
  if (until <= since) {
    throw new UsageError(`--until (${flags.until}) must be after --since (${flags.since})`);
  }
  let config;
  try {
    config = loadChainConfig(flags.providers).config;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  const pool = createRateLimiterPool({ now: Date.now, sleep });
  const store = openTaskStore(flags.db);
  const opts = { health: providerHealthStore(store.db), now: Date.now, sleep, pool };
  // the asked venue only: perp rows are stored per venue, a backfill never falls back
  const chains = kind === "funding"
    ? { funding: chainFromConfig("funding", { ...config, funding: [venue] }, opts) }
    : kind === "oi"
    ? {
      openInterest: chainFromConfig("open_interest", { ...config, open_interest: [venue] }, opts),
    }
    : { perpKlines: chainFromConfig("perp_klines", { ...config, perp_klines: [venue] }, opts) };
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
    const r = await backfillPerp(store.db, {
      kind,
      venue,
      chains,
      symbols,
      interval: kind === "funding" ? undefined : interval,
      fundingIntervalMs: fundingHours * 3_600_000,
      since,
      until,
      signal: ctrl.signal,
      onProgress: (p) => {
        const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
        const secs = (Date.now() - t0) / 1000;
        const eta = frac > 0 ? secs * (1 - frac) / frac : Infinity;
        progressLine(
          `backfill ${kind} ${p.symbol}: ${p.symbolDone} rows (${p.done} all symbols), ~${
            (frac * 100).toFixed(0)
          }% ETA ` +
            `${formatDuration(eta)} (${p.requests} requests)`,
        );
      },
    });
    progressDone();
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    console.error(
      `backfill ${kind} ${r.status}: ${r.inserted} rows written, ${r.quarantined} quarantined, ` +
        `${r.requests} requests in ${secs} s (run ${r.runId})`,
    );
    for (const s of r.symbols) {
      console.error(
        `  ${s.symbol}: ${s.rows} rows (${s.inserted} new, ${s.updated} updated, ` +
          `${s.unchanged} unchanged, ${s.quarantined} quarantined)`,
      );
      if (s.quarantined > 0) {
        console.error(
          `  ${s.symbol}: ${s.quarantined} rows refused by the perp rules, see the quarantine table`,
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
