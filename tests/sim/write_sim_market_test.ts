import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { readBars } from "@lib/store/bars.ts";
import { listInstruments } from "@lib/store/instruments.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { NUMERIC_BAR_FIELDS } from "../_shared/bar_fields.ts";

const OPTS = { seed: 5, assets: 6, freq: "1m", bars: 720 } as const;

/** SHA-256 of every bar row in key order, floats as their exact decimal JSON text. */
function barsHash(db: DatabaseSync): string {
  const h = createHash("sha256");
  const rows = db.prepare(
    `SELECT venue, symbol, freq, ts, open, high, low, close, volume, quote_volume, trade_count,
            vwap, complete, source, run_id FROM bars ORDER BY venue, symbol, freq, ts`,
  ).all();
  for (const r of rows) h.update(JSON.stringify(Object.values(r)) + "\n");
  return h.digest("hex");
}

Deno.test("writeSimMarket stores every bar and instrument, read back bit for bit", () => {
  const s = tempStore();
  try {
    const m = simulateMarket(OPTS);
    const res = writeSimMarket(s.db, m);
    const total = m.bars.reduce((n, b) => n + b.ts.length, 0);
    assert.deepEqual(res, {
      source: "sim:seed=5",
      symbols: 8,
      inserted: total,
      replaced: 0,
      unchanged: 0,
    });
    for (const b of m.bars) {
      const back = readBars(s.db, b);
      for (const k of NUMERIC_BAR_FIELDS) assert.deepEqual(back[k], b[k], `${b.symbol} ${k}`);
    }
    const inst = listInstruments(s.db).filter((i) => i.venue === "sim");
    assert.deepEqual(inst.map((i) => i.symbol), [...m.symbols].sort());
    assert.ok(inst.every((i) => i.kind === "spot" && i.quote === "USD" && i.base === i.symbol));
    const src = s.db.prepare("SELECT DISTINCT source FROM bars").all().map((r) => r.source);
    assert.deepEqual(src, ["sim:seed=5"]);
    // writing again changes nothing
    const again = writeSimMarket(s.db, m);
    assert.equal(again.unchanged, total);
    assert.equal(again.inserted, 0);
  } finally {
    s.cleanup();
  }
});

Deno.test("writeSimMarket: same seed gives identical bar rows in two stores", () => {
  const a = tempStore(), b = tempStore();
  try {
    writeSimMarket(a.db, simulateMarket(OPTS));
    writeSimMarket(b.db, simulateMarket(OPTS));
    assert.equal(barsHash(a.db), barsHash(b.db));
    const c = tempStore();
    try {
      writeSimMarket(c.db, simulateMarket({ ...OPTS, seed: 6 }));
      assert.notEqual(barsHash(a.db), barsHash(c.db));
    } finally {
      c.cleanup();
    }
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

Deno.test("writeSimMarket refuses to mix two simulations and leaves the store as it was", () => {
  const s = tempStore();
  try {
    writeSimMarket(s.db, simulateMarket(OPTS), { runId: undefined });
    const before = barsHash(s.db);
    assert.throws(
      () => writeSimMarket(s.db, simulateMarket({ ...OPTS, seed: 99 })),
      /differ from another simulation already in the store .*sim:seed=5.*fresh --db/,
    );
    assert.equal(barsHash(s.db), before);
    const res = writeSimMarket(s.db, simulateMarket({ ...OPTS, seed: 99 }), { replace: true });
    assert.ok(res.replaced > 0);
    assert.notEqual(barsHash(s.db), before);
  } finally {
    s.cleanup();
  }
});
