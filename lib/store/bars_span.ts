/**
 * Deleting derived bars of one exact source inside one time span.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { returnArrays } from "./sql.ts";
import type { SeriesKey } from "../core/types.ts";

/** Which stored bars {@link deleteBarsInSpan} may delete. */
export interface BarSpanSelection {
  /** The exact `source` of the bars to consider (`materialize:1h->1d`); no prefix matching. */
  readonly source: string;
  /** First bar open time of the span, UTC epoch ms (inclusive). */
  readonly fromTs: number;
  /** Last bar open time of the span, UTC epoch ms (inclusive). */
  readonly toTs: number;
  /** Bar times to keep even when they match (sorted or not). */
  readonly keepTs: ArrayLike<number>;
}

/**
 * Delete the bars of one series whose `source` equals `sel.source` exactly, whose `ts` lies in
 * `[sel.fromTs, sel.toTs]` and is not in `sel.keepTs`. Returns the number of rows deleted.
 *
 * Materializers use it to drop a bar they built earlier whose inputs are gone, without touching
 * what lies outside the span their current input covers or what another source (a venue file,
 * or a materialization from another frequency) wrote. Call inside a transaction.
 *
 * Cost: one indexed range query over the span, one delete per stale row.
 *
 * @example Only the exact source, only inside the span
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars, writeBars } from "@lib/store/bars.ts";
 * import { deleteBarsInSpan } from "@lib/store/bars_span.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const key = { venue: "sim", symbol: "X", freq: "1d" } as const;
 * const b = allocBars(key, 4);
 * for (let i = 0; i < 4; i++) {
 *   b.ts[i] = i * 86_400_000; b.open[i] = b.high[i] = b.low[i] = b.close[i] = 1;
 * }
 * writeBars(db, b, { source: "materialize:1h->1d" });
 * // day 1 is still built, days 0 and 2 are not; day 3 is outside the span
 * const n = deleteBarsInSpan(db, key, {
 *   source: "materialize:1h->1d", fromTs: 0, toTs: 2 * 86_400_000, keepTs: [86_400_000],
 * });
 * assert.equal(n, 2);
 * assert.deepEqual([...readBars(db, key).ts], [86_400_000, 3 * 86_400_000]);
 * assert.equal(deleteBarsInSpan(db, key, {
 *   source: "materialize:1h", fromTs: 0, toTs: Infinity, keepTs: [],
 * }), 0);
 * ```
 */
export function deleteBarsInSpan(
  db: DatabaseSync,
  key: SeriesKey,
  sel: BarSpanSelection,
): number {
  if (Number.isNaN(sel.fromTs) || Number.isNaN(sel.toTs)) {
    throw new RangeError(
      `Cannot delete bars of ${key.venue} ${key.symbol} ${key.freq}: the span ` +
        `[${sel.fromTs}, ${sel.toTs}] has a NaN end; pass bar open times in epoch ms`,
    );
  }
  if (sel.toTs < sel.fromTs) return 0;
  const from = Math.max(sel.fromTs, Number.MIN_SAFE_INTEGER);
  const to = Math.min(sel.toTs, Number.MAX_SAFE_INTEGER);
  const rows = returnArrays(db.prepare(
    `SELECT ts FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND ts >= ? AND ts <= ?
       AND source = ?`,
  )).all(key.venue, key.symbol, key.freq, from, to, sel.source);
  if (rows.length === 0) return 0;
  const keep = new Set<number>();
  for (let i = 0; i < sel.keepTs.length; i++) keep.add(sel.keepTs[i]!);
  const del = db.prepare(
    "DELETE FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND ts = ? AND source = ?",
  );
  let deleted = 0;
  for (const r of rows) {
    const ts = Number((r as unknown as unknown[])[0]);
    if (!keep.has(ts)) {
      deleted += Number(del.run(key.venue, key.symbol, key.freq, ts, sel.source).changes);
    }
  }
  return deleted;
}
