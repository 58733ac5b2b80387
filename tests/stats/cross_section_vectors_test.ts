/**
 * The one-cross-section functions (winsorize, zscore, neutralize, orthogonalize) against pandas
 * 1.5.3 / statsmodels 0.13.5 on real cross-sections of the 126-pair NFI hourly universe, plus
 * their edge cases.
 *
 * Oracle: tests/oracles/cross_section.py (exact calls in its docstring), 12 timestamps spread
 * over the sample; at each, every asset's value:
 *   winsorize(mom24)                   x.clip(x.quantile(0.01), x.quantile(0.99))
 *   zscore(mom24, {clip: 3})           ((x - x.mean()) / x.std()).clip(-3, 3)
 *   neutralize(mom24, [dv24, mom24l])  sm.OLS(y, sm.add_constant(X)).fit().resid, complete rows
 *   orthogonalize([mom168, mom24, rev1])  sequential sm.OLS(...).fit().resid with a constant
 */
import assert from "node:assert/strict";
import { winsorize } from "@lib/stats/winsorize.ts";
import { linearQuantileInPlace } from "@lib/stats/winsorize.ts";
import { zscore } from "@lib/stats/zscore.ts";
import { neutralize } from "@lib/stats/neutralize.ts";
import { orthogonalize } from "@lib/stats/orthogonalize.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { crossSection, loadNfiSignals, readCrossSectionOracle } from "../research/_nfi_signals.ts";

const ORACLE = readCrossSectionOracle();

function assertClose(
  actual: ArrayLike<number>,
  expected: readonly (number | null)[],
  tol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!, a = actual[i]!;
    if (e === null) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: ${a}, pandas NaN`);
    } else {
      assert.ok(Math.abs(a - e) <= tol, `${what}[${i}]: ${a} vs oracle ${e}`);
    }
  }
}

realDataTest("winsorize and zscore equal pandas on real 24h-momentum cross-sections", () => {
  const s = loadNfiSignals();
  assert.deepEqual(s.assets, ORACLE.assets);
  assert.equal(s.firstTs, ORACLE.gridStart);
  assert.equal(s.length, ORACLE.gridLength);
  for (const o of ORACLE.samples) {
    const x = crossSection(s.mom24, o.row);
    // The quantile formula is numpy's own (same lerp), so thresholds equal pandas' bit for bit
    // on identical inputs; the inputs are logs (V8's vs numpy's log may differ by 1 ulp,
    // |mom24| < 2 so ~4e-16), and the interpolation cannot amplify that past a few ulps: 1e-14.
    assertClose(winsorize(x), o.winsorize, 1e-14, `winsorize row ${o.row}`);
    // pandas sums in another order (and may use bottleneck): mean and std agree to ~1e-16
    // relative; a score of at most 3 is then good to ~1e-15. 1e-12 leaves room, not slack for
    // a formula error (ddof 0 vs 1 alone moves scores by ~0.4%).
    assertClose(zscore(x, { clip: 3 }), o.zscore, 1e-12, `zscore row ${o.row}`);
  }
});

realDataTest("neutralize and orthogonalize equal statsmodels OLS residuals per timestamp", () => {
  const s = loadNfiSignals();
  for (const o of ORACLE.samples) {
    const t = o.row;
    // statsmodels solves by pinv (SVD), we by Householder QR: on these well-conditioned designs
    // (3 columns, ~120 rows) residuals agree to ~1e-15 of the signal scale (|mom24| ~ 0.05);
    // 1e-12 absolute allows for the conditioning of the log dollar volume column (values ~20).
    const y = crossSection(s.mom24, t);
    const r = neutralize(y, [crossSection(s.dv24, t), crossSection(s.mom24l, t)]);
    assertClose(r, o.neutralize, 1e-12, `neutralize row ${t}`);
    const orth = orthogonalize([
      crossSection(s.mom168, t),
      crossSection(s.mom24, t),
      crossSection(s.rev1, t),
    ]);
    orth.forEach((col, j) => assertClose(col, o.orthogonalize[j]!, 1e-12, `orth ${j} row ${t}`));
  }
});

Deno.test("linearQuantileInPlace equals sorting then numpy's linear interpolation", () => {
  const rng = createRng(7);
  const qs = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1, 1 / 3];
  for (let trial = 0; trial < 300; trial++) {
    const m = 1 + rng.int(150);
    // many ties on some trials, to exercise the partition's equal-to-pivot path
    const levels = trial % 3 === 0 ? 1 + rng.int(4) : 0;
    const x = Float64Array.from(
      { length: m },
      () => levels > 0 ? rng.int(levels) : rng.normal(),
    );
    const sorted = Float64Array.from(x).sort();
    for (const q of qs) {
      const pos = (m - 1) * ((q * 100) / 100);
      const i = Math.floor(pos), g = pos - i;
      const a = sorted[i]!, b = sorted[Math.min(i + 1, m - 1)]!;
      const expected = g >= 0.5 ? b - (b - a) * (1 - g) : a + (b - a) * g;
      const buf = Float64Array.from(x);
      assert.equal(linearQuantileInPlace(buf, m, q), expected, `m=${m} q=${q}`);
      assert.deepEqual(buf.sort(), sorted, "the multiset is kept");
    }
  }
});

Deno.test("winsorize: NaN kept and excluded, whole range leaves x unchanged, bad options", () => {
  const x = [3, NaN, -1, 10, 2, Infinity];
  const w = winsorize(x, { lower: 0.25, upper: 0.75 });
  // finite values sorted: -1 2 3 10; q25 at pos 0.75 -> 1.25, q75 at 2.25 -> 4.75
  assert.deepEqual([...w], [3, NaN, 1.25, 4.75, 2, NaN]);
  assert.deepEqual([...winsorize(x, { lower: 0, upper: 1 })], [3, NaN, -1, 10, 2, NaN]);
  assert.ok(winsorize([NaN, NaN]).every(Number.isNaN));
  assert.deepEqual([...winsorize([5])], [5]);
  assert.throws(() => winsorize(x, { lower: 0.9, upper: 0.1 }), /0 <= lower <= upper <= 1/);
  assert.throws(() => winsorize(x, { upper: 1.5 }), /upper=1.5/);
});

Deno.test("zscore: ddof, clip, constant and too-short cross-sections give NaN", () => {
  const z0 = zscore([1, 2, 3], { ddof: 0 });
  assert.ok(Math.abs(z0[2]! - 1 / Math.sqrt(2 / 3)) < 1e-15);
  assert.ok(zscore([0.1, 0.1, 0.1, NaN]).every(Number.isNaN), "no dispersion");
  assert.ok(zscore([4, NaN]).every(Number.isNaN), "one value, ddof 1");
  const c = zscore([0, 0, 0, 0, 0, 0, 0, 0, 0, 100], { clip: 2 });
  assert.equal(c[9], 2);
  assert.ok(c[0]! > -2 && c[0]! < 0);
  assert.throws(() => zscore([1, 2], { clip: 0 }), /clip must be a positive number/);
  assert.throws(() => zscore([1, 2], { ddof: -1 }), /ddof must be an integer >= 0/);
});

Deno.test("neutralize: residuals orthogonal to exposures; unidentified fits are all NaN", () => {
  const rng = createRng(3);
  const n = 60;
  const beta = Float64Array.from({ length: n }, () => 1 + 0.3 * rng.normal());
  const size = Float64Array.from({ length: n }, () => 20 + 2 * rng.normal());
  const y = Float64Array.from({ length: n }, (_, i) => 0.5 * beta[i]! + 0.01 * rng.normal());
  y[5] = NaN;
  size[7] = NaN;
  const r = neutralize(y, [beta, size]);
  assert.ok(Number.isNaN(r[5]!) && Number.isNaN(r[7]!));
  // orthogonal to each exposure and to the constant, relative to the sizes involved (a cosine)
  const cosine = (u: ArrayLike<number>) => {
    let dot = 0, uu = 0, rr = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(r[i]!)) continue;
      dot += r[i]! * u[i]!;
      uu += u[i]! * u[i]!;
      rr += r[i]! * r[i]!;
    }
    return Math.abs(dot) / Math.sqrt(uu * rr);
  };
  for (const u of [beta, size, new Float64Array(n).fill(1)]) assert.ok(cosine(u) < 1e-12);
  // without intercept, the residuals need not sum to 0, but stay orthogonal to the exposure
  const r0 = neutralize([1, 2, 3, 5], [[1, 1, 1, 2]], { intercept: false });
  assert.ok(Math.abs(r0[0]! + r0[1]! + r0[2]! + 2 * r0[3]!) < 1e-14);
  // no exposures: demeaned
  const d = neutralize([1, 2, 6], []);
  [-2, -1, 3].forEach((e, i) => assert.ok(Math.abs(d[i]! - e) < 1e-14));
  assert.deepEqual([...neutralize([1, 2, 6], [], { intercept: false })], [1, 2, 6]);
  // collinear exposures, or no more rows than regressors: NaN, never an arbitrary split
  assert.ok(neutralize([1, 2, 3, 4], [[1, 2, 3, 4], [2, 4, 6, 8]]).every(Number.isNaN));
  assert.ok(neutralize([1, 2, NaN], [[3, 1, 2]]).every(Number.isNaN));
  assert.throws(() => neutralize([1, 2, 3], [[1, 2]]), /exposure 0 has 2 values, y has 3/);
});

Deno.test("orthogonalize: mutually orthogonal outputs; constant or redundant signals are NaN", () => {
  const rng = createRng(11);
  const n = 80;
  const a = Float64Array.from({ length: n }, () => rng.normal());
  const b = Float64Array.from({ length: n }, (_, i) => 0.7 * a[i]! + 0.3 * rng.normal());
  const c = Float64Array.from({ length: n }, (_, i) => a[i]! - b[i]! + 0.5 * rng.normal());
  c[3] = NaN;
  const [oa, ob, oc] = orthogonalize([a, b, c]);
  for (const o of [oa!, ob!, oc!]) assert.ok(Number.isNaN(o[3]!), "row 3 dropped from all");
  const dot = (u: Float64Array, v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) if (i !== 3) s += u[i]! * v[i]!;
    return s;
  };
  assert.ok(Math.abs(dot(oa!, ob!)) < 1e-12 && Math.abs(dot(oa!, oc!)) < 1e-12);
  assert.ok(Math.abs(dot(ob!, oc!)) < 1e-12);
  // order is priority: the first keeps its shape (only demeaned)
  const ma = (a.reduce((s, v, i) => i === 3 ? s : s + v, 0)) / (n - 1);
  assert.ok(Math.abs(oa![0]! - (a[0]! - ma)) < 1e-14);
  // a constant signal and a duplicate carry nothing new: NaN, and later ones still work
  const k = new Float64Array(n).fill(2);
  const [, ok, od, oe] = orthogonalize([a, k, Float64Array.from(a, (v) => 3 * v - 1), c]);
  assert.ok(ok!.every(Number.isNaN) && od!.every(Number.isNaN));
  assert.ok(Math.abs(dot(oa!, oe!)) < 1e-12 && Number.isFinite(oe![0]!));
  assert.throws(() => orthogonalize([a, [1, 2]]), /signal 1 has 2 values, signal 0 has 80/);
});
