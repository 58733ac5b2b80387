/**
 * Issue 12 item 1 (gated): the perp rules refuse what cannot be right and pass every real row.
 * Before this change there were no perp rules: a funding rate of 5 (a percentage read as a
 * fraction), an off-grid funding time, a kline with high < low, negative open interest or a
 * liquidation with no side would have been stored as given.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { openStore } from "@lib/store/db.ts";
import { readFunding } from "@lib/store/perp_funding.ts";
import {
  storeFunding,
  storeLiquidations,
  storeOpenInterest,
  storePerpKlines,
} from "@lib/ingest/perp_write.ts";
import { gateFunding } from "@lib/ingest/gates/perp_gates.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const V = "binance_futures";
const NOW = Date.UTC(2026, 0, 1);
const H = 3_600_000;

realDataTest(
  "every real Binance funding row passes the funding rules (ms-late stamps, 8h grid)",
  () => {
    const dir = realPath("funding_and_futures");
    let rows = 0;
    for (const sub of readdirSync(dir)) {
      for (const f of readdirSync(`${dir}/${sub}`)) {
        if (!f.endsWith("-funding_rate.json")) continue;
        const data = JSON.parse(readFileSync(`${dir}/${sub}/${f}`, "utf8")) as number[][];
        const g = gateFunding(data.map((r) => ({ fundingTime: r[0]!, rate: r[1]! })), {
          venue: V,
          now: NOW,
        });
        assert.deepEqual(g.rejected, [], f);
        rows += g.accepted.length;
      }
    }
    assert.equal(rows, 752, "rows in the 11 real funding files");
  },
);

Deno.test("funding rules: bound, grid, non-finite, duplicate time; refused rows are quarantined", () => {
  const { db, close } = openStore(":memory:");
  try {
    const t = Date.UTC(2025, 8, 1, 8) + 1;
    const rows = [
      { fundingTime: t, rate: 0.0001 },
      { fundingTime: t + 8 * H, rate: 5 },
      { fundingTime: t + 9 * H, rate: 0.0001 },
      { fundingTime: t + 16 * H, rate: NaN },
      { fundingTime: t + 24 * H, rate: -0.0003 },
      { fundingTime: t + 24 * H, rate: -0.0004 },
      { fundingTime: t + 24 * H, rate: -0.0003 },
    ];
    const r = storeFunding(db, "BTCUSDT", rows, { venue: V, source: "test", now: NOW });
    assert.equal(r.inserted, 2);
    assert.deepEqual(r.rejected.map((x) => [x.index, x.kind]), [
      [1, "funding rate out of bounds"],
      [2, "funding time off the funding grid"],
      [3, "funding rate is not a finite number"],
      [5, "duplicate timestamp with different values"],
    ]);
    const q = db.prepare("SELECT locator, raw, reason, venue, symbol FROM quarantine ORDER BY id")
      .all();
    assert.equal(q.length, 4);
    assert.equal(q[0]!.locator, `funding ${V}:BTCUSDT time=${t + 8 * H}`);
    assert.match(String(q[0]!.reason), /^funding rate out of bounds: \|rate\| 5 > 0.05/);
    assert.deepEqual(JSON.parse(String(q[0]!.raw)), { fundingTime: t + 8 * H, rate: 5 });
    assert.deepEqual([...readFunding(db, V, "BTCUSDT").rate], [0.0001, -0.0003]);
    // a stated 1h grid accepts the 9h row
    const hourly = storeFunding(db, "BTCUSDT", [rows[2]!], { venue: V, source: "test", now: NOW }, {
      intervalMs: H,
    });
    assert.equal(hourly.inserted, 1);
  } finally {
    close();
  }
});

Deno.test("kline, open-interest and liquidation rules refuse bad rows and keep the rest", () => {
  const { db, close } = openStore(":memory:");
  try {
    const t = Date.UTC(2025, 8, 1);
    const k = {
      venue: V,
      symbol: "BTCUSDT",
      kind: "index" as const,
      freq: "1h" as const,
      ts: Float64Array.of(t, t + H, t + 2 * H + 5, t + 3 * H),
      open: Float64Array.of(100, 100, 100, 0),
      high: Float64Array.of(101, 99, 101, 1),
      low: Float64Array.of(99, 100, 99, 0),
      close: Float64Array.of(100, 100, 100, 1),
      complete: Uint8Array.of(1, 1, 1, 1),
    };
    const rk = storePerpKlines(db, k, H, { venue: V, source: "test", now: NOW });
    assert.equal(rk.inserted, 1);
    assert.deepEqual(rk.rejected.map((x) => x.kind), [
      "high < low",
      "timestamp off the bar grid",
      "non-positive price",
    ]);
    const ro = storeOpenInterest(db, "BTCUSDT", "5m", [
      { ts: t, openInterest: 1 },
      { ts: t + 1, openInterest: -2 },
      { ts: t + 2, openInterest: 3, openInterestValue: Infinity },
    ], { venue: V, source: "test", now: NOW });
    assert.equal(ro.inserted, 1);
    assert.deepEqual(ro.rejected.map((x) => x.kind), [
      "negative open interest",
      "open interest is not a finite number",
    ]);
    const liq = {
      symbol: "BTCUSDT",
      ts: t,
      side: "sell" as const,
      orderType: "LIMIT",
      timeInForce: "IOC",
      price: 9910,
      avgPrice: 9910,
      qty: 0.014,
      lastFilledQty: 0.014,
      filledQty: 0.014,
      status: "FILLED",
      eventTime: t,
    };
    const rl = storeLiquidations(db, [
      liq,
      { ...liq, side: "LONG" as unknown as "buy" },
      { ...liq, ts: t + 1, filledQty: 1 },
      { ...liq, ts: NOW + 3_600_000 },
    ], { venue: V, source: "test", now: NOW });
    assert.equal(rl.inserted, 1);
    assert.deepEqual(rl.rejected.map((x) => x.kind), [
      "bad liquidation order",
      "bad liquidation order",
      "timestamp in the future",
    ]);
    assert.equal(db.prepare("SELECT count(*) AS n FROM quarantine").get()?.n, 8);
  } finally {
    close();
  }
});
