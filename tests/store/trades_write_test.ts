/**
 * `writeTrades` (multi-row inserts, one range read of stored ids per batch) against the
 * row-by-row implementation it replaced, copied verbatim below as `legacyWriteTrades` (the
 * oracle: lib/store/trades.ts at commit 9788969). Both write the same random batches into two
 * stores; after every batch their results must be deep-equal and the two `trades` tables equal
 * row for row, rowid included (so rows are inserted in the same order).
 *
 * The batches cover what the fast path must get right: ids repeated inside a batch with equal
 * and with different values (conflicting duplicates), out-of-order ids, batches overlapping
 * stored ranges (re-deliveries), conflicts with stored trades, sparse ids (the `IN` lookup
 * instead of the range read), sizes across the 128-row statements and their remainders, string
 * and numeric-string ids (the row-by-row path, where SQLite's INTEGER affinity makes "12" and
 * 12 the same key), several series in one store, calls inside and outside a transaction.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { openStore, withTransaction } from "@lib/store/db.ts";
import {
  type TradeConflict,
  writeTrades,
  type WriteTradesOptions,
  type WriteTradesResult,
} from "@lib/store/trades.ts";
import { returnArrays } from "@lib/store/sql.ts";
import { startRun } from "@lib/store/runs.ts";
import type { TradeColumns } from "@lib/core/types.ts";
import { createRng, type Rng } from "@lib/stats/rng.ts";

/** The implementation before the fast path (commit 9788969), unchanged. */
function legacyWriteTrades(
  db: DatabaseSync,
  t: TradeColumns,
  options: WriteTradesOptions,
): WriteTradesResult {
  const insert = db.prepare(
    `INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (venue, symbol, trade_id) DO NOTHING`,
  );
  const select = returnArrays(
    db.prepare(
      "SELECT ts, price, qty, side FROM trades WHERE venue = ? AND symbol = ? AND trade_id = ?",
    ),
  );
  const fetchedAt = options.fetchedAt ?? Date.now();
  const runId = options.runId ?? null;
  let inserted = 0, unchanged = 0;
  const conflicts: TradeConflict[] = [];
  for (let i = 0; i < t.ts.length; i++) {
    const id = t.tradeId[i]!;
    const r = insert.run(
      t.venue,
      t.symbol,
      id,
      t.ts[i]!,
      t.price[i]!,
      t.qty[i]!,
      t.side[i]!,
      options.source,
      fetchedAt,
      runId,
    );
    if (Number(r.changes) === 1) {
      inserted++;
      continue;
    }
    const s = select.get(t.venue, t.symbol, id) as unknown as number[];
    if (s[0] === t.ts[i] && s[1] === t.price[i] && s[2] === t.qty[i] && s[3] === t.side[i]) {
      unchanged++;
    } else {
      conflicts.push({
        index: i,
        tradeId: id,
        detail: `stored ts=${s[0]} price=${s[1]} qty=${s[2]} side=${s[3]}; new ts=${t.ts[i]} ` +
          `price=${t.price[i]} qty=${t.qty[i]} side=${t.side[i]}`,
      });
    }
  }
  return { inserted, unchanged, conflicts };
}

function dump(db: DatabaseSync): unknown[][] {
  return returnArrays(
    db.prepare(
      `SELECT rowid, venue, symbol, trade_id, typeof(trade_id), ts, price, qty, side, source,
              fetched_at, run_id FROM trades ORDER BY rowid`,
    ),
  ).all() as unknown as unknown[][];
}

const SERIES = [["binance", "BTCUSDT"], ["binance", "ETHUSDT"], ["kraken", "BTCUSDT"]] as const;

/** The "true" trade of an id: re-deliveries repeat it; a perturbed copy is a conflict. */
function truth(id: number): [number, number, number, number] {
  return [
    1.7e12 + id * 1000 + (id % 3) * 0.25,
    100 + (id % 7) * 0.5,
    1 + (id % 5),
    id % 2 ? 1 : -1,
  ];
}

function batch(
  venue: string,
  symbol: string,
  ids: (number | string)[],
  rng: Rng,
  conflictRate: number,
): TradeColumns {
  const n = ids.length;
  const out = {
    venue,
    symbol,
    tradeId: ids,
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const [ts, price, qty, side] = truth(typeof id === "number" ? id : id.length * 13 + 5);
    out.ts[i] = ts;
    out.price[i] = price;
    out.qty[i] = qty;
    out.side[i] = side;
    if (rng.next() < conflictRate) {
      // one column differs: ts, price, qty or side
      const c = rng.int(4);
      if (c === 0) out.ts[i] = ts + 1;
      else if (c === 1) out.price[i] = price + 0.01;
      else if (c === 2) out.qty[i] = qty * 2;
      else out.side[i] = -side as -1 | 1;
    }
  }
  return out;
}

/** One random batch of one of the shapes listed in the module notes. */
function randomBatch(rng: Rng, cursor: Map<string, number>): TradeColumns {
  const [venue, symbol] = SERIES[rng.int(SERIES.length)]!;
  const key = `${venue}:${symbol}`;
  const at = cursor.get(key) ?? 1_000;
  const kind = rng.int(7);
  const sizes = [0, 1, 5, 63, 127, 128, 129, 200, 257, 700];
  const n = sizes[rng.int(sizes.length)]!;
  let ids: (number | string)[];
  if (kind === 0 || kind === 1) {
    // stream: contiguous ids, starting a little before the cursor (re-delivery overlap)
    const from = Math.max(0, at - rng.int(40));
    ids = Array.from({ length: n }, (_, i) => from + i);
    cursor.set(key, Math.max(at, from + n));
  } else if (kind === 2) {
    // out of order with repeats, around the stored range
    ids = Array.from({ length: n }, () => Math.max(0, at - 150 + rng.int(200)));
    for (const id of ids) cursor.set(key, Math.max(cursor.get(key) ?? 0, (id as number) + 1));
  } else if (kind === 3) {
    // a sorted batch with runs of repeated ids (not strictly increasing)
    ids = [];
    let id = Math.max(0, at - rng.int(60));
    while (ids.length < n) {
      ids.push(id);
      if (rng.next() < 0.7) id += 1 + rng.int(2);
    }
    cursor.set(key, Math.max(at, id + 1));
  } else if (kind === 4) {
    // sparse: a far id range forces per-id lookups instead of one range read
    ids = Array.from(
      { length: n },
      (_, i) => i % 2 ? 9_000_000_000_000 + rng.int(50) : Math.max(0, at - rng.int(100)),
    );
  } else if (kind === 5) {
    // strings, numeric strings colliding with numeric ids, and numbers: the row-by-row path
    ids = Array.from({ length: Math.min(n, 60) }, () => {
      const r = rng.int(3);
      const id = Math.max(0, at - rng.int(30));
      return r === 0 ? `${id}` : r === 1 ? `x-${rng.int(20)}` : id;
    });
  } else {
    // the same ids again, shuffled: everything already stored
    const from = Math.max(0, at - n);
    ids = Array.from({ length: n }, (_, i) => from + i);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    }
  }
  return batch(venue, symbol, ids, rng, rng.next() < 0.5 ? 0 : 0.2);
}

for (const seed of [1, 2, 3, 4]) {
  Deno.test(`writeTrades equals the row-by-row implementation on random batches (seed ${seed})`, () => {
    const rng = createRng(seed);
    const fast = openStore(":memory:");
    const slow = openStore(":memory:");
    const cursor = new Map<string, number>();
    const kinds = { inserted: 0, unchanged: 0, conflicts: 0 };
    const runId = startRun(fast.db, "test", {});
    assert.equal(startRun(slow.db, "test", {}), runId);
    try {
      for (let b = 0; b < 150; b++) {
        const t = randomBatch(rng, cursor);
        const opts = { source: `s${b % 3}`, fetchedAt: 1_000 + b, ...(b % 2 ? { runId } : {}) };
        const inTx = rng.next() < 0.5;
        const a = inTx
          ? withTransaction(fast.db, () => writeTrades(fast.db, t, opts))
          : writeTrades(fast.db, t, opts);
        const e = inTx
          ? withTransaction(slow.db, () => legacyWriteTrades(slow.db, t, opts))
          : legacyWriteTrades(slow.db, t, opts);
        assert.deepEqual(a, e, `batch ${b}: ids ${JSON.stringify(t.tradeId.slice(0, 20))}`);
        kinds.inserted += e.inserted;
        kinds.unchanged += e.unchanged;
        kinds.conflicts += e.conflicts.length;
        if (b % 25 === 24) assert.deepEqual(dump(fast.db), dump(slow.db), `after batch ${b}`);
      }
      assert.deepEqual(dump(fast.db), dump(slow.db));
      // the random batches really exercised every outcome
      assert.ok(
        kinds.inserted > 1000 && kinds.unchanged > 500 && kinds.conflicts > 100,
        `${JSON.stringify(kinds)}`,
      );
    } finally {
      fast.close();
      slow.close();
    }
  });
}

Deno.test("writeTrades outside a transaction is all or nothing", () => {
  const { db } = openStore(":memory:");
  const t = batch("binance", "BTCUSDT", Array.from({ length: 300 }, (_, i) => i), createRng(9), 0);
  t.side[250] = 2; // violates CHECK (side IN (-1, 0, 1)): the INSERT holding it fails
  assert.throws(() => writeTrades(db, t, { source: "t" }), /CHECK constraint failed/);
  assert.equal(db.prepare("SELECT count(*) AS n FROM trades").get()?.n, 0);
  assert.equal(db.isTransaction, false);
  t.side[250] = 1;
  assert.equal(writeTrades(db, t, { source: "t" }).inserted, 300);
});

Deno.test("writeTrades inside a caller's transaction leaves the commit to the caller", () => {
  const { db } = openStore(":memory:");
  const t = batch("binance", "BTCUSDT", [3, 1, 2, 2], createRng(1), 0);
  assert.throws(() =>
    withTransaction(db, () => {
      assert.equal(writeTrades(db, t, { source: "t" }).inserted, 3);
      throw new Error("caller fails after the write");
    })
  );
  assert.equal(db.prepare("SELECT count(*) AS n FROM trades").get()?.n, 0);
});
