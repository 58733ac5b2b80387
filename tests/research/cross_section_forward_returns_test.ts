/**
 * Forward returns on the real 126-pair NFI hourly universe (which has exchange-wide outages and
 * late listings, so gaps) against pandas 1.5.3, and leakage tests: a value dated t is a function
 * of the returns of bars t+1..t+h alone.
 *
 * Oracle: tests/oracles/cross_section.py, for h = 1 and 24:
 *   strict      np.log(close).diff().rolling(h).sum().shift(-h)   -> forwardReturns(logReturns, h)
 *   fromCloses  np.log(close).shift(-h) - np.log(close)           -> forwardReturnsFromCloses
 * Tolerances: pandas takes log(c_t) - log(c_{t-1}), we log(c_t / c_{t-1}); each log is within
 * 1 ulp and |log c| < 12 here (ulp 1.8e-15), so one return differs by <= ~4e-15 and a sum of h
 * of them by <= h * 4e-15 (1e-13 at h = 24) plus the order of a 24-term sum (pandas' rolling
 * sum adds and removes with Kahan compensation): cells 2e-13. Whole-panel sums of |v| and v^2
 * over ~600k cells: relative 1e-10. Counts: exact.
 */
import assert from "node:assert/strict";
import { forwardReturns, forwardReturnsFromCloses } from "@lib/research/forward_returns.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { aggregate, loadNfiSignals, readCrossSectionOracle } from "./_nfi_signals.ts";

const ORACLE = readCrossSectionOracle();

function closeRel(a: number, e: number, rel: number, what: string) {
  assert.ok(Math.abs(a - e) <= rel * Math.abs(e), `${what}: ${a} vs pandas ${e}`);
}

realDataTest("forwardReturns and forwardReturnsFromCloses equal pandas on the NFI panel", () => {
  const s = loadNfiSignals();
  for (const h of [1, 24]) {
    const o = ORACLE.forward[String(h)]!;
    const strict = forwardReturns(s.rev1, h);
    const spanning = forwardReturnsFromCloses(s.close, h);
    for (
      const [mine, theirs, what] of [[strict, o.strict, "strict"], [
        spanning,
        o.fromCloses,
        "fromCloses",
      ]] as const
    ) {
      const a = aggregate(mine);
      assert.equal(a.count, theirs.count, `h=${h} ${what} count`);
      closeRel(a.sumAbs, theirs.sumAbs, 1e-10, `h=${h} ${what} sum|v|`);
      closeRel(a.sumSq, theirs.sumSq, 1e-10, `h=${h} ${what} sum v^2`);
    }
    for (const smp of o.samples) {
      s.assets.forEach((_, a) => {
        for (const [mine, e] of [[strict, smp.strict[a]], [spanning, smp.fromCloses[a]]] as const) {
          const v = mine[a]![smp.row]!;
          if (e === null || e === undefined) assert.ok(Number.isNaN(v), `h=${h} a=${a} ${v}`);
          else assert.ok(Math.abs(v - e) <= 2e-13, `h=${h} a=${a} t=${smp.row}: ${v} vs ${e}`);
        }
      });
    }
    // Across gaps the two definitions part: only where a bar inside the horizon is missing.
    let onlySpanning = 0;
    for (let a = 0; a < s.assets.length; a++) {
      for (let t = 0; t < s.length; t++) {
        const x = strict[a]![t]!, y = spanning[a]![t]!;
        if (Number.isFinite(x)) assert.ok(Math.abs(x - y) <= 2e-13, "same value without gaps");
        else if (Number.isFinite(y)) {
          onlySpanning++;
          let hole = false;
          for (let i = t + 1; i < t + h; i++) hole ||= Number.isNaN(s.close[a]![i]!);
          assert.ok(hole, `asset ${a} t=${t}: strict NaN needs a missing close inside`);
        }
      }
    }
    assert.equal(onlySpanning, o.fromClosesOnly, `h=${h}: cells finite only across a gap`);
    if (h === 24) assert.ok(onlySpanning > 1000, "the sample does exercise gaps");
  }
});

realDataTest(
  "forward[t] uses exactly bars t+1..t+h: perturbing anything else moves nothing",
  () => {
    const s = loadNfiSignals();
    const rng = createRng(2024);
    const h = 24;
    const assets = [0, 17, 60, 125];
    const base = forwardReturns(assets.map((a) => s.rev1[a]!), h);
    for (let trial = 0; trial < 40; trial++) {
      const k = rng.int(assets.length);
      let t = 200 + rng.int(s.length - 400);
      while (!Number.isFinite(base[k]![t]!)) t++; // a finite target, so (3) below can fail
      const r = s.rev1[assets[k]!]!;
      // (1) returns after t+h: changed (noise, and a NaN) -> nothing dated <= t moves, bit for bit
      const after = Float64Array.from(r);
      for (let i = t + h + 1; i < after.length; i++) after[i] = 0.05 * rng.normal();
      after[t + h + 1 + rng.int(50)] = NaN;
      const fa = forwardReturns([after], h)[0]!;
      for (let u = 0; u <= t; u++) assert.ok(Object.is(fa[u], base[k]![u]), `after: t=${t} u=${u}`);
      // (2) returns at or before t: changed -> nothing dated >= t moves, bit for bit
      const before = Float64Array.from(r);
      for (let i = 0; i <= t; i++) before[i] = 0.05 * rng.normal();
      const fb = forwardReturns([before], h)[0]!;
      for (let u = t; u < r.length; u++) assert.ok(Object.is(fb[u], base[k]![u]), `before: u=${u}`);
      // (3) the test can fail: a return inside (t, t+h] does move forward[t]
      const inside = Float64Array.from(r);
      inside[t + 1 + rng.int(h)] = 0.5;
      const fi = forwardReturns([inside], h)[0]!;
      assert.ok(!Object.is(fi[t], base[k]![t]), `inside: t=${t}`);
    }
  },
);

realDataTest(
  "a causal signal at t and forward[t] share no bar (no leakage into an IC pair)",
  () => {
    const s = loadNfiSignals();
    const h = 24, lookback = 24;
    const r = s.rev1[3]!;
    // trailing momentum from bars t-23..t: what a causal signal dated t may use
    const momentum = (x: Float64Array) =>
      Float64Array.from(x, (_, t) => {
        if (t < lookback - 1) return NaN;
        let m = 0;
        for (let i = t - lookback + 1; i <= t; i++) m += x[i]!;
        return m;
      });
    const sig = momentum(r), fwd = forwardReturns([r], h)[0]!;
    for (const t0 of [500, 1500, 3000, 4500]) {
      let t = t0;
      while (!Number.isFinite(sig[t]!) || !Number.isFinite(fwd[t]!)) t++; // both defined
      const future = Float64Array.from(r);
      for (let i = t + 1; i <= t + h; i++) future[i] = future[i]! + 0.1; // move the target's bars
      assert.ok(Object.is(momentum(future)[t], sig[t]), "signal at t ignores t+1..t+h");
      assert.ok(!Object.is(forwardReturns([future], h)[0]![t], fwd[t]), "the target moved");
      const past = Float64Array.from(r);
      for (let i = t - lookback + 1; i <= t; i++) past[i] = past[i]! - 0.1; // move the signal's bars
      assert.ok(Object.is(forwardReturns([past], h)[0]![t], fwd[t]), "target at t ignores <= t");
      assert.ok(!Object.is(momentum(past)[t], sig[t]), "the signal moved");
    }
  },
);

Deno.test("forwardReturns: edges, gaps, the last h bars, and bad horizons", () => {
  const r = new Float64Array([0.1, 0.2, 0.3, NaN, 0.4, 0.5, 0.6]);
  const [f1] = forwardReturns([r], 1);
  assert.deepEqual([...f1!], [0.2, 0.3, NaN, 0.4, 0.5, 0.6, NaN]);
  const [f2] = forwardReturns([r], 2);
  assert.deepEqual([...f2!].map((v) => Number.isNaN(v) ? v : Math.round(v * 10) / 10), [
    0.5,
    NaN,
    NaN,
    0.9,
    1.1,
    NaN,
    NaN,
  ]);
  const [f7] = forwardReturns([r], 7);
  assert.ok(f7!.every(Number.isNaN), "horizon longer than the data");
  assert.throws(() => forwardReturns([r], 0), /h must be an integer >= 1 bars, got 0/);
  assert.throws(() => forwardReturnsFromCloses([r], 1.5), /got 1.5/);
  const [fc] = forwardReturnsFromCloses([new Float64Array([1, 0, 2, -1, 4])], 1);
  assert.ok(fc!.slice(0, 4).every(Number.isNaN), "non-positive closes give NaN, not -Inf");
});
