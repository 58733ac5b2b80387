/**
 * Portfolio optimization on real covariances (NFI hourly returns), the problems of
 * tests/oracles/optimizer.py:
 *
 * - the 126-asset long-short, beta-neutral (BTC and ETH betas from an OLS on the 1,215 hours
 *   where all 126 trade), dollar-neutral mean-variance problem with per-asset bounds of +-5% and a
 *   turnover penalty of 2 bp per unit traded against current weights ("real126BenchProblem");
 *   `optimizePortfolio` solves it with its active-set method on the weights;
 * - the 50-asset long-short problem with a gross-exposure limit as well ("realMeanVarLongShort50"),
 *   which takes the general path: Goldfarb-Idnani's dual active-set method on the weights and
 *   auxiliary variables for |w| and |w - w0|;
 * - one bar of the long-short book that lib/backtest/strategies/long_short.ts optimizes (12 assets,
 *   6 a side, each side's total held, BTC-neutral, turnover penalty 1e-4 against weights that meet
 *   the side totals but not the new betas: "realLongShortSidesBeta12Penalty0.0001"), and the same
 *   book with a beta target the sides cannot reach ("infeasibleLongShortSidesBeta12"), where the
 *   answer is the conflicting groups.
 *
 *   deno bench -A bench/optimizer_bench.ts
 *   /usr/bin/python3 bench/optimizer_peer.py   # side by side with cvxopt, ratios, objectives
 *
 * With CRYPTOLAB_BENCH_OUT set, also writes each problem's weights and objective to that folder
 * (JSON) so the peer can compare them with cvxopt's.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { optimizePortfolio, type OptimizePortfolioOptions } from "@lib/portfolio/mod.ts";

const ORACLE = JSON.parse(
  readFileSync(new URL("../tests/oracles/optimizer.json", import.meta.url), "utf8"),
) as { cases: Record<string, { spec: OptimizePortfolioOptions }> };

function spec(name: string): OptimizePortfolioOptions {
  const { spec } = ORACLE.cases[name]!;
  return { ...spec, covariance: spec.covariance.map((r) => Float64Array.from(r)) };
}

const big = spec("real126BenchProblem");
const gross = spec("realMeanVarLongShort50");
const book = spec("realLongShortSidesBeta12Penalty0.0001");
const noBook = spec("infeasibleLongShortSidesBeta12");

const out = Deno.env.get("CRYPTOLAB_BENCH_OUT");
if (out) {
  mkdirSync(out, { recursive: true });
  for (
    const [name, s] of [
      ["real126BenchProblem", big],
      ["realMeanVarLongShort50", gross],
      ["realLongShortSidesBeta12Penalty0.0001", book],
    ] as const
  ) {
    const r = optimizePortfolio(s);
    writeFileSync(
      join(out, `${name}.json`),
      JSON.stringify({
        status: r.status,
        objective: r.objective,
        weights: [...r.weights],
        method: r.diagnostics.method,
      }),
    );
  }
}

Deno.bench({
  name: "optimizePortfolio 126 assets long-short beta-neutral, turnover penalty",
  group: "optimizer",
  warmup: 20,
  n: 50,
  fn() {
    optimizePortfolio(big);
  },
});

Deno.bench({
  name: "optimizePortfolio 50 assets long-short, gross limit + turnover penalty (dual QP)",
  group: "optimizer",
  warmup: 3,
  n: 20,
  fn() {
    optimizePortfolio(gross);
  },
});

Deno.bench({
  name: "optimizePortfolio 12-asset long-short book (side totals, BTC-neutral), penalty 1e-4",
  group: "optimizer",
  warmup: 20,
  n: 200,
  fn() {
    optimizePortfolio(book);
  },
});

Deno.bench({
  name: "optimizePortfolio 12-asset long-short book, unreachable beta target (conflicts named)",
  group: "optimizer",
  warmup: 20,
  n: 200,
  fn() {
    optimizePortfolio(noBook);
  },
});
