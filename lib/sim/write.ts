import type { DatabaseSync } from "node:sqlite";
import { withTransaction } from "../store/db.ts";
import { writeBars } from "../store/bars.ts";
import { upsertInstrument } from "../store/instruments.ts";
import type { SimMarket } from "./types.ts";

/** Options of {@link writeSimMarket}. */
export interface WriteSimOptions {
  /** The `ingest_runs` row of the writing task, stored with each bar. */
  readonly runId?: number | undefined;
  /**
   * Overwrite stored `sim` bars whose values differ (e.g. from another seed). Default false:
   * a difference aborts the whole write, leaving the store as it was.
   */
  readonly replace?: boolean;
}

/** What {@link writeSimMarket} did, summed over all symbols. */
export interface WriteSimResult {
  readonly source: string;
  readonly symbols: number;
  readonly inserted: number;
  readonly replaced: number;
  readonly unchanged: number;
}

/**
 * Write a simulated market to the store in one transaction: every symbol as a `spot`
 * instrument of venue `sim` (base = symbol, quote `USD`) and its bars with source
 * `sim:seed=<seed>`. Writing the same market again changes no bar (all `unchanged`), and the
 * same seed always gives the same bar rows, bit for bit.
 *
 * When the store already holds different `sim` bars at the same keys (another seed or other
 * options), it throws and writes nothing unless `replace` is set: mixing two simulations in
 * one series would silently corrupt it.
 *
 * @example Write and re-write
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { simulateMarket } from "@lib/sim/simulate_market.ts";
 * import { writeSimMarket } from "@lib/sim/write.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const m = simulateMarket({ assets: 4, freq: "1h", bars: 48 });
 * assert.equal(writeSimMarket(db, m).inserted, 6 * 48); // 4 assets + BTCSIM + ETHSIM
 * assert.equal(writeSimMarket(db, m).unchanged, 6 * 48);
 * assert.throws(() => writeSimMarket(db, simulateMarket({ seed: 1, assets: 4, freq: "1h", bars: 48 })), /another simulation/);
 * ```
 */
export function writeSimMarket(
  db: DatabaseSync,
  market: SimMarket,
  options: WriteSimOptions = {},
): WriteSimResult {
  const source = `sim:seed=${market.seed}`;
  return withTransaction(db, () => {
    let inserted = 0, replaced = 0, unchanged = 0;
    for (const b of market.bars) {
      upsertInstrument(db, {
        venue: b.venue,
        symbol: b.symbol,
        base: b.symbol,
        quote: "USD",
        kind: "spot",
      }, source);
      // trusted: our own seeded generator, not venue data, so the row rules of
      // lib/ingest/gates/rules.ts are not applied (the store writer still refuses non-finite values)
      const r = writeBars(db, b, {
        source,
        runId: options.runId,
        onConflict: options.replace === true ? "replace" : "keep",
      });
      if (r.conflicts.length > 0) {
        const c = r.conflicts[0]!;
        throw new Error(
          `Cannot write simulated market: ${r.conflicts.length} ${b.symbol} ${b.freq} bars differ from ` +
            `another simulation already in the store (first at ts ${c.ts}, stored source ` +
            `${c.storedSource}: ${c.detail}). Use a fresh --db, the same seed and options, or replace: true.`,
        );
      }
      inserted += r.inserted;
      replaced += r.replaced;
      unchanged += r.unchanged;
    }
    return { source, symbols: market.bars.length, inserted, replaced, unchanged };
  });
}
