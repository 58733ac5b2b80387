/**
 * ewmaCovariance and ewmaCovariancePath against pandas 1.5.3
 * `DataFrame.ewm(...).cov(bias=...)` (ignore_na=False) on real NFI hourly log returns.
 *
 * Oracle: tests/oracles/risk_models.py, four decays (halflife 24; span 48 adjust=False
 * bias=True; com 10 min_periods 500; alpha 0.05 adjust=False) on the "majors" and "nan"
 * cases, at hours 0, 1, 2, 30, 499, 500, 3000, 3600 and the last two; the same on hours
 * 3300..3599 ("window": two all-asset gaps inside, recent enough that how a gap ages and
 * renormalizes the weights shows); and halflife 168 on all 126 assets at the last hour.
 * Tolerances: our inputs differ from numpy's by an ulp of the log price (Math.log vs np.log,
 * ~2e-15 absolute, up to ~1e-12 relative on a small return). At the last hour (thousands of
 * rows) that leaves < 1e-13 of sqrt(S_ii S_jj): checked to 1e-12. Early in the path a cell rests
 * on two or three rows and the weighted n/(n-1) factor amplifies it: observed 2e-12, checked to
 * 1e-10. The closed form and the recursion are compared with each other to 1e-12.
 */
import assert from "node:assert/strict";
import {
  ewmaCovariance,
  type EwmaCovarianceOptions,
  ewmaCovariancePath,
} from "@lib/portfolio/ewma_covariance.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import {
  aggregate,
  assertAggregate,
  maxScaledError,
  nfiReturns,
  pick,
  riskOracle,
} from "./_risk_data.ts";

const ORACLE = riskOracle();

for (const name of ["majors", "nan"] as const) {
  for (const spec of ORACLE.cases[name].ewma) {
    realDataTest(
      `ewmaCovariance equals pandas ewm().cov() at the last hour: ${name} ${spec.name}`,
      () => {
        const r = pick(ORACLE.cases[name].assets);
        const opts = spec.options as EwmaCovarianceOptions;
        const err = maxScaledError(
          ewmaCovariance(r, opts),
          spec.path[spec.path.length - 1]!,
          "last",
        );
        assert.ok(err < 1e-12, `scaled error ${err}`);
      },
    );
    realDataTest(`ewmaCovariancePath equals pandas along the path: ${name} ${spec.name}`, () => {
      const r = pick(ORACLE.cases[name].assets);
      const opts = { ...(spec.options as EwmaCovarianceOptions), rows: spec.rows };
      const path = ewmaCovariancePath(r, opts);
      path.forEach((m, i) => {
        const err = maxScaledError(m, spec.path[i]!, `row ${spec.rows[i]}`);
        assert.ok(err < 1e-10, `row ${spec.rows[i]}: scaled error ${err}`);
      });
    });
  }
}

for (const spec of ORACLE.cases.window.ewma) {
  realDataTest(`ewmaCovariancePath equals pandas across recent gaps: ${spec.name}`, () => {
    const w = ORACLE.cases.window;
    const r = pick(w.assets).map((c) => c.slice(w.start, w.stop));
    const opts = spec.options as EwmaCovarianceOptions;
    const path = ewmaCovariancePath(r, { ...opts, rows: spec.rows });
    path.forEach((m, i) => {
      const err = maxScaledError(m, spec.path[i]!, `row ${spec.rows[i]}`);
      assert.ok(err < 1e-10, `row ${spec.rows[i]}: scaled error ${err}`);
    });
    // the closed form at the window's last hour, 111 hours after a 4-hour gap
    const last = ewmaCovariance(r, opts);
    const err = maxScaledError(last, spec.path[spec.path.length - 1]!, "last");
    assert.ok(err < 1e-12, `last: scaled error ${err}`);
  });
}

realDataTest("ewmaCovariance on all 126 assets (half-life 168 h) equals pandas", () => {
  const a = ORACLE.all;
  const cov = ewmaCovariance(nfiReturns().columns, { halfLife: 168 });
  assertAggregate(aggregate(cov), a.ewmaHalfLife168.aggregate, 1e-12, "126 assets");
  a.cells.forEach(([i, j], n) => {
    const e = a.ewmaHalfLife168.cells[n]!;
    const scale = Math.sqrt(cov[i]![i]! * cov[j]![j]!);
    assert.ok(Math.abs(cov[i]![j]! - e) <= 1e-12 * scale, `(${i}, ${j}): ${cov[i]![j]} vs ${e}`);
  });
});

/** Random returns with scattered and leading gaps. */
function gappy(seed: number, assets: number, rows: number): Float64Array[] {
  const rng = createRng(seed);
  return Array.from({ length: assets }, (_, j) =>
    Float64Array.from({ length: rows }, (_, t) => {
      if (t < j * 7 || rng.next() < 0.05) return NaN;
      return 0.01 * rng.normal();
    }));
}

Deno.test("ewmaCovariance (closed form) equals the last row of ewmaCovariancePath (recursion)", () => {
  const r = gappy(3, 6, 400);
  const specs: EwmaCovarianceOptions[] = [
    { halfLife: 10 },
    { span: 20, adjust: false },
    { com: 5, bias: true },
    { alpha: 0.3, adjust: false, bias: true, minPeriods: 390 },
  ];
  for (const spec of specs) {
    const last = ewmaCovariance(r, spec);
    const path = ewmaCovariancePath(r, { ...spec, rows: [399] })[0]!;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const a = last[i]![j]!, b = path[i]![j]!;
        if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${JSON.stringify(spec)} (${i}, ${j})`);
        else {
          const scale = Math.sqrt(path[i]![i]! * path[j]![j]!);
          assert.ok(Math.abs(a - b) <= 1e-12 * scale, `${JSON.stringify(spec)} (${i}, ${j})`);
        }
      }
    }
  }
});

Deno.test("ewmaCovariance keeps a pair whose last common row is ~3,000 half-lives old", () => {
  // b trades only in the first 50 of 3,000 rows; with alpha 0.5 pandas' running sums reach
  // 2^-2950 = 0 and it shows NaN at the end, although nothing changed after row 49
  const n = 3000;
  const a = Float64Array.from({ length: n }, (_, t) => Math.sin(t));
  const b = Float64Array.from({ length: n }, (_, t) => (t < 50 ? Math.cos(1.3 * t) : NaN));
  const last = ewmaCovariance([a, b], { alpha: 0.5 });
  const [at49, atEnd] = ewmaCovariancePath([a, b], { alpha: 0.5, rows: [49, n - 1] });
  assert.ok(Number.isNaN(atEnd![1]![1]!)); // pandas' underflow, reproduced by the recursion
  assert.ok(Number.isFinite(last[1]![1]!));
  assert.ok(Math.abs(last[1]![1]! - at49![1]![1]!) < 1e-15);
  assert.ok(Math.abs(last[0]![1]! - at49![0]![1]!) < 1e-15);
});

Deno.test("ewmaCovariancePath is causal: data after row t never changes row t", () => {
  const r = gappy(11, 4, 300);
  const rows = [50, 120, 200, 299];
  const base = ewmaCovariancePath(r, { halfLife: 12, rows });
  const changed = r.map((c) => c.slice());
  for (const c of changed) for (let t = 121; t < 300; t++) c[t] = c[t]! * 3 + 0.05;
  const after = ewmaCovariancePath(changed, { halfLife: 12, rows });
  for (const k of [0, 1]) assert.deepEqual(after[k], base[k]);
  assert.notDeepEqual(after[2], base[2]);
});

Deno.test("ewmaCovariance: a missing return is skipped but still ages the older rows", () => {
  // pandas ignore_na=False: with the gap, row 0 is 3 rows old at the end, not 2
  const withGap = ewmaCovariance([[1, NaN, 2, 4]], { alpha: 0.5, bias: true })[0]![0]!;
  const w = [0.125, 0.5, 1]; // (1 - 0.5)^age for rows 0, 2, 3
  const v = [1, 2, 4];
  const sw = w[0]! + w[1]! + w[2]!;
  const m = (w[0]! * v[0]! + w[1]! * v[1]! + w[2]! * v[2]!) / sw;
  const expected = w.reduce((s, wi, i) => s + wi * (v[i]! - m) ** 2, 0) / sw;
  assert.ok(Math.abs(withGap - expected) < 1e-15);
  const zeroFilled = ewmaCovariance([[1, 0, 2, 4]], { alpha: 0.5, bias: true })[0]![0]!;
  assert.notEqual(zeroFilled, withGap);
});

Deno.test("ewmaCovariance options are checked", () => {
  const r = [[0.01, 0.02, 0.03]];
  assert.throws(
    () => ewmaCovariance(r, {}),
    /exactly one of halfLife, span, com or alpha, got none/,
  );
  assert.throws(() => ewmaCovariance(r, { halfLife: 2, span: 3 }), /got halfLife, span/);
  assert.throws(() => ewmaCovariance(r, { halfLife: 0 }), /halfLife must be > 0/);
  assert.throws(() => ewmaCovariance(r, { span: 0.5 }), /span must be >= 1/);
  assert.throws(() => ewmaCovariance(r, { com: -1 }), /com must be >= 0/);
  assert.throws(() => ewmaCovariance(r, { alpha: 1.5 }), /alpha must be in \(0, 1\]/);
  assert.throws(() => ewmaCovariance(r, { alpha: 0.5, minPeriods: 1.5 }), /minPeriods/);
  assert.throws(
    () => ewmaCovariancePath(r, { alpha: 0.5, rows: [2, 1] }),
    /strictly increasing integers in \[0, 3\), got 1 at position 1/,
  );
});
