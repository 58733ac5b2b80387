/**
 * Issue 8 item 1: non-finite values never stay in the store. A store written by an earlier
 * version holds bars with `Infinity` (from a CSV high) and `1e999` (from JSON volume) as Inf;
 * opening it with this version (migration 7) moves them to `quarantine` with their values and
 * the reason, recomputes the series' gaps, and leaves every finite bar as it was.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { MIGRATIONS } from "@lib/store/migrations.ts";
import { openStore } from "@lib/store/db.ts";
import { findGaps, listGaps } from "@lib/store/gaps.ts";
import { readBars } from "@lib/store/bars.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

Deno.test("migration 7 moves infinite bars and trades of an older store to quarantine", () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-m7-" });
  const path = `${dir}/old.db`;
  try {
    const old = new DatabaseSync(path);
    old.exec(
      `CREATE TABLE schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
    );
    for (const m of MIGRATIONS.filter((m) => m.version < 7)) {
      old.exec(m.sql);
      old.prepare("INSERT INTO schema_migrations VALUES (?, ?, 0)").run(m.version, m.name);
    }
    const bar = old.prepare(
      `INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, complete, source)
       VALUES ('binance', 'BTCUSDT', '1h', ?, 1, ?, 1, 1, ?, 1, 'file:BTCUSDT-1h.csv')`,
    );
    bar.run(T0, 1, 1);
    bar.run(T0 + H, Infinity, 1); // `Infinity` in a CSV high
    bar.run(T0 + 2 * H, 1, Infinity); // `1e999` in a JSON volume
    bar.run(T0 + 3 * H, 1, 1);
    old.prepare(
      `INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at)
       VALUES ('binance', 'BTCUSDT', ?, ?, ?, 1, 1, 'file:t.csv', 0)`,
    ).run(1, T0, Infinity);
    old.close();

    const s = openStore(path);
    try {
      assert.deepEqual([s.migration.from, s.migration.to >= 7], [6, true]);
      const b = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      assert.deepEqual([...b.ts], [T0, T0 + 3 * H]);
      const gaps = listGaps(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      const want = findGaps(b.ts, "1h");
      assert.deepEqual(gaps.map((g) => [g.startTs, g.endTs, g.missing]), [[
        want.startTs[0],
        want.endTs[0],
        want.missing[0],
      ]]);
      assert.equal(s.db.prepare("SELECT count(*) AS n FROM trades").get()?.n, 0);
      const q = s.db.prepare("SELECT locator, raw, reason FROM quarantine ORDER BY id").all();
      assert.deepEqual(q.map((x) => [x.locator, String(x.reason).split(":")[0]]), [
        [`bar binance:BTCUSDT 1h ts=${T0 + H}`, "price is not a finite number"],
        [`bar binance:BTCUSDT 1h ts=${T0 + 2 * H}`, "volume is not a finite number"],
        ["trade binance:BTCUSDT id=1", "price is not a finite number"],
      ]);
      assert.match(String(q[0]!.raw), new RegExp(`^${T0 + H},1\\.0,Inf,`));
    } finally {
      s.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
