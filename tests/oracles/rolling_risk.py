"""Oracle for tests/backtest/rolling_risk_test.ts: rolling annualized volatility and Sharpe of
lib/backtest/metrics/rolling.ts written independently with pandas rolling windows (pandas 1.5.3,
Debian /usr/bin/python3), on real returns with missing bars.

Input: BTC/USDT hourly closes of the NFI Binance spot folder (../shared/data/real, PROVENANCE.md:
ohlcv/binance_spot_2020-12_2021-07_nfi/1h/BTC_USDT-1h.json), the first 600 bars, simple
returns close[t] / close[t-1] - 1, with bars 100, 101, 250 and 400 set missing (NaN) so the
windows around them must be NaN (min_periods = window, a NaN counts as missing).

  volatility  r.rolling(w).std() * sqrt(ppy)                     (ddof 1)
  Sharpe      r.rolling(w).mean() / r.rolling(w).std() * sqrt(ppy)
  ppy         8,760 (365-day years of hourly bars); windows 24 and 168

Run: /usr/bin/python3 tests/oracles/rolling_risk.py   (writes tests/oracles/rolling_risk.json)
"""
import json
import math
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data", "real"))
PATH = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", "BTC_USDT-1h.json")
MISSING = [100, 101, 250, 400]
PPY = 8760


def none_nan(xs):
    return [None if (x is None or not math.isfinite(x)) else float(x) for x in xs]


def main():
    rows = json.load(open(PATH))[:600]
    close = pd.Series([float(r[4]) for r in rows])
    r = close / close.shift(1) - 1
    r.iloc[0] = float("nan")
    r.iloc[MISSING] = float("nan")
    out = {"source": "ohlcv/binance_spot_2020-12_2021-07_nfi/1h/BTC_USDT-1h.json", "ppy": PPY,
           "returns": none_nan(r.tolist()), "windows": {}}
    for w in (24, 168):
        sd = r.rolling(w).std()
        mean = r.rolling(w).mean()
        out["windows"][str(w)] = {
            "volatility": none_nan((sd * math.sqrt(PPY)).tolist()),
            "sharpe": none_nan((mean / sd * math.sqrt(PPY)).tolist()),
        }
    with open(os.path.join(HERE, "rolling_risk.json"), "w") as f:
        json.dump(out, f)


main()
