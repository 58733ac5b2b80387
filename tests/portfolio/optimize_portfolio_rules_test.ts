/**
 * optimizePortfolio's rules beyond the cvxopt comparisons (optimize_portfolio_test.ts): what is
 * refused and why, how binding constraints and conflicts are named, and that a turnover limit,
 * a penalty and neutrality hold on the solution.
 */
import assert from "node:assert/strict";
import { optimizePortfolio } from "@lib/portfolio/optimize_portfolio.ts";

const COV = [
  [0.04, 0.012, 0.006, 0.01],
  [0.012, 0.0225, 0.004, 0.008],
  [0.006, 0.004, 0.01, 0.003],
  [0.01, 0.008, 0.003, 0.0324],
];
const MU = [0.002, 0.0015, 0.0004, 0.001];
const ASSETS = ["BTC", "ETH", "SOL", "XRP"];

Deno.test("optimizePortfolio refuses what it cannot state, saying what to do", () => {
  assert.throws(
    () => optimizePortfolio({ covariance: COV, objective: "meanVariance" }),
    /objective "meanVariance" needs expectedReturns/,
  );
  assert.throws(
    () =>
      optimizePortfolio({
        covariance: COV,
        expectedReturns: MU,
        objective: "maxSharpe",
        constraints: { turnover: { penalty: 0.001 } },
      }),
    /maxSharpe cannot take a turnover penalty.*use turnover.limit/,
  );
  assert.throws(
    () =>
      optimizePortfolio({
        covariance: COV,
        expectedReturns: MU,
        objective: "maxSharpe",
        constraints: { fullInvestment: false },
      }),
    /maxSharpe needs fullInvestment/,
  );
  assert.throws(
    () => optimizePortfolio({ covariance: COV, objective: "minVariance", currentWeights: [1, 0] }),
    /currentWeights has 2 entries, the covariance 4 assets/,
  );
  assert.throws(
    () => optimizePortfolio({ covariance: [[1, 0.5], [0.4, 1]], objective: "minVariance" }),
    /not symmetric at \(0, 1\)/,
  );
});

Deno.test("optimizePortfolio: a turnover limit binds and is named; the penalty is charged", () => {
  const w0 = [0.25, 0.25, 0.25, 0.25];
  const free = optimizePortfolio({
    covariance: COV,
    expectedReturns: MU,
    objective: "meanVariance",
    riskAversion: 2,
    currentWeights: w0,
  });
  assert.ok(free.diagnostics.turnover > 0.3);
  const r = optimizePortfolio({
    covariance: COV,
    expectedReturns: MU,
    objective: "meanVariance",
    riskAversion: 2,
    currentWeights: w0,
    constraints: { turnover: { limit: 0.3, penalty: 0.0005 } },
    assets: ASSETS,
  });
  assert.equal(r.status, "optimal");
  assert.ok(Math.abs(r.diagnostics.turnover - 0.3) < 1e-9);
  assert.ok(r.binding.includes("turnoverLimit"));
  assert.ok(Math.abs(r.diagnostics.turnoverCost - 0.0005 * r.diagnostics.turnover) < 1e-15);
  const expected = (2 / 2) * r.diagnostics.variance - r.diagnostics.expectedReturn +
    r.diagnostics.turnoverCost;
  assert.ok(Math.abs(r.objective - expected) < 1e-15);
});

Deno.test("optimizePortfolio: per-asset conflicts and group conflicts are named minimally", () => {
  const r = optimizePortfolio({
    covariance: COV,
    objective: "minVariance",
    constraints: { minWeight: [0, 0.3, 0, 0], maxWeight: [0.5, 0.2, 0.5, 0.5] },
  });
  assert.equal(r.status, "infeasible");
  assert.deepEqual(r.conflicts, ["minWeight", "maxWeight"]);
  const g = optimizePortfolio({
    covariance: COV,
    objective: "minVariance",
    constraints: { longOnly: false, grossExposure: 0.8 },
  });
  assert.deepEqual(g.conflicts, ["fullInvestment", "grossExposure"]);
  assert.match(g.message, /fullInvestment, grossExposure cannot hold together/);
});

Deno.test("optimizePortfolio: maxSharpe long-only names its binding bounds and beats the rest", () => {
  const r = optimizePortfolio({
    covariance: COV,
    expectedReturns: MU,
    objective: "maxSharpe",
    riskFreeRate: 0.0001,
    constraints: { maxWeight: 0.4 },
    assets: ASSETS,
  });
  assert.equal(r.status, "optimal");
  assert.ok(Math.abs(r.weights.reduce((a, b) => a + b) - 1) < 1e-12);
  for (const b of r.binding) {
    const [group, asset] = b.split(":");
    if (asset === undefined) continue;
    const w = r.weights[ASSETS.indexOf(asset)]!;
    assert.ok(Math.abs(w - (group === "maxWeight" ? 0.4 : 0)) < 1e-9, b);
  }
  // no other fully invested long-only portfolio within the bounds has a higher Sharpe ratio
  const sharpe = (w: number[]) => {
    let v = 0, m = 0;
    for (let i = 0; i < 4; i++) {
      m += MU[i]! * w[i]!;
      for (let j = 0; j < 4; j++) v += w[i]! * COV[i]![j]! * w[j]!;
    }
    return (m - 0.0001) / Math.sqrt(v);
  };
  for (let a = 0; a <= 0.4; a += 0.05) {
    for (let b = 0; b <= 0.4; b += 0.05) {
      for (let c = 0; c <= 0.4; c += 0.05) {
        const d = 1 - a - b - c;
        if (d < 0 || d > 0.4) continue;
        assert.ok(sharpe([a, b, c, d]) <= r.objective + 1e-12);
      }
    }
  }
});

Deno.test("optimizePortfolio: maxSharpe whose maximum is not attained says so, not 'no excess'", () => {
  // long-short, fully invested, no bounds, every expected return below rf: the Sharpe ratio over
  // sum w = 1 rises towards sqrt(B - A^2/C) as the weights grow (tests/oracles/optimizer_psd.py:
  // numpy 1.24.2, Merton 1972 frontier algebra) and never attains it
  const u = (JSON.parse(
    Deno.readTextFileSync(new URL("../oracles/optimizer_psd.json", import.meta.url)),
  ) as {
    unbounded: {
      covariance: number[][];
      expectedReturns: number[];
      riskFreeRate: number;
      supremumSharpe: number;
      sharpeAlong: number[];
    };
  }).unbounded;
  assert.ok(u.expectedReturns.every((m) => m < u.riskFreeRate));
  // portfolios with sum w = 1 earn more than rf (the old message denied it), approaching the sup
  const along = u.sharpeAlong;
  assert.ok(along.at(-1)! > 0 && along.at(-1)! < u.supremumSharpe);
  for (let i = 1; i < along.length; i++) assert.ok(along[i]! > along[i - 1]!);
  const base = {
    covariance: u.covariance,
    expectedReturns: u.expectedReturns,
    riskFreeRate: u.riskFreeRate,
    objective: "maxSharpe" as const,
  };
  const r = optimizePortfolio({ ...base, constraints: { longOnly: false } });
  assert.equal(r.status, "unbounded", r.message);
  assert.ok(r.weights.every(Number.isNaN));
  assert.ok(Math.abs(r.objective / u.supremumSharpe - 1) < 1e-9, `${r.objective}`);
  assert.doesNotMatch(r.message, /No portfolio/);
  assert.match(r.message, /maximum Sharpe ratio is not attained/);
  assert.match(r.message, /approach a Sharpe ratio of 0\.008058 per period/);
  assert.match(r.message, /minWeight and maxWeight, grossExposure, or longOnly/);
  // bounding the weights, as the message says, gives a maximum below the supremum, closer to it
  // the looser the bounds
  const bounded = (b: number) =>
    optimizePortfolio({ ...base, constraints: { longOnly: false, minWeight: -b, maxWeight: b } });
  const [b3, b100] = [bounded(3), bounded(100)];
  assert.equal(b3.status, "optimal");
  assert.equal(b100.status, "optimal");
  assert.ok(b3.objective > 0 && b3.objective < b100.objective);
  assert.ok(b100.objective < u.supremumSharpe && b100.objective > along.at(-2)!);
  // long-only with every mu below rf: no portfolio beats rf, and that is what it says
  const longOnly = optimizePortfolio(base);
  assert.equal(longOnly.status, "noPositiveExcessReturn");
  assert.match(longOnly.message, /No portfolio meeting the constraints has an expected return/);
  // equal expected returns below rf: every fully invested portfolio earns exactly mu < rf
  const flat = optimizePortfolio({
    ...base,
    expectedReturns: [-0.001, -0.001, -0.001],
    constraints: { longOnly: false },
  });
  assert.equal(flat.status, "noPositiveExcessReturn");
});
