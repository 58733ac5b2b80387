/**
 * Square-root market impact `k * sigma * sqrt(Q / ADV)` with a participation cap on fills.
 *
 * References: the formula of Almgren et al. (2005) / Toth et al. (2011) evaluated by hand on
 * round numbers; the causal inputs against pandas (Debian pandas 1.5.3) in
 * tests/oracles/impact_inputs.py (`rolling(720, min_periods=360).std()/.mean().shift(1)`) on
 * real Binance BTC/USDT and PERL/USDT hourly bars. Tolerance: running sums vs pandas' rolling
 * kernels, 1e-12 relative per value.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
import { limitsFills, squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { capTrade } from "@lib/backtest/costs/cap_trade.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";

const bar = (t: number, traded: number[], equity: number) => ({
  t,
  ts: t * 3_600_000,
  traded: Float64Array.from(traded),
  held: Float64Array.from(traded),
  equity,
});

Deno.test("impact equals k * sigma * sqrt(Q / ADV) on the traded weight (worked by hand)", () => {
  // equity $4m, trade 5% = Q $200k; ADV $8m per bar -> Q/ADV = 1/40; sigma 2%, k 0.5
  // price move 0.5 * 0.02 * sqrt(0.025) = 0.0015811388...; cost = 0.05 * that of equity
  const m = squareRootImpact({ sigma: [[0.02], [0.02]], adv: [[8e6], [8e6]], k: 0.5 });
  const out = new Float64Array(2);
  m.cost(bar(0, [0.05, -0.05], 4e6), out);
  const want = 0.05 * 0.5 * 0.02 * Math.sqrt(0.025);
  assert.ok(Math.abs(out[0]! - 0.0000790569415042094833) < 1e-19);
  assert.ok(Math.abs(out[0]! - want) < 1e-19);
  assert.equal(out[1], out[0]); // direction does not matter
  // 4x the capital: the cost per unit of equity doubles (sqrt law)
  const out4 = new Float64Array(2);
  m.cost(bar(0, [0.05, -0.05], 16e6), out4);
  assert.ok(Math.abs(out4[0]! / out[0]! - 2) < 1e-12);
});

Deno.test("the participation cap limits the fill, and an uncapped trade is charged in full", () => {
  const m = squareRootImpact({ sigma: [[0.01, 0.01]], adv: [[1e6, NaN]], participationCap: 0.05 });
  assert.ok(limitsFills(m));
  assert.ok(!limitsFills(feeCost({ venue: "binance" })));
  // $50k max per bar on $1m of equity = 5% of equity
  const filled = m.capTrade(0, 1e6, [0.2], new Float64Array(1));
  assert.equal(filled[0], 0.05);
  assert.equal(m.capTrade(0, 1e6, [-0.01], new Float64Array(1))[0], -0.01);
  // at bar 1 the ADV is unknown: nothing is filled; a trade priced there anyway (the engine's
  // uncapped end-of-data close) uses the latest bar that knows both, bar 0
  assert.equal(m.capTrade(1, 1e6, [0.01], new Float64Array(1))[0], 0);
  const late = new Float64Array(1);
  m.cost(bar(1, [0.01], 1e6), late);
  assert.equal(late[0], 0.01 * 0.01 * Math.sqrt(0.01 * 1e6 / 1e6));
  const never = squareRootImpact({ sigma: [[NaN, 0.01]], adv: [[1e6, NaN]] });
  assert.throws(() => never.cost(bar(1, [0.01], 1e6), new Float64Array(1)), /no earlier bar/);
  // an engine that ignores the cap pays the formula at 20% participation, not at the cap
  const out = new Float64Array(1);
  m.cost(bar(0, [0.2], 1e6), out);
  assert.ok(Math.abs(out[0]! - 0.2 * 0.01 * Math.sqrt(0.2)) < 1e-18);
  assert.throws(() => capTrade([1], [1], 1, 0, new Float64Array(1)), /cap must be > 0/);
  assert.throws(() => squareRootImpact({ sigma: [[1]], adv: [[1, 2]] }), /same shape/);
  assert.throws(() => m.cost(bar(5, [0.01], 1e6), new Float64Array(1)), /bars 0\.\.1/);
});

interface Summary {
  readonly finite: number;
  readonly sum: number;
  readonly sample: readonly (number | null)[];
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../../oracles/impact_inputs.json", import.meta.url), "utf8"),
) as {
  window: number;
  minPeriods: number;
  cases: Record<
    string,
    { path: string; rows: number; index: number[]; sigma: Summary; adv: Summary }
  >;
};

function closeVolume(path: string) {
  const rows = JSON.parse(readFileSync(realPath(...path.split("/")), "utf8")) as number[][];
  return {
    close: [Float64Array.from(rows, (r) => r[4]!)],
    volume: [Float64Array.from(rows, (r) => r[5]!)],
  };
}

function assertClose(got: Float64Array, want: Summary, index: number[], what: string) {
  let finite = 0, sum = 0;
  for (const v of got) if (Number.isFinite(v)) (finite++, sum += v);
  assert.equal(finite, want.finite, `${what} finite`);
  assert.ok(Math.abs(sum / want.sum - 1) < 1e-11, `${what} sum ${sum} vs ${want.sum}`);
  index.forEach((t, k) => {
    const w = want.sample[k];
    if (w === null || w === undefined) assert.ok(Number.isNaN(got[t]!), `${what}[${t}]`);
    else assert.ok(Math.abs(got[t]! / w - 1) < 1e-12, `${what}[${t}]: ${got[t]} vs ${w}`);
  });
}

for (const [name, c] of Object.entries(ORACLE.cases)) {
  realDataTest(`impactInputs equals pandas rolling std/mean shifted one bar on ${name}`, () => {
    const bars = closeVolume(c.path);
    const { sigma, adv } = impactInputs(bars, {
      window: ORACLE.window,
      minPeriods: ORACLE.minPeriods,
    });
    assertClose(sigma[0]!, c.sigma, c.index, "sigma");
    assertClose(adv[0]!, c.adv, c.index, "adv");
  });
}

realDataTest("impact at bar t does not move when bars t and later change", () => {
  const bars = closeVolume(ORACLE.cases["BTC_1h"]!.path);
  const base = impactInputs(bars, { window: 168 });
  const model = squareRootImpact(base);
  for (const t of [500, 20_000, bars.close[0]!.length - 1]) {
    const close = bars.close[0]!.slice(), volume = bars.volume[0]!.slice();
    for (let u = t; u < close.length; u++) {
      close[u] = close[u]! * (u % 2 ? 1.5 : 0.6);
      volume[u] = volume[u]! * 0.01;
    }
    const moved = squareRootImpact(
      impactInputs({ close: [close], volume: [volume] }, { window: 168 }),
    );
    for (const u of [t - 1, t]) {
      const a = new Float64Array(1), b = new Float64Array(1);
      model.cost(bar(u, [0.1], 1e7), a);
      moved.cost(bar(u, [0.1], 1e7), b);
      assert.equal(a[0], b[0], `impact at ${u} moved when bars >= ${t} changed`);
      assert.deepEqual(
        model.capTrade(u, 1e9, [1], new Float64Array(1)),
        moved.capTrade(u, 1e9, [1], new Float64Array(1)),
      );
    }
  }
});

Deno.test("the cap fills nothing where ADV is known but sigma is not yet (end of the warm-up)", () => {
  // window 4, minPeriods 2: ADV (values from bar 0) is known from bar 2, sigma (log returns
  // from bar 1) from bar 3; at bar 2 only ADV is known
  const T = 12;
  const close = [Float64Array.from({ length: T }, (_, t) => 100 + (t % 3))];
  const volume = [new Float64Array(T).fill(1e4)];
  const { sigma, adv } = impactInputs({ close, volume }, { window: 4, minPeriods: 2 });
  assert.ok(adv[0]![2]! > 0 && Number.isNaN(sigma[0]![2]!) && sigma[0]![3]! > 0);
  const impact = squareRootImpact({ sigma, adv });
  assert.equal(impact.capTrade(2, 1e6, [0.01], new Float64Array(1))[0], 0);
  assert.ok(impact.capTrade(3, 1e6, [1e-4], new Float64Array(1))[0]! > 0);
  // in the engine: decision row 0 fills at bar 1's close (opening bar 2): nothing there, the
  // order waits and the first fill opens bar 3; no throw
  const res = backtestWeights({ close }, [new Float64Array(T).fill(1e-4)], { costs: [impact] });
  assert.equal(res.traded[0]![2], 0);
  assert.ok(res.traded[0]![3]! > 0);
  assert.ok(res.totalCost.every((c) => Number.isFinite(c) && c >= 0));
});

Deno.test("impactInputs: a window of zero returns after moves has a volatility of exactly 0", () => {
  // six moves, then a flat price: from bar 7 + 3 = 10 on the window holds only zero returns
  // (running sums of squares left 1.3e-9 at bar 11 here before the shared rollingStat kernel)
  const close = [
    Float64Array.of(
      100,
      90.94,
      94.19,
      97.57,
      106.05,
      103.58,
      103.98,
      103.98,
      103.98,
      103.98,
      103.98,
      103.98,
    ),
  ];
  const volume = [new Float64Array(12).fill(1)];
  const { sigma } = impactInputs({ close, volume }, { window: 3, minPeriods: 2 });
  assert.ok(sigma[0]![4]! > 0);
  for (let t = 10; t < 12; t++) assert.equal(sigma[0]![t], 0, `bar ${t}`);
});
