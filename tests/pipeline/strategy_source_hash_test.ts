/**
 * Built-in strategy trials carry the hash of the strategy's library code (issue 10, review
 * finding 7: source_sha256 was NULL), so an edit to the strategy shows in the ledger even at the
 * same git commit.
 */
import assert from "node:assert/strict";
import { tempStore } from "../_shared/tmp_store.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { readTrials } from "@lib/store/trials.ts";
import { openLedger, sourceSha256 } from "@lib/research/ledger.ts";
import { runBacktest } from "@lib/pipeline/backtest_run.ts";
import { runWalkForward } from "@lib/pipeline/walkforward_run.ts";
import { maCrossover, volatilityBreakout } from "@lib/backtest/strategies/mod.ts";

const GIT = { commit: "unknown", dirty: null };

Deno.test("backtest and walk-forward trials of built-in strategies record the code's SHA-256", () => {
  const s = tempStore();
  try {
    const n = 300;
    const b = allocBars({ venue: "x", symbol: "BTCUSDT", freq: "1h" }, n);
    for (let i = 0; i < n; i++) {
      b.ts[i] = i * 3_600_000;
      b.open[i] =
        b.high[i] =
        b.low[i] =
        b.close[i] =
          100 * Math.exp(0.03 * Math.sin(i / 9));
      b.high[i] = b.close[i]! * 1.001;
      b.low[i] = b.close[i]! * 0.999;
      b.volume[i] = 1;
    }
    writeBars(s.db, b, { source: "test" });
    const ledger = openLedger(s.db, { gitCommit: "unknown" });
    const common = { freq: "1h" as const, costs: { fees: "binance" }, nullRuns: 0, git: GIT };
    runBacktest(s.db, {
      ...common,
      strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"], params: { fast: 5, slow: 20 } },
      ledger,
    });
    runBacktest(s.db, {
      ...common,
      strategy: { strategy: "vol-breakout", assets: ["BTCUSDT"] },
      ledger,
    });
    const [ma] = readTrials(s.db, "backtest:ma-crossover");
    const [vb] = readTrials(s.db, "backtest:vol-breakout");
    assert.equal(ma!.sourceSha256, sourceSha256(Function.prototype.toString.call(maCrossover)));
    assert.equal(
      vb!.sourceSha256,
      sourceSha256(Function.prototype.toString.call(volatilityBreakout)),
    );
    runWalkForward(s.db, {
      ...common,
      strategy: { strategy: "ma-crossover", assets: ["BTCUSDT"], params: { slow: 30 } },
      grid: { fast: [4, 8] },
      folds: { folds: 3 },
      ledger,
    });
    const wf = readTrials(s.db, "walkforward:ma-crossover");
    assert.equal(wf.length, 3); // two candidates and the stitched series
    for (const t of wf) assert.equal(t.sourceSha256, ma!.sourceSha256);
  } finally {
    s.cleanup();
  }
});
