/**
 * Issue 8 item 1: no single bar can make a task allocate memory in proportion to its
 * timestamp. One bar dated in the year 5138 (written by a path that does not gate, here the
 * store writer directly) must make the panel read refuse with a clear error at once, not build
 * a grid of 27 million hours (before the fix `deno task report` grew past 6 GB).
 */
import assert from "node:assert/strict";
import { GRID_DEFAULTS, gridPoints } from "@lib/core/grid_size.ts";
import { alignToGrid } from "@lib/panel/align_to_grid.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { writeBars } from "@lib/store/bars.ts";
import { openStore } from "@lib/store/db.ts";
import { allocBars } from "@lib/core/types.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

Deno.test("gridPoints: the limit is stated once and named in the error", () => {
  assert.equal(gridPoints(T0, T0 + 23 * H, H, "x"), 24);
  assert.equal(gridPoints(T0, T0 - H, H, "x"), 0);
  assert.equal(gridPoints(0, (GRID_DEFAULTS.maxPoints - 1) * 60_000, 60_000, "x"), 10_000_000);
  assert.throws(
    () => gridPoints(0, GRID_DEFAULTS.maxPoints * 60_000, 60_000, "1m panel"),
    /Cannot build the 1m panel grid: .* is 10000001 points, more than the limit of 10000000/,
  );
  assert.throws(
    () =>
      alignToGrid(new Float64Array(0), new Float64Array(0), {
        start: 0,
        stepMs: H,
        length: 27_000_000,
      }),
    /27000000 points, more than the limit of 10000000/,
  );
});

Deno.test("loadPanel over a bar dated 5138 refuses with a clear error instead of allocating", () => {
  const { db, close } = openStore(":memory:");
  try {
    const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, 3);
    b.ts.set([T0, T0 + H, Date.UTC(5138, 0, 1)]);
    b.open.fill(1);
    b.high.fill(1);
    b.low.fill(1);
    b.close.fill(1);
    writeBars(db, b, { source: "test" });
    const before = Deno.memoryUsage().rss;
    assert.throws(
      () => loadPanel(db, { venue: "binance", freq: "1h" }),
      /Cannot build the 1h panel grid: 2024-01-01T00:00:00\.000Z to 5138-01-01T00:00:00\.000Z .* more than the limit of 10000000 points/,
    );
    assert.ok(Deno.memoryUsage().rss - before < 200e6, "no 27-million-point columns allocated");
    // a window around the real bars still loads
    const p = loadPanel(db, { venue: "binance", freq: "1h", to: T0 + 2 * H });
    assert.equal(p.index.length, 2);
  } finally {
    close();
  }
});
