// Panel <-> danfo DataFrame (danfojs-node 1.1.2) round trip on real data: 12 NFI hourly pairs.
// Exact equality is the right bar: both directions only copy doubles (danfo labels numeric
// columns "float32" but keeps JS numbers), so any difference would be a bug.
import assert from "node:assert/strict";
import { DataFrame } from "danfojs-node";
import { panelFromDataFrame, panelToDataFrame } from "@lib/panel/danfo.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { importNfi } from "./_nfi.ts";

realDataTest("danfo: panel -> DataFrame -> panel is exact, with ISO and ms indexes", async () => {
  const s = tempStore();
  try {
    await importNfi(s.db, 12);
    const p = loadPanel(s.db, { venue: "binance", freq: "1h" });
    const df = panelToDataFrame(p);
    assert.deepEqual(df.shape, [p.index.length, 12]);
    assert.deepEqual(df.columns, [...p.assets]);
    assert.equal(df.index[0], new Date(p.index[0]!).toISOString());
    const back = panelFromDataFrame(df, { freq: "1h", venue: "binance" });
    assert.deepEqual(back.assets, p.assets);
    assert.deepEqual(back.index, p.index);
    assert.deepEqual(back.close, p.close);
    assert.deepEqual(back.logReturns, p.logReturns);
    assert.ok(back.open.every((c) => c.every(Number.isNaN)), "fields not converted are NaN");

    const vol = panelToDataFrame(p, "volume", { index: "ms" });
    assert.equal(vol.index[0], p.index[0]);
    const v = panelFromDataFrame(vol, { freq: "1h", venue: "binance", field: "volume" });
    assert.deepEqual(v.volume, p.volume);

    // and a danfo-side computation agrees with ours: per-asset mean close, NaN skipped
    const means = df.mean({ axis: 0 }).values as number[];
    p.close.forEach((c, a) => {
      let sum = 0, n = 0;
      for (const x of c) if (!Number.isNaN(x)) (sum += x, n++);
      assert.ok(Math.abs(means[a]! - sum / n) <= 1e-12 * Math.abs(sum / n), p.assets[a]!);
    });
    // the real shared gaps survive the trip as NaN rows, not dropped rows
    const roundTripGaps = back.close[0]!.filter(Number.isNaN).length;
    assert.equal(roundTripGaps, p.close[0]!.filter(Number.isNaN).length);
    assert.ok(roundTripGaps > 0);
  } finally {
    s.cleanup();
  }
});

Deno.test("danfo: missing grid rows are filled, bad indexes are refused", () => {
  const h = 3_600_000;
  const df = new DataFrame({ A: [1, 2], B: [3, NaN] }, { index: [0, 3 * h] });
  const p = panelFromDataFrame(df, { freq: "1h", venue: "sim" });
  assert.deepEqual([...p.index], [0, h, 2 * h, 3 * h]);
  assert.deepEqual([...p.close[0]!], [1, NaN, NaN, 2]);
  assert.deepEqual([...p.close[1]!], [3, NaN, NaN, NaN]);
  const local = new DataFrame({ A: [1] }, { index: ["2021-01-01T00:00:00"] });
  assert.throws(() => panelFromDataFrame(local, { freq: "1h", venue: "sim" }), /with a zone/);
  const unsorted = new DataFrame({ A: [1, 2] }, { index: [h, 0] });
  assert.throws(() => panelFromDataFrame(unsorted, { freq: "1h", venue: "sim" }), /increase/);
  const offGrid = new DataFrame({ A: [1, 2] }, { index: [0, h + 1] });
  assert.throws(() => panelFromDataFrame(offGrid, { freq: "1h", venue: "sim" }), /off the grid/);
});
