"""Spearman IC over 5,493 hourly cross-sections of 126 assets: cryptolab (Deno) vs pandas /
scipy on the same inputs in the same run.

Runs `deno bench --json bench/ic_bench.ts`, which writes its inputs (momentum_24 and 1-bar
forward log returns of the NFI universe, asset-major float64) and its IC series to bench/.out/,
then on those same arrays times:
  1. pandas, the fastest reasonable way: mask both frames to complete pairs, then
     s.rank(axis=1).corrwith(f.rank(axis=1), axis=1), NaN where fewer than 5 pairs;
  2. scipy.stats.spearmanr per row over the complete pairs (what alphalens does per date);
and prints timings, ratios and the largest absolute difference from the Deno IC.

Run from the repository root: /usr/bin/python3 bench/ic_peer.py
(pandas 1.5.3 / scipy 1.10.1 / numpy 1.24.2 from Debian).
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy.stats

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")
MIN_ASSETS = 5
warnings.simplefilter("ignore", scipy.stats.ConstantInputWarning)


def load():
    shape = json.load(open(os.path.join(OUT, "ic_shape.json")))
    n, t = shape["assets"], shape["rows"]
    sig = np.fromfile(os.path.join(OUT, "ic_signal.f64"), dtype="<f8").reshape(n, t).T.copy()
    fwd = np.fromfile(os.path.join(OUT, "ic_forward.f64"), dtype="<f8").reshape(n, t).T.copy()
    deno_ic = np.fromfile(os.path.join(OUT, "ic_deno.f64"), dtype="<f8")
    return pd.DataFrame(sig), pd.DataFrame(fwd), deno_ic


def pandas_ic(s, f):
    s2, f2 = s.where(f.notna()), f.where(s.notna())
    ic = s2.rank(axis=1).corrwith(f2.rank(axis=1), axis=1)
    ic[s2.notna().sum(axis=1) < MIN_ASSETS] = np.nan
    return ic.to_numpy()


def scipy_ic(s, f):
    sv, fv = s.to_numpy(), f.to_numpy()
    out = np.full(len(sv), np.nan)
    for t in range(len(sv)):
        ok = np.isfinite(sv[t]) & np.isfinite(fv[t])
        if ok.sum() >= MIN_ASSETS:
            out[t] = scipy.stats.spearmanr(sv[t][ok], fv[t][ok]).correlation
    return out


def maxdiff(a, b):
    both_nan = np.isnan(a) & np.isnan(b)
    if not np.array_equal(np.isnan(a), np.isnan(b)):
        return float("inf")
    return float(np.max(np.abs(a[~both_nan] - b[~both_nan])))


def main():
    deno = deno_bench_ms("bench/ic_bench.ts")
    s, f, deno_ic = load()
    spear = next(v for k, v in deno.items() if k.startswith("Spearman"))
    pear = next(v for k, v in deno.items() if k.startswith("Pearson"))
    pd_ms, pd_ic = timed(lambda: pandas_ic(s, f), 5)
    sp_ms, sp_ic = timed(lambda: scipy_ic(s, f), 1)
    pd_p_ms, _ = timed(lambda: s.where(f.notna()).corrwith(f.where(s.notna()), axis=1), 5)
    n_ic = int(np.isfinite(deno_ic).sum())
    print(f"Spearman IC, {s.shape[1]} assets x {s.shape[0]} rows ({n_ic} cross-sections with an IC)")
    print(f"  deno   informationCoefficient (spearman)     {spear:9.2f} ms")
    print(f"  pandas rank(axis=1).corrwith(axis=1)         {pd_ms:9.2f} ms")
    print(f"  scipy  spearmanr per row                     {sp_ms:9.2f} ms")
    print(f"  deno   informationCoefficient (pearson)      {pear:9.2f} ms")
    print(f"  pandas corrwith(axis=1) (pearson)            {pd_p_ms:9.2f} ms")
    print(f"ratio pandas / deno (spearman)                 {pd_ms / spear:9.1f}x")
    print(f"ratio scipy  / deno (spearman)                 {sp_ms / spear:9.1f}x")
    print(f"ratio pandas / deno (pearson)                  {pd_p_ms / pear:9.1f}x")
    print(f"max |deno - pandas| IC                         {maxdiff(deno_ic, pd_ic):9.2e}")
    print(f"max |deno - scipy|  IC                         {maxdiff(deno_ic, sp_ic):9.2e}")
    decay = next((v for k, v in deno.items() if k.startswith("icDecay")), None)
    if decay is not None:
        print(f"  deno   icDecay, 7 horizons                   {decay:9.2f} ms")


if __name__ == "__main__":
    main()
