/**
 * runStream builds closing bars from the trades it just wrote (a window of the open
 * interval kept in memory) instead of reading them back: the stored bars must be exactly
 * (bit for bit) `tradesToBars` of the stored trades of their interval, whatever the batch
 * boundaries, re-deliveries, conflicts, late batches, restarts and quiet closes.
 *
 * The oracle is `tradesToBars` of ALL stored trades (itself checked against pandas in
 * tests/materialize); the scenarios are random but seeded (tests/stream/_window_scenarios.ts).
 */
import assert from "node:assert/strict";
import { runStream, STREAM_BAR_SOURCE } from "@lib/ingest/stream.ts";
import { tradesToBars } from "@lib/materialize/trades_to_bars.ts";
import { readBars } from "@lib/store/bars.ts";
import { readTrades } from "@lib/store/trades.ts";
import type { BarColumns } from "@lib/core/types.ts";
import type { DatabaseSync } from "node:sqlite";
import { tempStore } from "../_shared/tmp_store.ts";
import { memoryStream, windowScenario } from "./_window_scenarios.ts";

const FIELDS = [
  "open",
  "high",
  "low",
  "close",
  "volume",
  "quoteVolume",
  "tradeCount",
  "vwap",
] as const satisfies readonly (keyof BarColumns)[];

/** Every stored stream bar equals the one-shot build of its interval; `all` asks for every one. */
function checkBars(
  db: DatabaseSync,
  symbols: readonly string[],
  freqs: readonly string[],
  all: boolean,
  label: string,
) {
  for (const symbol of symbols) {
    const trades = readTrades(db, "binance", symbol);
    for (const freq of freqs) {
      const want = tradesToBars(trades, freq as "1m");
      const index = new Map<number, number>();
      for (let i = 0; i < want.ts.length; i++) index.set(want.ts[i]!, i);
      const got = readBars(db, { venue: "binance", symbol, freq: freq as "1m" });
      const sources = db.prepare(
        "SELECT DISTINCT source FROM bars WHERE venue = 'binance' AND symbol = ? AND freq = ?",
      ).all(symbol, freq).map((r) => r.source);
      assert.ok(sources.every((s) => s === STREAM_BAR_SOURCE), `${label}: sources ${sources}`);
      // the interval of the newest trade may hold a bar closed by the wall clock (a quiet
      // symbol) that later trades reopened: it is rebuilt when it closes again
      const open = want.ts.length > 0 ? want.ts[want.ts.length - 1]! : Infinity;
      for (let g = 0; g < got.ts.length; g++) {
        if (!all && got.ts[g] === open) continue;
        const i = index.get(got.ts[g]!);
        assert.ok(i !== undefined, `${label}: ${symbol} ${freq} bar ${got.ts[g]} has no trades`);
        for (const f of FIELDS) {
          const stored: number | undefined = (got[f] as Float64Array)[g];
          const rebuilt: number | undefined = (want[f] as Float64Array)[i];
          assert.ok(
            Object.is(stored, rebuilt),
            `${label}: ${symbol} ${freq} bar ${
              got.ts[g]
            } ${f}: stored ${stored}, tradesToBars ${rebuilt}`,
          );
        }
      }
      if (all) {
        assert.deepEqual([...got.ts], [...want.ts], `${label}: ${symbol} ${freq} bar set`);
      }
    }
  }
}

Deno.test("stream: bars from the in-memory window equal tradesToBars of the stored trades (random sessions)", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const sc = windowScenario(seed);
    const store = tempStore();
    try {
      let k = 0;
      for (const s of sc.sessions) {
        await runStream(store.db, {
          venue: "binance",
          symbols: sc.symbols,
          barFreqs: sc.freqs,
          flushEveryRows: s.flushEveryRows,
          now: () => s.now,
          openStream: () => memoryStream(s.batches),
        });
        checkBars(store.db, sc.symbols, sc.freqs, false, `seed ${seed} session ${k++}`);
      }
      // a last quiet session far in the future closes every interval
      await runStream(store.db, {
        venue: "binance",
        symbols: sc.symbols,
        barFreqs: sc.freqs,
        now: () => 4_000_000_000_000,
        openStream: () => memoryStream([]),
      });
      checkBars(store.db, sc.symbols, sc.freqs, true, `seed ${seed} final`);
    } finally {
      store.cleanup();
    }
  }
});
