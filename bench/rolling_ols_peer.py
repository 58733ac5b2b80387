"""Rolling 2-factor OLS (window 72), cryptolab (Deno) vs statsmodels RollingOLS, on the same
inputs in the same run.

Inputs: the 126-asset hourly NFI universe (../shared/data/real/ohlcv/
binance_spot_2020-12_2021-07_nfi/1h, or CRYPTOLAB_REAL_DATA), closes on one full UTC hourly
grid (5,493 hours), log returns (NaN across gaps); every asset except BTC and ETH (124)
regressed on BTC and ETH with an intercept, window 72, a fit only where all 72 rows are
complete (Deno `rollingOls(y, [btc, eth], {window: 72})`, statsmodels
`RollingOLS(y, add_constant(X), window=72, min_nobs=72).fit()`).

Runs `deno bench --json bench/rolling_ols_bench.ts` (which also writes its results to
bench/.out/rolling_ols.f64), then statsmodels 0.13.5 on the same universe two ways:
  1. RollingOLS(...).fit()                  params, rsquared and the rest (what we return)
  2. RollingOLS(...).fit(params_only=True)  its fastest path, parameters only
and prints the timings, the ratios and the largest absolute differences in alpha, betas and R².

statsmodels needs about 0.5 s (full) per asset on a quiet core: --limit N times only the first
N assets and scales its total to all 124 (labelled "extrapolated"); the differences are then
checked on those N. Default: all assets.

Run from the repository root: /usr/bin/python3 bench/rolling_ols_peer.py [--limit N]
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_bench_ms  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(ROOT, "..", "shared", "data", "real")
NFI = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
OUT = os.path.join(ROOT, "bench", ".out", "rolling_ols.f64")
HOUR = 3_600_000
WINDOW = 72


def load_returns():
    closes = {}
    for f in sorted(os.listdir(NFI)):
        if not f.endswith("-1h.json"):
            continue
        with open(os.path.join(NFI, f)) as fh:
            rows = json.load(fh)
        closes[f.replace("_USDT-1h.json", "")] = pd.Series(
            [r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    return {a: np.log(s.reindex(grid)).diff().to_numpy() for a, s in closes.items()}, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="time statsmodels on the first N assets")
    args = ap.parse_args()

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    deno = deno_bench_ms("bench/rolling_ols_bench.ts", {"CRYPTOLAB_ROLLING_OLS_OUT": OUT})
    plain = next(v for k, v in deno.items() if "causal" not in k)
    causal = next(v for k, v in deno.items() if "causal" in k)
    with open(OUT + ".json") as fh:
        meta = json.load(fh)
    assets, n = meta["assets"], meta["n"]
    ours = np.fromfile(OUT, dtype="<f8").reshape(len(assets), 4, n)

    rets, first = load_returns()
    assert first == meta["firstTs"] and len(rets["BTC"]) == n, "same grid as the Deno side"
    X = sm.add_constant(np.column_stack([rets["BTC"], rets["ETH"]]), has_constant="add")
    todo = assets if args.limit is None else assets[: args.limit]

    t0 = time.perf_counter()
    fits = [RollingOLS(rets[a], X, window=WINDOW, min_nobs=WINDOW).fit() for a in todo]
    r2 = [f.rsquared for f in fits]  # derived lazily: timed too, since rollingOls returns it
    full_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    for a in todo:
        RollingOLS(rets[a], X, window=WINDOW, min_nobs=WINDOW).fit(params_only=True)
    params_ms = (time.perf_counter() - t0) * 1000
    scale = len(assets) / len(todo)

    diff = {"alpha": 0.0, "beta BTC": 0.0, "beta ETH": 0.0, "R2": 0.0}
    nan_mismatch = 0
    for i, f in enumerate(fits):
        theirs = [f.params[:, 0], f.params[:, 1], f.params[:, 2], r2[i]]
        for j, name in enumerate(diff):
            a, b = ours[i, j], theirs[j]
            nan_mismatch += int(np.sum(np.isnan(a) != np.isnan(b)))
            both = ~np.isnan(a) & ~np.isnan(b)
            if both.any():
                diff[name] = max(diff[name], float(np.max(np.abs(a[both] - b[both]))))

    label = "" if scale == 1 else f" (extrapolated from {len(todo)})"
    print(f"rolling OLS on BTC+ETH, window {WINDOW}: {len(assets)} assets x {n} hourly bars")
    print(f"  deno  rollingOls                           {plain:10.1f} ms")
    print(f"  deno  rollingOls causal                    {causal:10.1f} ms")
    print(f"  statsmodels RollingOLS.fit()               {full_ms * scale:10.1f} ms{label}")
    print(f"  statsmodels RollingOLS.fit(params_only)    {params_ms * scale:10.1f} ms{label}")
    print(f"ratio statsmodels fit() / deno               {full_ms * scale / plain:10.1f}x")
    print(f"ratio statsmodels params_only / deno         {params_ms * scale / plain:10.1f}x")
    for name, d in diff.items():
        print(f"max |deno - statsmodels| {name:9s}         {d:10.3g}")
    print(f"entries NaN on one side only                 {nan_mismatch:10d}")


if __name__ == "__main__":
    main()
