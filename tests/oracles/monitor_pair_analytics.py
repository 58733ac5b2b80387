"""Oracle for the live monitor's pair analytics (lib/pipeline/monitor/pair_analytics.ts) on real
Binance hourly bars. statsmodels 0.13.5, pandas 1.5.3, numpy 1.24.2 (Debian /usr/bin/python3).

Data (../shared/data/real, never copied): binance_spot_2017-2022_djienne/{ETH,BTC}_USDT-1h.json,
the N hours from START (UTC ms) on, a span where both files have every hour. y = ETH close,
x = BTC close, W = 72:
  - hedge ratio at t: statsmodels RollingOLS(log y, add_constant(log x), window=W).fit().params
    shifted by one bar (the fit on the W bars ending at t-1), spread = log y - a - b log x
  - z-score: pandas (s - s.rolling(W).mean().shift(1)) / s.rolling(W).std().shift(1)
  - correlation: pandas rolling(W, min_periods=ceil(0.8 W)).corr of the one-bar log returns
  - Engle-Granger of the last window: coint(log y, log x, trend="c", autolag="aic",
    maxlag=min(ceil(12 (W/100)^(1/4)), floor((W-1)/4))) on the last W bars
Writes only derived numbers (every value of the last 100 bars) to monitor_pair_analytics.json.
Run with /usr/bin/python3 from tests/oracles, then deno fmt tests/oracles/monitor_pair_analytics.json.
"""
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS
from statsmodels.tsa.stattools import coint

from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
HOUR = 3_600_000
START = 1_640_995_200_000  # 2022-01-01T00:00Z
N = 400
W = 72
KEEP = 100


def main():
    y = freqtrade_closes(os.path.join(DIR, "ETH_USDT-1h.json"))
    x = freqtrade_closes(os.path.join(DIR, "BTC_USDT-1h.json"))
    grid = np.arange(START, START + N * HOUR, HOUR)
    y, x = y.reindex(grid), x.reindex(grid)
    assert not y.isna().any() and not x.isna().any(), "pick a span without missing hours"
    ly, lx = np.log(y), np.log(x)
    fit = RollingOLS(ly, sm.add_constant(lx.rename("lx")), window=W).fit()
    a = fit.params["const"].shift(1)
    b = fit.params["lx"].shift(1)
    spread = ly - a - b * lx
    z = (spread - spread.rolling(W).mean().shift(1)) / spread.rolling(W).std().shift(1)
    ry, rx = ly.diff(), lx.diff()
    corr = ry.rolling(W, min_periods=math.ceil(0.8 * W)).corr(rx)
    maxlag = min(math.ceil(12 * (W / 100) ** 0.25), (W - 1) // 4)
    stat, p, _ = coint(ly.iloc[-W:], lx.iloc[-W:], trend="c", autolag="aic", maxlag=maxlag)

    def tail(s):
        return [None if not np.isfinite(v) else float(v) for v in s.iloc[-KEEP:]]

    out = {
        "source": "binance_spot_2017-2022_djienne ETH_USDT-1h.json, BTC_USDT-1h.json",
        "start": START,
        "n": N,
        "window": W,
        "maxlag": maxlag,
        "ts": [int(t) for t in grid[-KEEP:]],
        "hedgeRatio": tail(b),
        "spread": tail(spread),
        "zScore": tail(z),
        "correlation": tail(corr),
        "lastWindow": {"statistic": float(stat), "pValue": float(p)},
    }
    with open(os.path.join(HERE, "monitor_pair_analytics.json"), "w") as f:
        json.dump(out, f, indent=1)


main()
