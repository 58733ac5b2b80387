/**
 * The strategy report says why a conditional piece is absent (capacity curve, benchmark, trade
 * log, cost chart, best/worst trades, overfitting verdict) instead of leaving it out silently,
 * and its coverage table lists only the assets the strategy used (with a line saying how many
 * the dataset holds): a one-asset backtest on a store of many assets once showed them all.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { runBacktest } from "@lib/pipeline/backtest_run.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { buildStrategyReport } from "@lib/report/tears/strategy_report.ts";
import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
import type { Block, ReportModel, Section } from "@lib/report/model.ts";

const H = 3_600_000;
const N = 24 * 40;
const GIT = { commit: "unknown", dirty: null };

function store(symbols: readonly string[], volume = 10) {
  const { db } = openStore(":memory:");
  symbols.forEach((symbol, k) => {
    const b = allocBars({ venue: "binance", symbol, freq: "1h" }, N);
    for (let i = 0; i < N; i++) {
      b.ts[i] = i * H;
      const c = 100 * Math.exp(0.05 * Math.sin(i / (25 + 7 * k)) + 0.01 * Math.cos(i / 3 + k));
      b.open[i] = b.close[i] = c;
      b.high[i] = c * 1.002;
      b.low[i] = c * 0.998;
      b.volume[i] = volume;
    }
    writeBars(db, b, { source: "test" });
  });
  return db;
}

const blocks = (s: readonly Section[]): Block[] => s.flatMap((x) => x.blocks);
const notes = (m: ReportModel) =>
  blocks(m.sections).filter((b) => b.type === "note").map((b) => (b as { text: string }).text);
function coverageAssets(m: ReportModel): string[] {
  const t = blocks(m.sections).find((b) => b.type === "table" && b.id === "coverage-table");
  assert.ok(t !== undefined && t.type === "table");
  return t.rows.map((r) => String(r[0]));
}
const has = (m: ReportModel, id: string) =>
  blocks(m.sections).some((b) => "id" in b && b.id === id);

const UNIVERSE = ["ADAUSDT", "BTCUSDT", "ETHUSDT", "LTCUSDT", "XRPUSDT"];
const ma = { strategy: "ma-crossover" as const, params: { fast: 5, slow: 20 } };

Deno.test("a one-asset backtest: coverage of the traded asset and the benchmark only", () => {
  const db = store(UNIVERSE);
  const r = runBacktest(db, { freq: "1h", strategy: { ...ma, assets: ["ETHUSDT"] }, git: GIT });
  // before: all five rows
  assert.deepEqual(coverageAssets(r.model), ["BTCUSDT", "ETHUSDT"]);
  const para = blocks(r.model.sections).find((b) => b.type === "paragraph")!;
  assert.match(
    (para as { text: string }).text,
    /^2 of the dataset's 5 assets of venue "binance" \(the traded asset and the benchmark: BTCUSDT, ETHUSDT;/,
  );
  // the dataset (and its fingerprint) is still the whole universe
  assert.equal(r.model.manifest.dataset.symbols.length, 5);
  // BTC itself: one row
  const btc = runBacktest(db, { freq: "1h", strategy: { ...ma, assets: ["BTCUSDT"] }, git: GIT });
  assert.deepEqual(coverageAssets(btc.model), ["BTCUSDT"]);
  assert.match(
    (blocks(btc.model.sections).find((b) => b.type === "paragraph") as { text: string }).text,
    /\(the traded asset: BTCUSDT;/,
  );
  // long-short ranks the whole universe: every asset
  const ls = runBacktest(db, {
    freq: "1h",
    strategy: { strategy: "long-short", signal: "momentum_24" },
    git: GIT,
  });
  assert.deepEqual(coverageAssets(ls.model), UNIVERSE);
});

Deno.test("absent capacity, benchmark and overfitting verdict are explained", () => {
  const db = store(UNIVERSE);
  const off = runBacktest(db, { freq: "1h", strategy: { ...ma, assets: ["ETHUSDT"] }, git: GIT });
  assert.equal(off.capacity, null);
  assert.ok(!has(off.model, "strategy-capacity"));
  assert.ok(
    notes(off.model).some((t) => /^No capacity curve: market impact is off.*--impact/.test(t)),
    notes(off.model).join("\n"),
  );
  assert.ok(notes(off.model).some((t) => /^No overfitting verdict: .*no trial ledger/.test(t)));
  assert.ok(off.model.sections.some((s) => s.id === "overfitting"));
  // with impact and volume: the curve, no note
  const on = runBacktest(db, {
    freq: "1h",
    strategy: { ...ma, assets: ["ETHUSDT"] },
    costs: { impact: true },
    git: GIT,
  });
  assert.ok(on.capacity !== null && has(on.model, "strategy-capacity"));
  assert.ok(!notes(on.model).some((t) => /No capacity curve/.test(t)));
  // with impact but no volume: ADV is never known
  const dry = runBacktest(store(UNIVERSE, 0), {
    freq: "1h",
    strategy: { ...ma, assets: ["ETHUSDT"] },
    costs: { impact: true },
    git: GIT,
  });
  assert.equal(dry.capacity, null);
  assert.ok(notes(dry.model).some((t) => /^No capacity curve: .*\(ADV\) .* never known/.test(t)));
  // no BTC in the dataset: no benchmark, said so
  const noBtc = runBacktest(store(["ETHUSDT", "LTCUSDT"]), {
    freq: "1h",
    strategy: { ...ma, assets: ["ETHUSDT"] },
    git: GIT,
  });
  assert.ok(notes(noBtc.model).some((t) => /^No benchmark: the dataset has no BTC series/.test(t)));
  assert.deepEqual(coverageAssets(noBtc.model), ["ETHUSDT"]);
});

Deno.test("tear sheet: no costs, no trade log, no closed trade are said, not skipped", () => {
  const index = Float64Array.from({ length: 100 }, (_, t) => t * H);
  const close = [Float64Array.from(index, (_, t) => 100 + t)];
  // held all along: one open trade, none closed
  const result = backtestWeights({ close, index, assets: ["BTCUSDT"] }, [
    new Float64Array(100).fill(1),
  ]);
  const sheet = strategyTearSheet(result, { barMs: H });
  const text = blocks(sheet.sections).filter((b) => b.type === "note").map((b) =>
    (b as { text: string }).text
  );
  assert.ok(text.some((t) => /^No cost model was applied/.test(t)), text.join("\n"));
  assert.ok(text.some((t) => /^No trade log: none was given/.test(t)));
  assert.ok(text.some((t) => /^No capacity curve: none was given/.test(t)));
  assert.ok(text.some((t) => /^No benchmark: none was given/.test(t)));
  assert.ok(sheet.sections.some((s) => s.id === "strategy-trades"));
  const withLog = strategyTearSheet(result, {
    barMs: H,
    tradeLog: {
      trades: [],
      summary: {
        count: 0,
        openCount: 1,
        hitRate: NaN,
        averageWin: NaN,
        averageLoss: NaN,
        averageWinReturn: NaN,
        averageLossReturn: NaN,
        profitFactor: NaN,
        averageBarsHeld: NaN,
        totalNetPnl: 0,
        totalCost: 0,
      },
      rules: [],
    },
    missing: { capacity: "because the test says so" },
  });
  const t2 = blocks(withLog.sections).filter((b) => b.type === "note").map((b) =>
    (b as { text: string }).text
  );
  assert.ok(t2.some((t) => t === "No closed round trip to rank as best or worst (1 still open)."));
  assert.ok(t2.some((t) => t === "No capacity curve: because the test says so."));
});

Deno.test("buildStrategyReport: coverage of the assets the backtest held and the benchmark", () => {
  const db = store(UNIVERSE);
  const dataset = loadDataset(db, {
    venue: "binance",
    freq: "1h",
    symbols: undefined,
    from: 0,
    to: N * H,
  });
  const { panel } = dataset;
  const w = panel.assets.map((a) => new Float64Array(N).fill(a === "XRPUSDT" ? 1 : 0));
  const m = buildStrategyReport(dataset, backtestWeights(panel, w), { git: GIT });
  assert.deepEqual(coverageAssets(m), ["BTCUSDT", "XRPUSDT"]);
  // the subtitle counts the backtest's assets: the whole panel here, one when it is one
  assert.match(m.subtitle!, new RegExp(`^${UNIVERSE.length} assets, 1h bars`));
  const xrp = panel.assets.indexOf("XRPUSDT");
  const one = backtestWeights(
    { close: [panel.close[xrp]!], index: panel.index, assets: ["XRPUSDT"] },
    [new Float64Array(N).fill(1)],
  );
  assert.match(buildStrategyReport(dataset, one, { git: GIT }).subtitle!, /^1 asset, 1h bars/);
  const all = panel.assets.map(() => new Float64Array(N).fill(0.2));
  assert.deepEqual(
    coverageAssets(buildStrategyReport(dataset, backtestWeights(panel, all), { git: GIT })),
    UNIVERSE,
  );
});
