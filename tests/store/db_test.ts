import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { openStore, resolveDbPath, withTransaction } from "@lib/store/db.ts";
import { LATEST_VERSION } from "@lib/store/migrations.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { readTrades, writeTrades } from "@lib/store/trades.ts";
import { allocBars } from "@lib/core/types.ts";
import { tempStore } from "../_shared/tmp_store.ts";

Deno.test("openStore creates every table, records migrations and uses WAL", () => {
  const s = tempStore();
  try {
    const tables = s.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
      .map((r) => String(r.name));
    for (
      const t of [
        "instruments",
        "trades",
        "bars",
        "spot_snapshots",
        "dex_snapshots",
        "ingest_runs",
        "quarantine",
        "provider_health",
        "schema_migrations",
      ]
    ) assert.ok(tables.includes(t), `missing table ${t}`);
    assert.equal(s.db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    assert.equal(s.migration.from, 0);
    assert.equal(s.migration.to, LATEST_VERSION);
  } finally {
    s.cleanup();
  }
});

Deno.test("reopening a migrated store applies nothing and takes no backup", () => {
  const s = tempStore();
  const path = s.path;
  s.close();
  const again = openStore(path);
  assert.equal(again.migration.from, LATEST_VERSION);
  assert.equal(again.migration.backupPath, undefined);
  again.close();
  s.cleanup();
});

Deno.test("an older store is backed up before migrating", () => {
  const s = tempStore();
  // pretend the file is at version 0 with one table of user data already in it
  s.db.exec("PRAGMA foreign_keys = OFF");
  const tables = s.db.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  ).all().map((r) => String(r.name));
  for (const t of tables) s.db.exec(`DROP TABLE "${t}"`);
  s.db.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me')");
  s.close();
  const again = openStore(s.path);
  assert.ok(again.migration.backupPath !== undefined);
  assert.ok(existsSync(again.migration.backupPath!));
  assert.ok(readdirSync(s.dir).some((f) => f.endsWith(".bak")));
  again.close();
  s.cleanup();
});

Deno.test("a store newer than the code is refused with advice", () => {
  const s = tempStore();
  s.db.prepare("INSERT INTO schema_migrations VALUES (?, 'future', 0)").run(LATEST_VERSION + 1);
  s.close();
  assert.throws(() => openStore(s.path), /newer than this code.*Update cryptolab/);
  // read-only tasks (report, check-dataset) refuse it too: its tables may mean something else
  assert.throws(
    () => openStore(s.path, { readOnly: true }),
    /newer than this code.*Update cryptolab/,
  );
  s.cleanup();
});

Deno.test("resolveDbPath: flag, then CRYPTOLAB_DB, then the default", () => {
  const old = Deno.env.get("CRYPTOLAB_DB");
  try {
    Deno.env.set("CRYPTOLAB_DB", "/tmp/env.db");
    assert.equal(resolveDbPath("/tmp/flag.db"), "/tmp/flag.db");
    assert.equal(resolveDbPath(), "/tmp/env.db");
    Deno.env.delete("CRYPTOLAB_DB");
    assert.equal(resolveDbPath(), "data/cryptolab.db");
  } finally {
    if (old === undefined) Deno.env.delete("CRYPTOLAB_DB");
    else Deno.env.set("CRYPTOLAB_DB", old);
  }
});

Deno.test("writeBars is idempotent and reports conflicts instead of overwriting", () => {
  const s = tempStore();
  try {
    const b = allocBars({ venue: "x", symbol: "AB", freq: "1h" }, 3);
    for (let i = 0; i < 3; i++) {
      b.ts[i] = i * 3_600_000;
      b.open[i] = b.low[i] = 10 + i;
      b.high[i] = b.close[i] = 11 + i;
      b.volume[i] = 1;
    }
    const first = withTransaction(s.db, () => writeBars(s.db, b, { source: "t1" }));
    assert.deepEqual([first.inserted, first.unchanged, first.conflicts.length], [3, 0, 0]);
    const second = writeBars(s.db, b, { source: "t1" });
    assert.deepEqual([second.inserted, second.unchanged, second.conflicts.length], [0, 3, 0]);
    b.close[1] = 99;
    const third = writeBars(s.db, b, { source: "t2" });
    assert.equal(third.conflicts.length, 1);
    assert.match(third.conflicts[0]!.detail, /close 12 \(stored\) vs 99 \(new\)/);
    assert.equal(readBars(s.db, b).close[1], 12);
    const fourth = writeBars(s.db, b, { source: "t2", onConflict: "replace" });
    assert.equal(fourth.replaced, 1);
    assert.equal(readBars(s.db, b).close[1], 99);
    assert.deepEqual([...readBars(s.db, b, { from: 3_600_000 }).ts], [3_600_000, 7_200_000]);
  } finally {
    s.cleanup();
  }
});

Deno.test("writeTrades keeps one row per trade id", () => {
  const s = tempStore();
  try {
    const t = {
      venue: "binance",
      symbol: "BTCUSDT",
      tradeId: [1, 2],
      ts: Float64Array.of(1000, 2000.5),
      price: Float64Array.of(10, 11),
      qty: Float64Array.of(1, 2),
      side: Int8Array.of(1, -1),
    };
    assert.equal(writeTrades(s.db, t, { source: "t" }).inserted, 2);
    const again = writeTrades(s.db, t, { source: "t" });
    assert.equal(again.unchanged, 2);
    const back = readTrades(s.db, "binance", "BTCUSDT");
    assert.deepEqual([...back.ts], [1000, 2000.5]);
    assert.deepEqual([...back.side], [1, -1]);
  } finally {
    s.cleanup();
  }
});
