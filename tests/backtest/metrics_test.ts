/**
 * Unit tests of lib/backtest/metrics by hand computation (expected values derived in each
 * test's comment); the pandas comparison on a real backtest is in metrics_oracle_test.ts.
 */
import assert from "node:assert/strict";
import {
  cagr,
  calendarReturns,
  drawdowns,
  elapsedMs,
  hitRate,
  monthlyReturnsTable,
  performanceSummary,
  periodsPerYear,
  topDrawdowns,
} from "@lib/backtest/metrics/mod.ts";

const DAY = 86_400_000;

Deno.test("CAGR: $100 -> $200 in one calendar year is 100% (quantstats' 252 trap shows ~61%)", () => {
  // 365 daily bars from 2021-01-01 to the close of 2021-12-31 compounding to exactly 2x.
  const r = new Float64Array(365).fill(Math.pow(2, 1 / 365) - 1);
  const index = Float64Array.from({ length: 365 }, (_, t) => Date.UTC(2021, 0, 1) + t * DAY);
  const c = cagr(r, elapsedMs(index, DAY));
  assert.ok(Math.abs(c - 1) < 1e-12, `got ${c}`);
  // quantstats: years = 364 calendar days / 252 -> 2^(252/364) - 1 = 0.6157...; we are not that
  const quantstats = Math.pow(2, 252 / 364) - 1;
  assert.ok(Math.abs(c - quantstats) > 0.3);
  // the same doubling on hourly bars over the same year is also 100%
  const rh = new Float64Array(8760).fill(Math.pow(2, 1 / 8760) - 1);
  const ih = Float64Array.from({ length: 8760 }, (_, t) => Date.UTC(2021, 0, 1) + t * 3_600_000);
  assert.ok(Math.abs(cagr(rh, elapsedMs(ih, 3_600_000)) - 1) < 1e-9);
  assert.ok(Math.abs(performanceSummary(rh, ih, 3_600_000).cagr - 1) < 1e-9);
  // half a year doubling is 300% a year: 2^2 - 1
  assert.ok(Math.abs(cagr([1], 365 * DAY / 2) - 3) < 1e-12);
});

Deno.test("periodsPerYear: 365-day years from the bar length", () => {
  assert.equal(periodsPerYear(3_600_000), 8760);
  assert.equal(periodsPerYear(60_000), 525_600);
  assert.throws(() => periodsPerYear(0), /bar length must be a positive number/);
});

Deno.test("drawdowns: an unrecovered episode runs to the last close; top drawdowns deepest first", () => {
  // equity 1 -> 1.1 -> 0.99 (-10%) -> 1.188 (new high) -> 0.594 (-50%) -> 0.7128
  const r = [0.1, -0.1, 0.2, -0.5, 0.2];
  const index = [0, 10, 20, 30, 40];
  const d = drawdowns(r, index, 10);
  assert.equal(d.episodes.length, 2);
  const [a, b] = d.episodes;
  assert.deepEqual([a!.peakPoint, a!.troughPoint, a!.recoveryPoint, a!.bars], [1, 2, 3, 2]);
  assert.deepEqual([a!.peakTs, a!.troughTs, a!.recoveryTs], [10, 20, 30]);
  assert.equal(b!.recovered, false);
  assert.deepEqual([b!.peakPoint, b!.troughPoint, b!.recoveryPoint, b!.bars], [3, 4, -1, 2]);
  assert.equal(b!.durationMs, 50 - 30); // from the close of bar 2 to the close of bar 4
  assert.ok(Number.isNaN(b!.recoveryTs));
  assert.ok(Math.abs(d.maxDrawdown - -0.5) < 1e-15);
  assert.deepEqual(topDrawdowns(d, 1).map((e) => e.peakPoint), [3]);
  // underwater: 0, -0.1, 0, -0.5, -0.4
  assert.deepEqual([...d.underwater].map((v) => Math.round(v * 1e12) / 1e12), [
    0,
    -0.1,
    0,
    -0.5,
    -0.4,
  ]);
  // a loss on the first bar: the peak is the start (point 0, the first bar's open)
  const e = drawdowns([-0.2, 0.25], [100, 110], 10).episodes[0]!;
  assert.deepEqual([e.peakPoint, e.peakTs, e.recoveryPoint, e.recoveryTs], [0, 100, 2, 120]);
});

Deno.test("calendar returns bucket by the bar's UTC open time; months without bars are NaN", () => {
  const h = 3_600_000;
  // 23:00 UTC Jan 31 is January; 00:00 Feb 1 is February
  const index = [Date.UTC(2021, 0, 31, 23), Date.UTC(2021, 1, 1, 0), Date.UTC(2021, 1, 1, 1)];
  const m = calendarReturns([0.1, 0.1, 0.1], index, "month");
  assert.deepEqual([...m.start], [Date.UTC(2021, 0, 1), Date.UTC(2021, 1, 1)]);
  assert.ok(Math.abs(m.returns[1]! - 0.21) < 1e-15);
  const rows = monthlyReturnsTable([0.1, 0.1, 0.1], index);
  assert.ok(Number.isNaN(rows[0]!.months[2]!));
  assert.ok(Math.abs(rows[0]!.yearReturn - (1.1 ** 3 - 1)) < 1e-15);
  assert.throws(() => calendarReturns([0, 0], [h, h], "day"), /must ascend/);
});

Deno.test("hit rate leaves flat bars out; summary of a flat run has no drawdown", () => {
  assert.equal(hitRate([0, 0, 0.01, -0.01, 0.02]), 2 / 3);
  assert.ok(Number.isNaN(hitRate([0, 0])));
  const s = performanceSummary([0, 0, 0], [0, DAY, 2 * DAY], DAY);
  assert.equal(s.maxDrawdown, 0);
  assert.ok(Number.isNaN(s.sharpe));
  assert.ok(Number.isNaN(s.calmar));
  assert.ok(Number.isNaN(s.beta));
});
