/**
 * A ruined backtest: the metrics that are undefined after ruin are NaN in the summary and shown
 * as "ruined at bar t" in the tear sheet (before: Sharpe 0, Sortino 0, VaR 0 for weight 1e300),
 * with the ruin first in the headline; and a strategy run whose targets exceed the gross
 * exposure bound (`maxGross`, 10x by default) is refused naming the flag, from the library and
 * from `deno task backtest` (exit 2). Oracle: the ruin bar and returns computed by hand.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { performanceSummary } from "@lib/backtest/metrics/performance_summary.ts";
import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
import { runBacktest, type StrategyRunOptions } from "@lib/pipeline/backtest_run.ts";
import { StrategySpecError } from "@lib/pipeline/strategy_spec.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;
const T0 = Date.UTC(2021, 0, 1);

Deno.test("ruined: -100% where everything was lost, NaN (shown 'ruined at bar t') elsewhere", () => {
  const T = 48;
  const index = Float64Array.from({ length: T }, (_, t) => T0 + t * H);
  // the price halves at bar 10: held at 3x equity, the bar's net return is -150%
  const close = [Float64Array.from({ length: T }, (_, t) => (t < 10 ? 100 + (t % 3) : 50))];
  const r = backtestWeights({ close, index, assets: ["A"] }, [new Float64Array(T).fill(3)]);
  assert.equal(r.metadata.ruinBar, 10);
  assert.ok(r.net[10]! <= -1);
  const s = performanceSummary(r.net, index, H, { ruinBar: 10 });
  assert.equal(s.totalReturn, -1);
  assert.equal(s.cagr, -1);
  assert.equal(s.maxDrawdown, -1);
  for (const k of ["sharpe", "sortino", "volatility", "valueAtRisk", "hitRate", "skew"] as const) {
    assert.ok(Number.isNaN(s[k]), `${k} is ${s[k]}`);
  }
  const sheet = strategyTearSheet(r, { barMs: H });
  assert.ok(Number.isNaN(sheet.summary.sharpe));
  assert.match(sheet.alerts[0]!, /^The account was ruined at bar 10 \(2021-01-01 10:00 UTC\)/);
  const blocks = sheet.sections[0]!.blocks;
  assert.ok(blocks[0]!.type === "note" && blocks[0]!.text === sheet.alerts[0]);
  const row = (id: string, label: string) => {
    const b = blocks.find((x) => x.type === "table" && x.id === id);
    assert.ok(b !== undefined && b.type === "table");
    return b.rows.find((x) => x[0] === label)!;
  };
  assert.equal(
    row("strategy-metrics-ratios", "Sharpe ratio")[1],
    "ruined at bar 10 (2021-01-01 10:00 UTC)",
  );
  assert.equal(
    row("strategy-metrics-ratios", "Sortino ratio")[1],
    "ruined at bar 10 (2021-01-01 10:00 UTC)",
  );
  assert.equal(
    row("strategy-metrics-returns", "VaR 95% (bar)")[1],
    "ruined at bar 10 (2021-01-01 10:00 UTC)",
  );
  assert.equal(row("strategy-metrics-returns", "Total return")[1], -1);
});

Deno.test("ruined by overflow (weight 1e300): undefined metrics, not 0", () => {
  const T = 48;
  const index = Float64Array.from({ length: T }, (_, t) => T0 + t * H);
  const close = [
    Float64Array.from({ length: T }, (_, t) => 100 * Math.exp(0.02 * Math.sin(t / 5))),
  ];
  const r = backtestWeights({ close, index, assets: ["A"] }, [new Float64Array(T).fill(1e300)]);
  assert.ok(r.metadata.ruinBar >= 0);
  const s = strategyTearSheet(r, { barMs: H }).summary;
  for (const k of ["sharpe", "sortino", "valueAtRisk", "volatility"] as const) {
    assert.ok(Number.isNaN(s[k]), `${k} is ${s[k]}`);
  }
});

function smallStore(path: string) {
  const { db, close } = openStore(path);
  const n = 24 * 20;
  const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = T0 + i * H;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        100 * Math.exp(0.05 * Math.sin(i / 30));
    b.volume[i] = 10;
  }
  writeBars(db, b, { source: "test" });
  return { db, close };
}

Deno.test("gross exposure above maxGross is refused naming --param weight", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-maxgross-" });
  try {
    const path = join(tmp, "s.db");
    const { db, close } = smallStore(path);
    const spec = (weight: number): StrategyRunOptions => ({
      freq: "1h",
      strategy: {
        strategy: "ma-crossover",
        assets: ["BTCUSDT"],
        params: { fast: 5, slow: 20, weight },
      },
      git: { commit: "unknown", dirty: null },
    });
    assert.throws(
      () => runBacktest(db, spec(1e300)),
      (e: unknown) =>
        e instanceof StrategySpecError &&
        /^--param weight: the ma-crossover targets reach a gross exposure of 1\.00e\+300x .* above the maximum of 10x \(maxGross\)/
          .test(e.message),
    );
    // 10x is allowed; 12x passes with maxGross 20
    runBacktest(db, spec(10));
    runBacktest(db, { ...spec(12), maxGross: 20 });
    close();
    const run = await runDeno([
      "task",
      "backtest",
      "--db",
      path,
      "--out",
      join(tmp, "out"),
      "--no-ledger",
      "--strategy",
      "ma-crossover",
      "--assets",
      "BTCUSDT",
      "--param",
      "weight=1e300",
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--param weight: the ma-crossover targets reach a gross exposure/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
