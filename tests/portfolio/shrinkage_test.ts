/**
 * ledoitWolf and oas against scikit-learn 1.2.1 (Debian) `sklearn.covariance.ledoit_wolf` /
 * `oas`, and ledoitWolfConstantCorrelation against an independent numpy transcription of
 * Ledoit & Wolf's 2004 MATLAB `covCor.m`, on real NFI hourly log returns.
 *
 * Oracle: tests/oracles/risk_models.py. sklearn refuses NaN, so the oracle passes
 * `r.dropna()` (rows where every asset has a return) and our functions drop the same rows
 * themselves (listwise deletion, reported as `nobs`): "majors" 5,475 rows x 12 assets, "nan"
 * 2,983 x 15 (late listings cut the history), "all" 1,215 x 126 (shrinkage, sums and 62 cells).
 * Tolerances: both sides form X'X / T over the same centred rows (BLAS vs our unrolled loops);
 * observed cell errors are below 1e-14 of sqrt(S_ii S_jj) and shrinkage intensities agree to a
 * relative 1e-14, so cells are checked to 1e-13 of that scale, intensities to 1e-12 relative,
 * and the 126-asset sums to 1e-12 relative.
 */
import assert from "node:assert/strict";
import { ledoitWolf } from "@lib/portfolio/ledoit_wolf.ts";
import { oas } from "@lib/portfolio/oas.ts";
import { ledoitWolfConstantCorrelation } from "@lib/portfolio/ledoit_wolf_constant_correlation.ts";
import { symmetricEigen } from "@lib/portfolio/_linear.ts";
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

function assertRel(actual: number, expected: number, tol: number, what: string) {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.abs(expected),
    `${what}: ${actual} vs ${expected}`,
  );
}

function minEigenvalue(m: readonly Float64Array[]): number {
  const k = m.length;
  const flat = new Float64Array(k * k);
  m.forEach((row, i) => flat.set(row, i * k));
  return Math.min(...symmetricEigen(flat, k).values);
}

for (const name of ["majors", "nan"] as const) {
  const c = ORACLE.cases[name];
  realDataTest(`ledoitWolf equals sklearn ledoit_wolf on ${name}`, () => {
    const r = ledoitWolf(pick(c.assets));
    assert.equal(r.nobs, c.shrinkage.nobs);
    assertRel(r.shrinkage, c.shrinkage.ledoitWolf.shrinkage, 1e-12, "shrinkage");
    const err = maxScaledError(r.covariance, c.shrinkage.ledoitWolf.covariance, "ledoitWolf");
    assert.ok(err < 1e-13, `scaled error ${err}`);
    assert.ok(minEigenvalue(r.covariance) > 0);
  });
  realDataTest(`oas equals sklearn oas on ${name}`, () => {
    const r = oas(pick(c.assets));
    assert.equal(r.nobs, c.shrinkage.nobs);
    assertRel(r.shrinkage, c.shrinkage.oas.shrinkage, 1e-12, "shrinkage");
    const err = maxScaledError(r.covariance, c.shrinkage.oas.covariance, "oas");
    assert.ok(err < 1e-13, `scaled error ${err}`);
  });
  realDataTest(`ledoitWolfConstantCorrelation equals covCor.m (2004) on ${name}`, () => {
    const r = ledoitWolfConstantCorrelation(pick(c.assets));
    const e = c.shrinkage.constantCorrelation;
    assert.equal(r.nobs, c.shrinkage.nobs);
    assertRel(r.shrinkage, e.shrinkage, 1e-12, "shrinkage");
    assertRel(r.averageCorrelation, e.averageCorrelation, 1e-13, "rBar");
    const err = maxScaledError(r.covariance, e.covariance, "constant correlation");
    assert.ok(err < 1e-13, `scaled error ${err}`);
    assert.ok(minEigenvalue(r.covariance) > 0);
  });
}

realDataTest("ledoitWolf and oas with assumeCentered equal sklearn's assume_centered=True", () => {
  const c = ORACLE.cases.majors;
  const e = c.assumeCentered!;
  const lw = ledoitWolf(pick(c.assets), { assumeCentered: true });
  assertRel(lw.shrinkage, e.ledoitWolfShrinkage, 1e-12, "ledoitWolf shrinkage");
  assert.ok(maxScaledError(lw.covariance, e.ledoitWolf, "lw") < 1e-13);
  const o = oas(pick(c.assets), { assumeCentered: true });
  assertRel(o.shrinkage, e.oasShrinkage, 1e-12, "oas shrinkage");
  assert.ok(maxScaledError(o.covariance, e.oas, "oas") < 1e-13);
});

realDataTest("shrinkage estimators on all 126 assets equal sklearn and covCor.m", () => {
  const a = ORACLE.all;
  const cols = nfiReturns().columns;
  const results = {
    ledoitWolf: ledoitWolf(cols),
    oas: oas(cols),
    constantCorrelation: ledoitWolfConstantCorrelation(cols),
  };
  for (const [key, r] of Object.entries(results) as [keyof typeof results, typeof results.oas][]) {
    assert.equal(r.nobs, a.nobs, key);
    assertRel(r.shrinkage, a[key].shrinkage, 1e-12, `${key} shrinkage`);
    assertAggregate(aggregate(r.covariance), a[key].aggregate, 1e-12, key);
    a.cells.forEach(([i, j], n) => {
      const e = a[key].cells[n]!;
      const scale = Math.sqrt(r.covariance[i]![i]! * r.covariance[j]![j]!);
      assert.ok(Math.abs(r.covariance[i]![j]! - e) <= 1e-13 * scale, `${key} (${i}, ${j})`);
    });
  }
  assertRel(
    results.constantCorrelation.averageCorrelation,
    a.constantCorrelation.averageCorrelation,
    1e-13,
    "rBar",
  );
});

Deno.test("shrinkage estimators drop incomplete rows, never fill them with zeros", () => {
  const rng = createRng(5);
  const cols = [0, 1, 2].map(() => Float64Array.from({ length: 60 }, () => 0.01 * rng.normal()));
  const gappy = cols.map((c) => c.slice());
  gappy[1]![7] = NaN;
  gappy[2]![30] = NaN;
  const complete = cols.map((c) => c.filter((_, t) => t !== 7 && t !== 30));
  for (const f of [ledoitWolf, oas, ledoitWolfConstantCorrelation]) {
    const a = f(gappy), b = f(complete);
    assert.equal(a.nobs, 58);
    assert.equal(a.shrinkage, b.shrinkage);
    assert.deepEqual(a.covariance, b.covariance);
  }
});

Deno.test("shrinkage estimators: edge cases and errors", () => {
  // one asset: sklearn returns the (biased) variance and shrinkage 0
  const lw = ledoitWolf([[1, 2, 3, 6]]);
  assert.equal(lw.shrinkage, 0);
  assert.equal(lw.covariance[0]![0], 3.5);
  assert.equal(oas([[1, 2, 3, 6]]).covariance[0]![0], 3.5);
  assert.throws(() => ledoitWolf([[NaN, 1], [1, NaN]]), /only 0 of 2 rows have a finite return/);
  assert.throws(
    () => ledoitWolfConstantCorrelation([[1, 2, 3]]),
    /need at least 2 assets/,
  );
  assert.throws(
    () => ledoitWolfConstantCorrelation([[1, 2, 3], [4, 4, 4]], { names: ["A", "FLAT"] }),
    /asset 1 \(FLAT\) is constant over the 3 complete rows/,
  );
  assert.throws(
    () => ledoitWolfConstantCorrelation([[1, 2, 3], [1, 3, 2]], { shrinkage: 2 }),
    /shrinkage must be in \[0, 1\]/,
  );
  // a given intensity is used as is (covCor.m's second argument)
  const fixed = ledoitWolfConstantCorrelation([[1, 2, 3, 5], [1, 3, 2, 4]], { shrinkage: 1 });
  assert.equal(fixed.shrinkage, 1);
  assert.ok(
    Math.abs(
      fixed.covariance[0]![1]! -
        fixed.averageCorrelation * Math.sqrt(fixed.covariance[0]![0]! * fixed.covariance[1]![1]!),
    ) < 1e-15,
  );
});
