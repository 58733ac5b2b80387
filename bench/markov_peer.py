"""Markov-switching regression on 5,000 real BTC hourly percent log returns: cryptolab (Deno)
vs statsmodels 0.13.5 MarkovRegression(y, k_regimes=k, trend='c', switching_variance=True) in
the same run, k = 2 and 3.

Runs `deno bench --json bench/markov_bench.ts`, which writes the returns and its
log-likelihoods to bench/.out/, then times statsmodels' default `fit()` (one start: em_iter=5,
then BFGS) on the same array and prints timings, ratios and both log-likelihoods (statsmodels'
single start can stop short of the optimum; ours runs 6 starts by default).

Run from the repository root: /usr/bin/python3 bench/markov_peer.py
"""
import json
import os
import sys
import warnings

import numpy as np

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression  # noqa: E402

warnings.simplefilter("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")


def main():
    deno = deno_bench_ms("bench/markov_bench.ts")
    y = np.fromfile(os.path.join(OUT, "markov_y.f64"), dtype="<f8")
    ours = json.load(open(os.path.join(OUT, "markov_llf.json")))["llf"]
    print(f"Markov-switching regression, {len(y)} BTC hourly returns (percent log)")
    for k in (2, 3):
        mod = MarkovRegression(y, k_regimes=k, trend="c", switching_variance=True)
        sm_ms, res = timed(lambda: mod.fit(disp=False), 1)
        d6 = next(v for n, v in deno.items() if n.startswith(f"markov k={k}, 6"))
        d1 = next(v for n, v in deno.items() if n.startswith(f"markov k={k}, 1"))
        print(f"  k={k} statsmodels fit() (1 start)      {sm_ms:9.0f} ms  llf {res.llf:.6f}")
        print(f"  k={k} deno 6 starts (default)          {d6:9.0f} ms  llf {ours[f'k{k} default']:.6f}  ratio {sm_ms / d6:5.1f}x")
        print(f"  k={k} deno 1 start                     {d1:9.0f} ms  llf {ours[f'k{k} one start']:.6f}  ratio {sm_ms / d1:5.1f}x")


if __name__ == "__main__":
    main()
