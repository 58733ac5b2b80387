"""The real-return family shared by the overfitting oracles (mirrors tests/stats/overfitting/_real_family.ts).

BTC/USDT daily closes from ../shared/data/real (freqtrade JSON, 1,881 consecutive days, row order):
simple returns r[t] = c[t] / c[t-1] - 1; trial L (L = 1..n_trials) holds sign(c[t-1] / c[t-1-L] - 1)
(+1, -1 or 0) over day t, so its return is that sign times r[t]. Rows start at t = n_trials + 1 so
every trial is defined; the benchmark is r itself (buy and hold)."""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
BTC_DAILY = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1d.json")


def btc_daily_closes():
    with open(BTC_DAILY) as f:
        rows = json.load(f)
    t = np.array([r[0] for r in rows], dtype="int64")
    assert (np.diff(t) == 86_400_000).all()
    return np.array([r[4] for r in rows], dtype="float64")


def momentum_family(n_trials):
    """(T x n_trials matrix of trial returns, benchmark returns of length T)."""
    c = btc_daily_closes()
    start = n_trials + 1
    r = c[start:] / c[start - 1:-1] - 1
    cols = []
    for L in range(1, n_trials + 1):
        past = c[start - 1:-1] / c[start - 1 - L:len(c) - 1 - L] - 1
        cols.append(np.sign(past) * r)
    return np.column_stack(cols), r
