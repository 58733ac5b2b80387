/**
 * The strategy and signal tear sheets: numbers taken from lib/backtest/metrics and
 * lib/research (checked against pandas/alphalens definitions in their own tests), rendered
 * through the report renderers (valid JSON schema, byte-identical, hostile names escaped), the
 * lookahead result printed, and the three ways to give a signal agreeing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { capacityCurve } from "@lib/backtest/costs/capacity_curve.ts";
import { buildTradeLog } from "@lib/backtest/strategies/trade_log.ts";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { performanceSummary } from "@lib/backtest/metrics/mod.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { informationCoefficient } from "@lib/research/information_coefficient.ts";
import { parseSignalCsv } from "@lib/research/signal_input.ts";
import { buildManifest } from "@lib/report/manifest.ts";
import {
  checkModel,
  type ReportModel,
  SCHEMA_VERSION,
  type Section,
  type TableBlock,
} from "@lib/report/model.ts";
import { renderHtml } from "@lib/report/html.ts";
import { renderJson } from "@lib/report/json.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import { writeReport } from "@lib/report/write.ts";
import { verifyReport } from "@lib/report/verify.ts";
import {
  buildStrategyReport,
  JUPYTER_DISPLAY,
  signalTearSheet,
  strategyTearSheet,
  type TradeLogInput,
} from "@lib/report/tears/mod.ts";
import { XSS_ATTR, XSS_SCRIPT } from "./_fixture.ts";

const H = 3_600_000;
const T0 = Date.UTC(2021, 0, 1);

function model(sections: Section[]): ReportModel {
  return {
    schemaVersion: SCHEMA_VERSION,
    runId: "tear-test",
    title: "tear sheet",
    subtitle: "",
    dataNote: "synthetic",
    sections,
    manifest: buildManifest({
      datasetFingerprint: "0".repeat(64),
      dataset: { venue: "sim", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
      params: {},
      seed: null,
      git: { commit: "unknown", dirty: null },
      deno: "2.9.6",
    }),
  };
}

function table(sections: readonly Section[], id: string): TableBlock {
  for (const s of sections) {
    for (const b of s.blocks) if (b.type === "table" && b.id === id) return b;
  }
  throw new Error(`no table ${id}`);
}

/** Smooth deterministic prices: n hourly bars of `assets`, each its own waves and drift. */
function panelOf(assets: readonly string[], n: number): Panel {
  const close = assets.map((_, k) =>
    Float64Array.from(
      { length: n },
      (_, i) =>
        100 *
        Math.exp(
          0.03 * Math.sin(i / (7 + 3 * k)) + 0.01 * Math.sin(i / (1.3 + k)) + 0.00002 * (k - 3) * i,
        ),
    )
  );
  return fromColumns({
    venue: "sim",
    freq: "1h",
    assets,
    index: Float64Array.from({ length: n }, (_, i) => T0 + i * H),
    close,
  });
}

const ASSETS8 = ["BTCUSDT", "ETHUSDT", XSS_SCRIPT, XSS_ATTR, "A4", "A5", "A6", "A7"];

Deno.test("strategy tear sheet: numbers are the metrics', the page renders byte-identical and escaped", () => {
  const T = 24 * 75;
  const panel = panelOf(["BTCUSDT", XSS_SCRIPT, "ETHUSDT"], T);
  const targets = (d: { close: readonly Float64Array[] }) =>
    d.close.map((c) =>
      Float64Array.from(c, (x, t) => (t >= 12 ? (x > c[t - 12]! ? 0.3 : -0.3) : 0))
    );
  const costs = [feeCost({ venue: "binance" })];
  const result = backtestWeights(panel, targets(panel), { costs });
  const lookahead = checkLookahead(targets, panel);
  const capacity = capacityCurve(
    (c) => backtestWeights(panel, targets(panel), { costs, initialEquity: c }),
    [1e4, 1e6],
    { periodsPerYear: 8760 },
  );
  const btcClose = panel.close[0]!;
  const btc = Float64Array.from(btcClose, (c, t) => (t === 0 ? NaN : c / btcClose[t - 1]! - 1));
  const tradeLog: TradeLogInput = {
    trades: [
      {
        legs: [{ asset: XSS_SCRIPT }],
        side: "long",
        entryBar: 3,
        entryTs: T0 + 3 * H,
        exitTs: T0 + 9 * H,
        open: false,
        barsHeld: 6,
        netPnl: 120,
        returnOnEntry: 0.02,
      },
      {
        legs: [{ asset: "BTCUSDT" }],
        side: "short",
        entryBar: 4,
        entryTs: T0 + 4 * H,
        exitTs: T0 + 8 * H,
        open: false,
        barsHeld: 4,
        netPnl: -50,
        returnOnEntry: -0.01,
      },
    ],
    summary: {
      count: 2,
      openCount: 0,
      hitRate: 0.5,
      averageWin: 120,
      averageLoss: -50,
      averageWinReturn: 0.02,
      averageLossReturn: -0.01,
      profitFactor: 2.4,
      averageBarsHeld: 5,
      totalNetPnl: 70,
      totalCost: 3,
    },
    rules: ["a rule"],
  };
  const sheet = strategyTearSheet(result, {
    barMs: H,
    benchmark: btc,
    lookahead,
    capacity,
    tradeLog,
  });
  const s = performanceSummary(result.net, result.index, H, { benchmark: btc });
  assert.deepEqual(sheet.summary, s);
  assert.equal(sheet.summary.periodsPerYear, 8760);
  assert.deepEqual(sheet.sections.map((x) => x.id), [
    "strategy-summary",
    "strategy-returns",
    "strategy-risk",
    "strategy-costs-capacity",
    "strategy-trades",
    "strategy-checks",
  ]);
  const returns = table(sheet.sections, "strategy-metrics-returns");
  const row = (label: string) => returns.rows.find((r) => r[0] === label)!;
  assert.equal(row("CAGR")[1], s.cagr);
  assert.equal(row("Max drawdown")[1], s.maxDrawdown);
  assert.equal(row("Alpha to benchmark (annualized)")[1], s.alpha);
  assert.equal(
    table(sheet.sections, "strategy-metrics-ratios").rows.find((r) => r[0] === "Sharpe ratio")![1],
    s.sharpe,
  );
  const dd = table(sheet.sections, "strategy-drawdowns");
  assert.ok(dd.rows.length >= 1 && dd.rows.length <= 5);
  assert.equal(dd.rows[0]![3], s.maxDrawdown);
  // cost decomposition: the fee model's summed cost equals the result's
  const costs0 = table(sheet.sections, "strategy-costs").rows[0]!;
  assert.equal(costs0[0], "fees");
  const feeSum = result.costs["fees"]!.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs((costs0[1] as number) - feeSum) < 1e-15);
  // the lookahead result is printed
  const checks = sheet.sections.find((x) => x.id === "strategy-checks")!;
  assert.ok(
    checks.blocks.some((b) => b.type === "paragraph" && /Lookahead check PASSED/.test(b.text)),
  );

  // the trade log of lib/backtest/strategies goes in as it is
  const log = buildTradeLog(result, panel, { costs });
  const withLog = strategyTearSheet(result, { barMs: H, tradeLog: log });
  const logRow = table(withLog.sections, "strategy-trades-summary").rows[0]!;
  assert.equal(logRow[0], log.summary.count);
  assert.ok(log.summary.count > 10);
  assert.equal(logRow[2], log.summary.hitRate);

  const m = model(sheet.sections);
  checkModel(m);
  const json = renderJson(m), html = renderHtml(m);
  ReportSchema.parse(JSON.parse(json));
  assert.equal(
    renderJson(
      model(
        strategyTearSheet(result, { barMs: H, benchmark: btc, lookahead, capacity, tradeLog })
          .sections,
      ),
    ),
    json,
  );
  assert.equal(renderHtml(m), html);
  assert.ok(!html.includes(XSS_SCRIPT) && !html.includes(XSS_ATTR));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
});

Deno.test("strategy tear sheet: a failed lookahead check and lag 0 are warnings at the top", () => {
  const T = 24 * 10;
  const panel = panelOf(["BTCUSDT", "ETHUSDT"], T);
  // peeks one bar ahead
  const leaky = (d: { close: readonly Float64Array[] }) =>
    d.close.map((c) =>
      Float64Array.from(c, (x, t) => (c[t + 1] !== undefined && c[t + 1]! > x ? 0.5 : -0.5))
    );
  const lookahead = checkLookahead(leaky, panel);
  assert.equal(lookahead.passed, false);
  const result = backtestWeights(panel, leaky(panel), { lag: 0 });
  const sheet = strategyTearSheet(result, { barMs: H, lookahead });
  const top = sheet.sections[0]!.blocks.filter((b) => b.type === "note").map((b) =>
    (b as { text: string }).text
  );
  assert.ok(top.some((t) => /lookahead check FAILED/i.test(t)), top.join("\n"));
  assert.ok(top.some((t) => /Lag 0/.test(t)));
  const checks = sheet.sections.find((x) => x.id === "strategy-checks")!;
  assert.ok(
    checks.blocks.some((b) => b.type === "table" && b.id === "strategy-lookahead-violations"),
  );
  // no check given: the sheet says so instead of staying silent
  const none = strategyTearSheet(result, { barMs: H });
  assert.ok(
    none.sections.at(-1)!.blocks.some((b) =>
      b.type === "note" && /No lookahead check/.test(b.text)
    ),
  );
});

Deno.test("signal tear sheet: a function, an array and a CSV of the same values agree", () => {
  const T = 24 * 40;
  const panel = panelOf(ASSETS8, T);
  const momentum = (p: Panel) =>
    p.close.map((c) => Float64Array.from(c, (x, t) => (t >= 24 ? Math.log(x / c[t - 24]!) : NaN)));
  const values = momentum(panel);
  const lines = ["timestamp,symbol,value"];
  panel.assets.forEach((a, k) => {
    for (let t = 0; t < T; t++) {
      const v = values[k]![t]!;
      lines.push(
        `${new Date(panel.index[t]!).toISOString()},"${a.replaceAll('"', '""')}",${
          Number.isFinite(v) ? v : ""
        }`,
      );
    }
  });
  lines.push(`${new Date(panel.index[5]!).toISOString()},NOTINPANEL,1`);
  lines.push(`${new Date(panel.index[5]! + 60_000).toISOString()},BTCUSDT,1`);
  const csv = parseSignalCsv(lines.join("\n"), "mine.csv");

  const byFn = signalTearSheet(panel, momentum, { horizons: [1, 4] });
  const byArray = signalTearSheet(panel, values, { horizons: [1, 4] });
  const byCsv = signalTearSheet(panel, csv, { horizons: [1, 4] });
  const direct = informationCoefficient(values, forwardReturns(panel.logReturns, 1)).ic;
  assert.deepEqual([...byFn.ic], [...direct]);
  assert.deepEqual([...byArray.ic], [...direct]);
  assert.deepEqual([...byCsv.ic], [...direct]);
  assert.deepEqual([...byCsv.longShort.result.net], [...byFn.longShort.result.net]);
  assert.equal(byFn.longShort.lookahead!.passed, true);
  assert.equal(byArray.longShort.lookahead, null);
  assert.deepEqual(byCsv.alignment!.unknownAssets, { NOTINPANEL: 1 });
  assert.equal(byCsv.alignment!.offGrid, 1);
  assert.equal(table(byCsv.sections, "signal-sheet-alignment").rows[0]![1], 1);
  // the long-short book is dollar neutral with gross 1 wherever it holds anything
  const r = byFn.longShort.result;
  for (let t = 0; t < T; t++) {
    const net = r.netExposure[t]!, gross = r.grossExposure[t]!;
    assert.ok(Math.abs(net) < 1e-9 && (gross === 0 || Math.abs(gross - 1) < 1e-9), `bar ${t}`);
  }
  assert.ok(r.grossExposure.some((g) => g > 0.99));
  // costs were paid, by the default fee model
  assert.deepEqual(byFn.longShort.result.metadata.costNames, ["fees"]);
  assert.ok(byFn.longShort.result.totalCost.reduce((a, b) => a + b, 0) > 0);
  const ids = byFn.sections.map((s) => s.id);
  for (
    const id of [
      "signal-sheet-input",
      "signal-sheet-ic",
      "signal-sheet-decay",
      "signal-sheet-quantiles",
      "signal-sheet-turnover",
      "signal-sheet-long-short-summary",
    ]
  ) {
    assert.ok(ids.includes(id), id);
  }
  const m = model(byCsv.sections);
  checkModel(m);
  ReportSchema.parse(JSON.parse(renderJson(m)));
  const html = renderHtml(m);
  assert.ok(!html.includes(XSS_SCRIPT) && !html.includes(XSS_ATTR));
});

Deno.test("signal tear sheet: a signal that peeks ahead fails the lookahead check, shown in the sheet", () => {
  const T = 24 * 20;
  const panel = panelOf(ASSETS8, T);
  const peek = (p: Panel) =>
    p.close.map((c) =>
      Float64Array.from(c, (_, t) => (t + 1 < c.length ? Math.log(c[t + 1]! / c[t]!) : NaN))
    );
  const sheet = signalTearSheet(panel, peek, { horizons: [1] });
  assert.equal(sheet.longShort.lookahead!.passed, false);
  assert.ok(sheet.decay[0]!.mean > 0.9, "a signal that knows the next return has an IC near 1");
  const notes = sheet.sections.flatMap((s) => s.blocks).filter((b) => b.type === "note");
  assert.ok(notes.some((b) => /FAILED/.test((b as { text: string }).text)));
});

Deno.test("signal tear sheet: input errors say what to do", () => {
  const panel = panelOf(ASSETS8, 100);
  assert.throws(
    () => signalTearSheet(panel, [new Float64Array(100)]),
    /1 asset columns for the panel's 8 assets/,
  );
  assert.throws(
    () => signalTearSheet(panelOf(["A", "B"], 50), [new Float64Array(50), new Float64Array(50)]),
    /at least 5 assets/,
  );
  const dup = parseSignalCsv(
    "ts,asset,value\n2021-01-01T00:00:00Z,A,1\n2021-01-01T00:00:00Z,A,2\n",
    "x.csv",
  );
  assert.throws(
    () => signalTearSheet(panelOf(["A", "B", "C", "D", "E"], 30), dup),
    /x.csv: two rows for A at 2021-01-01T00:00:00.000Z/,
  );
  assert.throws(() => parseSignalCsv("ts,asset,value\n"), /needs a header .* and at least one row/);
  assert.throws(() => parseSignalCsv("when,asset,value,other\n1,A,1,2\n"), /no time column/);
});

Deno.test("buildStrategyReport: written, verified, the same bytes twice; BTC is the benchmark", () => {
  const n = 24 * 30;
  const panel = panelOf(["BTCUSDT", "ETHUSDT", XSS_SCRIPT], n);
  const series = panel.assets.map((symbol) => ({
    symbol,
    rows: n,
    firstTs: panel.index[0]!,
    lastTs: panel.index[n - 1]!,
    incomplete: 0,
    missing: 0,
    gaps: [],
  }));
  const dataset = {
    venue: "sim",
    freq: "1h" as const,
    symbols: panel.assets,
    from: panel.index[0]!,
    to: panel.index[n - 1]! + H,
    panel,
    series,
    dropped: [],
    fingerprint: { sha256: "a".repeat(64), rows: 3 * n },
  };
  const w = panel.close.map((c) =>
    Float64Array.from(c, (x, t) => (t >= 6 && x > c[t - 6]! ? 0.3 : -0.3))
  );
  const result = backtestWeights(panel, w, { costs: [feeCost({ venue: "binance" })] });
  const opts = { name: "flip", params: { lookback: 6 }, git: { commit: "unknown", dirty: null } };
  const m = buildStrategyReport(dataset, result, opts);
  assert.equal(m.manifest.params.benchmark, "BTCUSDT");
  assert.equal(m.manifest.params.costs, "fees");
  assert.equal(renderJson(buildStrategyReport(dataset, result, opts)), renderJson(m));
  const dir = Deno.makeTempDirSync();
  try {
    writeReport(join(dir, m.runId), m);
    assert.deepEqual(verifyReport(join(dir, m.runId)).problems, []);
    const html = Deno.readTextFileSync(join(dir, m.runId, "report.html"));
    assert.ok(!html.includes(XSS_SCRIPT));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  assert.throws(
    () => buildStrategyReport(dataset, result, { benchmarkAsset: "SOL" }),
    /no asset of the panel/,
  );
});

Deno.test("a tear sheet displays itself in a notebook: every section, escaped", () => {
  const panel = panelOf(ASSETS8, 24 * 12);
  const values = panel.close.map((c) =>
    Float64Array.from(c, (x, t) => (t >= 6 ? x / c[t - 6]! : NaN))
  );
  const sheet = signalTearSheet(panel, values, { horizons: [1] });
  const bundle = sheet[JUPYTER_DISPLAY]();
  for (const s of sheet.sections) assert.ok(bundle["text/html"].includes(`id="${s.id}"`), s.id);
  assert.ok(!bundle["text/html"].includes(XSS_SCRIPT));
  assert.equal(bundle["text/plain"].split("\n").length, sheet.sections.length);
  const strat = strategyTearSheet(sheet.longShort.result, { barMs: H });
  assert.match(strat[JUPYTER_DISPLAY]()["text/html"], /Underwater/);
});
