"""Portfolio optimization, cryptolab (Deno) vs cvxopt, on the same problems in one run.

Problems: tests/oracles/optimizer.json's "real126BenchProblem" (126 assets, covariance of the
1,215 NFI hours where all trade; long-short, dollar-neutral, neutral to BTC and ETH betas, weights
within +-5%, turnover penalty 2 bp per unit traded against current weights, mean-variance with
risk aversion 20) and "realMeanVarLongShort50" (50 assets, the same kind of constraints plus a
gross-exposure limit of 1.5).

cvxopt side: `cvxopt.solvers.qp` on the formulation of tests/oracles/optimizer.py (auxiliary
variables t_i >= |w_i - w0_i| and g_i >= |w_i|), matrices built once outside the timing; timed at
cvxopt's default tolerances (its fastest honest setting) and at the oracle's 1e-12. Deno side:
`deno bench --json bench/optimizer_bench.ts`, the whole `optimizePortfolio` call (validation,
problem building and solving). Both sides report the fastest of their repeated runs (a shared
machine only adds time). The objective (per-period units, as `optimizePortfolio` states it) of
each side is printed with their relative difference.

Run from the repository root: /usr/bin/python3 bench/optimizer_peer.py (cvxopt 1.3.0 from
Debian python3-cvxopt). Deno: see bench/_deno.py.
"""
import json
import os
import sys
import time

import numpy as np
from cvxopt import matrix, solvers

sys.dont_write_bytecode = True
from _deno import deno_bench_stats  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracles"))
import optimizer as oracle  # noqa: E402

OUT = os.path.join(ROOT, "bench", ".out", "optimizer")


def best_of(fn, repeat):
    best, res = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        res = fn()
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best, res


def cvxopt_problem(spec):
    """The oracle's (P, q, G, h, A, b) as cvxopt matrices (built once, outside the timing)."""
    S = np.asarray(spec["covariance"], dtype=float)
    n = S.shape[0]
    scale = np.trace(S) / n
    on = set(oracle.groups_of(spec))
    m, t0, G, h, A, b = oracle.rows(spec, on, True)
    P = np.zeros((m, m))
    P[:n, :n] = spec.get("riskAversion", 1.0) * S / scale
    q = np.zeros(m)
    if "expectedReturns" in spec:  # minVariance has none
        q[:n] = -np.asarray(spec["expectedReturns"]) / scale
    q[t0:t0 + n] = oracle.per_asset(spec["constraints"]["turnover"]["penalty"], n) / scale
    A, b = oracle.independent_rows(A, b)
    return n, [matrix(P), matrix(q), matrix(G), matrix(h), matrix(A), matrix(b)]


def main():
    with open(os.path.join(ROOT, "tests", "oracles", "optimizer.json")) as f:
        cases = json.load(f)["cases"]
    deno = {name: st["min"] for name, st in
            deno_bench_stats("bench/optimizer_bench.ts", {"CRYPTOLAB_BENCH_OUT": OUT}).items()}
    rows = []
    for name, bench_name, reps in (
        ("real126BenchProblem",
         "optimizePortfolio 126 assets long-short beta-neutral, turnover penalty", 10),
        ("realMeanVarLongShort50",
         "optimizePortfolio 50 assets long-short, gross limit + turnover penalty (dual QP)", 10),
        ("realLongShortSidesBeta12Penalty0.0001",
         "optimizePortfolio 12-asset long-short book (side totals, BTC-neutral), penalty 1e-4", 50),
    ):
        spec = cases[name]["spec"]
        n, args = cvxopt_problem(spec)
        with open(os.path.join(OUT, f"{name}.json")) as f:
            ours = json.load(f)
        for label, tol in (("default tolerances", None), ("tolerances 1e-12", 1e-12)):
            opts = {"show_progress": False}
            if tol is not None:
                opts.update({"abstol": tol, "reltol": tol, "feastol": tol, "maxiters": 200})
            ms, sol = best_of(lambda: solvers.qp(*args, options=opts), reps)
            w = np.array(sol["x"]).ravel()[:n]
            theirs = oracle.figures(spec, w)
            rel = abs(ours["objective"] - theirs) / abs(theirs)
            rows.append((f"{name} ({n}), cvxopt {label}", deno[bench_name], ms, sol["status"],
                         ours["objective"], theirs, rel, float(np.max(np.abs(w - ours["weights"])))))
    print(f"{'problem':58} {'deno ms':>8} {'cvxopt ms':>9} {'ratio':>7} {'cvxopt':>8} "
          f"{'our objective':>14} {'cvxopt objective':>17} {'rel diff':>9} {'max |dw|':>9}")
    for label, dm, pm, st, ob, th, rel, dw in rows:
        print(f"{label:58} {dm:8.2f} {pm:9.2f} {pm / dm:6.1f}x {st:>8} {ob:14.9e} {th:17.9e} "
              f"{rel:9.1e} {dw:9.1e}")


if __name__ == "__main__":
    main()
