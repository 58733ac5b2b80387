/**
 * Run the bar materializers against the store, idempotently.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs, FREQS } from "../core/freq.ts";
import type { BarColumns } from "../core/types.ts";
import { withTransaction } from "../store/db.ts";
import { deleteBarsExcept, listSeries, readBars, writeBars } from "../store/bars.ts";
import { listTradeSeries, readTrades } from "../store/trades.ts";
import { refreshGaps } from "../store/gaps.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { resampleBars } from "./resample_bars.ts";
import { tradesToBars } from "./trades_to_bars.ts";

/** Options for {@link materializeBars}. */
export interface MaterializeOptions {
  /** Target frequency, or `all` for every frequency coarser than each series' source. */
  readonly toFreq: Freq | "all";
  /**
   * Source: `trades`, or a bar frequency. Default: trades when the venue and symbol have
   * trades, else the finest stored bar frequency that is finer than the target.
   */
  readonly fromFreq?: Freq | "trades" | undefined;
  /** Only this venue. */
  readonly venue?: string | undefined;
  /** Only these symbols (as the venue spells them). */
  readonly symbols?: readonly string[] | undefined;
  /** Called with a short line before each series is built (for progress output). */
  readonly onProgress?: ((line: string) => void) | undefined;
}

/** What was built for one target series. */
export interface SeriesMaterialization {
  readonly venue: string;
  readonly symbol: string;
  readonly from: Freq | "trades";
  readonly to: Freq;
  /** Source rows read (trades or bars). */
  readonly sourceRows: number;
  /** Target bars produced. */
  readonly bars: number;
  readonly inserted: number;
  readonly replaced: number;
  readonly unchanged: number;
  /**
   * Target bars we built but did not write because the venue's own bar (imported, not
   * materialized) is stored at that time with other values: a venue's bars are never overwritten.
   */
  readonly keptVenueBars: number;
  /** Bars materialized earlier whose inputs are gone, deleted. */
  readonly deletedStale: number;
  /** Target bars with `complete = 0`. */
  readonly incomplete: number;
  /** Gaps and missing bars of the target series after writing. */
  readonly gaps: number;
  readonly missing: number;
}

/** What {@link materializeBars} did. */
export interface MaterializeResult {
  /** The `ingest_runs` row of this run. */
  readonly runId: number;
  readonly series: readonly SeriesMaterialization[];
  readonly inserted: number;
  readonly replaced: number;
  readonly unchanged: number;
}

interface Plan {
  venue: string;
  symbol: string;
  from: Freq | "trades";
  targets: Freq[];
}

function coarserThan(from: Freq | "trades"): Freq[] {
  if (from === "trades") return [...FREQS];
  return FREQS.filter((f) => freqMs(f) > freqMs(from));
}

function plan(db: DatabaseSync, o: MaterializeOptions): Plan[] {
  const wanted = o.symbols === undefined ? undefined : new Set(o.symbols);
  const keep = (venue: string, symbol: string) =>
    (o.venue === undefined || o.venue === venue) && (wanted === undefined || wanted.has(symbol));
  const trades = new Set<string>();
  const barFreqs = new Map<string, Freq[]>();
  const pairs = new Map<string, { venue: string; symbol: string }>();
  for (const t of listTradeSeries(db)) {
    if (!keep(t.venue, t.symbol)) continue;
    const k = JSON.stringify([t.venue, t.symbol]);
    trades.add(k);
    pairs.set(k, t);
  }
  for (const s of listSeries(db, o.venue === undefined ? {} : { venue: o.venue })) {
    if (!keep(s.venue, s.symbol)) continue;
    const k = JSON.stringify([s.venue, s.symbol]);
    barFreqs.set(k, [...(barFreqs.get(k) ?? []), s.freq]);
    pairs.set(k, { venue: s.venue, symbol: s.symbol });
  }
  const out: Plan[] = [];
  for (const [k, p] of [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const stored = (barFreqs.get(k) ?? []).sort((a, b) => freqMs(a) - freqMs(b));
    let from: Freq | "trades" | undefined;
    if (o.fromFreq === "trades") from = trades.has(k) ? "trades" : undefined;
    else if (o.fromFreq !== undefined) from = stored.includes(o.fromFreq) ? o.fromFreq : undefined;
    else if (trades.has(k)) from = "trades";
    else {
      const limit = o.toFreq === "all" ? Infinity : freqMs(o.toFreq);
      from = stored.find((f) => freqMs(f) < limit);
    }
    if (from === undefined) continue;
    const targets = o.toFreq === "all" ? coarserThan(from) : [o.toFreq];
    if (targets.length > 0) out.push({ venue: p.venue, symbol: p.symbol, from, targets });
  }
  return out;
}

/**
 * Build bars from trades or finer bars for every matching series and write them to the store.
 *
 * Each target series is written in one transaction (`writeBars` with `onConflict: "replace"`
 * and source `materialize:<from>-><to>`) together with the refresh of its gaps in `bar_gaps`;
 * the gaps of a source bar series are refreshed too, and the run is recorded in
 * `ingest_runs`. Deterministic and idempotent: a second run over unchanged
 * sources inserts and replaces nothing. Missing intervals become gaps, never synthetic bars.
 *
 * An explicit `fromFreq` that is not finer than `toFreq` is an error naming both; with no
 * `fromFreq`, series without a finer source are skipped.
 *
 * @example 1-minute bars to 1-hour bars
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars, writeBars } from "@lib/store/bars.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { materializeBars } from "@lib/materialize/run.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const m = allocBars({ venue: "sim", symbol: "X", freq: "1m" }, 60);
 * for (let i = 0; i < 60; i++) {
 *   m.ts[i] = i * 60_000; m.open[i] = m.high[i] = m.low[i] = m.close[i] = 100 + i; m.volume[i] = 1;
 * }
 * writeBars(db, m, { source: "doc" });
 * const first = materializeBars(db, { toFreq: "1h" });
 * assert.equal(first.inserted, 1);
 * assert.equal(materializeBars(db, { toFreq: "1h" }).unchanged, 1);
 * const h = readBars(db, { venue: "sim", symbol: "X", freq: "1h" });
 * assert.deepEqual([h.open[0], h.close[0], h.volume[0], h.complete[0]], [100, 159, 60, 1]);
 * ```
 */
export function materializeBars(db: DatabaseSync, options: MaterializeOptions): MaterializeResult {
  if (
    options.fromFreq !== undefined && options.fromFreq !== "trades" && options.toFreq !== "all" &&
    !(freqMs(options.toFreq) > freqMs(options.fromFreq) &&
      freqMs(options.toFreq) % freqMs(options.fromFreq) === 0)
  ) {
    throw new RangeError(
      `Cannot materialize ${options.toFreq} bars from ${options.fromFreq} bars: the target ` +
        `frequency must be a coarser multiple of the source frequency`,
    );
  }
  const runId = startRun(db, "materialize", {
    toFreq: options.toFreq,
    fromFreq: options.fromFreq ?? null,
    venue: options.venue ?? null,
    symbols: options.symbols ?? null,
  });
  const results: SeriesMaterialization[] = [];
  let inserted = 0, replaced = 0, unchanged = 0;
  try {
    for (const p of plan(db, options)) {
      let trades: ReturnType<typeof readTrades> | undefined;
      let source: BarColumns | undefined;
      if (p.from === "trades") trades = readTrades(db, p.venue, p.symbol);
      else source = readBars(db, { venue: p.venue, symbol: p.symbol, freq: p.from });
      const sourceRows = trades !== undefined ? trades.ts.length : source!.ts.length;
      for (const to of p.targets) {
        options.onProgress?.(`${p.venue} ${p.symbol} ${p.from} -> ${to} (${sourceRows} rows)`);
        const bars = trades !== undefined ? tradesToBars(trades, to) : resampleBars(source!, to);
        const key = { venue: p.venue, symbol: p.symbol, freq: to };
        const r = withTransaction(db, () => {
          const w = writeBars(db, bars, {
            source: `materialize:${p.from}->${to}`,
            runId,
            onConflict: "replace",
            replaceSourcePrefix: "materialize:",
          });
          const deleted = deleteBarsExcept(db, key, bars.ts, "materialize:");
          return { w, deleted, g: refreshGaps(db, key) };
        });
        let incomplete = 0;
        for (let i = 0; i < bars.complete.length; i++) incomplete += bars.complete[i] === 0 ? 1 : 0;
        inserted += r.w.inserted;
        replaced += r.w.replaced;
        unchanged += r.w.unchanged;
        results.push({
          venue: p.venue,
          symbol: p.symbol,
          from: p.from,
          to,
          sourceRows,
          bars: bars.ts.length,
          inserted: r.w.inserted,
          replaced: r.w.replaced,
          unchanged: r.w.unchanged,
          keptVenueBars: r.w.conflicts.length,
          deletedStale: r.deleted,
          incomplete,
          gaps: r.g.gaps,
          missing: r.g.missing,
        });
      }
      if (source !== undefined) {
        const src = source;
        withTransaction(db, () => refreshGaps(db, src));
      }
    }
  } catch (e) {
    finishRun(db, runId, "failed", {
      rowsWritten: inserted + replaced,
      message: (e as Error).message,
    });
    throw e;
  }
  finishRun(db, runId, "ok", {
    rowsWritten: inserted + replaced,
    message: `${results.length} series`,
  });
  return { runId, series: results, inserted, replaced, unchanged };
}
