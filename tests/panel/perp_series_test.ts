/**
 * Issue 12: open interest and liquidations on a bar grid use nothing stamped at or after a
 * bar's end (perturbation: rows added after bar t leave every value at or before t unchanged),
 * and liquidated notional is summed per bar and side by hand.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeOpenInterest } from "@lib/store/perp_open_interest.ts";
import { writeLiquidations } from "@lib/store/perp_liquidations.ts";
import { loadLiquidationsOnGrid, loadOpenInterestOnGrid } from "@lib/panel/load_perp_series.ts";

const H = 3_600_000, T0 = Date.UTC(2025, 8, 1);
const V = "binance_futures";
const index = Float64Array.from({ length: 24 }, (_, i) => T0 + i * H);
const grid = { venue: V, assets: ["BTCUSDT"], index, freq: "1h" as const };
const liq = (ts: number, side: "buy" | "sell", price: number, qty: number) => ({
  symbol: "BTCUSDT",
  ts,
  side,
  orderType: "LIMIT",
  timeInForce: "IOC",
  price,
  avgPrice: price,
  qty,
  lastFilledQty: qty,
  filledQty: qty,
  status: "FILLED",
  eventTime: ts + 1,
});

Deno.test("open interest and liquidations on the grid: by hand, and nothing after bar t moves bar t", () => {
  const { db, close } = openStore(":memory:");
  try {
    const oiRows = Array.from({ length: 30 }, (_, i) => ({
      ts: T0 - 2 * 300_000 + i * 300_000,
      openInterest: 1000 + i,
    }));
    writeOpenInterest(db, oiRows, { venue: V, symbol: "BTCUSDT", period: "5m", source: "t" });
    writeLiquidations(db, [
      liq(T0 + 10, "sell", 100, 1),
      liq(T0 + 20, "sell", 101, 2),
      liq(T0 + H - 1, "buy", 102, 3),
      liq(T0 + H, "buy", 103, 1),
    ], { venue: V, source: "t" });
    const oi = loadOpenInterestOnGrid(db, grid, "5m")[0]!;
    // by hand: bar 0 ends at T0 + 1h: the last 5m row before it is T0 + 55m = row 13
    assert.equal(oi[0], 1013);
    // rows end at T0 + 135m (row 29): bars 2.. carry it
    assert.equal(oi[1], 1025);
    assert.equal(oi[2], 1029);
    const l = loadLiquidationsOnGrid(db, grid);
    assert.equal(l.longsLiquidated[0]![0], 100 * 1 + 101 * 2);
    assert.equal(l.shortsLiquidated[0]![0], 102 * 3);
    assert.equal(l.shortsLiquidated[0]![1], 103);
    assert.deepEqual([...l.orders[0]!.slice(0, 3)], [3, 1, 0]);

    for (const t of [0, 1, 5, 20]) {
      const barEnd = index[t + 1]!;
      const { db: d2, close: c2 } = openStore(":memory:");
      try {
        // every row stamped at or after the end of bar t changes, and one more is added there
        const moved = oiRows.map((r) =>
          r.ts >= barEnd ? { ...r, openInterest: r.openInterest + 1e6 } : r
        );
        if (!moved.some((r) => r.ts === barEnd)) moved.push({ ts: barEnd, openInterest: 9e9 });
        writeOpenInterest(d2, moved, { venue: V, symbol: "BTCUSDT", period: "5m", source: "t" });
        writeLiquidations(d2, [
          liq(T0 + 10, "sell", 100, 1),
          liq(T0 + 20, "sell", 101, 2),
          liq(T0 + H - 1, "buy", 102, 3),
          liq(T0 + H, "buy", 103, 1),
          liq(barEnd, "sell", 1e6, 5),
        ], { venue: V, source: "t" });
        const oi2 = loadOpenInterestOnGrid(d2, grid, "5m")[0]!;
        const l2 = loadLiquidationsOnGrid(d2, grid);
        for (let s = 0; s <= t; s++) {
          assert.ok(Object.is(oi2[s], oi[s]), `oi bar ${s}, t=${t}`);
          assert.equal(l2.longsLiquidated[0]![s], l.longsLiquidated[0]![s], `liq bar ${s}, t=${t}`);
        }
        assert.ok(!Object.is(oi2[t + 1], oi[t + 1]), `oi bar ${t + 1} did not change, t=${t}`);
        assert.equal(l2.longsLiquidated[0]![t + 1], l.longsLiquidated[0]![t + 1]! + 5e6);
      } finally {
        c2();
      }
    }
  } finally {
    close();
  }
});
