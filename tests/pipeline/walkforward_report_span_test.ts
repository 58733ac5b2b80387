/**
 * The walk-forward report's strategy tear sheet covers exactly the stitched out-of-sample bars
 * (before, it was the stitched backtest over every bar, the first training window counted as
 * zero returns: a different Sharpe, CAGR and span than the out-of-sample figures of the same
 * report, and BTC measured over all bars). Oracle: the walk-forward's own stitched returns
 * (`result.net`, `result.sharpe`) and BTC's close-to-close returns compounded over the test
 * bars by hand.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { runWalkForward } from "@lib/pipeline/walkforward_run.ts";
import { join } from "node:path";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;

function store(n: number, path = ":memory:") {
  const { db } = openStore(path);
  const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = Date.UTC(2021, 0, 1) + i * H;
    b.open[i] =
      b.high[i] =
      b.low[i] =
      b.close[i] =
        100 * Math.exp(
          0.05 * Math.sin(i / 30) + 0.0004 * i,
        );
    b.volume[i] = 10;
  }
  writeBars(db, b, { source: "test" });
  return { db, close: b.close, ts: b.ts };
}

Deno.test("walk-forward tear sheet: the stitched out-of-sample bars only, BTC over the same bars", () => {
  const n = 24 * 30;
  const { db, close } = store(n);
  const r = runWalkForward(db, {
    freq: "1h",
    strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"], params: { slow: 40 } },
    grid: { fast: [5, 10] },
    folds: { folds: 3 },
    git: { commit: "unknown", dirty: null },
  });
  const [first, last] = r.result.outOfSampleRows;
  assert.ok(first > 0, "a training window before the first test bar");
  const sheet = r.tearSheet;
  const s = sheet.summary;
  // the same span and the same Sharpe as the stitched out-of-sample returns
  assert.equal(r.result.net.length, last - first + 1);
  assert.ok(Math.abs(s.sharpe - r.result.sharpe) <= 1e-12 * Math.abs(r.result.sharpe));
  const total = r.result.net.reduce((g, x) => g * (1 + x), 1) - 1;
  assert.ok(Math.abs(s.totalReturn - total) < 1e-12);
  assert.ok(Math.abs(s.years - (last - first + 1) * H / (365 * 86_400_000)) < 1e-9);
  // BTC over the test bars: close[last] / close[first - 1] - 1
  const btc = close[last]! / close[first - 1]! - 1;
  assert.ok(sheet.benchmarkSummary !== null);
  assert.ok(Math.abs(sheet.benchmarkSummary.totalReturn - btc) < 1e-9);
  // and the report says so
  const wf = r.model.sections.find((x) => x.id === "walkforward")!;
  assert.ok(wf.blocks.some((b) =>
    b.type === "paragraph" &&
    /covers exactly the stitched out-of-sample bars: \d+ bars from .* BTCUSDT is measured over the same bars/
      .test(b.text)
  ));
});

Deno.test("walk-forward: a training window shorter than a parameter set's warm-up is warned about", () => {
  // 48 bars, 3 folds: 16 training bars, while slow=20 needs 20 (the reviewer's case)
  const { db } = store(48);
  const r = runWalkForward(db, {
    freq: "1h",
    strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"], params: { fast: 3 } },
    grid: { slow: [10, 20] },
    folds: { folds: 3 },
    git: { commit: "unknown", dirty: null },
  });
  assert.equal(r.result.folds[0]!.train.rows, 16);
  assert.equal(r.warnings.length, 1);
  assert.match(
    r.warnings[0]!,
    /^Parameter set slow 20 needs 20 bars of warm-up \(slow=20\), more than the training window of folds? 1 \(16 bars\)/,
  );
  const wf = r.model.sections.find((x) => x.id === "walkforward")!;
  assert.ok(wf.blocks[0]!.type === "note" && wf.blocks[0]!.text === r.warnings[0]);
  // long enough training windows: no warning
  const ok = runWalkForward(store(24 * 30).db, {
    freq: "1h",
    strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"], params: { fast: 3 } },
    grid: { slow: [10, 20] },
    folds: { folds: 3 },
    git: { commit: "unknown", dirty: null },
  });
  assert.deepEqual(ok.warnings, []);
});

Deno.test("deno task walkforward prints the short-training warning on stderr", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-wf-warmup-" });
  try {
    const path = join(tmp, "s.db");
    store(48, path).db.close();
    const run = await runDeno([
      "task",
      "walkforward",
      "--db",
      path,
      "--out",
      join(tmp, "out"),
      "--no-ledger",
      "--null-runs",
      "0",
      "--strategy",
      "ma-crossover",
      "--assets",
      "BTCUSDT",
      "--param",
      "fast=3",
      "--grid",
      "slow=10,20",
      "--folds",
      "3",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: Parameter set slow 20 needs 20 bars of warm-up \(slow=20\)/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
