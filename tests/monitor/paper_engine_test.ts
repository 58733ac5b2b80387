/**
 * Paper trading (lib/monitor): on fixed bar series the rule's paper book fills and earns what
 * the backtest of the same rule on the same bars gives (`pairsMeanReversion` +
 * `backtestStrategy`, the oracle here is the project's own engine with its documented rules),
 * bar by bar as in one call, causally; manual orders; live marks; round trips.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { feeCost, fundingCost, halfSpreadCost } from "@lib/backtest/costs/mod.ts";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import {
  advancePaperManual,
  advancePaperRule,
  initialPaperState,
  manualOrder,
  markPaper,
  type PaperBars,
  type PaperFill,
  type PaperMark,
  type PaperOptions,
  type PaperOrder,
  paperTrades,
  paperVsBacktest,
} from "@lib/monitor/mod.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const H = 3_600_000;

/** A cointegrated pair with a mean-reverting spread (seeded LCG), optional missing bars. */
function synthetic(n: number, seed: number, gaps = false): PaperBars {
  let s = seed >>> 0;
  const u = () => ((s = (1664525 * s + 1013904223) >>> 0) / 2 ** 32);
  const g = () => u() + u() + u() + u() - 2;
  const x: number[] = [], y: number[] = [];
  let lx = Math.log(100), e = 0;
  for (let t = 0; t < n; t++) {
    lx += 0.01 * g();
    e = 0.95 * e + 0.01 * g();
    x.push(Math.exp(lx));
    y.push(Math.exp(0.3 + 1.2 * lx + e));
  }
  if (gaps) {
    for (let t = 50; t < n; t += 97) x[t] = NaN;
    for (let t = 80; t < n; t += 131) y[t] = NaN;
  }
  return { ts: Array.from({ length: n }, (_, t) => 1.6e12 + t * H), y, x, barMs: H };
}

/** Closes of two freqtrade JSON files of hourly candles on their common hours (the last `n`). */
function realPair(n: number): PaperBars {
  const dir = "ohlcv/binance_spot_2017-2022_djienne";
  const load = (f: string) =>
    new Map(
      (JSON.parse(readFileSync(realPath(dir, f), "utf8")) as number[][]).map((r) => [r[0]!, r[4]!]),
    );
  const btc = load("BTC_USDT-1h.json"), eth = load("ETH_USDT-1h.json");
  const ts = [...btc.keys()].filter((t) => eth.has(t)).sort((a, b) => a - b).slice(-n);
  // one grid row per hour: an hour missing from one file is NaN there
  const grid: number[] = [];
  for (let t = ts[0]!; t <= ts[ts.length - 1]!; t += H) grid.push(t);
  return {
    ts: grid,
    y: grid.map((t) => eth.get(t) ?? NaN),
    x: grid.map((t) => btc.get(t) ?? NaN),
    barMs: H,
  };
}

function costs(n: number): CostModel[] {
  // a bar-indexed model needs one row more than the bars: the fill at the last close is row n
  const spreads = [0, 1].map((a) =>
    Float64Array.from({ length: n + 1 }, (_, t) => 0.0004 + 0.0002 * a + 0.0001 * Math.sin(t / 7))
  );
  return [feeCost({ venue: "binance" }), halfSpreadCost({ spreads })];
}

/** Perp funding every 8th bar (a holding cost: paid without a trade), one row more than the bars. */
function funding(n: number): CostModel {
  const rate = Float64Array.from({ length: n + 1 }, (_, t) => (t % 8 === 0 ? 0.0001 : 0));
  return fundingCost({ rates: [rate, rate] });
}

/**
 * Every paper fill at row f is the backtest's trade at row f + 1 (the bar the fill opens), and
 * its cost per model is the backtest's cost of that row times the equity before the fill.
 */
function checkAgainstBacktest(bars: PaperBars, options: PaperOptions, what: string): void {
  const step = advancePaperRule(initialPaperState(options), bars, options);
  const c = paperVsBacktest(bars, options, step.marks);
  const n = bars.ts.length;
  const bt = c.backtest.backtest;
  const eq0 = options.initialEquity ?? 1_000_000;
  assert.ok(c.backtest.tradeLog.summary.count >= 3, `${what}: too few trades to compare`);
  for (let t = 0; t < n; t++) {
    const rel = Math.abs(c.paperEquity[t]! - c.backtestEquity[t]!) / eq0;
    assert.ok(rel < 1e-12, `${what}: equity differs at row ${t} by ${rel}`);
  }
  assert.ok(c.maxAbsDifference / eq0 < 1e-12);
  // fills <-> traded weights
  const byRow = new Map<string, PaperFill>(step.fills.map((f) => [`${f.row}/${f.leg}`, f]));
  let compared = 0;
  for (let f = 0; f < n - 1; f++) {
    for (const leg of [0, 1] as const) {
      const traded = bt.traded[leg]![f + 1]!;
      const fill = byRow.get(`${f}/${leg}`);
      if (traded === 0) {
        assert.ok(fill === undefined || Math.abs(fill.tradedWeight) < 1e-12, `${what} ${f}/${leg}`);
        continue;
      }
      assert.ok(fill !== undefined, `${what}: no paper fill at row ${f} leg ${leg}`);
      assert.ok(Math.abs(fill.tradedWeight - traded) < 1e-10, `${what}: traded weight at ${f}`);
      for (const name of Object.keys(bt.costs)) {
        // the engine keeps each model's cost per row (not per asset): compare the row totals
        const rowCost = bt.costs[name]![f + 1]! * bt.equity[f]!;
        const paperRow = (byRow.get(`${f}/0`)?.costs[name] ?? 0) +
          (byRow.get(`${f}/1`)?.costs[name] ?? 0);
        assert.ok(
          Math.abs(rowCost - paperRow) <= 1e-9 * eq0,
          `${what}: ${name} at row ${f}: ${paperRow} vs ${rowCost}`,
        );
      }
      compared++;
    }
  }
  assert.ok(compared > 20, `${what}: only ${compared} fills compared`);
  // the round trips open and close at the fills the backtest's trade log names
  // (a trade the paper book opens at the last close has no backtest row: designed difference)
  const trades = paperTrades(step.fills, NaN, NaN).filter((p) => p.entryTs < bars.ts[n - 1]!);
  const log = c.backtest.tradeLog.trades;
  assert.equal(trades.length, log.length, `${what}: round trips`);
  trades.forEach((p, i) => {
    assert.equal(p.entryTs, bars.ts[log[i]!.entryBar], `${what}: trade ${i} entry`);
    assert.equal(p.side, log[i]!.side, `${what}: trade ${i} side`);
    if (!p.open) assert.equal(p.exitTs, bars.ts[log[i]!.exitBar], `${what}: trade ${i} exit`);
    assert.equal(p.open, log[i]!.open);
  });
}

Deno.test("paper = backtest: rolling OLS, beta sizing, fees and half spreads on both legs", () => {
  const bars = synthetic(1200, 1);
  checkAgainstBacktest(bars, {
    rule: { hedgeWindow: 120, zWindow: 60, entry: 1.5, exit: 0.25, stop: 3.5 },
    costs: [...costs(1200), funding(1200)],
  }, "ols");
});

Deno.test("paper = backtest: Kalman hedge, dollar sizing, every-bar ratio, missing bars", () => {
  const bars = synthetic(1500, 2, true);
  checkAgainstBacktest(bars, {
    rule: {
      hedge: "kalman",
      zWindow: 48,
      zMinObs: 40,
      entry: 1.4,
      exit: 0.3,
      sizing: "dollar",
      hedgeUpdate: "every-bar",
      gross: 2,
    },
    costs: [feeCost({ venue: "binance" })],
    initialEquity: 25_000,
  }, "kalman");
  checkAgainstBacktest(bars, {
    rule: { hedgeWindow: 100, hedgeMinObs: 90, zWindow: 50, zMinObs: 45, entry: 1.3 },
    costs: costs(1500),
  }, "gaps");
});

realDataTest("paper = backtest on real Binance ETH/BTC hourly closes (3,000 hours)", () => {
  const bars = realPair(3000);
  checkAgainstBacktest(bars, {
    rule: { hedgeWindow: 240, zWindow: 72, entry: 2, exit: 0.5, stop: 4 },
    costs: costs(bars.ts.length),
  }, "real");
});

Deno.test("bar by bar (a restart at every bar) equals one call on the whole series", () => {
  const bars = synthetic(700, 3, true);
  const options: PaperOptions = {
    rule: { hedgeWindow: 80, hedgeMinObs: 70, zWindow: 40, zMinObs: 35, entry: 1.4 },
    costs: [feeCost({ venue: "binance" })],
  };
  const whole = advancePaperRule(initialPaperState(options), bars, options);
  let state = initialPaperState(options);
  const orders: PaperOrder[] = [], fills: PaperFill[] = [], marks: PaperMark[] = [];
  for (let t = 1; t <= bars.ts.length; t++) {
    const upTo = {
      ts: Array.from(bars.ts).slice(0, t),
      y: Array.from(bars.y).slice(0, t),
      x: Array.from(bars.x).slice(0, t),
      barMs: H,
    };
    const step = advancePaperRule(JSON.parse(JSON.stringify(state)), upTo, options);
    state = step.state;
    orders.push(...step.orders);
    fills.push(...step.fills);
    marks.push(...step.marks);
  }
  // JSON turns NaN into null: compare through JSON on both sides
  const j = (v: unknown) => JSON.stringify(v);
  assert.equal(j(marks), j(whole.marks));
  assert.equal(j(fills), j(whole.fills));
  assert.equal(j(orders), j(whole.orders));
  assert.ok(orders.length > 6);
});

Deno.test("causality: bars after t change no order, fill or mark at or before t", () => {
  const bars = synthetic(900, 4);
  const options: PaperOptions = {
    rule: { hedgeWindow: 100, zWindow: 50, entry: 1.5 },
    costs: costs(900),
  };
  const base = advancePaperRule(initialPaperState(), bars, options);
  for (const t of [200, 450, 800]) {
    const y = Array.from(bars.y), x = Array.from(bars.x);
    for (let i = t + 1; i < y.length; i++) {
      y[i] = y[i]! * (1 + 0.05 * Math.sin(i));
      x[i] = x[i]! * (1 - 0.04 * Math.cos(i));
    }
    const moved = advancePaperRule(initialPaperState(), { ...bars, y, x }, options);
    const at = <T extends { ts: number }>(a: readonly T[]) => a.filter((v) => v.ts <= bars.ts[t]!);
    const atOrder = (a: readonly PaperOrder[]) => a.filter((o) => o.decidedTs <= bars.ts[t]!);
    assert.equal(JSON.stringify(at(moved.marks)), JSON.stringify(at(base.marks)), `t ${t}`);
    assert.equal(JSON.stringify(at(moved.fills)), JSON.stringify(at(base.fills)), `t ${t}`);
    assert.equal(JSON.stringify(atOrder(moved.orders)), JSON.stringify(atOrder(base.orders)));
    assert.notEqual(JSON.stringify(moved.marks), JSON.stringify(base.marks));
  }
});

Deno.test("rule orders: entries, exits and stops at the rule's bars, filled at the next close", () => {
  const bars = synthetic(1200, 5);
  const rule = { hedgeWindow: 120, zWindow: 60, entry: 1.5, exit: 0.25, stop: 2.5 };
  const step = advancePaperRule(initialPaperState(), bars, { rule });
  const actions = new Set(step.orders.map((o) => o.action));
  assert.ok(actions.has("stop") && actions.has("exit"), [...actions].join());
  for (const o of step.orders) {
    const filled = step.fills.filter((f) => f.orderId === o.id);
    assert.equal(filled.length, 2, `order ${o.id}`);
    assert.ok(filled.every((f) => f.ts === o.decidedTs + H));
    if (o.action === "open-long") assert.ok(o.targetY > 0 && o.z <= -1.5);
    if (o.action === "open-short") assert.ok(o.targetY < 0 && o.z >= 1.5);
    if (o.action === "stop") assert.ok(Math.abs(o.z) >= 2.5);
    if (o.action === "exit" || o.action === "stop") assert.ok(o.targetY === 0 && o.targetX === 0);
  }
  // after an exit both legs are flat
  const last = step.marks.at(-1)!;
  if (last.position === 0) assert.ok(last.unitsY === 0 && last.unitsX === 0);
});

Deno.test("manual book: orders fill at the next close with the costs, units held until closed", () => {
  const bars = synthetic(400, 6);
  const options: PaperOptions = {
    rule: { hedgeWindow: 100, zWindow: 50 },
    costs: [feeCost({ venue: "binance" }), funding(400)],
    initialEquity: 10_000,
  };
  const cut = (t: number): PaperBars => ({
    ts: Array.from(bars.ts).slice(0, t),
    y: Array.from(bars.y).slice(0, t),
    x: Array.from(bars.x).slice(0, t),
    barMs: H,
  });
  assert.throws(
    () => manualOrder(cut(50), { id: "early", action: "open-long" }, options),
    /hedge ratio is not known yet/,
  );
  const open = manualOrder(cut(200), { id: "m1", action: "open-long", gross: 0.5 }, options);
  const close = manualOrder(cut(300), { id: "m2", action: "close" }, options);
  assert.equal(open.decidedTs, bars.ts[199]);
  assert.ok(Math.abs(Math.abs(open.targetY) + Math.abs(open.targetX) - 0.5) < 1e-12);
  const step = advancePaperManual(initialPaperState(options), bars, [close, open], options);
  const trades = step.fills.filter((f) => f.qty !== 0);
  assert.deepEqual(trades.map((f) => [f.row, f.orderId]), [
    [200, "m1"],
    [200, "m1"],
    [300, "m2"],
    [300, "m2"],
  ]);
  // funding is paid while the position is held (no trade): rows 199 + 8k, both legs
  const held = step.fills.filter((f) => f.qty === 0);
  assert.ok(held.length > 0 && held.every((f) => f.orderId === null && f.costs.funding !== 0));
  assert.deepEqual([...new Set(held.map((f) => f.row))], [
    207,
    215,
    223,
    231,
    239,
    247,
    255,
    263,
    271,
    279,
    287,
    295,
  ]);
  const m = step.marks;
  assert.ok(m[250]!.unitsY === m[201]!.unitsY && m[299]!.unitsX === m[201]!.unitsX);
  assert.equal(m[250]!.position, 1);
  assert.equal(m.at(-1)!.unitsY, 0);
  // fees: 0.1% of each leg's traded value at both fills
  const fees = step.fills.reduce((s, f) => s + (f.costs.fees ?? 0), 0);
  const value = step.fills.reduce((s, f) => s + Math.abs(f.qty * f.price), 0);
  assert.ok(Math.abs(fees - 0.001 * value) < 1e-9);
  // the round trip's P&L is the equity change
  const [trade] = paperTrades(step.fills, NaN, NaN);
  assert.ok(Math.abs(trade!.netPnl - (step.state.cash - 10_000)) < 1e-8);
  // resumed at row 250 with the orders still given: the same result, m1 is not filled twice
  const first = advancePaperManual(initialPaperState(options), cut(250), [open], options);
  const rest = advancePaperManual(first.state, bars, [open, close], options);
  assert.equal(JSON.stringify([...first.fills, ...rest.fills]), JSON.stringify(step.fills));
  assert.equal(JSON.stringify([...first.marks, ...rest.marks]), JSON.stringify(step.marks));
});

Deno.test("live mark and checks: marks between closes, wrong state or bars are refused", () => {
  const bars = synthetic(300, 7);
  const step = advancePaperRule(initialPaperState(), bars, {
    rule: { hedgeWindow: 60, zWindow: 30, entry: 1 },
  });
  const s = step.state;
  const live = markPaper(s, s.priceY * 1.01, NaN);
  assert.ok(
    Math.abs(live.equity - (s.equity + s.unitsY * s.priceY * 0.01)) < 1e-6 || s.unitsY === 0,
  );
  assert.equal(
    markPaper(s, NaN, NaN).sinceLastBar,
    s.cash + s.unitsY * s.priceY + s.unitsX * s.priceX - s.equity,
  );
  // a state from other bars
  const other = { ...bars, ts: Array.from(bars.ts, (t) => t + H) };
  assert.throws(() => advancePaperRule(s, other, {}), /pass the same history/);
  assert.throws(
    () => advancePaperRule(initialPaperState(), { ...bars, x: Array.from(bars.x).slice(1) }, {}),
    /align them on one grid/,
  );
  assert.throws(() => initialPaperState({ initialEquity: 0 }), /initialEquity must be a positive/);
  const bad = Array.from(bars.y);
  bad[10] = -1;
  assert.throws(
    () => advancePaperRule(initialPaperState(), { ...bars, y: bad }, {}),
    /y at bar 10/,
  );
  // nothing new: an empty step
  const again = advancePaperRule(s, bars, { rule: { hedgeWindow: 60, zWindow: 30, entry: 1 } });
  assert.equal(again.marks.length + again.fills.length + again.orders.length, 0);
});
