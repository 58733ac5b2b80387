"""Oracle for the BTC/ETH factor model (lib/research/factor_model.ts) on real Binance hourly
returns: statsmodels 0.13.5 RollingOLS, pandas 1.5.3, numpy 1.24.2.

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/{BTC,ETH,SOL,DOGE,ALICE}_USDT-1h.json
closes on one full hourly grid (first to last candle of the five), log returns np.log(c).diff()
(NaN across every gap). ALICE lists ~2,500 hours into the grid.

Two scenarios:
  - "real": the returns as they are;
  - "ethBlank": a copy with ETH's closes blanked (NaN) on grid rows 2000..2499, so the ETH-missing
    rule is exercised both at the blank rows and after them, where the two-factor windows hold
    fewer than min_nobs complete rows.

Model, window W=720, min_nobs M=360 (the factorModel defaults):
  fit(y, X) = RollingOLS(y, add_constant(X), window=W, min_nobs=M, expanding=True).fit()
  (missing="drop" skips incomplete rows; expanding=True fits the first W-1 rows on the rows so
  far, as rollingOls does when minObs < window)
  - BTC: intercept only, RollingOLS(y, ones) (alpha = rolling mean);
  - ETH: fit(ETH, [BTC]);
  - others: fit2 = fit(y, [BTC, ETH]), fit1 = fit(y, [BTC]); row t's coefficients (alpha,
    betas, R², nobs) come from fit2 where fit2's params at t exist, else from fit1 (betaEth NaN),
    so the choice uses only the data in the window; the residual at t is fit2's where it exists
    and ETH[t] is finite, else fit1's (a row with no ETH return still gets a BTC-only residual).
  Causal: params, rsquared and nobs shifted one row down (pandas .shift(1)), residual
  y[t] - params[t-1] . [1, x[t]]; in-sample (causal=False): no shift.

Writes only derived numbers to factors.json: for each scenario, causal flag and asset, the
values at the sampled grid rows ROWS plus the count and mean of every field's finite values over
the whole grid. NaN is written as null. Run with /usr/bin/python3, then deno fmt.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000
W, M = 720, 360
ASSETS = ["BTC", "ETH", "SOL", "DOGE", "ALICE"]
BLANK = (2000, 2500)

closes = {a: freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json")) for a in ASSETS}
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
n = len(grid)
C = pd.DataFrame({a: s.reindex(grid).to_numpy() for a, s in closes.items()})
alice_start = int(np.argmax(C["ALICE"].notna().to_numpy()))

special = [0, 1, 2, 358, 359, 360, 361, 362, 718, 719, 720, 721, 1439, 1440, 1441]
special += [r + d for r in (BLANK[0], BLANK[1], BLANK[1] + M, alice_start, alice_start + M) for d in range(-2, 4)]
ROWS = sorted(set([r for r in special if 0 <= r < n] + list(range(0, n, 97)) + [n - 1]))


def fit(y, X):
    exog = np.ones((n, 1)) if X is None else sm.add_constant(np.column_stack(X), has_constant="add")
    r = RollingOLS(y, exog, window=W, min_nobs=M, expanding=True).fit()
    params = np.asarray(r.params, dtype=float)
    rsq = np.asarray(r.rsquared, dtype=float)
    nobs = np.asarray(r.nobs, dtype=float)
    if X is None:
        rsq = np.where(np.isnan(params[:, 0]), np.nan, 0.0)  # intercept only: R² is 0 by definition
    return params, rsq, nobs


def apply(params, rsq, nobs, y, X, causal):
    if causal:
        params = pd.DataFrame(params).shift(1).to_numpy()
        rsq = pd.Series(rsq).shift(1).to_numpy()
        nobs = pd.Series(nobs).shift(1).to_numpy()
    fitted = params[:, 0].copy()
    for j, x in enumerate(X or []):
        fitted = fitted + params[:, j + 1] * x
    return params, rsq, nobs, y - fitted


def model(R, causal):
    btc, eth = R["BTC"].to_numpy(), R["ETH"].to_numpy()
    out = {}
    for a in ASSETS:
        y = R[a].to_numpy()
        if a == "BTC":
            p, r2, nb, res = apply(*fit(y, None), y, None, causal)
            cols = dict(alpha=p[:, 0], betaBtc=np.full(n, np.nan), betaEth=np.full(n, np.nan))
        else:
            p1, r21, nb1, res1 = apply(*fit(y, [btc]), y, [btc], causal)
            if a == "ETH":
                p, r2, nb, res = p1, r21, nb1, res1
                cols = dict(alpha=p[:, 0], betaBtc=p[:, 1], betaEth=np.full(n, np.nan))
            else:
                p2, r22, nb2, res2 = apply(*fit(y, [btc, eth]), y, [btc, eth], causal)
                use2 = ~np.isnan(p2[:, 0])
                cols = dict(
                    alpha=np.where(use2, p2[:, 0], p1[:, 0]),
                    betaBtc=np.where(use2, p2[:, 1], p1[:, 1]),
                    betaEth=np.where(use2, p2[:, 2], np.nan),
                )
                r2 = np.where(use2, r22, r21)
                res = np.where(use2 & ~np.isnan(eth), res2, res1)
                nb = np.where(use2, nb2, nb1)
        cols.update(rSquared=r2, residuals=res)
        # nobs only where there is a fit: statsmodels leaves it undefined elsewhere
        cols["nobs"] = np.where(np.isnan(cols["alpha"]), np.nan, nb)
        out[a] = {
            k: {
                "at": [None if np.isnan(v[i]) else float(v[i]) for i in ROWS],
                "count": int(np.isfinite(v).sum()),
                "mean": float(np.nanmean(v)) if np.isfinite(v).any() else None,
            }
            for k, v in cols.items()
        }
    return out


def returns(C):
    return np.log(C).diff()


blank = C.copy()
blank.loc[BLANK[0]:BLANK[1] - 1, "ETH"] = np.nan
doc = {
    "window": W,
    "minObs": M,
    "firstTs": int(first),
    "n": n,
    "blank": list(BLANK),
    "aliceStart": alice_start,
    "rows": ROWS,
    "real": {"causal": model(returns(C), True), "inSample": model(returns(C), False)},
    "ethBlank": {"causal": model(returns(blank), True)},
}
with open(os.path.join(HERE, "factors.json"), "w") as f:
    json.dump(doc, f, indent=0, allow_nan=False)
