/**
 * optimizePortfolio against cvxopt 1.3.0 (Debian python3-cvxopt, `cvxopt.solvers.qp`, an
 * interior-point method, on an independent formulation with auxiliary variables for L1 terms):
 * tests/oracles/optimizer.py wrote tests/oracles/optimizer.json.
 *
 * Cases: covariances of 20, 30, 50 and 126 assets' real hourly returns (NFI, Binance spot,
 * 2020-12..2021-07), including the 126-asset long-short beta-neutral problem with a turnover
 * penalty that bench/optimizer_bench.ts times, a singular one (30 rows of 50 assets), seeded
 * random ones and an ill-conditioned one (eigenvalues 1 to 1e-10); maxSharpe in a bull window and
 * in a bear window (every mean return negative: cvxopt's LP of the best excess return is <= 0);
 * three infeasible problems whose minimal conflicting groups cvxopt's phase-1 LP names; the
 * long-short book of lib/backtest/strategies/long_short.ts (side totals as exposures, side-sign
 * bounds, BTC-neutral, turnover penalties 1e-5 and 1e-4 against weights that meet the side
 * totals but not the betas; and a 1e-3 penalty that keeps every weight where it is), which
 * must take the active-set method on the weights (it gave up on them before, falling back to
 * the dual QP on 2N variables, 10-30x slower).
 *
 * Tolerances (from the issue): objective within 1e-6 relative; weights within 1e-5 where the
 * problem is well conditioned (not the singular and ill-conditioned cases, whose minimizers are
 * not unique to that precision: their objectives are compared).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  optimizePortfolio,
  type OptimizePortfolioOptions,
} from "@lib/portfolio/optimize_portfolio.ts";

interface OracleCase {
  spec: OptimizePortfolioOptions & {
    weightsWellConditioned?: boolean;
    objectiveScale?: number;
    /** The case must be solved by the active-set method on the weights (no fallback). */
    activeSetMethod?: boolean;
  };
  expected: {
    status: string;
    objective?: number;
    weights?: number[];
    conflicts?: string[];
  };
}

const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/optimizer.json", import.meta.url), "utf8"),
) as { oracle: string; cases: Record<string, OracleCase> };

for (const [name, { spec, expected }] of Object.entries(ORACLE.cases)) {
  Deno.test(`optimizePortfolio ${name} equals cvxopt (${ORACLE.oracle})`, () => {
    const { weightsWellConditioned, objectiveScale, activeSetMethod, ...options } = spec;
    const r = optimizePortfolio(options);
    assert.equal(r.status, expected.status, r.message);
    if (activeSetMethod) assert.match(r.diagnostics.method, /^primal-dual active set/);
    if (expected.status === "infeasible") {
      assert.deepEqual(r.conflicts, expected.conflicts);
      assert.ok(r.weights.every(Number.isNaN));
      for (const g of expected.conflicts!) assert.ok(r.message.includes(g), r.message);
      return;
    }
    if (expected.status !== "optimal") {
      assert.ok(r.weights.every(Number.isNaN));
      return;
    }
    const e = expected.objective!;
    // randomIllConditioned12 reaches the 1e-10 eigen-directions: its minimum (1e-13) is compared
    // relative to the covariance's scale (`objectiveScale`, the largest eigenvalue) instead
    const scale = Math.max(Math.abs(e), objectiveScale ?? 0);
    assert.ok(
      Math.abs(r.objective - e) <= 1e-6 * scale,
      `objective ${r.objective} vs cvxopt ${e} (rel ${Math.abs(r.objective - e) / scale})`,
    );
    if (weightsWellConditioned !== false) {
      let worst = 0;
      r.weights.forEach((w, i) => (worst = Math.max(worst, Math.abs(w - expected.weights![i]!))));
      assert.ok(worst < 1e-5, `largest weight difference ${worst}`);
    }
  });
}

Deno.test("optimizePortfolio: the bench problem is beta-neutral and dollar-neutral, binding named", () => {
  const { spec } = ORACLE.cases.real126BenchProblem!;
  const r = optimizePortfolio(spec);
  assert.match(r.diagnostics.method, /active set/);
  assert.equal(r.status, "optimal");
  assert.ok(Math.abs(r.diagnostics.netExposure) < 1e-10);
  assert.ok(Math.abs(r.diagnostics.exposures["beta:BTC"]!) < 1e-10);
  assert.ok(Math.abs(r.diagnostics.exposures["beta:ETH"]!) < 1e-10);
  for (const g of ["netExposure", "beta:BTC", "beta:ETH"]) assert.ok(r.binding.includes(g), g);
  // every weight named at a bound is at that bound, and every weight at a bound is named
  spec.assets!.forEach((a, i) => {
    const w = r.weights[i]!;
    assert.equal(r.binding.includes(`maxWeight:${a}`), Math.abs(w - 0.05) < 1e-8, `${a} ${w}`);
    assert.equal(r.binding.includes(`minWeight:${a}`), Math.abs(w + 0.05) < 1e-8, `${a} ${w}`);
  });
  assert.ok(r.binding.some((b) => b.startsWith("maxWeight:")));
  assert.ok(!r.binding.includes("fullInvestment"));
});
