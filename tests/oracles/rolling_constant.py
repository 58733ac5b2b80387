"""Oracle for rollingOls / rollingBeta on windows where a regressor is exactly constant: real
Binance.US 1-minute bars (statsmodels 0.13.5, numpy 1.24.2, pandas 1.5.3).

Data: ../shared/data/real/ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/
BTC{USDC,USDT,USD}_1m_20230301_20230321.csv (30,240 minutes each, a complete grid). BTCUSDC was
illiquid on Binance.US: 44% of its minutes have a zero log return, in runs of up to 54 minutes,
so many 8-minute windows hold only zero returns (an exactly constant regressor). Log returns of
the close; row 0 is NaN.
  - two: y = BTCUSDT, X = [BTCUSDC, BTCUSD], RollingOLS(y, add_constant(X), window=8)
      .fit(reset=1): reset=1 recomputes X'X from the window's rows at every step, so a window
      whose BTCUSDC returns are all 0 has an exactly singular X'X, np.linalg.inv raises and
      statsmodels leaves NaN (its default reset=1000 updates raw sums and can return noise
      there: the flaw under test).
  - one: y = BTCUSDT, X = [BTCUSDC], the same fit.
  - yconst: y = BTCUSDC, X = [BTCUSDT], the same fit (a constant response: slope 0, R² NaN).
Rows kept: every row whose window is all-zero BTCUSDC (the constant windows), every row within
2 of one, and every 100th row; params (null when all NaN), rsquared. Writes only derived numbers to
rolling_constant.json. Run with /usr/bin/python3, then deno fmt.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data", "real"))
DIR = os.path.join(REAL, "ohlcv", "binanceus_kraken_btc_2023Q1_iaqf", "binanceus_1m")
W = 8


def returns(quote):
    d = pd.read_csv(os.path.join(DIR, f"BTC{quote}_1m_20230301_20230321.csv"))
    c = d["close"].astype("float64").to_numpy()
    r = np.full(len(c), np.nan)
    r[1:] = np.diff(np.log(c))
    return r


usdc, usdt, usd = returns("USDC"), returns("USDT"), returns("USD")
n = len(usdc)
zero = (usdc == 0).astype(int)
run = np.convolve(zero, np.ones(W, dtype=int), "full")[:n]  # zeros in the window ending at t
const = np.where(run == W)[0]
keep = set(range(W, n, 100))
for t in const:
    keep.update(range(max(W, t - 2), min(n, t + 3)))
index = sorted(keep)


def fit(y, xs):
    r = RollingOLS(y, sm.add_constant(np.column_stack(xs)), window=W).fit(reset=1)
    p = r.params
    return {
        "params": [None if np.isnan(p[t]).all() else [float(v) for v in p[t]] for t in index],
        "rsquared": [None if np.isnan(r.rsquared[t]) else float(r.rsquared[t]) for t in index],
    }


out = {
    "window": W,
    "length": n,
    "constantWindows": [int(t) for t in const],
    "index": index,
    "two": fit(usdt, [usdc, usd]),
    "one": fit(usdt, [usdc]),
    "yconst": fit(usdc, [usdt]),
}
with open(os.path.join(HERE, "rolling_constant.json"), "w") as fh:
    json.dump(out, fh)
