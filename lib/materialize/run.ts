/**
 * Run the bar materializers against the store, idempotently.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs, FREQS } from "../core/freq.ts";
import type { BarColumns, TradeColumns } from "../core/types.ts";
import { withTransaction } from "../store/db.ts";
import { listSeries, readBars, writeBars } from "../store/bars.ts";
import { deleteBarsInSpan } from "../store/bars_span.ts";
import { listTradeSeries, readTrades } from "../store/trades.ts";
import { refreshGaps } from "../store/gaps.ts";
import { finishRun, startRun } from "../store/runs.ts";
import { resampleBars } from "./resample_bars.ts";
import { tradesToBars } from "./trades_to_bars.ts";
import { chooseSource, type SourceCandidate } from "./choose_source.ts";

/** Options for {@link materializeBars}. */
export interface MaterializeOptions {
  /** Target frequency, or `all` for every frequency some source of the series can build. */
  readonly toFreq: Freq | "all";
  /**
   * Source: `trades`, or a bar frequency. Default: chosen per target series by
   * {@link chooseSource}: the stored trades or finer stored bars of that venue and symbol that
   * span the most target intervals, the finer one on a tie (so years of hourly bars win over a
   * few minutes of trades, and trades win over the 1-minute bars built from them).
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
   * materialized) is stored at that time with other market values: a venue's bars are never
   * overwritten.
   */
  readonly keptVenueBars: number;
  /**
   * Target bars equal in every market value to the venue's own stored bar, whose `complete`
   * flag differs (e.g. Kraken's hour is complete by Kraken's word, while its 1-minute file
   * skips minutes without trades); the venue's row is kept as stored. Not a conflict.
   */
  readonly keptVenueFlags: number;
  /**
   * Bars this same source built earlier (source exactly `materialize:<from>-><to>`) inside the
   * span the source now covers, whose inputs are gone: deleted.
   */
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

interface Step {
  from: Freq | "trades";
  to: Freq;
}

interface Plan {
  venue: string;
  symbol: string;
  steps: Step[];
}

function coarserThan(from: Freq | "trades"): Freq[] {
  if (from === "trades") return [...FREQS];
  return FREQS.filter((f) => freqMs(f) > freqMs(from));
}

function plan(db: DatabaseSync, o: MaterializeOptions): Plan[] {
  const wanted = o.symbols === undefined ? undefined : new Set(o.symbols);
  const keep = (venue: string, symbol: string) =>
    (o.venue === undefined || o.venue === venue) && (wanted === undefined || wanted.has(symbol));
  const found = new Map<string, { venue: string; symbol: string; c: SourceCandidate[] }>();
  const add = (venue: string, symbol: string, c: SourceCandidate) => {
    const k = JSON.stringify([venue, symbol]);
    const e = found.get(k) ?? { venue, symbol, c: [] };
    e.c.push(c);
    found.set(k, e);
  };
  for (const t of listTradeSeries(db)) {
    if (keep(t.venue, t.symbol)) {
      add(t.venue, t.symbol, { from: "trades", firstTs: t.firstTs, lastTs: t.lastTs });
    }
  }
  for (const s of listSeries(db, o.venue === undefined ? {} : { venue: o.venue })) {
    if (keep(s.venue, s.symbol)) {
      add(s.venue, s.symbol, { from: s.freq, firstTs: s.firstTs, lastTs: s.lastTs });
    }
  }
  const out: Plan[] = [];
  for (const [, p] of [...found].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const steps: Step[] = [];
    if (o.fromFreq !== undefined) {
      const from = o.fromFreq;
      if (p.c.some((c) => c.from === from)) {
        for (const to of o.toFreq === "all" ? coarserThan(from) : [o.toFreq]) {
          steps.push({ from, to });
        }
      }
    } else {
      for (const to of o.toFreq === "all" ? FREQS : [o.toFreq]) {
        const from = chooseSource(p.c, to);
        if (from !== undefined) steps.push({ from, to });
      }
    }
    if (steps.length > 0) out.push({ venue: p.venue, symbol: p.symbol, steps });
  }
  return out;
}

type Loaded =
  | { kind: "trades"; trades: TradeColumns; first: number; last: number }
  | { kind: "bars"; bars: BarColumns; first: number; last: number };

function load(db: DatabaseSync, venue: string, symbol: string, from: Freq | "trades"): Loaded {
  if (from === "trades") {
    const trades = readTrades(db, venue, symbol);
    const [first, last] = extent(trades.ts);
    return { kind: "trades", trades, first, last };
  }
  const bars = readBars(db, { venue, symbol, freq: from });
  const [first, last] = extent(bars.ts);
  return { kind: "bars", bars, first, last };
}

function extent(ts: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return [lo, hi];
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
 * Which source: with `fromFreq`, that one for every target. Without it, each target series is
 * built from the source {@link chooseSource} picks for it: among the stored trades and the
 * stored bar frequencies finer than the target, the one spanning the most target intervals
 * (first row to last row), the finer one on a tie. So five years of hourly bars, not five
 * minutes of trades, make the daily bars. The other sources are not used for that target.
 *
 * What is overwritten or deleted: bars we materialized earlier (any `materialize:` source) are
 * replaced where the new bar differs; a venue's own bars are never replaced (see
 * `keptVenueBars`). A stored bar is deleted only when its source is exactly
 * `materialize:<from>-><to>` of the source used now, its time lies inside the span that source
 * now covers (the target interval of its first row to that of its last row), and the source
 * no longer yields a bar there. Bars built from another source, or outside that span (e.g.
 * before a shorter re-import), are left as they are.
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
      const loaded = new Map<Freq | "trades", Loaded>();
      for (const { from, to } of p.steps) {
        const src = loaded.get(from) ?? load(db, p.venue, p.symbol, from);
        loaded.set(from, src);
        const sourceRows = src.kind === "trades" ? src.trades.ts.length : src.bars.ts.length;
        options.onProgress?.(`${p.venue} ${p.symbol} ${from} -> ${to} (${sourceRows} rows)`);
        const bars = src.kind === "trades"
          ? tradesToBars(src.trades, to)
          : resampleBars(src.bars, to);
        const key = { venue: p.venue, symbol: p.symbol, freq: to };
        const source = `materialize:${from}->${to}`;
        const toMs = freqMs(to);
        const r = withTransaction(db, () => {
          const w = writeBars(db, bars, {
            source,
            runId,
            onConflict: "replace",
            replaceSourcePrefix: "materialize:",
          });
          // Only what this very source built earlier, and only where it still has data: bars
          // of other sources, and this source's bars outside its current span, stay.
          const deleted = sourceRows === 0 ? 0 : deleteBarsInSpan(db, key, {
            source,
            fromTs: Math.floor(src.first / toMs) * toMs,
            toTs: Math.floor(src.last / toMs) * toMs,
            keepTs: bars.ts,
          });
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
          from,
          to,
          sourceRows,
          bars: bars.ts.length,
          inserted: r.w.inserted,
          replaced: r.w.replaced,
          unchanged: r.w.unchanged,
          keptVenueBars: r.w.conflicts.length,
          keptVenueFlags: r.w.flagOnly,
          deletedStale: r.deleted,
          incomplete,
          gaps: r.g.gaps,
          missing: r.g.missing,
        });
      }
      for (const src of loaded.values()) {
        if (src.kind === "bars") withTransaction(db, () => refreshGaps(db, src.bars));
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
