/**
 * White's Reality Check, Hansen's SPA and Romano-Wolf StepM against the numpy reference
 * tests/oracles/spa.py run on the SAME stationary-bootstrap indices (drawn in Python, stored in
 * the JSON, fed here), on random families and on 20 BTC daily momentum lookbacks vs buy and hold.
 * The "partial" family puts trials on both sides of the consistent threshold so the consistent
 * p-value differs from both bounds (recentring with d-bar everywhere, or a doubled threshold,
 * fails it); "losing" has no trial above the benchmark (T = 0, every p-value 1).
 */
import assert from "node:assert/strict";
import { realityCheck } from "@lib/stats/reality_check.ts";
import { stepM } from "@lib/stats/step_m.ts";
import { superiorPredictiveAbility } from "@lib/stats/superior_predictive_ability.ts";
import { stationaryBootstrap } from "@lib/stats/stationary_bootstrap.ts";
import type { BootstrapIndices } from "@lib/stats/stationary_bootstrap.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../../_shared/real_data.ts";
import { momentumFamily } from "./_real_family.ts";

// gzip: the stored indices and trial returns are 2.4 MB as text
const oracle = JSON.parse(
  await new Response(
    new Blob([Deno.readFileSync(new URL("../../oracles/spa.json.gz", import.meta.url))])
      .stream().pipeThrough(new DecompressionStream("gzip")),
  ).text(),
);

// deno-lint-ignore no-explicit-any
function indicesOf(o: any): BootstrapIndices {
  const bytes = Uint8Array.from(atob(o.indices), (c) => c.charCodeAt(0));
  return {
    indices: new Int32Array(bytes.buffer),
    n: o.n,
    replications: o.replications,
    blockLength: NaN,
    method: "stationary",
  };
}

function close(a: number, b: number, what: string) {
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

// deno-lint-ignore no-explicit-any
function check(trials: Float64Array[], bench: Float64Array, o: any) {
  const indices = indicesOf(o);
  assert.equal(indices.indices.length, o.n * o.replications);
  const rc = realityCheck(trials, bench, { indices });
  close(rc.statistic, o.rcStatistic, "RC statistic");
  assert.equal(rc.pValue, o.rcPValue);
  const spa = superiorPredictiveAbility(trials, bench, { indices });
  close(spa.statistic, o.spaStatistic, "SPA statistic");
  spa.tStatistics.forEach((t, k) => close(t, o.t[k], `t ${k}`));
  spa.omega.forEach((w, k) => close(w, o.omega[k], `omega ${k}`));
  spa.meanDifferentials.forEach((m, k) => close(m, o.means[k], `mean ${k}`));
  assert.deepEqual(spa.pValues, o.spa);
  const sm = stepM(trials, bench, { indices, alpha: o.alpha });
  assert.deepEqual(Array.from(sm.rejected), o.rejected);
  assert.deepEqual(Array.from(sm.step), o.step);
  assert.equal(sm.criticalValues.length, o.criticalValues.length);
  sm.criticalValues.forEach((c, s) => close(c, o.criticalValues[s], `critical value ${s}`));
}

for (const key of ["random", "noise", "partial", "losing"]) {
  Deno.test(`RC, SPA and StepM equal the numpy reference on the same indices (${key} family)`, () => {
    const o = oracle[key];
    const trials = (o.trials as number[][]).map((c) => Float64Array.from(c));
    check(trials, Float64Array.from(o.benchmark), o);
  });
}

realDataTest("RC, SPA and StepM equal the numpy reference on BTC daily momentum lookbacks", () => {
  const { trials, benchmark } = momentumFamily(20);
  check(trials, benchmark, oracle.momentum);
});

Deno.test("the partial family separates the three SPA p-values (the oracle exercises the consistent recentring)", () => {
  const p = oracle.partial.spa;
  assert.ok(p.lower < p.consistent && p.consistent < p.upper, JSON.stringify(p));
});

Deno.test("no trial beats the benchmark (T = 0): every SPA p-value is 1, as the Reality Check's", () => {
  // Reviewer's case: two losing trials gave SPA lower 0 and consistent 0 next to RC p = 1.
  const rng = createRng(77);
  const bench = Float64Array.from({ length: 500 }, () => 0.01 * rng.normal());
  const trials = [0.003, 0.001].map((loss) =>
    Float64Array.from(bench, (b) => b - loss + 0.01 * rng.normal())
  );
  const o = { blockLength: 3, replications: 300, seed: 2 };
  const spa = superiorPredictiveAbility(trials, bench, o);
  assert.equal(spa.statistic, 0);
  assert.deepEqual(spa.pValues, { lower: 1, consistent: 1, upper: 1 });
  assert.ok(realityCheck(trials, bench, o).pValue > 0.9);
});

Deno.test("SPA is studentized: a noisy irrelevant trial does not hide a good one (RC is fooled)", () => {
  // Trial 0: a steady edge. Trial 1: a loss and 20x the noise, so its resampled means swing
  // widely. The Reality Check's unstudentized maximum is driven by trial 1; SPA divides by omega.
  const rng = createRng(21);
  const n = 1000;
  const bench = new Float64Array(n);
  const good = Float64Array.from(bench, () => 0.0012 + 0.01 * rng.normal());
  const loud = Float64Array.from(bench, () => -0.02 + 0.2 * rng.normal());
  const o = { blockLength: 2, replications: 1000, seed: 4 };
  const rc = realityCheck([good, loud], bench, o);
  const spa = superiorPredictiveAbility([good, loud], bench, o);
  assert.ok(spa.pValues.consistent < 0.01, `SPA ${spa.pValues.consistent}`);
  assert.ok(rc.pValue > 0.2, `RC ${rc.pValue}`);
});

Deno.test("same seed, same p-values; given indices reproduce a drawn run exactly", () => {
  const rng = createRng(8);
  const bench = Float64Array.from({ length: 400 }, () => 0.01 * rng.normal());
  const trials = Array.from(
    { length: 8 },
    () => Float64Array.from(bench, (b) => b + 0.01 * rng.normal()),
  );
  const drawn = superiorPredictiveAbility(trials, bench, {
    blockLength: 5,
    replications: 300,
    seed: 9,
  });
  const indices = stationaryBootstrap(400, { blockLength: 5, replications: 300, seed: 9 });
  const given = superiorPredictiveAbility(trials, bench, { indices });
  assert.deepEqual(given.pValues, drawn.pValues);
  assert.equal(given.statistic, drawn.statistic);
  assert.throws(
    () => realityCheck(trials, bench.subarray(1), { indices }),
    /trial 0 has 400 rows, the benchmark 399/,
  );
  assert.throws(() => stepM(trials, bench, { indices, alpha: 1 }), /alpha must be in \(0, 1\)/);
});

Deno.test("under the null: SPA and RC reject at about 5%, StepM names a false winner at most ~5%", () => {
  // 200 null families (5 trials, no edge, i.i.d. rows so block length 1 is right). The rejection
  // counts at 5% should sit in a binomial band around 10 of 200 (0.1% tails: 2..21); SPA and
  // StepM may be conservative, never liberal beyond the band.
  let spaBelow = 0, rcBelow = 0, stepAny = 0;
  for (let s = 0; s < 200; s++) {
    const rng = createRng(500 + s);
    const bench = new Float64Array(250);
    const trials = Array.from({ length: 5 }, () => Float64Array.from(bench, () => rng.normal()));
    const o = { blockLength: 1, replications: 200, seed: s };
    const indices = stationaryBootstrap(250, o);
    if (superiorPredictiveAbility(trials, bench, { indices }).pValues.consistent <= 0.05) {
      spaBelow++;
    }
    if (realityCheck(trials, bench, { indices }).pValue <= 0.05) rcBelow++;
    if (stepM(trials, bench, { indices, alpha: 0.05 }).rejected.length > 0) stepAny++;
  }
  assert.ok(spaBelow >= 2 && spaBelow <= 21, `SPA: ${spaBelow} of 200 below 5%`);
  assert.ok(rcBelow >= 2 && rcBelow <= 21, `RC: ${rcBelow} of 200 below 5%`);
  assert.ok(stepAny <= 21, `StepM: a false rejection in ${stepAny} of 200 families`);
});
