/**
 * The factor, signal and pairs report sections: the numbers they show are the library's own
 * (checked cell by cell against direct calls of factorModel / summarizeFactorFits, icDecay,
 * quantileReturns, screenPairs and hedgeRatio, with the same options), on the simulated market
 * (planted cointegrated pair found) and on real Binance hourly bars; and every degenerate
 * universe gives a note, not an exception.
 *
 * Tolerance: exact equality where the section calls the same function with the same inputs;
 * 1e-9 relative for the best pair's hedge ratio, which the section refits with hedgeRatio (OLS
 * by Householder QR) while screenPairs takes it from engleGranger's regression on the same
 * complete rows (a different solver: only rounding differs).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { factorModel } from "@lib/research/factor_model.ts";
import { summarizeFactorFits } from "@lib/research/factor_summary.ts";
import { icDecay } from "@lib/research/ic_decay.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { quantileReturns } from "@lib/research/quantile_returns.ts";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import { hedgeRatio, screenPairs } from "@lib/research/pairs/mod.ts";
import { halfLife } from "@lib/stats/half_life.ts";
import { factorSection } from "@lib/report/sections/factor_section.ts";
import { signalSection } from "@lib/report/sections/signal_section.ts";
import { pairsSection } from "@lib/report/sections/pairs_section.ts";
import type { Block, FigureBlock, NoteBlock, TableBlock } from "@lib/report/model.ts";
import { renderHtml } from "@lib/report/html.ts";
import { SCHEMA_VERSION } from "@lib/report/model.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

function table(blocks: readonly Block[], id: string): TableBlock {
  const b = blocks.find((b) => b.type === "table" && b.id === id);
  if (b === undefined) throw new Error(`no table ${id}: ${blocks.map((b) => b.type).join(",")}`);
  return b as TableBlock;
}

function figure(blocks: readonly Block[], id: string): FigureBlock {
  const b = blocks.find((b) => b.type === "figure" && b.id === id);
  if (b === undefined) throw new Error(`no figure ${id}`);
  return b as FigureBlock;
}

function notes(blocks: readonly Block[]): NoteBlock[] {
  return blocks.filter((b): b is NoteBlock => b.type === "note");
}

/** Equal, with NaN shown as NaN in the model (the JSON renderer turns it into null). */
function same(actual: unknown, expected: number, what: string) {
  if (Number.isNaN(expected)) assert.ok(Number.isNaN(actual as number), `${what}: ${actual}`);
  else assert.equal(actual, expected, what);
}

const SIM = (() => {
  const market = simulateMarket({ seed: 11, assets: 10, freq: "1h", bars: 24 * 30 });
  const { db } = openStore(":memory:");
  writeSimMarket(db, market);
  const panel = loadPanel(db, { venue: "sim", symbols: [...market.symbols], freq: "1h" });
  return { market, panel };
})();

Deno.test("factor section on the simulated market shows factorModel's summaries and charts", () => {
  const { panel } = SIM;
  const s = factorSection(panel, { window: 168 });
  assert.deepEqual(s.missingFactors, []);
  const fit = factorModel(panel, { window: 168, factors: ["BTCSIM", "ETHSIM"], causal: true });
  const summary = summarizeFactorFits(fit.assets);
  const t = table(s.blocks, "factor-summary");
  assert.equal(t.rows.length, panel.assets.length);
  t.rows.forEach((row, i) => {
    const e = summary[i]!;
    assert.equal(row[0], e.asset);
    assert.equal(row[1], fit.assets[i]!.role);
    assert.equal(row[2], e.bars);
    assert.equal(row[3], e.btcOnlyBars);
    same(row[4], e.meanBetaBtc, `${e.asset} beta btc`);
    same(row[5], e.meanBetaEth, `${e.asset} beta eth`);
    same(row[6], e.meanRSquared, `${e.asset} r2`);
    same(row[7], e.residualVol, `${e.asset} residual vol`);
  });
  figure(s.blocks, "factor-betas-btc");
  figure(s.blocks, "factor-betas-eth");
  // Raw vs residual: the final values are sums of the library's residuals and the raw returns
  // over the same bars.
  const rr = figure(s.blocks, "factor-raw-vs-residual");
  const a = panel.assets.indexOf(s.highlighted!);
  let raw = 0, res = 0;
  const e = fit.assets[a]!.residuals;
  for (let i = 0; i < e.length; i++) {
    if (Number.isFinite(e[i]!)) {
      raw += panel.logReturns[a]![i]!;
      res += e[i]!;
    }
  }
  assert.ok(Math.abs((rr.data.rows[0]![1] as number) - raw) < 1e-12);
  assert.ok(Math.abs((rr.data.rows[1]![1] as number) - res) < 1e-12);
  // The planted gaps are reported.
  const gaps = SIM.market.truth.gaps.map((g) => g.symbol);
  assert.ok(gaps.length > 0);
  const gapNote = notes(s.blocks).find((n) => /missing bars/.test(n.text));
  assert.ok(gapNote !== undefined && gaps.every((g) => gapNote.text.includes(g)));
});

Deno.test("signal section shows icDecay and quantileReturns numbers of the registry's signals", () => {
  const { panel } = SIM;
  const names = ["momentum_24", "reversal_1", "low_vol_168"];
  const s = signalSection(panel, { signals: names, horizons: [1, 24], decayHorizons: [4] });
  const t = table(s.blocks, "signal-ic-summary");
  assert.equal(t.rows.length, names.length * 2);
  for (const name of names) {
    const sig = parseSignalName(name).compute(panel);
    const decay = icDecay(sig, panel.logReturns, [1, 4, 24]);
    for (const h of [1, 24]) {
      const row = t.rows.find((r) => r[0] === name && r[1] === h)!;
      const e = decay.find((d) => d.horizon === h)!;
      same(row[2], e.mean, `${name} h${h} mean`);
      same(row[3], e.std, `${name} h${h} std`);
      same(row[7], e.tStatNeweyWest, `${name} h${h} t NW`);
      assert.equal(row[9], e.neweyWestLags);
      assert.equal(row[10], e.n);
      same(row[11], e.pValueEwc, `${name} h${h} p EWC (calibrated)`);
    }
    const q = quantileReturns(sig, forwardReturns(panel.logReturns, 24), { horizon: 24 });
    const qrow = figure(s.blocks, "signal-quantile-returns").data.rows.find((r) => r[0] === name)!;
    assert.deepEqual(qrow.slice(1, 6), Array.from(q.meanByQuantile));
    same(qrow[6], q.longShortMean, `${name} long-short`);
  }
  // The decay chart covers the table's horizons and the extra one.
  const decay = figure(s.blocks, "signal-ic-decay");
  assert.deepEqual([...new Set(decay.data.rows.map((r) => r[1]))], [1, 4, 24]);
  figure(s.blocks, "signal-ic-bars");
  table(s.blocks, "signal-turnover");
});

Deno.test("pairs section finds the planted pair with screenPairs' numbers and draws its spread", () => {
  const { panel, market } = SIM;
  const s = pairsSection(panel, { top: 5 });
  const logs = panel.close.map((c) => Float64Array.from(c, Math.log));
  const direct = screenPairs(logs, panel.assets, { fdr: "bh", alpha: 0.05, minOverlap: 100 });
  const t = table(s.blocks, "pairs-screen");
  assert.equal(t.rows.length, 5);
  t.rows.forEach((row, i) => {
    const p = direct.pairs[i]!;
    assert.deepEqual(row, [
      p.y,
      p.x,
      p.statistic,
      p.pValue,
      p.adjustedPValue,
      p.adjustedPValue <= 0.05 ? "yes" : "no",
      p.hedgeRatio,
      p.halfLife,
      p.returnCorrelation,
      p.nobs,
    ]);
  });
  const planted = market.truth.pairs[0]!;
  const best = direct.pairs[0]!;
  assert.deepEqual(new Set([best.y, best.x]), new Set([planted.y, planted.x]));
  assert.ok(best.adjustedPValue <= 0.05);
  assert.ok(notes(s.blocks).some((n) => /pass at an FDR of 0.05/.test(n.text)));
  // The spread is hedgeRatio's; its beta is screenPairs' up to solver rounding.
  const h = hedgeRatio(logs[best.yIndex]!, logs[best.xIndex]!, { logPrices: true });
  assert.ok(Math.abs(s.best!.hedge.beta - best.hedgeRatio) <= 1e-9 * Math.abs(best.hedgeRatio));
  assert.deepEqual(s.best!.hedge.spread, h.spread);
  assert.equal(halfLife(s.best!.hedge.spread).halfLife.toFixed(6), best.halfLife.toFixed(6));
  const chart = figure(s.blocks, "pairs-spread");
  const entries = chart.data.rows.filter((r) => r[1] === "entry");
  assert.equal(entries.length, s.best!.trades.entries.length);
  for (const r of entries) assert.ok(Math.abs(r[2] as number) >= 2);
});

function walkPanel(assets: readonly string[], n: number, seed: number, gapAsset?: number): Panel {
  let state = seed;
  const u = () => (state = (state * 48271) % 2147483647) / 2147483647 - 0.5;
  const close = assets.map((_, a) => {
    let w = 0;
    return Float64Array.from({ length: n }, (_, t) => {
      w += 0.01 * u();
      return a === gapAsset && t >= 100 && t < 110 ? NaN : 100 * Math.exp(w);
    });
  });
  return fromColumns({
    venue: "x",
    freq: "1h",
    assets,
    index: Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
    close,
    volume: close.map((c) => Float64Array.from(c, (_, i) => 1000 + (i % 7))),
  });
}

Deno.test("degenerate universes give notes: no BTC, no ETH, fewer than 5 assets, no pair passing FDR", () => {
  const noBtc = walkPanel(["ETHUSDT", "SOLUSDT", "ADAUSDT"], 300, 3);
  const f1 = factorSection(noBtc, { window: 48 });
  assert.equal(f1.fit, null);
  assert.deepEqual(f1.missingFactors, ["BTC"]);
  assert.match(notes(f1.blocks)[0]!.text, /no BTC asset.*Add BTCUSDT/s);

  const noEth = walkPanel(["BTCUSDT", "SOLUSDT", "ADAUSDT"], 300, 4);
  const f2 = factorSection(noEth, { window: 48 });
  assert.deepEqual(f2.fit!.factors, ["BTCUSDT"]);
  assert.ok(notes(f2.blocks).some((n) => /no ETH asset.*Add ETHUSDT/s.test(n.text)));
  assert.equal(table(f2.blocks, "factor-summary").rows.length, 3);

  const few = signalSection(noEth, { signals: ["momentum_24"], horizons: [1] });
  assert.equal(few.signals.length, 0);
  assert.match(notes(few.blocks)[0]!.text, /at least 5 of them.*3 assets/s);

  // Signals that need BTC are explained, not thrown, on a universe without it.
  const six = walkPanel(["A", "B", "C", "D", "E", "F"], 300, 5);
  const sig = signalSection(six, { signals: ["beta_24", "momentum_24"], horizons: [1] });
  assert.ok(notes(sig.blocks).some((n) => /beta_24 could not be computed.*BTC/s.test(n.text)));
  assert.equal(table(sig.blocks, "signal-ic-summary").rows.length, 1);

  // Independent random walks: nothing passes FDR; the best pairs are still listed with q.
  const p = pairsSection(six, { top: 3 });
  assert.equal(p.screen!.rejectedAtAlpha, 0);
  assert.ok(notes(p.blocks).some((n) => /No pair passes the FDR level/.test(n.text)));
  const rows = table(p.blocks, "pairs-screen").rows;
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.ok((r[4] as number) > 0.05 && (r[4] as number) >= (r[3] as number));
    assert.equal(r[5], "no");
  }
  // One asset: no pairs at all.
  assert.match(notes(pairsSection(walkPanel(["A"], 200, 6)).blocks)[0]!.text, /add at least/);
  // Too short for the factor window: a note instead of empty charts.
  const short = factorSection(walkPanel(["BTCUSDT", "ETHUSDT", "X"], 20, 7), { window: 48 });
  assert.ok(notes(short.blocks).some((n) => /No asset has a factor fit/.test(n.text)));
});

Deno.test("a universe whose prices never move gives a pairs note, not an exception", () => {
  // a store of stale or pegged prices (three assets at 100.5 every bar): screenPairs, like
  // statsmodels coint on perfectly collinear series, gives p = 0 and hedge ratio 1, and the
  // best pair's spread cannot be fitted on a constant x; deno task report used to stop with
  // "Cannot compute a hedge ratio: x is constant over the bars where both exist"
  const n = 300;
  const flat = fromColumns({
    venue: "sim",
    freq: "1h",
    assets: ["A", "B", "C"],
    index: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
    close: [0, 1, 2].map(() => new Float64Array(n).fill(100.5)),
  });
  const p = pairsSection(flat);
  assert.equal(p.best, null);
  assert.ok(
    notes(p.blocks).some((x) => /spread of A ~ B cannot be drawn.*constant/s.test(x.text)),
    notes(p.blocks).map((x) => x.text).join("\n"),
  );
  assert.ok(p.blocks.some((b) => b.type === "table" && b.id === "pairs-screen"));
  assert.ok(!p.blocks.some((b) => b.type === "figure"));
});

Deno.test("an asset with a gap keeps the sections working and is named", () => {
  const panel = walkPanel(["BTCUSDT", "ETHUSDT", "A", "B", "C", "D"], 400, 8, 3);
  const f = factorSection(panel, { window: 48 });
  assert.ok(notes(f.blocks).some((n) => /missing bars.*: B\./s.test(n.text)));
  const s = signalSection(panel, { signals: ["momentum_24"], horizons: [1, 4] });
  assert.equal(table(s.blocks, "signal-ic-summary").rows.length, 2);
  const p = pairsSection(panel);
  assert.ok(p.screen!.pairs.some((q) => (q.y === "B" || q.x === "B") && q.nobs === 390));
});

Deno.test("hostile asset names are escaped in the sections' HTML", () => {
  const evil = [
    "BTCUSDT",
    "ETHUSDT",
    "<script>alert(1)</script>",
    `"><img src=x onerror=1>`,
    "E",
    "F",
  ];
  const panel = walkPanel(evil, 300, 9);
  const blocks = [
    ...factorSection(panel, { window: 48 }).blocks,
    ...signalSection(panel, { signals: ["momentum_24"], horizons: [1, 4] }).blocks,
    ...pairsSection(panel).blocks,
  ];
  const html = renderHtml({
    schemaVersion: SCHEMA_VERSION,
    runId: "x",
    title: "t",
    subtitle: "",
    dataNote: "",
    sections: [{ id: "s", title: "S", blocks }],
    manifest: {
      datasetFingerprint: "0".repeat(64),
      dataset: { venue: "x", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
      git: { commit: "unknown", dirty: null },
      deno: "2",
      denoLockSha256: null,
      params: {},
      seed: null,
      outputs: {},
    },
  });
  assert.ok(!html.includes("<script>alert(1)"));
  assert.ok(!html.includes("<img src=x"));
});

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const REAL_BASES = ["BTC", "ETH", "ADA", "DOGE", "DOT", "LINK", "LTC", "XRP"];

realDataTest("sections on real Binance hourly bars show the library's numbers", async () => {
  const files = readdirSync(NFI).filter((f) => REAL_BASES.some((b) => f === `${b}_USDT-1h.json`));
  assert.equal(files.length, REAL_BASES.length);
  const { db } = openStore(":memory:");
  // compared with pandas, which keeps every real bar: no jump rule (59 of 628,654 NFI bars)
  await importPaths(db, files.sort().map((f) => join(NFI, f)), {
    venue: "binance",
    freq: "1h",
    jump: false,
  });
  const panel = loadPanel(db, { venue: "binance", freq: "1h" });
  assert.equal(panel.assets.length, 8);

  const f = factorSection(panel, { window: 720 });
  const fit = factorModel(panel, { window: 720, factors: ["BTCUSDT", "ETHUSDT"], causal: true });
  const sum = summarizeFactorFits(fit.assets);
  const row = table(f.blocks, "factor-summary").rows.find((r) => r[0] === "LINKUSDT")!;
  const e = sum.find((s) => s.asset === "LINKUSDT")!;
  assert.deepEqual(row.slice(2, 8), [
    e.bars,
    e.btcOnlyBars,
    e.meanBetaBtc,
    e.meanBetaEth,
    e.meanRSquared,
    e.residualVol,
  ]);
  // Every asset of this universe has the same 11 missing hours.
  assert.ok(notes(f.blocks).some((n) => /8 assets have missing bars/.test(n.text)));

  const s = signalSection(panel, { signals: ["reversal_1", "momentum_24"], horizons: [1, 24] });
  const sig = parseSignalName("reversal_1").compute(panel);
  const d = icDecay(sig, panel.logReturns, [1, 24]);
  const ic = table(s.blocks, "signal-ic-summary").rows.filter((r) => r[0] === "reversal_1");
  assert.deepEqual(ic.map((r) => r[2]), d.map((x) => x.mean));
  assert.deepEqual(ic.map((r) => r[7]), d.map((x) => x.tStatNeweyWest));
  // One-hour reversal is a well-known effect in 2021 altcoins: positive and clearly significant.
  assert.ok(d[0]!.mean > 0.05 && d[0]!.tStatNeweyWest > 5);

  const p = pairsSection(panel, { top: 28 });
  const logs = panel.close.map((c) => Float64Array.from(c, Math.log));
  const direct = screenPairs(logs, panel.assets);
  assert.equal(direct.tested, 28);
  assert.deepEqual(
    table(p.blocks, "pairs-screen").rows.map((r) => [r[0], r[1], r[3], r[4]]),
    direct.pairs.map((q) => [q.y, q.x, q.pValue, q.adjustedPValue]),
  );
  // No pair of these eight passes a 5% FDR: the section says so and still lists the pairs.
  assert.equal(direct.rejectedAtAlpha, 0);
  assert.ok(notes(p.blocks).some((n) => /No pair passes the FDR level/.test(n.text)));
  figure(p.blocks, "pairs-spread");
});
