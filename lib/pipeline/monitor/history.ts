/**
 * The monitor's history on a fresh store: the venue's recent candles at each frequency the
 * monitor materializes (the `backfill` of `deno task backfill`: row rules, quarantine, retries),
 * so the hedge ratio,
 * z-score and paper rule have their warm-up at once instead of after `2 window` live bars (two
 * hours of 1-minute bars with the default window).
 *
 * Only a symbol with no bar in the span is loaded, and only whole intervals before the current
 * one: the stream builds the current interval and everything after it from trades, so the two
 * never write the same bar (a restarted monitor has its own bars and loads nothing).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { backfill } from "@lib/ingest/backfill.ts";
import type { CandleSource } from "@lib/providers/types.ts";
import { latestBarTs } from "@lib/store/live_reads.ts";

/** Options of {@link loadHistory}. */
export interface LoadHistoryOptions {
  readonly source: CandleSource;
  readonly venue: string;
  readonly symbols: readonly string[];
  readonly freq: Freq;
  /** Intervals wanted before the current one. */
  readonly bars: number;
  /** Clock, UTC ms. @default Date.now */
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/** What {@link loadHistory} did per symbol. */
export interface HistoryResult {
  readonly symbol: string;
  /** `skipped`: the store already had bars in the span. */
  readonly status: "loaded" | "skipped" | "failed";
  readonly inserted: number;
  readonly error?: string;
}

/**
 * Load the last `bars` closed intervals of each symbol that has none of them stored (see the
 * module notes). Never throws for the venue: a failure is returned per symbol.
 *
 * @example A symbol with bars in the span is left alone; an empty one is loaded
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import type { CandleSource } from "@lib/providers/types.ts";
 * import { loadHistory } from "@lib/pipeline/monitor/history.ts";
 * import assert from "node:assert/strict";
 * const M = 60_000, now = Date.UTC(2024, 0, 1, 12) + 30_000;
 * const source: CandleSource = {
 *   id: "binance",
 *   fetchCandles(req) {
 *     const start = req.startTime!, n = Math.round((req.endTime! - start) / M) + 1;
 *     const b = allocBars({ venue: "binance", symbol: req.symbol, freq: "1m" }, n);
 *     for (let i = 0; i < n; i++) {
 *       b.ts[i] = start + i * M;
 *       b.open[i] = b.high[i] = b.low[i] = b.close[i] = 100;
 *       b.volume[i] = 1;
 *     }
 *     return Promise.resolve({ bars: b, nextStartTime: undefined });
 *   },
 * };
 * const { db } = openStore(":memory:");
 * const one = allocBars({ venue: "binance", symbol: "ETHUSDT", freq: "1m" }, 1);
 * one.ts[0] = now - 30_000 - 2 * M;
 * one.open[0] = one.high[0] = one.low[0] = one.close[0] = 10;
 * writeBars(db, one, { source: "materialize:stream" });
 * const r = await loadHistory(db, {
 *   source, venue: "binance", symbols: ["BTCUSDT", "ETHUSDT"], freq: "1m", bars: 5, now: () => now,
 * });
 * assert.deepEqual(r.map((x) => [x.symbol, x.status, x.inserted]), [
 *   ["BTCUSDT", "loaded", 5], ["ETHUSDT", "skipped", 0],
 * ]);
 * ```
 */
export async function loadHistory(
  db: DatabaseSync,
  o: LoadHistoryOptions,
): Promise<HistoryResult[]> {
  const step = freqMs(o.freq);
  const now = (o.now ?? Date.now)();
  const until = Math.floor(now / step) * step; // the current interval is the stream's
  const since = until - o.bars * step;
  const out: HistoryResult[] = [];
  for (const symbol of o.symbols) {
    const last = latestBarTs(db, { venue: o.venue, symbol, freq: o.freq });
    if (last !== undefined && last >= since) {
      out.push({ symbol, status: "skipped", inserted: 0 });
      continue;
    }
    try {
      const r = await backfill(db, {
        source: o.source,
        venue: o.venue,
        symbols: [symbol],
        freq: o.freq,
        since,
        until,
        now: () => now,
        maxAttempts: 2,
        ...(o.signal !== undefined ? { signal: o.signal } : {}),
      });
      const s = r.symbols[0];
      out.push(
        s?.error !== undefined
          ? { symbol, status: "failed", inserted: s.inserted, error: s.error }
          : { symbol, status: "loaded", inserted: r.inserted },
      );
    } catch (e) {
      out.push({ symbol, status: "failed", inserted: 0, error: (e as Error).message });
    }
  }
  return out;
}
