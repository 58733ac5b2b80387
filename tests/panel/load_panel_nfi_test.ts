// Real data: the 126-pair NFI hourly universe (Binance spot 2020-12-01 -> 2021-07-17) imported
// with the product's importer (importPaths), loaded as a panel, compared with a pandas oracle.
//
// Oracle: tests/oracles/panel_nfi.py (Debian pandas 1.5.3 / numpy 1.24.2):
//   pd.read_json(path, precise_float=True) per file -> pd.concat -> pivot(index="ts",
//   columns="symbol", values="close") -> reindex(pd.date_range(first, last, freq="H")) ->
//   np.log(close).diff()
// Tolerances:
// - closes, counts, grid: exact (both sides parse the same decimal text to the nearest double);
// - a log return: pandas takes log(c_t) - log(c_{t-1}), we take log(c_t / c_{t-1}). Each log
//   is within 1 ulp of exact, and |log c| < 12 here (ulp 1.8e-15), so the two differ by at
//   most ~4e-15 absolute: we allow 2e-14;
// - sum of n <= 5,482 returns: n * 4e-15 = 2.2e-11 plus summation-order error
//   (numpy sums pairwise) far below that: we allow 1e-10;
// - sum of squares: |d(r^2)| <= 2|r| * 4e-15, summed <= 8e-15 * sum|r| (sum|r| < 200): 1e-11.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadPanel } from "@lib/panel/load_panel.ts";
import type { Panel } from "@lib/panel/types.ts";
import { coverage } from "@lib/panel/coverage.ts";
import { BLOCK_BARS, blockStart, clearBlocks } from "@lib/store/blocks.ts";
import { HAS_REAL_DATA, realDataTest } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { importNfi } from "./_nfi.ts";
import { assertSamePanel, referencePanel } from "./_reference.ts";

interface Oracle {
  oracle: string;
  gridStart: number;
  gridEnd: number;
  gridLength: number;
  sharedGaps: { first: number; last: number; hours: number }[];
  assets: Record<string, {
    closeCount: number;
    closeSum: number;
    retCount: number;
    retSum: number;
    retSumSq: number;
    retSumAbs: number;
    zeroReturns: number;
    samples: { row: number; close: number | null; logReturn: number | null }[];
  }>;
}

const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/panel_nfi.json", import.meta.url), "utf8"),
) as Oracle;

// One import (~10 s) shared by the tests of this file.
let shared: { store: ReturnType<typeof tempStore>; symbols: string[] } | undefined;
async function store() {
  if (shared === undefined) {
    const s = tempStore();
    shared = { store: s, symbols: await importNfi(s.db) };
  }
  return shared;
}
let panel: Panel | undefined;
async function nfiPanel(): Promise<Panel> {
  panel ??= loadPanel((await store()).store.db, { venue: "binance", freq: "1h" });
  return panel;
}

realDataTest("NFI panel: every grid hour from the first to the last bar, 126 assets", async () => {
  const p = await nfiPanel();
  assert.equal(p.assets.length, 126);
  assert.deepEqual([...p.assets], Object.keys(ORACLE.assets).sort());
  assert.equal(p.venue, "binance");
  assert.equal(p.index.length, ORACLE.gridLength);
  assert.equal(p.index[0], ORACLE.gridStart);
  assert.equal(p.index[p.index.length - 1], ORACLE.gridEnd);
  for (let t = 1; t < p.index.length; t++) assert.equal(p.index[t]! - p.index[t - 1]!, 3_600_000);
});

realDataTest("NFI panel: closes and log returns match pandas for every asset", async () => {
  const p = await nfiPanel();
  const cov = coverage(p);
  p.assets.forEach((asset, a) => {
    const o = ORACLE.assets[asset]!;
    const c = p.close[a]!, r = p.logReturns[a]!;
    let closeCount = 0, closeSum = 0, retCount = 0, retSum = 0, retSumSq = 0, zeros = 0;
    for (let t = 0; t < c.length; t++) {
      if (!Number.isNaN(c[t]!)) {
        closeCount++;
        closeSum += c[t]!;
      }
      const x = r[t]!;
      if (!Number.isNaN(x)) {
        retCount++;
        retSum += x;
        retSumSq += x * x;
        if (x === 0) zeros++;
      }
    }
    assert.equal(closeCount, o.closeCount, `${asset} close count`);
    assert.ok(
      Math.abs(closeSum - o.closeSum) <= 1e-12 * Math.abs(o.closeSum),
      `${asset} close sum`,
    );
    assert.equal(cov[a], o.closeCount / ORACLE.gridLength, `${asset} coverage`);
    assert.equal(retCount, o.retCount, `${asset} return count`);
    assert.equal(zeros, o.zeroReturns, `${asset}: zero returns are real flat hours, never gaps`);
    assert.ok(Math.abs(retSum - o.retSum) <= 1e-10, `${asset} sum ${retSum} vs ${o.retSum}`);
    assert.ok(
      Math.abs(retSumSq - o.retSumSq) <= 1e-11,
      `${asset} sumsq ${retSumSq} vs ${o.retSumSq}`,
    );
    for (const s of o.samples) {
      assert.equal(c[s.row], s.close ?? NaN, `${asset} close at row ${s.row}`);
      if (s.logReturn === null) assert.ok(Number.isNaN(r[s.row]!), `${asset} row ${s.row} NaN`);
      else assert.ok(Math.abs(r[s.row]! - s.logReturn) <= 2e-14, `${asset} return row ${s.row}`);
    }
  });
});

realDataTest(
  "NFI panel: the 6 shared exchange gaps are NaN rows and NaN returns, not zeros",
  async () => {
    const p = await nfiPanel();
    assert.equal(ORACLE.sharedGaps.length, 6);
    for (const g of ORACLE.sharedGaps) {
      const first = p.index.indexOf(g.first);
      assert.ok(first > 0, `gap at ${new Date(g.first).toISOString()} is a row of the index`);
      for (let a = 0; a < p.assets.length; a++) {
        for (let k = first; k < first + g.hours; k++) {
          assert.ok(Number.isNaN(p.close[a]![k]!));
          assert.ok(Number.isNaN(p.logReturns[a]![k]!));
        }
        // the hour after the outage has no previous close: NaN, not the return over the outage
        assert.ok(Number.isNaN(p.logReturns[a]![first + g.hours]!), `${p.assets[a]} after gap`);
      }
    }
  },
);

realDataTest(
  "NFI panel from blocks equals a slow row-by-row read exactly, cold and warm",
  async () => {
    const { store: s } = await store();
    clearBlocks(s.db);
    const cold = loadPanel(s.db, { venue: "binance", freq: "1h" });
    const ref = referencePanel(s.db, "binance", cold.assets, "1h");
    const blocks = Number(s.db.prepare("SELECT count(*) AS n FROM bar_blocks").get()!.n);
    // every series is dense enough that each 4,096-hour block between its ends holds bars
    let expected = 0;
    cold.close.forEach((c) => {
      let i = 0, j = c.length - 1;
      while (Number.isNaN(c[i]!)) i++;
      while (Number.isNaN(c[j]!)) j--;
      const span = BLOCK_BARS * 3_600_000;
      expected += (blockStart(cold.index[j]!, "1h") - blockStart(cold.index[i]!, "1h")) / span + 1;
    });
    assert.equal(blocks, expected);
    const warm = loadPanel(s.db, { venue: "binance", freq: "1h" });
    assertSamePanel(cold, ref);
    assertSamePanel(warm, ref);
  },
);

realDataTest(
  "NFI panel: a warm load of 126 assets x 5,493 hours takes well under a second",
  async () => {
    const db = (await store()).store.db;
    loadPanel(db, { venue: "binance", freq: "1h" }); // make sure the cache is warm
    const t0 = performance.now();
    const p = loadPanel(db, { venue: "binance", freq: "1h" });
    const ms = performance.now() - t0;
    console.log(`warm load ${p.assets.length} x ${p.index.length}: ${ms.toFixed(1)} ms`);
    // typically ~100 ms on 2 busy cores; the bound leaves room for a loaded CI machine
    assert.ok(ms < 1000, `warm load took ${ms.toFixed(0)} ms`);
  },
);

realDataTest("NFI panel: window and minCoverage", async () => {
  const db = (await store()).store.db;
  const from = Date.UTC(2021, 4, 1), to = Date.UTC(2021, 5, 1);
  const p = loadPanel(db, { venue: "binance", freq: "1h", from, to, minCoverage: 0.99 });
  assert.equal(p.index[0], from);
  assert.equal(p.index[p.index.length - 1], to - 3_600_000);
  const all = loadPanel(db, { venue: "binance", freq: "1h", from, to });
  const cov = coverage(all);
  const expected = all.assets.filter((_, a) => cov[a]! >= 0.99);
  assert.ok(expected.length > 0 && expected.length < all.assets.length);
  assert.deepEqual([...p.assets], expected);
  assert.ok(Number.isNaN(p.logReturns[0]![0]!), "nothing before `from` leaks into a return");
});

Deno.test({
  name: "NFI panel: close the shared store",
  ignore: !HAS_REAL_DATA,
  fn() {
    shared?.store.cleanup();
  },
});
