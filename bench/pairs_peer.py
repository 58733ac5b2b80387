"""Engle-Granger screening of the 126-asset NFI hourly universe: cryptolab screenPairs (Deno)
vs statsmodels 0.13.5 coint, on the same log closes in the same run.

Deno side: `deno bench --json bench/pairs_bench.ts` with PAIRS_BENCH_OUT set, so it also dumps
every pair's p-value and the CPU time of a one-thread run; timed on every core and on one
thread: screenPairs over all 7,875 pairs (Engle-Granger with AIC lag
search, BH adjustment, half-lives, return correlations).
Python side, per pair (the same work): df[[y, x]].dropna(), coint(y, x, trend="c",
autolag="aic"), OLS(y, add_constant(x)) for the hedge ratio and spread, the AR(1) half-life
regression, the return correlation; then multipletests(fdr_bh). coint takes ~0.4 s per pair
here, ~50 min for all 7,875 pairs, so by default only a FIXED SAMPLE of pairs (every k-th in
itertools.combinations order) is timed and the time is EXTRAPOLATED linearly to 7,875 pairs;
the output says so. Set PAIRS_PEER_ALL=1 to run every pair instead.
Compared: max |p-value difference| and max |hedge ratio difference| on the pairs statsmodels
ran.

Run from the repository root: /usr/bin/python3 bench/pairs_peer.py
(statsmodels 0.13.5 / pandas 1.5.3 / numpy 1.24.2 from Debian).
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`; see
bench/_deno.py.
"""
import itertools
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import coint

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper imports below
from _deno import deno_bench_ms  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(ROOT, "..", "shared", "data", "real")
NFI = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
OUT = os.path.join(ROOT, "bench", ".out", "pairs_deno.json")
HOUR = 3_600_000
SAMPLE = 75  # pairs statsmodels runs unless PAIRS_PEER_ALL=1


def deno_side():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    benches = deno_bench_ms("bench/pairs_bench.ts", {"PAIRS_BENCH_OUT": OUT})
    one = next(v for k, v in benches.items() if k.endswith("one thread"))
    every = next(v for k, v in benches.items() if k.endswith("every core"))
    with open(OUT) as f:
        dump = json.load(f)
    return every, one, dump


def load_log_closes():
    files = sorted(f for f in os.listdir(NFI) if f.endswith(".json"))
    closes = {}
    for f in files:
        with open(os.path.join(NFI, f)) as fh:
            rows = json.load(fh)
        closes[f.split("_")[0]] = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    return np.log(pd.DataFrame({k: s.reindex(grid) for k, s in closes.items()}, index=grid))


def screen_pair(lp, rets, y, x):
    sub = lp[[y, x]].dropna()
    yv, xv = sub[y].to_numpy(), sub[x].to_numpy()
    stat, p, _ = coint(yv, xv, trend="c", autolag="aic")
    fit = sm.OLS(yv, sm.add_constant(xv)).fit()
    resid = fit.resid
    lam = sm.OLS(np.diff(resid), sm.add_constant(resid[:-1])).fit().params[1]
    half_life = np.log(0.5) / np.log(abs(1 + lam)) if abs(1 + lam) < 1 else np.inf
    corr = rets[y].corr(rets[x])
    return p, stat, fit.params[1], half_life, corr


def main():
    deno_ms, one_ms, dump = deno_side()
    lp = load_log_closes()
    rets = lp.diff()
    names = list(lp.columns)
    pairs = list(itertools.combinations(names, 2))
    assert len(pairs) == 7875 and dump["tested"] == 7875
    run_all = os.environ.get("PAIRS_PEER_ALL") == "1"
    chosen = pairs if run_all else pairs[:: len(pairs) // SAMPLE][:SAMPLE]
    t0 = time.perf_counter()
    results = [screen_pair(lp, rets, y, x) for y, x in chosen]
    py_ms = (time.perf_counter() - t0) * 1000
    multipletests([r[0] for r in results], method="fdr_bh")
    py_all_ms = py_ms * len(pairs) / len(chosen)
    ours = {(y, x): (p, s, b) for y, x, p, s, b, _ in dump["pairs"]}
    dp = max(abs(ours[(y, x)][0] - r[0]) for (y, x), r in zip(chosen, results))
    db = max(abs(ours[(y, x)][2] - r[2]) for (y, x), r in zip(chosen, results))
    print("Engle-Granger screening, 126 NFI assets x up to 5,482 hourly log closes, 7,875 pairs")
    print(f"  deno  screenPairs, all 7,875 pairs, {dump['cores']} cores (bench avg) {deno_ms / 1000:7.2f} s")
    print(f"        the same on one thread (bench avg)            {one_ms / 1000:9.2f} s"
          f"  (one run: CPU {dump['oneThreadCpuMs'] / 1000:.2f} s, wall {dump['oneThreadMs'] / 1000:.2f} s)")
    print(f"        ({deno_ms / 7875:.2f} ms per pair; {dump['rejectedAtAlpha']} pairs with BH q <= 0.05)")
    if run_all:
        print(f"  statsmodels coint path, all 7,875 pairs (measured)  {py_all_ms / 1000:9.1f} s")
    else:
        print(f"  statsmodels coint path, {len(chosen)} sampled pairs (measured) {py_ms / 1000:9.1f} s")
        print(f"  statsmodels, 7,875 pairs EXTRAPOLATED from the sample {py_all_ms / 1000:8.1f} s"
              f"  ({py_ms / len(chosen):.0f} ms per pair x 7,875; set PAIRS_PEER_ALL=1 to measure)")
    print(f"ratio statsmodels / deno{' (extrapolated)' if not run_all else ''}      {py_all_ms / deno_ms:9.1f}x")
    print(f"max |p-value difference| over the {len(chosen)} pairs statsmodels ran   {dp:.2e}")
    print(f"max |hedge ratio difference| over the same pairs            {db:.2e}")


if __name__ == "__main__":
    main()
