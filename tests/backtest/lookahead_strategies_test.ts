/**
 * The lookahead check on every built-in strategy of lib/backtest/strategies (moving-average
 * crossover, volatility breakout, pairs mean reversion with both hedges, long-short portfolios
 * from library signals) on real NFI hourly bars: their target weights and every causal series
 * they publish (averages, ATR and channels, spread, z-score, hedge ratio, position) are the same
 * on data cut at each checked bar as on the full data. Each run is checked to trade inside the
 * checked bars, so the comparison is between real positions.
 */
import assert from "node:assert/strict";
import { checkLookahead, lookaheadBars, type LookaheadResult } from "@lib/backtest/lookahead.ts";
import {
  longShort,
  maCrossover,
  pairsMeanReversion,
  volatilityBreakout,
} from "@lib/backtest/strategies/mod.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { SIGNALS } from "@lib/research/signals/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "../research/_nfi_panel.ts";

const T = 1200;

function column(symbol: string, field: "high" | "low" | "close"): Float64Array {
  const p = nfiPanel();
  const a = p.assets.indexOf(symbol);
  assert.ok(a >= 0, `${symbol} not in the NFI panel`);
  return p[field][a]!.slice(0, T);
}

/** The checked bars where the weights (first `assets` columns of the output) are not all 0. */
function tradedAt(
  fn: () => readonly ArrayLike<number>[],
  assets: number,
  res: LookaheadResult,
): number {
  const out = fn();
  const { bars } = lookaheadBars(T, undefined);
  assert.equal(res.checkedBars, bars.length);
  return bars.filter((t) => out.slice(0, assets).some((w) => w[t] !== 0 && w[t] === w[t])).length;
}

function expectPassed(name: string, res: LookaheadResult) {
  assert.equal(res.bars, T);
  assert.deepEqual(res.violations, [], `${name}: ${JSON.stringify(res.violations.slice(0, 3))}`);
  assert.equal(res.passed, true);
}

realDataTest("maCrossover (SMA and EMA, long-short) has no lookahead on real bars", () => {
  const data = { close: column("BTCUSDT", "close") };
  for (const kind of ["sma", "ema"] as const) {
    const fn = (d: typeof data) => {
      const r = maCrossover(d.close, { fast: 12, slow: 48, kind, short: true });
      return [...r.weights, r.fastMa, r.slowMa];
    };
    const res = checkLookahead(fn, data);
    expectPassed(`maCrossover ${kind}`, res);
    assert.ok(tradedAt(() => fn(data), 1, res) > 250, kind);
  }
});

realDataTest("volatilityBreakout has no lookahead on real bars", () => {
  const data = {
    high: column("ETHUSDT", "high"),
    low: column("ETHUSDT", "low"),
    close: column("ETHUSDT", "close"),
  };
  const fn = (d: typeof data) => {
    const r = volatilityBreakout(d, {
      entryWindow: 24,
      exitWindow: 12,
      atrWindow: 24,
      k: 0.5,
      short: true,
    });
    return [...r.weights, r.atr, r.upper, r.lower];
  };
  const res = checkLookahead(fn, data);
  expectPassed("volatilityBreakout", res);
  assert.ok(tradedAt(() => fn(data), 1, res) > 50);
});

realDataTest(
  "pairsMeanReversion (rolling OLS and Kalman hedges) has no lookahead on real bars",
  () => {
    const data = { y: column("ETHUSDT", "close"), x: column("BTCUSDT", "close") };
    for (const hedge of ["rolling-ols", "kalman"] as const) {
      const fn = (d: typeof data) => {
        const r = pairsMeanReversion(d, {
          hedge,
          hedgeWindow: 240,
          zWindow: 48,
          entry: 1.5,
          exit: 0.3,
        });
        return [...r.weights, r.spread, r.zScore, r.hedgeRatio, Float64Array.from(r.position)];
      };
      const res = checkLookahead(fn, data);
      expectPassed(`pairsMeanReversion ${hedge}`, res);
      assert.ok(tradedAt(() => fn(data), 2, res) > 30, hedge);
    }
  },
);

realDataTest("longShort on library signals has no lookahead on real bars", () => {
  const p = nfiPanel();
  const want = [
    "BTCUSDT",
    "ETHUSDT",
    "ADAUSDT",
    "DOGEUSDT",
    "LINKUSDT",
    "XRPUSDT",
    "DOTUSDT",
    "SOLUSDT",
    "LTCUSDT",
    "ALICEUSDT",
  ];
  const cols = want.map((s) => p.assets.indexOf(s));
  const pick = (f: readonly Float64Array[]) => cols.map((a) => f[a]!.slice(0, T));
  const panel: Panel = fromColumns({
    freq: p.freq,
    venue: p.venue,
    assets: want,
    index: p.index.slice(0, T),
    open: pick(p.open),
    high: pick(p.high),
    low: pick(p.low),
    close: pick(p.close),
    volume: pick(p.volume),
  });
  for (const name of ["momentum_24", "low_vol_168"] as const) {
    for (const weighting of ["equal", "signal"] as const) {
      const fn = (d: Panel) =>
        longShort(SIGNALS[name].compute(d), { quantile: 0.2, weighting }).weights;
      const res = checkLookahead(fn, panel);
      expectPassed(`longShort ${name} ${weighting}`, res);
      assert.ok(tradedAt(() => fn(panel), want.length, res) > 150, `${name} ${weighting}`);
    }
  }
  // a discrete signal full of ties (the sign of 24-bar momentum: -1, 0, 1): the tie rule (tied
  // values at a bucket edge share its slots, a fully tied bar holds nothing) is per bar too
  {
    const sign = (d: Panel) => SIGNALS.momentum_24.compute(d).map((c) => c.map(Math.sign));
    const fn = (d: Panel) => longShort(sign(d), { quantile: 0.2 }).weights;
    const res = checkLookahead(fn, panel);
    expectPassed("longShort sign(momentum_24) ties", res);
    assert.ok(tradedAt(() => fn(panel), want.length, res) > 150, "sign ties");
  }
});
