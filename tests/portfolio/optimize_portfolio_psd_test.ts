/**
 * optimizePortfolio on covariances that are not positive semi-definite: every solver path
 * refuses them (status "notPositiveSemiDefinite", the smallest eigenvalue named) unless the
 * caller opts into the nearest-correlation repair; a PSD matrix (singular, or pairwise but PSD)
 * is accepted. References (tests/oracles/optimizer_psd.py): numpy 1.24.2 `eigvalsh` for the
 * eigenvalues, pandas 1.5.3 `DataFrame.cov()` for the pairwise covariance of eight NFI assets
 * cut to staggered windows, an independent numpy Higham (2002) for the repair and cvxopt 1.3.0
 * `solvers.qp` for the minimum-variance portfolios.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  optimizePortfolio,
  type OptimizePortfolioOptions,
  PSD_TOLERANCE,
} from "@lib/portfolio/optimize_portfolio.ts";
import { psdWithin } from "@lib/portfolio/_psd.ts";
import { sampleCovariance } from "@lib/portfolio/sample_covariance.ts";
import { ledoitWolf } from "@lib/portfolio/ledoit_wolf.ts";
import { oas } from "@lib/portfolio/oas.ts";
import { ewmaCovariance } from "@lib/portfolio/ewma_covariance.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiReturns, pick } from "./_risk_data.ts";

interface StaggeredCase {
  length: number;
  step: number;
  windows: [number, number][];
  covariance: number[][];
  eigenvalues: number[];
  meanVariance: number;
  repaired?: number[][];
  minVarianceRepaired?: { status: string; weights: number[]; objective: number };
  minVariance?: { status: string; weights: number[]; objective: number };
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/optimizer_psd.json", import.meta.url), "utf8"),
) as {
  oracle: string;
  assets: string[];
  toy: { covariance: number[][]; eigenvalues: number[] };
  staggered: StaggeredCase;
  staggeredPsd: StaggeredCase;
};

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function quad(s: readonly ArrayLike<number>[], w: ArrayLike<number>): number {
  let v = 0;
  for (let i = 0; i < w.length; i++) {
    for (let j = 0; j < w.length; j++) v += w[i]! * s[i]![j]! * w[j]!;
  }
  return v;
}

/** One problem per solver path: the active set on the weights, the dense dual QP, maxSharpe. */
function everyPath(covariance: readonly ArrayLike<number>[]): [string, OptimizePortfolioOptions][] {
  const n = covariance.length;
  const mu = Array.from({ length: n }, (_, i) => 0.001 * (i + 1));
  const box = { longOnly: false, minWeight: -5, maxWeight: 5 };
  return [
    ["minVariance, box bounds (active set)", {
      covariance,
      objective: "minVariance",
      constraints: box,
    }],
    ["meanVariance, box, dollar-neutral, penalty (active set)", {
      covariance,
      expectedReturns: mu,
      objective: "meanVariance",
      constraints: { ...box, fullInvestment: false, netExposure: 0, turnover: { penalty: 1e-4 } },
    }],
    ["minVariance, long-only default (active set)", { covariance, objective: "minVariance" }],
    ["minVariance, gross exposure (dual QP)", {
      covariance,
      objective: "minVariance",
      constraints: { ...box, grossExposure: 3 },
    }],
    ["meanVariance, turnover limit (dual QP)", {
      covariance,
      expectedReturns: mu,
      objective: "meanVariance",
      constraints: { ...box, turnover: { limit: 2 } },
    }],
    ["maxSharpe, box", {
      covariance,
      expectedReturns: mu,
      objective: "maxSharpe",
      constraints: box,
    }],
    ["maxSharpe, long-only, no excess return", {
      covariance,
      expectedReturns: mu.map((m) => -m),
      objective: "maxSharpe",
    }],
  ];
}

Deno.test("optimizePortfolio refuses the reviewer's toy covariance on every solver path", () => {
  const cov = ORACLE.toy.covariance;
  const numpyMin = ORACLE.toy.eigenvalues[0]!; // numpy eigvalsh: -1
  for (const [what, options] of everyPath(cov)) {
    const r = optimizePortfolio(options);
    // before the fix the box path returned "optimal" [5, -5, 1] with variance 0 (true w'Sw -49)
    assert.equal(r.status, "notPositiveSemiDefinite", `${what}: ${r.status} ${r.message}`);
    assert.ok(r.weights.every(Number.isNaN), what);
    assert.ok(Number.isNaN(r.objective), what);
    assert.ok(Math.abs(r.diagnostics.smallestEigenvalue - numpyMin) < 1e-12, what);
    assert.equal(r.diagnostics.covarianceRepaired, false);
    assert.match(r.message, /not positive semi-definite: its smallest eigenvalue is -1\.00/);
    assert.match(r.message, /nearestCorrelation/);
    assert.match(r.message, /covarianceRepair: "nearestCorrelation"/);
    assert.match(r.message, /ledoitWolf/);
  }
});

Deno.test("optimizePortfolio: the PSD check's tolerance is relative to the scale", () => {
  // [[1, 1 + e], [1 + e, 1]] has eigenvalues 2 + e and -e; scaled by 1e-4 (hourly variances)
  const at = (e: number, scale: number) =>
    optimizePortfolio({
      covariance: [[scale, scale * (1 + e)], [scale * (1 + e), scale]],
      objective: "minVariance",
      constraints: { longOnly: false, minWeight: -1, maxWeight: 1 },
    });
  for (const scale of [1, 1e-4, 1e-8]) {
    // rounding-level defects (1e-13 of the mean variance) pass: singular but PSD to rounding
    assert.equal(at(1e-13, scale).status, "optimal", `${scale}`);
    assert.equal(at(0, scale).status, "optimal", `${scale}`);
    // 1e-9 of the mean variance, or ten times the tolerance, is a real defect
    assert.equal(at(1e-9, scale).status, "notPositiveSemiDefinite", `${scale}`);
    const r = at(10 * PSD_TOLERANCE, scale);
    assert.equal(r.status, "notPositiveSemiDefinite", `${scale}`);
    assert.ok(rel(r.diagnostics.smallestEigenvalue, -10 * PSD_TOLERANCE * scale) < 1e-3);
  }
  // a singular sample covariance (5 complete rows of 8 assets) is PSD: accepted
  const cols = Array.from(
    { length: 8 },
    (_, i) => Float64Array.from({ length: 5 }, (_, t) => Math.sin(1 + i * 7 + t * 3) * 0.01),
  );
  const singular = optimizePortfolio({
    covariance: sampleCovariance(cols),
    objective: "minVariance",
    constraints: { longOnly: false, minWeight: -1, maxWeight: 1 },
  });
  assert.equal(singular.status, "optimal");
  assert.ok(Number.isNaN(singular.diagnostics.smallestEigenvalue));
});

Deno.test("optimizePortfolio: a huge-variance asset does not hide a non-PSD block", () => {
  // the second review's case: the block [[1, 2], [2, 1]] has eigenvalue -1, only -3e-12 of the
  // mean variance 3.3e11; checked against the mean variance it gave "optimal" [0, 0.5, 0.5]
  // with "variance" 1.5 though [0, 1, 0] has 1. numpy eigvalsh of the correlation-scaled
  // matrix: 3, 1, -1
  const cov = [[1e12, 0, 0], [0, 1, 2], [0, 2, 1]];
  for (const [what, options] of everyPath(cov)) {
    const r = optimizePortfolio(options);
    assert.equal(r.status, "notPositiveSemiDefinite", `${what}: ${r.status} ${r.message}`);
    assert.ok(Math.abs(r.diagnostics.smallestEigenvalue + 1) < 1e-9, what);
    assert.match(r.message, /-1\.00 scaled to unit variances, where the check allows -1e-11/);
  }
  // the same huge variance beside a PSD block (correlation 0.5) is accepted
  const ok = optimizePortfolio({
    covariance: [[1e12, 0, 0], [0, 1, 0.5], [0, 0.5, 1]],
    objective: "minVariance",
    constraints: { longOnly: true },
  });
  assert.equal(ok.status, "optimal");
  assert.ok(Math.abs(ok.weights[0]!) < 1e-9 && rel(ok.weights[1]!, 0.5) < 1e-6);
  // a zero-variance asset (a constant series) with zero covariances is accepted; with a
  // covariance it cannot have, refused
  const flat = (c: number) =>
    optimizePortfolio({
      covariance: [[0, c, 0], [c, 1, 0.5], [0, 0.5, 1]],
      objective: "minVariance",
      constraints: { longOnly: true },
    }).status;
  assert.equal(flat(0), "optimal");
  assert.equal(flat(1e-17), "optimal");
  assert.equal(flat(1e-3), "notPositiveSemiDefinite");
  // a negative variance fails the check (optimizePortfolio refuses it earlier, with a RangeError)
  assert.equal(psdWithin(Float64Array.of(-1e-3, 0, 0, 1), 2, PSD_TOLERANCE), false);
  assert.equal(psdWithin(Float64Array.of(-1e-14, 0, 0, 1), 2, PSD_TOLERANCE), true);
});

Deno.test("optimizePortfolio: covarianceRepair must be a known value", () => {
  assert.throws(
    () =>
      optimizePortfolio({
        covariance: [[1, 0], [0, 1]],
        objective: "minVariance",
        covarianceRepair: "clip" as "none",
      }),
    /unknown covarianceRepair "clip"; use "none".*or "nearestCorrelation"/,
  );
});

/** The eight NFI columns cut to the case's windows (NaN outside), as the oracle cuts them. */
function staggered(c: StaggeredCase): Float64Array[] {
  return pick(ORACLE.assets).map((col, i) => {
    const [start, end] = c.windows[i]!;
    return Float64Array.from(col, (v, t) => (t >= start && t < end ? v : NaN));
  });
}

function assertPandasCov(got: readonly Float64Array[], want: number[][]) {
  got.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(rel(v, want[i]![j]!) < 1e-10, `cov(${i}, ${j})`))
  );
}

realDataTest(
  `optimizePortfolio refuses a pairwise covariance of NFI assets with staggered histories (${ORACLE.oracle})`,
  () => {
    const c = ORACLE.staggered;
    const cov = sampleCovariance(staggered(c));
    assertPandasCov(cov, c.covariance);
    const numpyMin = c.eigenvalues[0]!;
    assert.ok(numpyMin < -0.05 * c.meanVariance); // the oracle's own statement: not PSD
    for (const [what, options] of everyPath(cov)) {
      const r = optimizePortfolio({ ...options, assets: ORACLE.assets });
      assert.equal(r.status, "notPositiveSemiDefinite", `${what}: ${r.status}`);
      assert.ok(rel(r.diagnostics.smallestEigenvalue, numpyMin) < 1e-9, what);
      assert.match(
        r.message,
        /smallest eigenvalue is -2\.09e-5 \(-0\.0611 times its mean variance/,
      );
    }
  },
);

realDataTest(
  "optimizePortfolio with covarianceRepair: the nearest-correlation repair, then cvxopt's optimum",
  () => {
    const c = ORACLE.staggered;
    const cov = sampleCovariance(staggered(c));
    const r = optimizePortfolio({
      covariance: cov,
      objective: "minVariance",
      constraints: { longOnly: false, minWeight: -1, maxWeight: 1 },
      covarianceRepair: "nearestCorrelation",
    });
    assert.equal(r.status, "optimal", r.message);
    assert.equal(r.diagnostics.covarianceRepaired, true);
    assert.ok(rel(r.diagnostics.smallestEigenvalue, c.eigenvalues[0]!) < 1e-9);
    assert.match(r.message, /on the repaired covariance: the one given has smallest eigenvalue/);
    // the repaired matrix has a zero eigenvalue, so the weights need not be unique: compare the
    // objective (1/2 w'S*w) with cvxopt's on numpy's repair, and our weights' variance under it
    const want = c.minVarianceRepaired!;
    assert.equal(want.status, "optimal");
    assert.ok(rel(r.objective, want.objective) < 1e-6, `${r.objective} vs ${want.objective}`);
    assert.ok(rel(quad(c.repaired!, r.weights) / 2, want.objective) < 1e-6);
    assert.ok(rel(r.diagnostics.variance / 2, want.objective) < 1e-6);
    assert.ok(Math.abs(r.weights.reduce((a, b) => a + b) - 1) < 1e-12);
  },
);

realDataTest(
  "optimizePortfolio accepts a pairwise covariance that is PSD and equals cvxopt on it",
  () => {
    const c = ORACLE.staggeredPsd;
    const cov = sampleCovariance(staggered(c));
    assertPandasCov(cov, c.covariance);
    assert.ok(c.eigenvalues[0]! > 0);
    const r = optimizePortfolio({
      covariance: cov,
      objective: "minVariance",
      constraints: { longOnly: false, minWeight: -1, maxWeight: 1 },
    });
    assert.equal(r.status, "optimal");
    assert.equal(r.diagnostics.covarianceRepaired, false);
    const want = c.minVariance!;
    assert.ok(rel(r.objective, want.objective) < 1e-6, `${r.objective} vs ${want.objective}`);
    r.weights.forEach((w, i) => assert.ok(Math.abs(w - want.weights[i]!) < 1e-5, `${i}`));
  },
);

realDataTest(
  "the PSD check accepts every complete-row estimator on real data, singular ones included",
  () => {
    // what longShort's optimized book (and the demo's minimum-variance section) pass: sample,
    // Ledoit-Wolf, OAS and EWMA covariances of complete rows. They are PSD by construction, so
    // the check must never refuse them, even with fewer rows than assets (a singular sample
    // covariance: zero eigenvalues up to rounding) or near-duplicate assets
    const r = nfiReturns();
    const complete: number[] = [];
    for (let t = 0; t < r.length && complete.length < 400; t++) {
      if (r.columns.every((c) => Number.isFinite(c[t]!))) complete.push(t);
    }
    const take = (rows: number, assets: number) =>
      r.columns.slice(0, assets).map((c) =>
        Float64Array.from(complete.slice(0, rows), (t) => c[t]!)
      );
    const twin = (cols: Float64Array[]) => [...cols, cols[0]!.map((v, i) => v + 1e-9 * (i % 3))];
    const cases: [string, Float64Array[]][] = [
      ["126 assets x 60 rows (singular)", take(60, 126)],
      ["126 assets x 400 rows", take(400, 126)],
      ["12 assets x 168 rows + a near twin", twin(take(168, 12))],
      ["12 assets x 8 rows (singular)", take(8, 12)],
    ];
    for (const [what, cols] of cases) {
      const n = cols.length;
      for (
        const [model, cov] of [
          ["sample", sampleCovariance(cols)],
          ["ledoit-wolf", ledoitWolf(cols).covariance],
          ["oas", oas(cols).covariance],
          ["ewma", ewmaCovariance(cols, { halfLife: 24 })],
        ] as const
      ) {
        const res = optimizePortfolio({
          covariance: cov,
          objective: "minVariance",
          constraints: { longOnly: false, minWeight: -1 / n, maxWeight: 2 / n },
        });
        assert.equal(res.status, "optimal", `${what}, ${model}: ${res.message}`);
        assert.ok(Number.isNaN(res.diagnostics.smallestEigenvalue), `${what}, ${model}`);
      }
    }
  },
);
