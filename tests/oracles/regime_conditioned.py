"""Oracle for lib/research/regime_conditioned.ts (tests/research/regime_conditioned_test.ts).

Data: BTC/USDT hourly closes (NFI universe in ../shared/data/real), the first 3,001 candles in
file order (its 4 gaps of 2-3 hours there are bridged; this is test data, not a study): log
returns r; a 24-hour momentum strategy's
return over hour t is sign(c[t-1] / c[t-25] - 1) * r[t]; the regime known at the close of hour
t - 1 is a plain volatility tertile (pandas rolling(168, min_periods=84).std() of r up to t - 1,
cut at np.quantile of its first 1,500 values at 1/3 and 2/3). Values and states are stored in the
JSON; the test feeds them to regimeConditioned.

Bootstrap: the stationary-bootstrap indices are redrawn here with tests/oracles/stats_rng.py's
independent implementation of our generator (xoshiro128**; per row one next() for a new block,
int(n) for its start), mean block length 24, 400 replications, seed 7. Per regime: the mean, or
the Sharpe ratio mean / std(ddof 1) * sqrt(8760), on the original rows and each resample (NaN
below 30 rows); percentile interval = np.quantile (linear) at 0.025 / 0.975 of the finite
resampled values; p = (1 + #{|s* - s| >= |s|}) / (1 + #finite); statsmodels 0.13.5
multipletests(method="fdr_bh") across the regimes.

Run: /usr/bin/python3 tests/oracles/regime_conditioned.py
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stats_rng import Xoshiro128ss  # noqa: E402

REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
BTC = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", "BTC_USDT-1h.json")
BLOCK, REPS, SEED, MIN_OBS = 24, 400, 7, 30


def data():
    rows = json.load(open(BTC))
    c = np.array([r[4] for r in rows], dtype="float64")
    c = c[: 3001]
    r = np.diff(np.log(c))
    n = len(r)
    vals = np.full(n, np.nan)
    for i in range(25, n):
        # return r[i] spans closes i -> i+1; momentum known at close i: c[i] / c[i-24]
        vals[i] = np.sign(c[i] / c[i - 24] - 1) * r[i]
    vol = pd.Series(r).rolling(168, min_periods=84).std().to_numpy()
    q1, q2 = np.quantile(vol[:1500][np.isfinite(vol[:1500])], [1 / 3, 2 / 3])
    state = np.full(n, -1)
    for i in range(1, n):
        v = vol[i - 1]
        if np.isfinite(v):
            state[i] = 0 if v <= q1 else (1 if v <= q2 else 2)
    return vals, state


def indices(m):
    rng = Xoshiro128ss(SEED)
    p = 1 / BLOCK
    idx = np.empty((REPS, m), dtype=int)
    for b in range(REPS):
        cur = rng.int(m)
        idx[b, 0] = cur
        for t in range(1, m):
            if rng.next() < p:
                cur = rng.int(m)
            else:
                cur = 0 if cur + 1 == m else cur + 1
            idx[b, t] = cur
    return idx


def stat(x, kind):
    if len(x) < MIN_OBS:
        return np.nan
    if kind == "mean":
        return x.mean()
    sd = x.std(ddof=1)
    return x.mean() / sd * math.sqrt(8760) if sd > 0 else np.nan


def main():
    vals, state = data()
    keep = np.isfinite(vals) & (state >= 0)
    x, s = vals[keep], state[keep]
    idx = indices(len(x))
    out = {"values": [None if not np.isfinite(v) else float(v) for v in vals], "state": "".join("x" if v < 0 else str(v) for v in state)}
    for kind in ("mean", "sharpe"):
        rows = []
        for g in (0, 1, 2, None):
            sel = (lambda a, st: a if g is None else a[st == g])
            e = stat(sel(x, s), kind)
            boot = np.array([stat(sel(x[i], s[i]), kind) for i in idx])
            f = np.sort(boot[np.isfinite(boot)])
            rows.append({
                "n": int(len(sel(x, s))),
                "estimate": float(e),
                "lower": float(np.quantile(f, 0.025)),
                "upper": float(np.quantile(f, 0.975)),
                "pValue": float((1 + np.sum(np.abs(f - e) >= abs(e))) / (1 + len(f))),
            })
        adj = multipletests([r["pValue"] for r in rows[:3]], method="fdr_bh")[1]
        for r, a in zip(rows[:3], adj):
            r["adjustedPValue"] = float(a)
        out[kind] = rows
    out["kept"] = int(keep.sum())
    json.dump(out, open(os.path.join(HERE, "regime_conditioned.json"), "w"))
    print({k: [(r["n"], round(r["estimate"], 6), round(r["pValue"], 4)) for r in out[k]] for k in ("mean", "sharpe")})


if __name__ == "__main__":
    main()
