/**
 * maCrossover: positions worked out by hand (SMA and EMA, long/flat and long/short, a missing
 * bar), its trade log through the engine, a perturbation test and the lookahead check.
 */
import assert from "node:assert/strict";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { backtestStrategy } from "@lib/backtest/strategies/backtest_strategy.ts";
import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { assertChangedAfter, assertSameUpTo, btcEth, perturbAfter } from "./_helpers.ts";

Deno.test("maCrossover: SMA 2/3 by hand, long/short, and a missing bar carries the position", () => {
  const close = [10, 12, 14, 13, 11, 9, 10, 13];
  // sma2: -, 11, 13, 13.5, 12, 10, 9.5, 11.5; sma3: -, -, 12, 13, 12.67, 11, 10, 10.67
  const r = maCrossover(close, { fast: 2, slow: 3, short: true });
  assert.deepEqual([...r.weights[0]!], [0, 0, 1, 1, -1, -1, -1, 1]);
  assert.equal(r.fastMa[3], 13.5);
  assert.equal(r.slowMa[3], 13);
  const longOnly = maCrossover(close, { fast: 2, slow: 3 });
  assert.deepEqual([...longOnly.weights[0]!], [0, 0, 1, 1, 0, 0, 0, 1]);
  // bar 4 missing: the averages skip it (sma2 at 5 = (13 + 9) / 2 = 11, sma3 = (14 + 13 + 9) / 3)
  const gap = maCrossover([10, 12, 14, 13, NaN, 9, 10, 13], { fast: 2, slow: 3, short: true });
  assert.deepEqual([...gap.weights[0]!], [0, 0, 1, 1, 1, -1, -1, 1]);
  assert.ok(Number.isNaN(gap.fastMa[4]!));
  assert.equal(gap.fastMa[5], 11);
});

Deno.test("maCrossover: EMA by hand (span 2 and 3, recursive from the first close)", () => {
  const close = [10, 13, 7];
  // span 2: alpha 2/3: 10, 12, 8.666..; span 3: alpha 1/2: 10, 11.5, 9.25 (valid from bar 2)
  const r = maCrossover(close, { fast: 2, slow: 3, kind: "ema", short: true });
  assert.ok(Math.abs(r.fastMa[2]! - (2 / 3 * 7 + 1 / 3 * 12)) < 1e-12);
  assert.equal(r.slowMa[2], 9.25);
  assert.ok(Number.isNaN(r.slowMa[1]!));
  assert.deepEqual([...r.weights[0]!], [0, 0, -1]);
});

Deno.test("maCrossover: refusals name the option", () => {
  assert.throws(
    () => maCrossover([1, 2, 3], { fast: 5, slow: 3 }),
    /slow \(3\) must be above fast/,
  );
  assert.throws(() => maCrossover([1, 2, 3], { fast: 0 }), /fast must be an integer >= 1/);
  assert.throws(() => maCrossover([1, 2, 3], { weight: -1 }), /weight must be/);
});

Deno.test("maCrossover through the engine: one trade per crossover, fees on each fill", () => {
  const close = Float64Array.of(10, 10, 10, 11, 12, 13, 12, 10, 9, 9, 9);
  const targets = maCrossover(close, { fast: 2, slow: 3 });
  // sma2 > sma3 from bar 3 (10.5 > 10.33) to bar 6 (12.5 > 12.33); bar 7: 11 < 11.67
  assert.deepEqual([...targets.weights[0]!], [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]);
  const fees = feeCost({ venue: "binance" });
  const run = backtestStrategy({ close: [close] }, targets, { costs: [fees] });
  const [t] = run.tradeLog.trades;
  assert.equal(run.tradeLog.trades.length, 1);
  assert.equal(t!.entryBar, 4); // decided at 3, filled at 4's close (12)
  assert.equal(t!.exitBar, 8); // flat decided at 7, filled at 8's close (9)
  assert.equal(t!.legs[0]!.entryPrice, 12);
  assert.equal(t!.legs[0]!.exitPrice, 9);
  assert.ok(t!.costs.fees! > 0);
  assert.ok(t!.netPnl < 0 && run.tradeLog.summary.hitRate === 0);
});

Deno.test("maCrossover is causal: perturbing closes after t leaves positions at or before t", () => {
  const close = Float64Array.from({ length: 400 }, (_, t) => 100 + 10 * Math.sin(t / 15) + t / 20);
  const opts = { fast: 10, slow: 40, short: true } as const;
  const base = maCrossover(close, opts).weights;
  for (const t of [60, 150, 333]) {
    const [p] = perturbAfter([close], t);
    const moved = maCrossover(p!, opts).weights;
    assertSameUpTo(base, moved, t, "maCrossover");
    assertChangedAfter(base, moved, t);
  }
  const ema = { ...opts, kind: "ema" as const };
  const [p] = perturbAfter([close], 200);
  assertSameUpTo(maCrossover(close, ema).weights, maCrossover(p!, ema).weights, 200, "ema");
});

Deno.test("maCrossover passes the lookahead check at every bar, and so do the engine's weights", () => {
  const close = [Float64Array.from({ length: 300 }, (_, t) => 50 + 5 * Math.sin(t / 9) + (t % 7))];
  close[0]![100] = NaN;
  const res = checkLookahead(
    (d: { close: Float64Array[] }) => maCrossover(d.close[0]!, { fast: 5, slow: 20 }).weights,
    {
      close,
    },
  );
  assert.equal(res.passed, true);
  assert.equal(res.checkedBars, 300);
  // the engine's held weights too, gap included: cut at the gap (bar 100), the asset's data
  // ends there, and the engine, which cannot know it, holds the position as at any gap
  const held = checkLookahead(
    (d: { close: Float64Array[] }) =>
      backtestStrategy(d, maCrossover(d.close[0]!, { fast: 5, slow: 20, short: true })).backtest
        .weights,
    { close },
  );
  assert.deepEqual(held.violations, []);
  assert.equal(held.passed, true);
});

realDataTest("maCrossover on BTC hourly: long-only SMA 24/168 trades and pays fees", () => {
  const { btc, index } = btcEth();
  const fees = feeCost({ venue: "binance" });
  const run = backtestStrategy(
    { close: [btc.close], index },
    maCrossover(btc.close, { fast: 24, slow: 168 }),
    {
      costs: [fees],
    },
  );
  const s = run.tradeLog.summary;
  assert.ok(s.count > 20, `only ${s.count} trades`);
  assert.ok(s.hitRate > 0 && s.hitRate < 1);
  // every dollar of fees is in some trade
  const paid = run.backtest.costs.fees!.reduce(
    (a, c, t) => a + c * (t === 0 ? 1e6 : run.backtest.equity[t - 1]!),
    0,
  );
  const inTrades = run.tradeLog.trades.reduce((a, t) => a + t.totalCost, 0);
  assert.ok(Math.abs(paid - inTrades) < 1e-6 * paid);
});
