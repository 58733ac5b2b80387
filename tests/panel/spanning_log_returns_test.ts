/**
 * Gap-spanning returns keep the price move across a gap (review finding C5). Expected values
 * are exact arithmetic on hand-picked closes: the closes below are chosen so that every
 * expected number is a ratio of two of them, computed once with Math.log / division.
 */
import assert from "node:assert/strict";
import { closeSpan, logReturns, spanningLogReturns } from "@lib/panel/mod.ts";
import { annualizedReturn, cumulativeReturns, maxDrawdown } from "@lib/stats/mod.ts";

// 100 -> 104 -> (3 missing hours) -> 52 -> 55 -> 60: the crash happened during the gap.
const CLOSE = new Float64Array([NaN, 100, 104, NaN, NaN, NaN, 52, 55, 60, NaN]);

Deno.test("spanningLogReturns: the first bar after a gap carries the whole move, NaN elsewhere", () => {
  const r = spanningLogReturns(CLOSE);
  const nan = [0, 1, 3, 4, 5, 9];
  for (const t of nan) assert.ok(Number.isNaN(r[t]!), `r[${t}] should be NaN, got ${r[t]}`);
  assert.equal(r[2], Math.log(104 / 100));
  assert.equal(r[6], Math.log(52 / 104));
  assert.equal(r[7], Math.log(55 / 52));
  assert.equal(r[8], Math.log(60 / 55));
  // never a zero where data is missing
  for (let t = 0; t < r.length; t++) assert.notEqual(r[t], 0);
  assert.deepEqual(closeSpan(CLOSE), { first: 1, last: 8, elapsed: 7 });
  assert.equal(spanningLogReturns(new Float64Array(0)).length, 0);
  assert.ok(spanningLogReturns([Infinity, 1, 2]).slice(0, 2).every(Number.isNaN));
});

Deno.test("with spanning returns the cumulative return is last/first - 1 and the drawdown sees the gap", () => {
  const span = spanningLogReturns(CLOSE);
  const cum = cumulativeReturns(span);
  // 1e-12: a sum of 4 logs then expm1, a few ulps of error at most
  assert.ok(Math.abs(cum[8]! - (60 / 100 - 1)) < 1e-12, `cumulative ${cum[8]} vs ${60 / 100 - 1}`);
  assert.ok(Number.isNaN(cum[4]!), "the hole stays visible");
  const dd = maxDrawdown(span);
  assert.ok(Math.abs(dd.maxDrawdown - (1 - 52 / 104)) < 1e-12, `drawdown ${dd.maxDrawdown}`);
  // the level is carried through the hole, and the peak is the latest index at the peak level
  assert.deepEqual([dd.peakIndex, dd.troughIndex], [5, 6]);

  // The strict one-period returns lose the crash: this is the trap the spanning returns avoid.
  const strict = logReturns(CLOSE);
  assert.ok(Math.abs(cumulativeReturns(strict)[8]! - (60 / 52 * 104 / 100 - 1)) < 1e-12);
  assert.ok(maxDrawdown(strict).maxDrawdown < 1e-12);
});

Deno.test("annualizedReturn over elapsed periods spreads ln(last/first) over the time that passed", () => {
  const span = spanningLogReturns(CLOSE);
  const { elapsed } = closeSpan(CLOSE);
  const a = annualizedReturn(span, 8760, { elapsedPeriods: elapsed });
  assert.ok(Math.abs(a.logReturn - Math.log(60 / 100) / 7 * 8760) < 1e-9);
  assert.equal(a.periods, 4);
  assert.equal(a.elapsedPeriods, 7);
  // default: the mean over the 4 returns recorded (the old behaviour, kept for strict returns)
  const d = annualizedReturn(span, 8760);
  assert.ok(Math.abs(d.logReturn - Math.log(60 / 100) / 4 * 8760) < 1e-9);
  assert.equal(d.elapsedPeriods, 4);
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(
      () => annualizedReturn(span, 8760, { elapsedPeriods: bad }),
      /elapsedPeriods must be a positive finite number/,
    );
  }
});
