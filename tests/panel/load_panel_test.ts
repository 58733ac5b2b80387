// loadPanel on small hand-made stores: universes, venues, windows and the errors a user sees.
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { allocBars } from "@lib/core/types.ts";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";

const H = 3_600_000;

function put(db: DatabaseSync, venue: string, symbol: string, times: number[], freq = "1h") {
  const b = allocBars({ venue, symbol, freq: freq as "1h" }, times.length);
  times.forEach((t, i) => {
    b.ts[i] = t;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        100 + t / H;
    b.volume[i] = 1;
  });
  writeBars(db, b, { source: "test" });
}

function store() {
  const { db } = openStore(":memory:");
  put(db, "binance", "BTCUSDT", [0, H, 2 * H, 3 * H]);
  put(db, "binance", "ETHUSDT", [2 * H, 3 * H, 5 * H]);
  put(db, "binance", "SOLUSDT", [0, 86_400_000], "1d");
  put(db, "kraken", "XBTUSD", [H, 4 * H]);
  return db;
}

Deno.test("loadPanel: a venue's series at one frequency, on the union grid", () => {
  const db = store();
  const p = loadPanel(db, { venue: "binance", freq: "1h" });
  assert.deepEqual(p.assets, ["BTCUSDT", "ETHUSDT"]);
  assert.deepEqual([...p.index], [0, H, 2 * H, 3 * H, 4 * H, 5 * H]);
  assert.deepEqual([...p.close[1]!], [NaN, NaN, 102, 103, NaN, 105]);
  assert.deepEqual([...p.logReturns[1]!], [NaN, NaN, NaN, Math.log(103 / 102), NaN, NaN]);
  db.close();
});

Deno.test("loadPanel: symbols in the order given, and mixed venues get venue:symbol labels", () => {
  const db = store();
  const p = loadPanel(db, { venue: "binance", symbols: ["ETHUSDT", "BTCUSDT"], freq: "1h" });
  assert.deepEqual(p.assets, ["ETHUSDT", "BTCUSDT"]);
  const m = loadPanel(db, {
    symbols: [{ venue: "kraken", symbol: "XBTUSD" }, { venue: "binance", symbol: "BTCUSDT" }],
    freq: "1h",
  });
  assert.equal(m.venue, "mixed");
  assert.deepEqual(m.assets, ["kraken:XBTUSD", "binance:BTCUSDT"]);
  assert.deepEqual([...m.close[0]!], [NaN, 101, NaN, NaN, 104]);
  const one = loadPanel(db, { symbols: [{ venue: "kraken", symbol: "XBTUSD" }], freq: "1h" });
  assert.equal(one.venue, "kraken");
  assert.deepEqual(one.assets, ["XBTUSD"]);
  db.close();
});

Deno.test("loadPanel: the window is [from, to) and the grid spans the bars inside it", () => {
  const db = store();
  const p = loadPanel(db, { venue: "binance", freq: "1h", from: H, to: 5 * H });
  assert.deepEqual([...p.index], [H, 2 * H, 3 * H]);
  assert.ok(Number.isNaN(p.logReturns[0]![0]!));
  const empty = loadPanel(db, { venue: "binance", freq: "1h", from: 100 * H });
  assert.equal(empty.index.length, 0);
  assert.equal(empty.close.length, 2);
  assert.throws(() => loadPanel(db, { venue: "binance", freq: "1h", from: H, to: H }), /before/);
  db.close();
});

Deno.test("loadPanel: minCoverage drops sparse assets and shrinks the grid to the rest", () => {
  const db = store();
  const p = loadPanel(db, { venue: "binance", freq: "1h", minCoverage: 0.6 });
  assert.deepEqual(p.assets, ["BTCUSDT"]); // 4/6 kept, ETH 3/6 dropped
  assert.deepEqual([...p.index], [0, H, 2 * H, 3 * H]);
  assert.throws(() => loadPanel(db, { venue: "binance", freq: "1h", minCoverage: 2 }), /\[0, 1\]/);
  db.close();
});

Deno.test("loadPanel: unknown symbols and venues name what is available", () => {
  const db = store();
  assert.throws(
    () => loadPanel(db, { venue: "binance", symbols: ["BTCUSDT", "DOGEUSDT"], freq: "1h" }),
    /no 1h bars for DOGEUSDT on venue "binance"; available: BTCUSDT, ETHUSDT/,
  );
  assert.throws(
    () => loadPanel(db, { venue: "binance", symbols: ["SOLUSDT"], freq: "1h" }),
    /available: BTCUSDT, ETHUSDT/,
  );
  assert.throws(
    () => loadPanel(db, { venue: "coinbase", freq: "1h" }),
    /venue "coinbase" has no 1h bars\. Venues with 1h bars: binance, kraken/,
  );
  assert.throws(() => loadPanel(db, { symbols: ["BTCUSDT"], freq: "1h" }), /needs a venue/);
  assert.throws(() => loadPanel(db, { freq: "1h" }), /give a venue/);
  assert.throws(
    () => loadPanel(db, { venue: "binance", symbols: ["BTCUSDT", "BTCUSDT"], freq: "1h" }),
    /listed twice/,
  );
  db.close();
});
