/**
 * The lookahead check: every built-in signal (the SIGNALS library) on real NFI hourly bars,
 * deliberately leaky signals that the check must catch (each with the exact violation worked
 * out by hand), the sampling rules, and the backtest hook.
 */
import assert from "node:assert/strict";
import { checkLookahead, lookaheadBars, truncateData } from "@lib/backtest/lookahead.ts";
import { backtestWithLookahead } from "@lib/backtest/lookahead_backtest.ts";
import { fromColumns } from "@lib/panel/from_columns.ts";
import type { Panel } from "@lib/panel/types.ts";
import { momentum, SIGNAL_NAMES, SIGNALS } from "@lib/research/signals/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiPanel } from "../research/_nfi_panel.ts";

/** 12 NFI pairs (BTC and ETH, late starters, gappy ones) over their first 1,600 hourly bars. */
function smallPanel(): Panel {
  const p = nfiPanel();
  const want = [
    "BTCUSDT",
    "ETHUSDT",
    "ADAUSDT",
    "DOGEUSDT",
    "LUNAUSDT",
    "SOLUSDT",
    "XRPUSDT",
    "LINKUSDT",
    "DOTUSDT",
    "ALICEUSDT",
    "AAVEUSDT",
    "ATOMUSDT",
  ];
  const cols = want.map((s) => {
    const a = p.assets.indexOf(s);
    assert.ok(a >= 0, `${s} not in the NFI panel`);
    return a;
  });
  const T = 1600;
  const pick = (f: readonly Float64Array[]) => cols.map((a) => f[a]!.slice(0, T));
  return fromColumns({
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
}

realDataTest("every built-in signal passes the lookahead check on real bars", () => {
  const panel = smallPanel();
  assert.equal(SIGNAL_NAMES.length, Object.keys(SIGNALS).length);
  for (const name of SIGNAL_NAMES) {
    const s = SIGNALS[name];
    const full = s.compute(panel);
    const res = checkLookahead(s.compute, panel, { full });
    assert.equal(res.bars, 1600);
    // the default dense sample: 4 windows of 50 bars and 100 random bars
    assert.equal(res.checkedBars, 300, res.sample);
    assert.deepEqual(res.violations, [], `${name}: ${JSON.stringify(res.violations.slice(0, 3))}`);
    assert.equal(res.passed, true);
    // the checked windows hold real values: the check compared numbers, not NaN with NaN
    const { bars } = lookaheadBars(1600, undefined);
    const finite = bars.filter((t) => full.some((c) => Number.isFinite(c[t]!))).length;
    assert.ok(finite >= 100, `${name}: only ${finite} checked bars have values`);
  }
});

realDataTest("a signal that peeks one bar ahead is caught at every checked bar", () => {
  const panel = smallPanel();
  // momentum of the NEXT bar's 24-bar window: row t uses close[t + 1]
  const leaky = (p: Panel) =>
    momentum(p, { lookback: 24 }).map((c) => {
      const out = new Float64Array(c.length).fill(NaN);
      out.set(c.subarray(1), 0);
      return out;
    });
  const res = checkLookahead(leaky, panel);
  assert.equal(res.passed, false);
  const honest = momentum(panel, { lookback: 24 });
  // cut at bar t, row t has no next bar (NaN); with the full data it holds momentum at t + 1;
  // rows before t are the same in both runs
  for (const v of res.violations) {
    assert.equal(v.row, v.t);
    assert.ok(Number.isNaN(v.before));
    assert.equal(v.after, honest[panel.assets.indexOf(v.asset)]![v.t + 1]);
  }
  assert.equal(res.violations.length, 100); // maxViolations kept, all counted
  assert.ok(res.violationCount > 2000);
  // the last bar cannot leak (cut there = the full data), the bar before it does
  assert.ok(!res.violatingBars.includes(1599));
  assert.ok(res.violatingBars.includes(1598));
  // every checked bar past the warm-up is a violation
  assert.ok(res.violatingBars.length >= 290, `${res.violatingBars.length}`);
});

Deno.test("leaks the check must catch: future normalization, a lone bar, a peek through the buffer", () => {
  const T = 40;
  const close = [Float64Array.from({ length: T }, (_, t) => 100 + t + (t % 3))];
  const data = { close, index: Float64Array.from({ length: T }, (_, t) => t) };
  type D = typeof data;
  // demeaned by the FULL-sample mean: every row moves when a bar is added
  const demeaned = (d: D) => {
    const c = d.close[0]!;
    const m = c.reduce((s, x) => s + x, 0) / c.length;
    return [c.map((x) => x - m)];
  };
  const r1 = checkLookahead(demeaned, data);
  assert.equal(r1.checkedBars, 40); // short series: every bar
  assert.equal(r1.violatingBars.length, 39); // all but the last bar (cut at 39 = full data)
  // hand check: cut at bar 0 the only row is c0 - c0 = 0; with all data it is c0 - mean
  const mean = close[0]!.reduce((s, x) => s + x, 0) / T;
  assert.deepEqual(r1.violations[0], {
    t: 0,
    row: 0,
    asset: "0",
    before: 0,
    after: close[0]![0]! - mean,
  });
  // a leak at one bar only: row 17's value is the close of bar 30
  const lone = (d: D) => [d.close[0]!.map((x, t) => (t === 17 ? d.close[0]![30] ?? NaN : x))];
  const r2 = checkLookahead(lone, data);
  assert.deepEqual(r2.violatingBars, Array.from({ length: 13 }, (_, k) => 17 + k)); // cuts 17..29
  assert.equal(r2.violationCount, 13);
  assert.deepEqual(
    { ...r2.violations[0]! },
    { t: 17, row: 17, asset: "0", before: NaN, after: close[0]![30]! },
  );
  // a leak through the underlying buffer: truncation copies, so the cut data cannot reach it
  const peek = (d: D) => {
    const c = d.close[0]!;
    const all = new Float64Array(c.buffer, c.byteOffset);
    return [c.map((_, t) => all[t + 1] ?? NaN)];
  };
  const r3 = checkLookahead(peek, data);
  assert.equal(r3.passed, false);
  assert.equal(r3.violatingBars.length, 39);
  // a causal version of the same thing passes
  const lagged = (d: D) => [d.close[0]!.map((_, t) => d.close[0]![t - 1] ?? NaN)];
  assert.equal(checkLookahead(lagged, data).passed, true);
  // a tolerance forgives rounding, not leaks
  const noisy = (d: D) => [d.close[0]!.map((x) => x + d.close[0]!.length * 1e-13)];
  assert.equal(checkLookahead(noisy, data).passed, false);
  assert.equal(checkLookahead(noisy, data, { tolerance: 1e-11 }).passed, true);
});

Deno.test("sampling: dense windows plus seeded random bars on long series", () => {
  const a = lookaheadBars(5000, undefined);
  assert.equal(a.bars.length, 300);
  for (const end of [1250, 2500, 3750, 4999]) {
    for (let t = end - 49; t <= end; t++) assert.ok(a.bars.includes(t), `${t}`);
  }
  assert.deepEqual(lookaheadBars(5000, undefined).bars, a.bars); // seeded
  assert.notDeepEqual(lookaheadBars(5000, { seed: 2 }).bars, a.bars);
  assert.equal(lookaheadBars(800, undefined).bars.length, 800); // short: every bar
  assert.deepEqual(lookaheadBars(10, [7, 2]).bars, [2, 7]);
  assert.throws(() => lookaheadBars(10, [10]), /not a distinct bar/);
  // the result says which sample was used
  assert.match(a.description, /4 windows of 50 bars .* 100 random bars \(seed 1\): 300 of 5000/);
});

Deno.test("truncateData cuts every series and column list, copies, keeps the rest", () => {
  const d = {
    freq: "1h",
    assets: ["A", "B"],
    index: Float64Array.of(0, 1, 2),
    close: [Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6)],
    nested: { rates: [[7, 8, 9]] },
    other: Float64Array.of(1, 2), // not a bar series: kept
  };
  const c = truncateData(d, 2);
  assert.deepEqual([...c.index], [0, 1]);
  assert.deepEqual(c.close.map((x) => [...x]), [[1, 2], [4, 5]]);
  assert.deepEqual(c.nested.rates, [[7, 8]]);
  assert.deepEqual(c.assets, ["A", "B"]);
  assert.equal(c.other, d.other);
  assert.equal(c.close[0]!.buffer.byteLength, 16);
  // data it cannot cut is refused, never compared with itself
  class Held {
    constructor(readonly index: Float64Array) {}
  }
  assert.throws(() => truncateData(new Held(Float64Array.of(1, 2, 3)), 2), /Cannot cut the data/);
  assert.throws(
    () => checkLookahead((d: Held) => [d.index], new Held(Float64Array.of(1, 2, 3))),
    /Cannot cut the data at 1 bars/,
  );
});

Deno.test("backtestWithLookahead: a leaky target is flagged in the result's warnings", () => {
  const close = [
    Float64Array.from({ length: 120 }, (_, t) => 100 * Math.exp(0.02 * Math.sin(t / 4))),
  ];
  // long when the NEXT bar is up: a perfect-foresight target
  const oracle = (d: { close: readonly Float64Array[] }) =>
    d.close.map((c) => c.map((x, t) => (t + 1 < c.length && c[t + 1]! > x ? 1 : 0)));
  const { result, lookahead } = backtestWithLookahead({ close }, oracle);
  assert.equal(lookahead.passed, false);
  assert.equal(lookahead.checkedBars, 40);
  assert.match(result.metadata.warnings.at(-1)!, /^Lookahead: the targets changed at \d+ of 40/);
  const honest = (d: { close: readonly Float64Array[] }) =>
    d.close.map((c) => c.map((x, t) => (t >= 1 && x > c[t - 1]! ? 1 : 0)));
  const ok = backtestWithLookahead({ close }, honest, { lag: 1 });
  assert.equal(ok.lookahead.passed, true);
  assert.ok(!ok.result.metadata.warnings.some((w) => w.startsWith("Lookahead")));
});
