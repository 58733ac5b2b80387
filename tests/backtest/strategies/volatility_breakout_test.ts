/**
 * volatilityBreakout: positions, ATR and bands worked out by hand (long and short, the ATR
 * margin k), refusals, a perturbation test and the lookahead check on real BTC hourly OHLC.
 */
import assert from "node:assert/strict";
import { checkLookahead } from "@lib/backtest/lookahead.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { backtestStrategy } from "@lib/backtest/strategies/backtest_strategy.ts";
import { volatilityBreakout } from "@lib/backtest/strategies/volatility_breakout.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { assertChangedAfter, assertSameUpTo, btcEth, perturbAfter } from "./_helpers.ts";

const bars = (close: number[]) => ({
  close,
  high: close.map((c) => c + 0.5),
  low: close.map((c) => c - 0.5),
});
const small = { entryWindow: 3, exitWindow: 2, atrWindow: 2, k: 1 };

Deno.test("volatilityBreakout: a downside breakout by hand, and the ATR margin filters it", () => {
  // true ranges 1 until bar 5 (max(1, |8.5 - 10|, |7.5 - 10|) = 2.5): ATR 1, then (1 + 2.5) / 2
  const b = bars([10, 10, 10, 10, 10, 8, 7, 8, 11]);
  const r = volatilityBreakout(b, { ...small, short: true });
  assert.equal(r.atr[4], 1);
  assert.equal(r.atr[5], 1.75);
  // bar 5: 8 < min low of bars 2..4 (9.5) - 1 * ATR[4] (1) = 8.5 -> short; bar 8: 11 > max high
  // of bars 6, 7 (8.5) -> cover
  assert.equal(r.lower[5], 8.5);
  assert.equal(r.upper[5], 11.5);
  assert.deepEqual([...r.weights[0]!], [0, 0, 0, 0, 0, -1, -1, -1, 0]);
  // k = 3: bar 5 needs < 6.5, bar 6 < 7.5 - 3 * 1.75 = 2.25: no trade
  const wide = volatilityBreakout(b, { ...small, k: 3, short: true });
  assert.equal(wide.lower[6], 2.25);
  assert.deepEqual([...wide.weights[0]!], [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  // long-only ignores the downside; at bar 8, 11 > max high of bars 5..7 (8.5) + ATR[7] (1.5625)
  // enters long, which the short run could not do on the bar that covered its short
  const long = volatilityBreakout(b, small);
  assert.equal(long.upper[8], 8.5 + 1.5625);
  assert.deepEqual([...long.weights[0]!], [0, 0, 0, 0, 0, 0, 0, 0, 1]);
});

Deno.test("volatilityBreakout: an exit bar does not enter the other side; a gap is skipped", () => {
  // long at bar 5 (12 > 10.5 + 1), out at bar 7 (7 < min low of bars 5, 6 = 11.5); bar 7 is
  // below its lower band too (9.5 - ATR[6] 1.625 = 7.875) but the short opens only at bar 8
  // (2 < 6.5 - ATR[7] 4.0625)
  const b = bars([10, 10, 10, 10, 10, 12, 13, 7, 2, 2]);
  const r = volatilityBreakout(b, { ...small, short: true });
  assert.equal(r.lower[7], 7.875);
  assert.deepEqual([...r.weights[0]!], [0, 0, 0, 0, 0, 1, 1, 0, -1, -1]);
  // a missing bar 3: windows count existing bars, the target carries over the gap
  const g = bars([10, 10, 10, NaN, 10, 10, 12, 13]);
  const rg = volatilityBreakout(g, small);
  assert.deepEqual([...rg.weights[0]!], [0, 0, 0, 0, 0, 0, 1, 1]);
  assert.ok(Number.isNaN(rg.atr[3]!));
});

Deno.test("volatilityBreakout through the engine: the trade's fills by hand", () => {
  // long decided at bar 5 (12 > 11.5), filled at bar 6's close (13); out decided at bar 8
  // (9 < 11.5), filled at bar 9's close (9)
  // (a fill at the last bar's close would open no row: one more bar so the trade closes)
  const b = bars([10, 10, 10, 10, 10, 12, 13, 12, 9, 9, 9]);
  const targets = volatilityBreakout(b, small);
  assert.deepEqual([...targets.weights[0]!], [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  const run = backtestStrategy({ close: [Float64Array.from(b.close)] }, targets);
  assert.equal(run.tradeLog.trades.length, 1);
  const t = run.tradeLog.trades[0]!;
  assert.deepEqual([t.entryBar, t.exitBar, t.barsHeld, t.open], [6, 9, 3, false]);
  assert.deepEqual([t.legs[0]!.entryPrice, t.legs[0]!.exitPrice], [13, 9]);
  assert.ok(Math.abs(t.returnOnEntry - (9 / 13 - 1)) < 1e-12);
  assert.ok(Math.abs(t.grossPnl - 1e6 * (9 / 13 - 1)) < 1e-6);
  assert.equal(run.tradeLog.summary.losses, 1);
});

Deno.test("volatilityBreakout: refusals name the option", () => {
  const b = bars([1, 2, 3]);
  assert.throws(
    () => volatilityBreakout(b, { entryWindow: 0 }),
    /entryWindow must be an integer >= 1/,
  );
  assert.throws(() => volatilityBreakout(b, { k: -1 }), /k must be a finite number >= 0/);
  assert.throws(
    () => volatilityBreakout({ ...b, high: [1, 2] }, {}),
    /one value per bar/,
  );
});

function randomBars(n: number, seed: number) {
  const rng = createRng(seed);
  const close: number[] = [], high: number[] = [], low: number[] = [];
  let p = 100;
  for (let t = 0; t < n; t++) {
    p *= Math.exp(0.01 * rng.normal() + 0.001);
    close.push(p);
    high.push(p * (1 + 0.005 * Math.abs(rng.normal())));
    low.push(p * (1 - 0.005 * Math.abs(rng.normal())));
  }
  return { close, high, low };
}

Deno.test("volatilityBreakout is causal: perturbing bars after t leaves positions at or before t", () => {
  const b = randomBars(600, 3);
  const opts = { short: true, k: 0.25 } as const;
  const base = volatilityBreakout(b, opts).weights;
  assert.ok(base[0]!.some((w) => w !== 0));
  for (const t of [50, 299, 480]) {
    const [c, h, l] = perturbAfter([b.close, b.high, b.low], t);
    // keep high >= close >= low after the perturbation
    for (let s = t + 1; s < c!.length; s++) {
      h![s] = Math.max(h![s]!, c![s]!, l![s]!);
      l![s] = Math.min(l![s]!, c![s]!);
    }
    const moved = volatilityBreakout({ close: c!, high: h!, low: l! }, opts).weights;
    assertSameUpTo(base, moved, t, "volatilityBreakout");
    assertChangedAfter(base, moved, t);
  }
});

realDataTest(
  "volatilityBreakout on BTC hourly OHLC: lookahead check passes, trades with fees",
  () => {
    const { btc, index } = btcEth();
    const data = { index, close: [btc.close], high: [btc.high], low: [btc.low] };
    const f = (d: typeof data) =>
      volatilityBreakout({ close: d.close[0]!, high: d.high[0]!, low: d.low[0]! }, { short: true })
        .weights;
    const res = checkLookahead(f, data);
    assert.equal(res.passed, true, JSON.stringify(res.violations.slice(0, 3)));
    assert.ok(res.checkedBars >= 290);
    const fees = feeCost({ venue: "binance" });
    const targets = volatilityBreakout({ close: btc.close, high: btc.high, low: btc.low }, {
      short: true,
    });
    const run = backtestStrategy({ close: [btc.close], index }, targets, { costs: [fees] });
    const s = run.tradeLog.summary;
    assert.ok(s.count > 20, `${s.count} trades`);
    assert.ok(run.tradeLog.trades.some((t) => t.side === "short"));
    assert.ok(run.tradeLog.trades.every((t) => t.totalCost > 0));
  },
);
