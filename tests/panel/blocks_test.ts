// The columnar block cache (lib/store/blocks.ts, migration 2) can never be stale: every way of
// changing `bars` (writeBars replace, raw SQL INSERT / UPDATE / DELETE, rolled-back writes)
// shows up in the next load, and the panel from blocks always equals a slow row-by-row read
// (tests/panel/_reference.ts, which shares no code with the cache) exactly.
import assert from "node:assert/strict";
import { freqMs, FREQS } from "@lib/core/freq.ts";
import { allocBars } from "@lib/core/types.ts";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { BLOCK_BARS, blockStart, readSeriesBlocks } from "@lib/store/blocks.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import type { Panel } from "@lib/panel/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { importNfi } from "./_nfi.ts";
import { assertSamePanel, referencePanel } from "./_reference.ts";
import type { DatabaseSync } from "node:sqlite";

const H = 3_600_000;
const SPEC = { venue: "binance", freq: "1h" } as const;

function assertMatchesReference(db: DatabaseSync, p: Panel, symbols: readonly string[]) {
  assert.deepEqual([...p.assets], [...symbols].sort());
  assertSamePanel(p, referencePanel(db, "binance", p.assets, "1h"));
}

const blockCount = (db: DatabaseSync, symbol: string) =>
  Number(
    db.prepare("SELECT count(*) AS n FROM bar_blocks WHERE symbol = ?").get(symbol)!.n,
  );

realDataTest("block cache follows writeBars replace, raw UPDATE, DELETE and INSERT", async () => {
  const s = tempStore();
  try {
    const symbols = await importNfi(s.db, 6);
    const sym = symbols[2]!;
    const a = 2;
    let p = loadPanel(s.db, SPEC);
    assertMatchesReference(s.db, p, symbols);
    const before = blockCount(s.db, sym);
    assert.ok(before >= 2);

    // 1. writeBars with onConflict: "replace"
    const t = 1000;
    const ts = p.index[t]!;
    const old = readBars(s.db, { venue: "binance", symbol: sym, freq: "1h" }, {
      from: ts,
      to: ts + H,
    });
    const changed = { ...old, close: Float64Array.of(old.close[0]! * 1.5) };
    changed.high[0] = Math.max(old.high[0]!, changed.close[0]!);
    const r = writeBars(s.db, changed, { source: "test", onConflict: "replace" });
    assert.equal(r.replaced, 1);
    assert.equal(blockCount(s.db, sym), before - 1, "the trigger dropped exactly one block");
    p = loadPanel(s.db, SPEC);
    assert.equal(p.close[a]![t], old.close[0]! * 1.5);
    assert.equal(p.logReturns[a]![t + 1], Math.log(p.close[a]![t + 1]! / (old.close[0]! * 1.5)));
    assert.equal(blockCount(s.db, sym), before, "the load rebuilt it");
    assertMatchesReference(s.db, p, symbols);

    // 2. raw SQL UPDATE
    s.db.prepare("UPDATE bars SET open = 1.25, volume = 7 WHERE symbol = ? AND ts = ?").run(
      sym,
      p.index[t + 1]!,
    );
    p = loadPanel(s.db, SPEC);
    assert.equal(p.open[a]![t + 1], 1.25);
    assert.equal(p.volume[a]![t + 1], 7);
    assertMatchesReference(s.db, p, symbols);

    // 3. raw SQL DELETE: a hole, NaN returns on both sides of it
    s.db.prepare("DELETE FROM bars WHERE symbol = ? AND ts = ?").run(sym, p.index[t + 2]!);
    p = loadPanel(s.db, SPEC);
    assert.ok(Number.isNaN(p.close[a]![t + 2]!));
    assert.ok(Number.isNaN(p.logReturns[a]![t + 2]!));
    assert.ok(Number.isNaN(p.logReturns[a]![t + 3]!));
    assertMatchesReference(s.db, p, symbols);

    // 4. raw SQL INSERT after the end: the grid grows to reach it, with NaN rows between
    const last = p.index[p.index.length - 1]!;
    s.db.prepare(
      `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, complete, source)
       VALUES ('binance', ?, '1h', ?, 1, 2, 1, 2, 3, 1, 'sql')`,
    ).run(sym, last + 5 * H);
    p = loadPanel(s.db, SPEC);
    assert.equal(p.index[p.index.length - 1], last + 5 * H);
    assert.equal(p.close[a]![p.index.length - 1], 2);
    assertMatchesReference(s.db, p, symbols);

    // 5. UPDATE that moves a bar in time: both the old and the new block are dropped
    s.db.prepare("UPDATE bars SET ts = ? WHERE symbol = ? AND ts = ?").run(
      last + 4 * H,
      sym,
      last + 5 * H,
    );
    p = loadPanel(s.db, SPEC);
    assert.equal(p.index[p.index.length - 1], last + 4 * H);
    assertMatchesReference(s.db, p, symbols);
  } finally {
    s.cleanup();
  }
});

realDataTest("a rolled-back write leaves blocks and panel as they were", async () => {
  const s = tempStore();
  try {
    const symbols = await importNfi(s.db, 3);
    const p0 = loadPanel(s.db, SPEC);
    const blocks0 = Number(s.db.prepare("SELECT count(*) AS n FROM bar_blocks").get()!.n);
    assert.throws(() =>
      withTransaction(s.db, () => {
        s.db.exec("UPDATE bars SET close = close * 2");
        throw new Error("abort");
      }), /abort/);
    assert.equal(
      Number(s.db.prepare("SELECT count(*) AS n FROM bar_blocks").get()!.n),
      blocks0,
    );
    const p1 = loadPanel(s.db, SPEC);
    assert.deepEqual(p1.close, p0.close);
    assertMatchesReference(s.db, p1, symbols);
  } finally {
    s.cleanup();
  }
});

realDataTest("a read-only connection loads without storing blocks", async () => {
  const s = tempStore();
  try {
    const symbols = await importNfi(s.db, 3);
    const ro = openStore(s.path, { readOnly: true });
    try {
      const p = loadPanel(ro.db, SPEC);
      assert.equal(Number(s.db.prepare("SELECT count(*) AS n FROM bar_blocks").get()!.n), 0);
      assertMatchesReference(s.db, p, symbols);
    } finally {
      ro.close();
    }
  } finally {
    s.cleanup();
  }
});

Deno.test("SQL triggers and blockStart() agree on block boundaries at every frequency", () => {
  const { db } = openStore(":memory:");
  for (const freq of FREQS) {
    const step = freqMs(freq), span = BLOCK_BARS * step;
    // around a block boundary, and around 0 where flooring negative times matters
    const times = [
      3 * span - step,
      3 * span,
      -step,
      0,
      1_606_780_800_000 - (1_606_780_800_000 % step),
    ];
    const key = { venue: "sim", symbol: `X${freq}`, freq };
    const b = allocBars(key, times.length);
    const sorted = [...times].sort((x, y) => x - y);
    sorted.forEach((t, i) => {
      b.ts[i] = t;
      b.open[i] =
        b.high[i] =
        b.low[i] =
        b.close[i] =
          i + 1;
    });
    writeBars(db, b, { source: "test" });
    readSeriesBlocks(db, key); // builds the blocks
    const starts = () =>
      db.prepare("SELECT block_start AS s FROM bar_blocks WHERE symbol = ? ORDER BY 1").all(
        key.symbol,
      ).map((r) => Number(r.s));
    const expected = [...new Set(sorted.map((t) => blockStart(t, freq)))];
    assert.deepEqual(starts(), expected, freq);
    for (const t of sorted) {
      db.prepare("UPDATE bars SET close = close + 1 WHERE symbol = ? AND ts = ?").run(
        key.symbol,
        t,
      );
      assert.ok(!starts().includes(blockStart(t, freq)), `${freq}: block of ${t} dropped`);
      readSeriesBlocks(db, key);
      assert.deepEqual(starts(), expected, `${freq}: rebuilt`);
    }
  }
  db.close();
});

Deno.test("each trigger's DELETE is one lookup on the unique key of bar_blocks", () => {
  const { db } = openStore(":memory:");
  const triggers = db.prepare(
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bars'",
  ).all();
  assert.equal(triggers.length, 3);
  for (const t of triggers) {
    const body = String(t.sql).replace(/^[\s\S]*?\bBEGIN\b/, "").replace(/\bEND;?\s*$/, "");
    const deletes = body.split(";").map((x) => x.trim()).filter((x) => x.startsWith("DELETE"));
    assert.ok(deletes.length >= 1);
    for (const d of deletes) {
      // the same statement with NEW./OLD. columns as parameters
      const sql = d.replace(/\b(NEW|OLD)\.(\w+)/g, ":$2");
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({
        venue: "binance",
        symbol: "BTCUSDT",
        freq: "1h",
        ts: 0,
      }).map((r) => String(r.detail)).join(" | ");
      assert.match(
        plan,
        /SEARCH bar_blocks USING INDEX sqlite_autoindex_bar_blocks_1 \(venue=\? AND symbol=\? AND freq=\? AND block_start=\?\)/,
        `${t.name}: ${plan}`,
      );
    }
  }
  db.close();
});

Deno.test("blocks: a window inside one series, and a long hole without bars", () => {
  const { db } = openStore(":memory:");
  const key = { venue: "sim", symbol: "AAA", freq: "1h" } as const;
  const span = BLOCK_BARS * H;
  // bars in block 0 and block 5, nothing in blocks 1..4
  const times = [0, H, 2 * H, 5 * span + H, 5 * span + 2 * H];
  const b = allocBars(key, times.length);
  times.forEach((t, i) => {
    b.ts[i] = t;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        10 + i;
  });
  writeBars(db, b, { source: "test" });
  assert.deepEqual([...readSeriesBlocks(db, key).ts], times);
  assert.equal(Number(db.prepare("SELECT count(*) AS n FROM bar_blocks").get()!.n), 2);
  assert.deepEqual([...readSeriesBlocks(db, key, { from: H, to: 5 * span + 2 * H }).close], [
    11,
    12,
    13,
  ]);
  assert.deepEqual([...readSeriesBlocks(db, key, { from: 3 * H, to: 5 * span }).ts], []);
  db.close();
});
