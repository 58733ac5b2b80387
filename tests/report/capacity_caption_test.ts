/**
 * The capacity chart says what its data say (before, every caption ended "costs grow faster
 * than the capital", even when the net Sharpe rose, implied a monotone curve, and never showed
 * that a participation cap leaves a large book under-invested): the costs clause follows the
 * direction, a non-monotone curve says where it turns, and each run's fill ratio (gross
 * exposure held / targeted, `fillRatio`) is labelled, tabled and, below 95%, named in the
 * caption. Oracle for the fill ratio: the engine's own participation cap on a hand-sized book
 * (cap 10% of ADV): a $1,000 book fills every order (ratio 1 to 1e-12), a $10m book flipping
 * its sign every 50 bars never catches up with its target (ratio below 0.5).
 */
import assert from "node:assert/strict";
import { capacityChart, describeCapacity } from "@lib/report/charts/capacity.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { fillRatio } from "@lib/backtest/costs/fill_ratio.ts";

const capital = [1e4, 1e5, 1e6, 1e7, 1e8];

Deno.test("capacity caption: a rising curve does not say costs grow faster than the capital", () => {
  const up = describeCapacity({ capital, netSharpe: [0.2, 0.4, 0.6, 0.8, 1.0] });
  assert.doesNotMatch(up, /grow faster than the capital|take a larger share/);
  assert.match(
    up,
    /Size-dependent costs do not lower the net Sharpe ratio from \$10,000 to \$100,000,000/,
  );
  const down = describeCapacity({ capital, netSharpe: [1.5, 1.4, 1.1, 0.4, -0.6] });
  assert.match(down, /take a larger share of the returns as the capital grows/);
  assert.doesNotMatch(down, /not monotone/);
  const caption = capacityChart({
    capital,
    netSharpe: [0.2, 0.4, 0.6, 0.8, 1.0],
    netReturn: capital.map(() => 0),
    netCagr: capital.map(() => 0),
  }).caption!;
  assert.doesNotMatch(caption, /grow faster than the capital/);
});

Deno.test("capacity caption: a non-monotone curve says where it turns", () => {
  const t = describeCapacity({ capital, netSharpe: [1.0, 1.5, 0.8, 0.8, 0.3] });
  assert.match(
    t,
    /It is not monotone: it peaks at 1\.50 at \$100,000, so the ends alone do not describe it/,
  );
  const w = describeCapacity({ capital, netSharpe: [1.0, 1.5, 0.8, 1.2, 0.3] });
  assert.match(
    w,
    /peaks at 1\.50 at \$100,000 and bottoms at 0\.80 at \$1,000,000 and peaks at 1\.20 at \$10,000,000/,
  );
});

Deno.test("capacity: the fill ratio per capital from the engine's participation cap, tabled and in the caption", () => {
  const T = 400;
  const close = [Float64Array.from({ length: T }, (_, t) => 100 * (1 + 0.01 * Math.sin(t / 3)))];
  // ADV 1e6 a bar: the cap fills at most 1e5 of quote currency a bar
  const impact = squareRootImpact({
    sigma: [new Float64Array(T).fill(0.01)],
    adv: [new Float64Array(T).fill(1e6)],
    participationCap: 0.1,
  });
  const target = [Float64Array.from({ length: T }, (_, t) => (Math.floor(t / 50) % 2 ? 1 : -1))];
  const fills = [1e3, 1e7].map((c) =>
    fillRatio(backtestWeights({ close }, target, { initialEquity: c, costs: [impact] }), target, 1)
  );
  // a $1,000 book always fills; a $10m one is capped far below its orders
  assert.ok(Math.abs(fills[0]! - 1) < 1e-12, `${fills[0]}`);
  assert.ok(fills[1]! < 0.5, `${fills[1]}`);
  const fig = capacityChart({
    capital: [1e3, 1e7],
    netSharpe: [1.0, 1.3],
    netReturn: [0.1, 0.1],
    netCagr: [0.1, 0.1],
    fillRatio: fills,
  });
  assert.deepEqual(fig.data.columns.map((c) => c.key).at(-1), "fill_ratio");
  assert.equal(fig.data.rows[1]![4], fills[1]);
  assert.match(fig.svg, /fill 100%/);
  assert.match(
    fig.caption!,
    new RegExp(
      `From \\$10,000,000 the participation cap leaves the book under-invested: ` +
        `${(fills[1]! * 100).toFixed(0)}% of the targeted gross exposure is held there`,
    ),
  );
  assert.doesNotMatch(
    capacityChart({
      capital: [1e3, 1e7],
      netSharpe: [1, 1.3],
      netReturn: [0, 0],
      netCagr: [0, 0],
      fillRatio: [1, 0.99],
    }).caption!,
    /under-invested/,
  );
});
