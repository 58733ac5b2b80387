/**
 * The demo report on data with holes: gaps come from the bars themselves (review finding C4,
 * bar_gaps may be empty after an import), and a price move across a gap is kept in cumulative
 * returns, drawdown and annualized return (C5). Expected values are exact ratios of the closes
 * written below.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { listGaps } from "@lib/store/gaps.ts";
import { allocBars } from "@lib/core/types.ts";
import { buildDemoReport } from "@lib/report/demo_report.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import type { Block, DataTable, FigureBlock, ReportModel, TableBlock } from "@lib/report/model.ts";

const H = 3_600_000, N = 48;
// ALT: 100 for 20 hours, then 6 missing hours during which it halves, then 50 up to 55.
const MISSING = new Set([20, 21, 22, 23, 24, 25, 40]);
function altClose(i: number): number {
  return i < 20 ? 100 : 50 + (i - 26) * (5 / 21);
}

function store() {
  const s = openStore(":memory:");
  for (const symbol of ["BTC", "ALT"]) {
    const idx = Array.from({ length: N }, (_, i) => i).filter((i) =>
      symbol === "BTC" || !MISSING.has(i)
    );
    const b = allocBars({ venue: "x", symbol, freq: "1h" }, idx.length);
    idx.forEach((i, k) => {
      const p = symbol === "BTC" ? 100 * Math.exp(0.01 * Math.sin(i)) : altClose(i);
      b.ts[k] = i * H;
      b.open[k] =
        b.high[k] =
        b.low[k] =
        b.close[k] =
          p;
      b.volume[k] = 1;
    });
    writeBars(s.db, b, { source: "test" });
  }
  return s;
}

function block<T extends Block>(m: ReportModel, id: string): T {
  for (const s of m.sections) for (const b of s.blocks) if ("id" in b && b.id === id) return b as T;
  throw new Error(`no block ${id}`);
}
function row(t: DataTable, asset: string) {
  const r = t.rows.find((r) => r[0] === asset);
  assert.ok(r, `no row for ${asset}`);
  return r;
}

function report() {
  const s = store();
  // the premise of C4: nothing refreshed bar_gaps
  assert.equal(listGaps(s.db).length, 0);
  const dataset = loadDataset(s.db, {
    venue: "x",
    freq: "1h",
    symbols: ["BTC", "ALT"],
    from: 0,
    to: N * H,
  });
  const m = buildDemoReport(dataset, {
    benchmark: "BTC",
    betaWindow: 12,
    seed: null,
    params: {},
    dataNote: "test",
    git: { commit: "unknown", dirty: null },
  });
  s.close();
  return m;
}

Deno.test("report gaps are computed from the bars even when bar_gaps is empty", () => {
  const m = report();
  const cov = block<TableBlock>(m, "coverage-table");
  assert.deepEqual(row(cov, "ALT").slice(1, 3), [N - 7, 7]);
  assert.deepEqual(row(cov, "BTC").slice(1, 3), [N, 0]);
  const fig = block<FigureBlock>(m, "coverage").data;
  // [asset, first, last, bars, missing, gaps]
  assert.deepEqual(row(fig, "ALT").slice(3), [N - 7, 7, 2]);
  const notes = m.sections[0]!.blocks.filter((b) => b.type === "note");
  assert.ok(notes.some((b) => b.type === "note" && /2 gaps \(7 missing hourly bars/.test(b.text)));
});

Deno.test("cumulative return, drawdown and annualized return keep the move across a gap", () => {
  const m = report();
  const last = altClose(47), first = altClose(0);
  const cum = block<FigureBlock>(m, "cumulative-returns").data;
  const [, final, min] = row(cum, "ALT") as [string, number, number, number];
  // 1e-12: a sum of ~40 logs then expm1
  assert.ok(Math.abs(final - (last / first - 1)) < 1e-12, `final ${final} vs ${last / first - 1}`);
  assert.ok(Math.abs(min - (50 / 100 - 1)) < 1e-12, `lowest ${min}`);
  const metrics = block<TableBlock>(m, "metrics");
  const r = row(metrics, "ALT") as [string, number, number, number, number, number];
  // one-hour returns: 41 closes, each with a present predecessor except after the 2 gaps
  assert.equal(r[1], 41 - 1 - 2);
  // annualized over the 47 hours elapsed from the first to the last close, gaps included
  const annLog = Math.log(last / first) / 47 * 8760;
  assert.ok(Math.abs(r[2] - Math.expm1(annLog)) < 1e-12 * Math.max(1, Math.abs(r[2])));
  assert.ok(Math.abs(r[4] - annLog / r[3]) < 1e-12, "Sharpe = ann. log return / ann. vol");
  assert.ok(Math.abs(r[5] - 0.5) < 1e-12, `max drawdown ${r[5]} should see the halving`);
  const method = m.sections.find((s) => s.id === "method")!.blocks;
  assert.ok(
    method.some((b) => b.type === "paragraph" && /Sharpe = annualized log return/.test(b.text)),
  );
});
