/**
 * Issue 12 item 1 (funding aligned to bars without lookahead, basis as a series): the funding
 * known at each bar of a grid uses only events stamped before the bar's end (perturbation test
 * on the REAL Binance BTCUSDT funding history), `loadFunding` reads the store and lists missing
 * funding times, and the basis is (perp - spot) / spot per bar.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { openStore } from "@lib/store/db.ts";
import { writeFunding } from "@lib/store/perp_funding.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { fundingKnownAt } from "@lib/panel/funding_on_grid.ts";
import { loadFunding, loadFundingOnGrid } from "@lib/panel/load_funding.ts";
import { basis, loadBasis } from "@lib/panel/basis.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const H = 3_600_000;
const V = "binance_futures";

function realFunding(): { time: number[]; rate: number[] } {
  const rows = JSON.parse(
    readFileSync(
      realPath(
        "funding_and_futures",
        "binance_usdm_2025_aminak58",
        "BTC_USDT_USDT-8h-funding_rate.json",
      ),
      "utf8",
    ),
  ) as number[][];
  return { time: rows.map((r) => r[0]!), rate: rows.map((r) => r[1]!) };
}

realDataTest(
  "funding known at bar t uses no event stamped at or after bar t's end (perturbation)",
  () => {
    const f = realFunding();
    // hourly grid over the file's span; Binance stamps some events a few ms after the hour
    const t0 = Math.floor(f.time[0]! / H) * H;
    const grid = Array.from({ length: (f.time.at(-1)! - t0) / H + 9 | 0 }, (_, i) => t0 + i * H);
    const base = fundingKnownAt(grid, f.time, f.rate);
    assert.ok(f.time.some((t) => t % H !== 0), "the real file has ms-late stamps");
    for (const t of [0, 7, 8, 9, 100, 401, grid.length - 10]) {
      const barEnd = grid[t + 1]!;
      // change every rate stamped at or after the end of bar t, and add an event there
      const k = f.time.findIndex((x) => x >= barEnd);
      const cut = k < 0 ? f.time.length : k;
      const times = [...f.time.slice(0, cut), barEnd, ...f.time.slice(cut).map((x) => x + 1)];
      const rates = [...f.rate.slice(0, cut), 0.05, ...f.rate.slice(cut).map((r) => -r - 0.01)];
      const moved = fundingKnownAt(grid, times, rates);
      for (let s = 0; s <= t; s++) {
        assert.ok(
          Object.is(moved[s], base[s]),
          `bar ${s} moved for t=${t}`,
        );
      }
      // the perturbation is visible from bar t + 1 on (so the test can fail)
      assert.ok(!Object.is(moved[t + 1], base[t + 1]), `bar ${t + 1} did not change for t=${t}`);
    }
    // the first event is known from the close of the bar it is stamped in, not before
    const first = Math.floor((f.time[0]! - t0) / H);
    assert.equal(base[first], f.rate[0]);
    if (first > 0) assert.ok(Number.isNaN(base[first - 1]!));
  },
);

realDataTest(
  "loadFunding reads the stored real history and names the missing funding times",
  () => {
    const f = realFunding();
    const { db, close } = openStore(":memory:");
    try {
      const rows = f.time.map((t, i) => ({ fundingTime: t, rate: f.rate[i]! }));
      // drop one real event: the loader must report its grid time as missing
      const dropped = rows.splice(10, 1)[0]!;
      writeFunding(db, rows, { venue: V, symbol: "BTCUSDT", source: "test" });
      const from = Math.round(f.time[0]! / H) * H, to = Math.round(f.time.at(-1)! / H) * H + H;
      const [s] = loadFunding(db, { venue: V, symbols: ["BTCUSDT"], from, to });
      assert.equal(s!.time.length, f.time.length - 1);
      assert.deepEqual(s!.missing, [Math.round(dropped.fundingTime / (8 * H)) * 8 * H]);
      const [none] = loadFunding(db, { venue: V, symbols: ["ETHUSDT"], from, to });
      assert.equal(none!.time.length, 0);
    } finally {
      close();
    }
  },
);

realDataTest(
  "loadFundingOnGrid: the stored real funding known at each bar, carried in from before the window",
  () => {
    const f = realFunding();
    const { db, close } = openStore(":memory:");
    try {
      writeFunding(db, f.time.map((t, i) => ({ fundingTime: t, rate: f.rate[i]! })), {
        venue: V,
        symbol: "BTCUSDT",
        source: "test",
      });
      // a window starting 2 hours after the 20th funding time: bar 0 already knows that rate
      const t0 = Math.round(f.time[20]! / H) * H + 2 * H;
      const index = Float64Array.from({ length: 48 }, (_, i) => t0 + i * H);
      const g = loadFundingOnGrid(db, {
        venue: V,
        assets: ["BTCUSDT", "ETHUSDT"],
        index,
        freq: "1h",
      });
      assert.equal(g.known[0]![0], f.rate[20]);
      const direct = fundingKnownAt(index, f.time, f.rate);
      assert.deepEqual([...g.known[0]!], [...direct]);
      assert.ok(g.known[1]!.every(Number.isNaN), "no funding stored for ETHUSDT: all NaN");
      assert.equal(g.missing.ETHUSDT!.length, 6);
    } finally {
      close();
    }
  },
);

Deno.test("basis: (perp - spot) / spot per bar, by hand; loadBasis leaves spot gaps NaN", () => {
  // by hand: (101 - 100) / 100 = 0.01; (49.5 - 50) / 50 = -0.01
  const b = basis(Float64Array.of(101, 49.5, 10), Float64Array.of(100, 50, 0));
  assert.ok(Math.abs(b[0]! - 0.01) < 1e-15);
  assert.ok(Math.abs(b[1]! + 0.01) < 1e-15);
  assert.ok(Number.isNaN(b[2]!));
  assert.throws(() => basis([1], [1, 2]), /same grid/);
  const { db, close } = openStore(":memory:");
  try {
    const t0 = Date.UTC(2025, 0, 1);
    const put = (venue: string, ts: number[], c: number[]) => {
      const x = allocBars({ venue, symbol: "BTCUSDT", freq: "1h" }, ts.length);
      ts.forEach((t, i) => {
        x.ts[i] = t;
        x.open[i] =
          x.high[i] =
          x.low[i] =
          x.close[i] =
            c[i]!;
        x.volume[i] = 1;
      });
      writeBars(db, x, { source: "test" });
    };
    put(V, [t0, t0 + H, t0 + 2 * H], [101, 102, 103]);
    put("binance", [t0, t0 + 2 * H], [100, 100]);
    const s = loadBasis(db, { symbol: "BTCUSDT", freq: "1h", perpVenue: V, spotVenue: "binance" });
    assert.ok(Math.abs(s.basis[0]! - 0.01) < 1e-15);
    assert.ok(Number.isNaN(s.basis[1]!));
    assert.ok(Math.abs(s.basis[2]! - 0.03) < 1e-15);
  } finally {
    close();
  }
});
