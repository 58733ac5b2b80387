"""ADF with lag search and Engle-Granger, cryptolab (Deno) vs statsmodels, same inputs, same run.

Runs `deno bench --json bench/adf_bench.ts` with ADF_BENCH_OUT=bench/.out, which times
  - adf(x, {regression: "c", autolag: "aic"}) on 1,000 real-derived series of 2,000 log closes
    (126 NFI hourly assets, windows of 2,000 every 300 candles; see bench/adf_bench.ts),
  - engleGranger(y, x) on 500 pairs of them (allowStationaryInputs: true, the call coint makes,
    and the default with the stationary-input check),
and writes the inputs (bench/.out/adf_inputs.f64) and its results (bench/.out/adf_deno.json).
Then, on those same inputs:
  - statsmodels 0.13.5 adfuller(x, regression="c", autolag="AIC") on every series,
  - statsmodels coint(y, x, trend="c", method="aeg", autolag="aic") on every pair,
and prints both timings (per call and for the whole set), the ratio, and the largest absolute
differences in statistics and p-values (and any lag disagreement).

Run from the repository root: /usr/bin/python3 bench/adf_peer.py [--series N] [--pairs N]
(--series/--pairs time statsmodels on the first N only, for a quick run on a busy machine; the
ratio is per call). statsmodels 0.13.5 / numpy 1.24.2 from Debian.
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
from statsmodels.tsa.stattools import adfuller, coint

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_bench_ms  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--pairs", type=int, default=500)
    args = ap.parse_args()

    os.makedirs(OUT, exist_ok=True)
    times = deno_bench_ms("bench/adf_bench.ts", {"ADF_BENCH_OUT": OUT})
    with open(os.path.join(OUT, "adf_deno.json")) as f:
        deno = json.load(f)
    n_series, length, n_pairs = deno["nSeries"], deno["length"], deno["nPairs"]
    x = np.fromfile(os.path.join(OUT, "adf_inputs.f64")).reshape(n_series, length)
    ns, npairs = min(args.series, n_series), min(args.pairs, n_pairs)

    t0 = time.perf_counter()
    sm = [adfuller(x[i], regression="c", autolag="AIC") for i in range(ns)]
    py_adf = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    sm_eg = [coint(x[2 * i], x[2 * i + 1], trend="c", method="aeg", autolag="aic") for i in range(npairs)]
    py_eg = (time.perf_counter() - t0) * 1000

    d_stat = np.array(deno["adf"]["statistic"][:ns])
    d_p = np.array(deno["adf"]["pValue"][:ns])
    d_lag = np.array(deno["adf"]["usedLag"][:ns])
    s_stat = np.array([r[0] for r in sm])
    s_p = np.array([r[1] for r in sm])
    s_lag = np.array([r[2] for r in sm])
    e_stat = np.array(deno["eg"]["statistic"][:npairs])
    e_p = np.array(deno["eg"]["pValue"][:npairs])
    c_stat = np.array([r[0] for r in sm_eg])
    c_p = np.array([r[1] for r in sm_eg])

    deno_adf = next(v for k, v in times.items() if k.startswith("adf"))
    deno_eg = next(v for k, v in times.items() if "allowStationaryInputs" in k)
    deno_eg_check = next(v for k, v in times.items() if "default" in k)
    per = lambda total, count: total / count  # noqa: E731
    print(f"ADF regression c, autolag aic, maxlag 26: {n_series} series x {length} real log closes")
    print(f"  deno  adf          {deno_adf:10.1f} ms for {n_series}  ({per(deno_adf, n_series):8.3f} ms/series)")
    print(f"  statsmodels        {py_adf:10.1f} ms for {ns}  ({per(py_adf, ns):8.3f} ms/series)")
    print(f"  ratio statsmodels / deno (per series) {per(py_adf, ns) / per(deno_adf, n_series):8.1f}x")
    print(f"  max |statistic diff| {np.max(np.abs(d_stat - s_stat)):.3e}   max |p diff| "
          f"{np.max(np.abs(d_p - s_p)):.3e}   usedLag disagreements {int(np.sum(d_lag != s_lag))}")
    print(f"Engle-Granger trend c, autolag aic: {n_pairs} pairs")
    print(f"  deno  engleGranger (no input check) {deno_eg:10.1f} ms  ({per(deno_eg, n_pairs):8.3f} ms/pair)")
    print(f"  deno  engleGranger (default check)  {deno_eg_check:10.1f} ms  ({per(deno_eg_check, n_pairs):8.3f} ms/pair)"
          f"  refused {deno['egRefusedByDefault']} pairs")
    print(f"  statsmodels coint                   {py_eg:10.1f} ms for {npairs}  ({per(py_eg, npairs):8.3f} ms/pair)")
    print(f"  ratio statsmodels / deno (per pair, no check) {per(py_eg, npairs) / per(deno_eg, n_pairs):8.1f}x")
    print(f"  max |statistic diff| {np.max(np.abs(e_stat - c_stat)):.3e}   max |p diff| "
          f"{np.max(np.abs(e_p - c_p)):.3e}")


if __name__ == "__main__":
    main()
