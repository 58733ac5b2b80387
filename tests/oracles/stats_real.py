"""Oracle for lib/stats on real Binance hourly candles (pandas 1.5.3, numpy 1.24.2).

Reads freqtrade JSON candles [[ms, o, h, l, c, v], ...] from
../shared/data/real/ohlcv/binance_spot_2017-2022_djienne/<A>_USDT-1h.json, aligns every asset
on one full hourly UTC grid (first to last timestamp over all assets), computes hourly log
returns of the close with NaN across gaps (np.log(close).diff() on the reindexed grid) and
writes only derived numbers to stats_real.json.

"spanning" (per asset): the close-to-close equity across gaps, eq = close.ffill() / first valid
close, i.e. what lib/panel spanningLogReturns feeds to cumulativeReturns / maxDrawdown /
annualizedReturn(..., {elapsedPeriods}): total = last / first - 1, cumulative = eq - 1 where
the close is present (NaN where missing), max drawdown of eq (peak before the trough), and the
annualized log return ln(last / first) / (periods elapsed between them) * 8760. Run with Debian's /usr/bin/python3, then
`deno fmt tests/oracles/stats_real.json` (the repository formats JSON with deno fmt).
"""
import json
import math
import os

import numpy as np
import pandas as pd
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
ASSETS = ["BTC", "ETH", "SOL", "BNB", "ADA"]
HOUR = 3_600_000
PPY = 8760  # 365 days x 24 hours
WINDOW, MIN_OBS = 720, 600
CUM_STEP, BETA_STEP = 997, 499


def nn(v):
    v = float(v)
    return None if math.isnan(v) else v


def load():
    closes = {}
    for a in ASSETS:
        s = freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json"))
        assert (s.index % HOUR == 0).all()
        closes[a] = s
    first = min(int(s.index[0]) for s in closes.values())
    last = max(int(s.index[-1]) for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR, dtype="int64")
    px = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
    rets = np.log(px).diff()
    return first, len(grid), rets, px


def drawdown(r):
    level = np.concatenate([[0.0], r.fillna(0.0).cumsum().to_numpy()])  # index 0 = start
    eq = np.exp(level)
    peak = np.maximum.accumulate(eq)
    dd = 1.0 - eq / peak
    k = int(np.argmax(dd))  # first occurrence of the largest drawdown
    if dd[k] <= 0:
        return {"maxDrawdown": 0.0, "peakIndex": -1, "troughIndex": -1, "recoveryIndex": -1}
    p = int(np.nonzero(eq[: k + 1] == peak[k])[0][-1])  # last time the peak level was reached
    after = np.nonzero(eq[k + 1:] >= eq[p])[0]
    rec = int(after[0]) + k + 1 - 1 if len(after) else -1
    return {"maxDrawdown": float(dd[k]), "peakIndex": p - 1, "troughIndex": k - 1, "recoveryIndex": rec}


def spanning(close, n):
    valid = np.flatnonzero(close.notna().to_numpy())
    f, l = int(valid[0]), int(valid[-1])
    eq = close.ffill() / close.iloc[f]                      # close-to-close equity, gaps bridged
    cum = (eq - 1).where(close.notna())                     # NaN where the close is missing
    e = eq.iloc[f:].to_numpy()
    peak = np.maximum.accumulate(e)
    dd = 1.0 - e / peak
    k = int(np.argmax(dd))                                  # first occurrence of the largest
    idx = list(range(0, n, CUM_STEP)) + [l]
    missing_inside = int(close.iloc[f:l + 1].isna().sum())
    log_total = math.log(close.iloc[l] / close.iloc[f])
    return {
        "firstIndex": f,
        "lastIndex": l,
        "elapsed": l - f,
        "missingInside": missing_inside,                     # > 0: the series has gaps
        "returns": int(len(valid) - 1),                      # finite spanning returns
        "total": float(close.iloc[l] / close.iloc[f] - 1),
        "annLogReturn": float(log_total / (l - f) * PPY),
        "annGeometricReturn": float(np.expm1(log_total / (l - f) * PPY)),
        "maxDrawdown": float(dd[k]),
        "troughIndex": k + f,
        "cumulative": [[i, nn(cum.iloc[i])] for i in idx],
    }


def main():
    first, n, rets, px = load()
    out = {"oracle": f"pandas {pd.__version__}, numpy {np.__version__}", "assets": ASSETS,
           "firstTs": first, "gridLength": n, "periodsPerYear": PPY, "perAsset": {}}
    for a in ASSETS:
        r = rets[a]
        cum = np.expm1(r.cumsum())  # cumsum skips NaN and leaves it in place
        idx = list(range(0, n, CUM_STEP)) + [n - 1]
        mean, sd = r.mean(), r.std()
        rf = math.log1p(0.05) / PPY
        out["perAsset"][a] = {
            "count": int(r.count()),
            "mean": float(mean),                                   # Series.mean()
            "std": float(sd),                                      # Series.std() (ddof=1)
            "std0": float(r.std(ddof=0)),                          # Series.std(ddof=0)
            "annLogReturn": float(mean * PPY),
            "annGeometricReturn": float(np.expm1(mean * PPY)),
            "annVolatility": float(sd * math.sqrt(PPY)),
            "sharpe": float(mean / sd * math.sqrt(PPY)),
            "sharpeRf5": float((mean - rf) / sd * math.sqrt(PPY)),
            "kurt": float(r.kurt()),                               # Series.kurt() (excess, G2)
            "autocorr1": float(r.autocorr(1)),                     # Series.autocorr(lag=1)
            "autocorrSq1": float((r * r).autocorr(1)),
            "autocorrSq24": float((r * r).autocorr(24)),
            "drawdown": drawdown(r),
            "cumulative": [[i, nn(cum.iloc[i])] for i in idx],
            "spanning": spanning(px[a], n),
        }
    out["pearsonBtcEth"] = float(rets["BTC"].corr(rets["ETH"]))     # Series.corr()
    out["corr"] = [[nn(v) for v in row] for row in rets.corr().to_numpy()]  # DataFrame.corr()
    out["corrMin20000"] = [[nn(v) for v in row] for row in rets.corr(min_periods=20000).to_numpy()]
    betas = {}
    x = rets["BTC"]
    for a in ["ETH", "SOL", "BTC"]:
        y = rets[a]
        xm = x.where(y.notna())  # pandas pairs cov, but var(x) must use the same rows
        b = y.rolling(WINDOW, min_periods=MIN_OBS).cov(xm) / xm.rolling(WINDOW, min_periods=MIN_OBS).var()
        idx = list(range(0, n, BETA_STEP)) + [n - 1]
        betas[a] = {
            "finite": int(np.isfinite(b).sum()),
            "sumFinite": float(b[np.isfinite(b)].sum()),
            "samples": [[i, nn(b.iloc[i])] for i in idx],
        }
    out["rollingBeta"] = {"window": WINDOW, "minObs": MIN_OBS, "x": "BTC", "y": betas}
    with open(os.path.join(HERE, "stats_real.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
