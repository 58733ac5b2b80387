"""Oracle for the unit-root and cointegration tests (adf, kpss, engleGranger, mackinnonp,
mackinnoncrit) on real Binance log prices (statsmodels 0.13.5, numpy 1.24.2, pandas 1.5.3).

Data (../shared/data/real, never copied): freqtrade candle files read with _candles.py.
  - a "series" is log(close) of rows [offset, offset + length) of one file, in file order
    (consecutive candles, no time grid): djienne = binance_spot_2017-2022_djienne/<A>_USDT-<f>.json,
    nfi = binance_spot_2020-12_2021-07_nfi/1h/<A>_USDT-1h.json. "diff": the log returns instead.
  - a "pair" is the inner join on open time of the closes of y and every x (rows where all
    exist), rows [offset, offset + length), log(close).
Calls, for every case listed below:
  - adfuller(x, maxlag=maxlag, regression=reg, autolag=autolag) -> stat, p, usedlag, nobs,
    crit, icbest (autolag "AIC" | "BIC" | "t-stat" | None)
  - kpss(x, regression=reg, nlags=lags) -> stat, p, lags, crit (warnings recorded as "clipped")
  - coint(y, x, trend=trend, method="aeg", maxlag=maxlag, autolag=autolag) -> stat, p, crit,
    plus OLS(y, add_trend(x, trend, prepend=False)).fit().params (hedge ratios, intercept)
  - mackinnonp(tau, regression, N) on a grid of tau for every regression and N = 1..6, and
    mackinnoncrit(N, regression, nobs) for every N, regression and nobs in (25, 100, 1000, inf).
For ctt the oracle also records the ADF statistic refitted with the trend scaled to t/n, an
equivalent but well-conditioned design, to show how much of the difference is statsmodels'
conditioning (raw t^2 up to 4e8 next to a column of ones).
Writes only derived numbers to unit_root.json. Run with /usr/bin/python3, then deno fmt.
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import InterpolationWarning
from statsmodels.tsa.adfvalues import mackinnoncrit, mackinnonp
from statsmodels.tsa.stattools import adfuller, coint, kpss
from statsmodels.tsa.tsatools import add_trend, lagmat
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")


def path(source, asset, freq):
    if source == "djienne":
        return os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne", f"{asset}_USDT-{freq}.json")
    return os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", f"{asset}_USDT-1h.json")


def series(spec):
    c = freqtrade_closes(path(spec["source"], spec["asset"], spec["freq"])).to_numpy()
    x = np.log(c[spec["offset"]:spec["offset"] + spec["length"]])
    assert len(x) == spec["length"], spec
    return np.diff(x) if spec.get("diff") else x


def pair(spec):
    cols = [freqtrade_closes(path(spec["source"], a, "1h")).rename(a) for a in [spec["y"], *spec["x"]]]
    df = pd.concat(cols, axis=1, join="inner").iloc[spec["offset"]:spec["offset"] + spec["length"]]
    assert len(df) == spec["length"], spec
    return np.log(df[spec["y"]].to_numpy()), np.log(df[spec["x"]].to_numpy())


SERIES = [
    {"name": "BTC 1h long", "source": "djienne", "asset": "BTC", "freq": "1h", "offset": 0, "length": 20000},
    {"name": "BTC 1d", "source": "djienne", "asset": "BTC", "freq": "1d", "offset": 0, "length": 1881},
    {"name": "ETH 1h", "source": "djienne", "asset": "ETH", "freq": "1h", "offset": 10000, "length": 2000},
    {"name": "SOL 1h", "source": "djienne", "asset": "SOL", "freq": "1h", "offset": 1000, "length": 2000},
    {"name": "SOL 1h short", "source": "djienne", "asset": "SOL", "freq": "1h", "offset": 5000, "length": 60},
    {"name": "ETH 1h tiny", "source": "djienne", "asset": "ETH", "freq": "1h", "offset": 300, "length": 20},
    {"name": "ADA nfi", "source": "nfi", "asset": "ADA", "freq": "1h", "offset": 0, "length": 5482},
    {"name": "DOT nfi", "source": "nfi", "asset": "DOT", "freq": "1h", "offset": 0, "length": 3000},
    {"name": "ATOM nfi", "source": "nfi", "asset": "ATOM", "freq": "1h", "offset": 2000, "length": 1000},
    {"name": "BTC 1h returns", "source": "djienne", "asset": "BTC", "freq": "1h", "offset": 30000, "length": 2001, "diff": True},
]
AUTOLAGS = ["AIC", "BIC", "t-stat", None]
REGS = ["c", "ct", "ctt", "n"]


def scaled_ctt_stat(x, lag):
    """ADF t statistic for regression ctt with the trend as t/n (same column space)."""
    d = np.diff(x)
    xd = lagmat(d[:, None], lag, trim="both", original="in")
    n = xd.shape[0]
    xd[:, 0] = x[-n - 1:-1]
    t = np.arange(1, n + 1) / n
    X = np.column_stack([xd, np.ones(n), t, t ** 2])
    return float(sm.OLS(d[-n:], X).fit().tvalues[0])


adf_cases = []
kpss_cases = []
for spec in SERIES:
    x = series(spec)
    for reg in REGS:
        for al in AUTOLAGS:
            # autolag None uses maxlag lags: the default rule, and a small fixed maxlag
            for maxlag in ([None, 3] if al is None else [None]):
                r = adfuller(x, maxlag=maxlag, regression=reg, autolag=al)
                case = {
                    "series": spec["name"], "regression": reg,
                    "autolag": al.lower() if al else None, "maxlag": maxlag,
                    "statistic": float(r[0]), "pValue": float(r[1]), "usedLag": int(r[2]),
                    "nobs": int(r[3]), "crit": [float(r[4][k]) for k in ("1%", "5%", "10%")],
                    "icBest": float(r[5]) if al else None,
                }
                if reg == "ctt":
                    case["scaledStatistic"] = scaled_ctt_stat(x, int(r[2]))
                adf_cases.append(case)
    for reg in ["c", "ct"]:
        for lags in ["auto", "legacy", 10]:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always", InterpolationWarning)
                stat, p, used, crit = kpss(x, regression=reg, nlags=lags)
            msgs = [str(m.message) for m in w if issubclass(m.category, InterpolationWarning)]
            clipped = None
            if msgs:
                clipped = "smaller" if "smaller" in msgs[0] else "greater"
            kpss_cases.append({
                "series": spec["name"], "regression": reg, "lags": lags, "statistic": float(stat),
                "pValue": float(p), "usedLags": int(used),
                "crit": [crit["10%"], crit["5%"], crit["2.5%"], crit["1%"]], "clipped": clipped,
            })

PAIRS = [
    {"name": "ETH~BTC 2021", "source": "djienne", "y": "ETH", "x": ["BTC"], "offset": 30000, "length": 3000},
    {"name": "SOL~ETH", "source": "djienne", "y": "SOL", "x": ["ETH"], "offset": 2000, "length": 2000},
    {"name": "BTC~ETH+SOL", "source": "djienne", "y": "BTC", "x": ["ETH", "SOL"], "offset": 0, "length": 4000},
    {"name": "ETH~BTC short", "source": "djienne", "y": "ETH", "x": ["BTC"], "offset": 12345, "length": 120},
    {"name": "ADA~DOT nfi", "source": "nfi", "y": "ADA", "x": ["DOT"], "offset": 0, "length": 5482},
    {"name": "ATOM~ALGO nfi", "source": "nfi", "y": "ATOM", "x": ["ALGO"], "offset": 1000, "length": 2500},
]
coint_cases = []
pair_inputs = []
for spec in PAIRS:
    y, X = pair(spec)
    input_p = [float(adfuller(s, regression="c", autolag="AIC")[1]) for s in [y, *X.T]]
    pair_inputs.append({"pair": spec["name"], "inputAdfP": input_p})
    for trend in ["c", "ct", "ctt", "n"]:
        for al in AUTOLAGS:
            for maxlag in ([None, 2] if al is None else [None]):
                stat, p, crit = coint(y, X, trend=trend, method="aeg", maxlag=maxlag, autolag=al)
                xx = X if trend == "n" else add_trend(X, trend=trend, prepend=False)
                params = sm.OLS(y, xx).fit().params
                k = X.shape[1]
                coint_cases.append({
                    "pair": spec["name"], "trend": trend, "autolag": al.lower() if al else None,
                    "maxlag": maxlag, "statistic": float(stat), "pValue": float(p),
                    "crit": [None if np.isnan(c) else float(c) for c in crit],
                    "hedgeRatios": [float(v) for v in params[:k]],
                    "intercept": float(params[k]) if trend != "n" else 0.0,
                })

taus = [float(v) for v in np.round(np.linspace(-20, 3, 47), 6)] + [-1.04, -1.61, -2.89, -3.21]
mp = {reg: [[float(mackinnonp(t, regression=reg, N=N)) for t in taus] for N in range(1, 7)] for reg in REGS}
mc = []
for reg in REGS:
    for N in range(1, 2 if reg == "n" else 13):
        for nobs in [25, 100, 1000, None]:
            v = mackinnoncrit(N=N, regression=reg, nobs=np.inf if nobs is None else nobs)
            mc.append({"regression": reg, "N": N, "nobs": nobs, "crit": [float(c) for c in v]})

out = {
    "series": SERIES, "pairs": PAIRS, "pairInputs": pair_inputs, "adf": adf_cases,
    "kpss": kpss_cases, "coint": coint_cases,
    "mackinnonp": {"taus": taus, "p": mp}, "mackinnoncrit": mc,
}
with open(os.path.join(HERE, "unit_root.json"), "w") as f:
    json.dump(out, f, indent=1)
