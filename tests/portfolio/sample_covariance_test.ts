/**
 * sampleCovariance against pandas 1.5.3 `DataFrame.cov()` (pairwise-complete, ddof 1) and numpy
 * 1.24.2 `np.cov(X.T, ddof=0)` on real NFI hourly log returns.
 *
 * Oracle: tests/oracles/risk_models.py (cases "majors": 12 full-history assets; "nan": the same
 * plus GRT, CAKE and ALICE, listed late, so pairs overlap over 2,983 to 5,475 hours; "all": the
 * 126-asset universe, aggregates and 62 sampled cells).
 * Tolerances: both sides use two passes (means first) over up to 5,475 rows; the observed error
 * is below 1e-14 of sqrt(S_ii S_jj), so cells are checked to 1e-13 of that scale and the
 * whole-universe sums to a relative 1e-12.
 */
import assert from "node:assert/strict";
import { sampleCovariance } from "@lib/portfolio/sample_covariance.ts";
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

realDataTest("sampleCovariance equals pandas DataFrame.cov() on full-history assets", () => {
  const c = ORACLE.cases.majors;
  const err = maxScaledError(sampleCovariance(pick(c.assets)), c.sampleCovariance, "majors");
  assert.ok(err < 1e-13, `scaled error ${err}`);
});

realDataTest("sampleCovariance equals pandas pairwise DataFrame.cov() with late listings", () => {
  const c = ORACLE.cases.nan;
  const err = maxScaledError(sampleCovariance(pick(c.assets)), c.sampleCovariance, "nan");
  assert.ok(err < 1e-13, `scaled error ${err}`);
});

realDataTest("sampleCovariance ddof 0 equals np.cov(ddof=0) on complete rows", () => {
  const c = ORACLE.cases.majors;
  const cols = pick(c.assets);
  const keep: number[] = [];
  for (let t = 0; t < cols[0]!.length; t++) {
    if (cols.every((col) => Number.isFinite(col[t]!))) keep.push(t);
  }
  const complete = cols.map((col) => Float64Array.from(keep, (t) => col[t]!));
  const err = maxScaledError(
    sampleCovariance(complete, { ddof: 0 }),
    c.sampleCovarianceDdof0!,
    "ddof0",
  );
  assert.ok(err < 1e-13, `scaled error ${err}`);
});

realDataTest("sampleCovariance on all 126 assets equals pandas at sampled cells and in sum", () => {
  const a = ORACLE.all;
  const cov = sampleCovariance(nfiReturns().columns, { names: nfiReturns().assets });
  assertAggregate(aggregate(cov), a.sampleCovariance.aggregate, 1e-12, "126 assets");
  a.cells.forEach(([i, j], n) => {
    const e = a.sampleCovariance.cells[n]!;
    const scale = Math.sqrt(cov[i]![i]! * cov[j]![j]!);
    assert.ok(Math.abs(cov[i]![j]! - e) <= 1e-13 * scale, `(${i}, ${j}): ${cov[i]![j]} vs ${e}`);
  });
});

Deno.test("sampleCovariance treats NaN and Infinity as missing, never as zero", () => {
  const x = [0.01, -0.02, 0.03, 0.005, -0.01];
  const y = [0.02, -0.01, 0.01, 0.0, 0.015];
  const withGap = [0.02, NaN, 0.01, Infinity, 0.015];
  const cov = sampleCovariance([x, withGap]);
  // by hand over rows 0, 2, 4 (pandas DataFrame.cov does the same)
  const rows = [0, 2, 4];
  const mx = rows.reduce((s, t) => s + x[t]!, 0) / 3, my = rows.reduce((s, t) => s + y[t]!, 0) / 3;
  const expected = rows.reduce((s, t) => s + (x[t]! - mx) * (y[t]! - my), 0) / 2;
  assert.ok(Math.abs(cov[0]![1]! - expected) < 1e-18);
  const zeroFilled = sampleCovariance([x, [0.02, 0, 0.01, 0, 0.015]]);
  assert.notEqual(zeroFilled[0]![1], cov[0]![1]);
  // x's variance still uses all 5 rows
  const full = sampleCovariance([x, y]);
  assert.equal(cov[0]![0], full[0]![0]);
});

Deno.test("sampleCovariance: one block of shared gaps equals the pair-by-pair path", () => {
  // columns 0-2 share their gaps (one Gram block), column 3 has its own (pair by pair)
  const n = 200;
  const cols = [0, 1, 2, 3].map((j) =>
    Float64Array.from({ length: n }, (_, t) => Math.sin(0.37 * t * (j + 1)) + 0.1 * j)
  );
  for (const t of [5, 17, 99]) for (let j = 0; j < 3; j++) cols[j]![t] = NaN;
  for (const t of [3, 17, 150]) cols[3]![t] = NaN;
  const cov = sampleCovariance(cols);
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const pair = sampleCovariance([cols[a]!, cols[b]!]);
      // a two-column call puts a and b in one block only when their gaps match
      assert.ok(Math.abs(cov[a]![b]! - pair[0]![1]!) < 1e-15, `(${a}, ${b})`);
    }
  }
});

Deno.test("sampleCovariance refuses a pair with too few overlapping rows, naming it", () => {
  const a = [0.01, 0.02, NaN, NaN, NaN];
  const b = [NaN, NaN, 0.01, 0.03, -0.01];
  assert.throws(
    () => sampleCovariance([a, b], { names: ["AAA", "BBB"] }),
    /assets 0 \(AAA\) and 1 \(BBB\) share 0 finite observations of 5, fewer than minPeriods = 2/,
  );
  assert.throws(
    () => sampleCovariance([a, a], { minPeriods: 3 }),
    /asset 0 has 2 finite observations/,
  );
  assert.throws(() => sampleCovariance([a], { ddof: 1, minPeriods: 1 }), /minPeriods must be/);
  assert.throws(() => sampleCovariance([a], { ddof: -1 }), /ddof must be an integer >= 0/);
  assert.throws(() => sampleCovariance([a, [1, 2]]), /column 1 has 2 rows, column 0 has 5/);
  assert.throws(() => sampleCovariance([]), /no assets given/);
});
