/**
 * The per-timestamp panel functions (winsorizeCrossSection, zscoreCrossSection,
 * neutralizeCrossSection, orthogonalizeSignals) against pandas 1.5.3 / statsmodels 0.13.5 over
 * ALL 5,493 hourly cross-sections of the 126-pair NFI universe, against the one-cross-section
 * functions column by column, and for locality in time (a value at t uses the cross-section at
 * t only, so a causal signal stays causal).
 *
 * Oracle: tests/oracles/cross_section.py (exact calls in its docstring):
 *   winsorizeCrossSection(mom24)              per row x.clip(x.quantile(.01), x.quantile(.99))
 *   zscoreCrossSection(mom24, {clip: 3})      per row ((x - x.mean()) / x.std()).clip(-3, 3)
 *   neutralizeCrossSection(mom24, [dv24, mom24l])  per row sm.OLS(y, add_constant(X)).resid
 *   orthogonalizeSignals([mom168, mom24, rev1])    per row sequential sm.OLS residuals;
 *     before/after = mean over rows of DataFrame.corr() of the inputs / the residuals
 * Tolerances: per cell as in tests/stats/cross_section_vectors_test.ts (1e-14 winsorize, 1e-12
 * the others); whole-panel sums of |v| and v^2 over ~600k cells, each good to those bounds:
 * relative 1e-10; counts exact; average correlations (means of ~5,300 two-pass Pearson
 * correlations that agree to ~1e-15): 1e-12.
 */
import assert from "node:assert/strict";
import {
  neutralizeCrossSection,
  orthogonalizeSignals,
  winsorizeCrossSection,
  zscoreCrossSection,
} from "@lib/research/cross_section.ts";
import { winsorize } from "@lib/stats/winsorize.ts";
import { zscore } from "@lib/stats/zscore.ts";
import { neutralize } from "@lib/stats/neutralize.ts";
import { orthogonalize } from "@lib/stats/orthogonalize.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import {
  type Aggregate,
  aggregate,
  crossSection,
  loadNfiSignals,
  readCrossSectionOracle,
} from "./_nfi_signals.ts";

const ORACLE = readCrossSectionOracle();

function assertAggregate(panel: readonly Float64Array[], e: Aggregate, what: string) {
  const a = aggregate(panel);
  assert.equal(a.count, e.count, `${what}: finite cells`);
  assert.ok(Math.abs(a.sumAbs - e.sumAbs) <= 1e-10 * e.sumAbs, `${what}: sum|v| ${a.sumAbs}`);
  assert.ok(Math.abs(a.sumSq - e.sumSq) <= 1e-10 * e.sumSq, `${what}: sum v^2 ${a.sumSq}`);
}

function assertRow(
  panel: readonly Float64Array[],
  t: number,
  expected: readonly (number | null)[],
  tol: number,
  what: string,
) {
  expected.forEach((e, a) => {
    const v = panel[a]![t]!;
    if (e === null) assert.ok(Number.isNaN(v), `${what} t=${t} a=${a}: ${v}, oracle NaN`);
    else assert.ok(Math.abs(v - e) <= tol, `${what} t=${t} a=${a}: ${v} vs ${e}`);
  });
}

/** Apply a one-cross-section function at every t (the reference the panel code must equal). */
function byColumn(
  panels: readonly (readonly Float64Array[])[],
  fn: (xs: Float64Array[]) => Float64Array[],
): Float64Array[][] {
  const nAssets = panels[0]!.length, n = panels[0]![0]!.length;
  let out: Float64Array[][] | undefined;
  for (let t = 0; t < n; t++) {
    const res = fn(panels.map((p) => crossSection(p, t)));
    out ??= res.map(() => Array.from({ length: nAssets }, () => new Float64Array(n)));
    res.forEach((col, j) => col.forEach((v, a) => out![j]![a]![t] = v));
  }
  return out!;
}

function assertSamePanel(a: readonly Float64Array[], b: readonly Float64Array[], what: string) {
  a.forEach((s, i) => s.forEach((v, t) => assert.ok(Object.is(v, b[i]![t]), `${what} ${i} ${t}`)));
}

realDataTest("winsorize/zscore cross-sections equal pandas at every hour of the NFI panel", () => {
  const s = loadNfiSignals();
  const w = winsorizeCrossSection(s.mom24);
  const z = zscoreCrossSection(s.mom24, { clip: 3 });
  assertAggregate(w, ORACLE.aggregates.winsorize, "winsorize");
  assertAggregate(z, ORACLE.aggregates.zscore, "zscore");
  for (const o of ORACLE.samples) {
    assertRow(w, o.row, o.winsorize, 1e-14, "winsorize");
    assertRow(z, o.row, o.zscore, 1e-12, "zscore");
  }
  // the panel loop is the vector function applied per timestamp, bit for bit
  assertSamePanel(w, byColumn([s.mom24], ([x]) => [winsorize(x!)])[0]!, "winsorize by column");
  assertSamePanel(z, byColumn([s.mom24], ([x]) => [zscore(x!, { clip: 3 })])[0]!, "zscore");
});

realDataTest("neutralizeCrossSection equals statsmodels OLS residuals at every hour", () => {
  const s = loadNfiSignals();
  const r = neutralizeCrossSection(s.mom24, [s.dv24, s.mom24l]);
  assertAggregate(r, ORACLE.aggregates.neutralize, "neutralize");
  for (const o of ORACLE.samples) assertRow(r, o.row, o.neutralize, 1e-12, "neutralize");
  const ref = byColumn([s.mom24, s.dv24, s.mom24l], ([y, d, m]) => [neutralize(y!, [d!, m!])]);
  assertSamePanel(r, ref[0]!, "neutralize by column");
});

realDataTest(
  "orthogonalizeSignals equals sequential statsmodels OLS; correlation before/after",
  () => {
    const s = loadNfiSignals();
    const o = orthogonalizeSignals([s.mom168, s.mom24, s.rev1], {
      names: ["mom168", "mom24", "rev1"],
    });
    const e = ORACLE.orthogonalize;
    assert.deepEqual(o.names, ["mom168", "mom24", "rev1"]);
    assert.equal(o.periods, e.periods);
    o.signals.forEach((p, j) => {
      assertAggregate(p, ORACLE.aggregates.orthogonalize[j]!, `orthogonalize ${j}`);
      for (const smp of ORACLE.samples) {
        assertRow(p, smp.row, smp.orthogonalize[j]!, 1e-12, `orthogonalize ${j}`);
      }
    });
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        assert.ok(Math.abs(o.before[i]![j]! - e.before[i]![j]!) <= 1e-12, `before[${i}][${j}]`);
        assert.ok(Math.abs(o.after[i]![j]! - e.after[i]![j]!) <= 1e-12, `after[${i}][${j}]`);
      }
    }
    assert.ok(Math.abs(o.averageAbsCorrelationBefore - e.averageAbsCorrelationBefore) <= 1e-12);
    // the point of the exercise: 24h and 1-week momentum overlap (~0.36), after it is gone
    assert.ok(o.averageAbsCorrelationBefore > 0.1, `${o.averageAbsCorrelationBefore}`);
    assert.ok(o.averageAbsCorrelationAfter < 1e-12 && e.averageAbsCorrelationAfter < 1e-12);
    const ref = byColumn([s.mom168, s.mom24, s.rev1], (xs) => orthogonalize(xs));
    o.signals.forEach((p, j) => assertSamePanel(p, ref[j]!, `orthogonalize ${j} by column`));
  },
);

Deno.test("panel transforms are local in time: changing bars after t moves nothing at or before t", () => {
  const rng = createRng(99);
  const nAssets = 30, n = 120;
  const panel = () =>
    Array.from(
      { length: nAssets },
      () => Float64Array.from({ length: n }, () => rng.next() < 0.1 ? NaN : rng.normal()),
    );
  const sig = panel(), b = panel(), c = panel();
  const runs = (x: Float64Array[], y: Float64Array[], z: Float64Array[]) => [
    winsorizeCrossSection(x, { lower: 0.1, upper: 0.9 }),
    zscoreCrossSection(x, { clip: 2 }),
    neutralizeCrossSection(x, [y, z]),
    ...orthogonalizeSignals([x, y, z]).signals,
  ];
  const base = runs(sig, b, c);
  for (const t0 of [10, 59, 100]) {
    const change = (p: Float64Array[]) =>
      p.map((s) => Float64Array.from(s, (v, t) => t > t0 ? v * 3 + rng.normal() : v));
    const moved = runs(change(sig), change(b), change(c));
    moved.forEach((p, k) =>
      p.forEach((s, a) => {
        for (let t = 0; t <= t0; t++) {
          assert.ok(Object.is(s[t], base[k]![a]![t]), `output ${k} asset ${a} t=${t} (t0=${t0})`);
        }
        assert.ok(s.slice(t0 + 1).some((v, i) => !Object.is(v, base[k]![a]![t0 + 1 + i])));
      })
    );
  }
});

Deno.test("panel transforms: shape checks and degenerate timestamps", () => {
  const a = new Float64Array([1, NaN, 3]), b = new Float64Array([2, NaN, 3]);
  const c = new Float64Array([4, NaN, 3]);
  const z = zscoreCrossSection([a, b, c]);
  // t=0 has dispersion, t=1 no value, t=2 all equal (no scale)
  assert.ok(z.every((s) => Number.isFinite(s[0]!) && Number.isNaN(s[1]!) && Number.isNaN(s[2]!)));
  assert.ok(winsorizeCrossSection([a, b, c]).every((s) => Number.isNaN(s[1]!)));
  assert.throws(
    () => winsorizeCrossSection([a, new Float64Array(2)]),
    /asset 1 has 2 bars, asset 0 has 3/,
  );
  assert.throws(
    () => neutralizeCrossSection([a, b], [[a]]),
    /exposure 0 has 1 assets, the signal has 2/,
  );
  assert.throws(() => orthogonalizeSignals([]), /at least one signal panel/);
  assert.throws(
    () => orthogonalizeSignals([[a], [b]], { names: ["x"] }),
    /got 1 names for 2 signals/,
  );
  const one = orthogonalizeSignals([[a, b, c]]);
  assert.ok(Number.isNaN(one.averageAbsCorrelationBefore) && one.periods === 1);
  assert.equal(one.before[0]![0], 1);
});
