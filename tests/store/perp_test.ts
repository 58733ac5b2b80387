/**
 * Issue 12 item 1: the perp tables of migration 9. Each writer is an idempotent upsert with
 * provenance (`source`, `fetched_at`, `run_id`), refuses non-finite values, and the schema's
 * CHECKs refuse impossible rows even from a writer that skips the rules.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { LATEST_VERSION } from "@lib/store/migrations.ts";
import { listFundingSeries, readFunding, writeFunding } from "@lib/store/perp_funding.ts";
import { readPerpKlines, writePerpKlines } from "@lib/store/perp_price_klines.ts";
import { readOpenInterest, writeOpenInterest } from "@lib/store/perp_open_interest.ts";
import { readLiquidations, writeLiquidations } from "@lib/store/perp_liquidations.ts";
import { startRun } from "@lib/store/runs.ts";

const V = "binance_futures";

Deno.test("migration 9 creates the perp tables", () => {
  const { db, close } = openStore(":memory:");
  try {
    assert.ok(LATEST_VERSION >= 9);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
      .map((r) => String(r.name));
    for (const t of ["funding_rates", "perp_price_klines", "open_interest", "liquidations"]) {
      assert.ok(names.includes(t), t);
    }
  } finally {
    close();
  }
});

Deno.test("funding: same rows change nothing, a changed rate is replaced and counted, provenance kept", () => {
  const { db, close } = openStore(":memory:");
  try {
    const run = startRun(db, "test", {});
    const rows = [
      { fundingTime: 1637193600017, rate: 0.0001, markPrice: 1.0959 },
      { fundingTime: 1637222400007, rate: 0.0001 },
    ];
    const o = { venue: V, symbol: "XRPUSDT", source: "file:x.json", runId: run, fetchedAt: 5 };
    assert.deepEqual(writeFunding(db, rows, o), { inserted: 2, unchanged: 0, updated: 0 });
    assert.deepEqual(writeFunding(db, rows, o), { inserted: 0, unchanged: 2, updated: 0 });
    const changed = [{ ...rows[1]!, rate: 0.00013046 }];
    assert.deepEqual(writeFunding(db, changed, { ...o, source: "endpoint", fetchedAt: 9 }), {
      inserted: 0,
      unchanged: 0,
      updated: 1,
    });
    const f = readFunding(db, V, "XRPUSDT");
    assert.deepEqual([...f.rate], [0.0001, 0.00013046]);
    assert.equal(f.markPrice[0], 1.0959);
    assert.ok(Number.isNaN(f.markPrice[1]!));
    const prov = db.prepare(
      "SELECT source, fetched_at, run_id FROM funding_rates ORDER BY funding_time",
    ).all().map((r) => [r.source, r.fetched_at, r.run_id]);
    assert.deepEqual(prov, [["file:x.json", 5, run], ["endpoint", 9, run]]);
    assert.deepEqual(listFundingSeries(db), [{
      venue: V,
      symbol: "XRPUSDT",
      rows: 2,
      first: 1637193600017,
      last: 1637222400007,
    }]);
    assert.equal(readFunding(db, V, "XRPUSDT", { from: 1637222400000 }).time.length, 1);
  } finally {
    close();
  }
});

Deno.test("perp writers refuse non-finite values", () => {
  const { db, close } = openStore(":memory:");
  try {
    const o = { venue: V, symbol: "BTCUSDT", source: "t" };
    assert.throws(
      () => writeFunding(db, [{ fundingTime: 0, rate: Infinity }], o),
      /finite numbers only/,
    );
    assert.throws(
      () => writeOpenInterest(db, [{ ts: 0, openInterest: NaN }], { ...o, period: "1h" }),
      /finite numbers only/,
    );
    const k = {
      venue: V,
      symbol: "BTCUSDT",
      kind: "mark" as const,
      freq: "1h" as const,
      ts: Float64Array.of(0),
      open: Float64Array.of(1),
      high: Float64Array.of(Infinity),
      low: Float64Array.of(1),
      close: Float64Array.of(1),
      complete: Uint8Array.of(1),
    };
    assert.throws(() => writePerpKlines(db, k, { source: "t" }), /finite numbers only/);
    assert.equal(db.prepare("SELECT count(*) AS n FROM funding_rates").get()?.n, 0);
  } finally {
    close();
  }
});

Deno.test("perp klines: an open kline that closed is replaced; kinds are separate series", () => {
  const { db, close } = openStore(":memory:");
  try {
    const base = {
      venue: V,
      symbol: "BTCUSDT",
      freq: "1h" as const,
      ts: Float64Array.of(0, 3_600_000),
      open: Float64Array.of(100, 101),
      high: Float64Array.of(102, 103),
      low: Float64Array.of(99, 100),
      close: Float64Array.of(101, 102),
      complete: Uint8Array.of(1, 0),
    };
    writePerpKlines(db, { ...base, kind: "mark" }, { source: "t" });
    writePerpKlines(db, { ...base, kind: "index", close: Float64Array.of(100.5, 101.5) }, {
      source: "t",
    });
    const closed = { ...base, kind: "mark" as const, complete: Uint8Array.of(1, 1) };
    assert.deepEqual(writePerpKlines(db, closed, { source: "t" }), {
      inserted: 0,
      unchanged: 1,
      updated: 1,
    });
    const mark = readPerpKlines(db, { venue: V, symbol: "BTCUSDT", kind: "mark", freq: "1h" });
    assert.deepEqual([...mark.complete], [1, 1]);
    const index = readPerpKlines(db, { venue: V, symbol: "BTCUSDT", kind: "index", freq: "1h" });
    assert.deepEqual([...index.close], [100.5, 101.5]);
  } finally {
    close();
  }
});

Deno.test("open interest and liquidations: idempotent, and the schema refuses impossible rows", () => {
  const { db, close } = openStore(":memory:");
  try {
    const o = { venue: V, symbol: "BTCUSDT", period: "5m" as const, source: "t" };
    const rows = [{ ts: 0, openInterest: 20403.6, openInterestValue: 150570784.07 }];
    assert.equal(writeOpenInterest(db, rows, o).inserted, 1);
    assert.equal(writeOpenInterest(db, rows, o).unchanged, 1);
    assert.deepEqual([...readOpenInterest(db, o).openInterest], [20403.6]);
    // a writer that skipped the rules still cannot store negative open interest
    assert.throws(() => writeOpenInterest(db, [{ ts: 1, openInterest: -1 }], o), /CHECK/);

    const liq = {
      symbol: "BTCUSDT",
      ts: 1568014460893,
      side: "sell" as const,
      orderType: "LIMIT",
      timeInForce: "IOC",
      price: 9910,
      avgPrice: 9910,
      qty: 0.014,
      lastFilledQty: 0.014,
      filledQty: 0.014,
      status: "FILLED",
      eventTime: 1568014460893,
    };
    const lo = { venue: V, source: "ws" };
    assert.deepEqual(writeLiquidations(db, [liq], lo), { inserted: 1, unchanged: 0 });
    assert.deepEqual(writeLiquidations(db, [liq], lo), { inserted: 0, unchanged: 1 });
    assert.deepEqual(readLiquidations(db, V, "BTCUSDT"), [liq]);
    assert.throws(() => writeLiquidations(db, [{ ...liq, ts: 2, qty: 0 }], lo), /CHECK/);
  } finally {
    close();
  }
});
