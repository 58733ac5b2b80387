"""Oracle for lib/research/pairs (hedge ratios, spread z-score, Engle-Granger screening) on real
Binance hourly log prices. statsmodels 0.13.5, pandas 1.5.3, numpy 1.24.2 (Debian).

Data (../shared/data/real, never copied):
  A. binance_spot_2017-2022_djienne/{ETH,BTC}_USDT-1h.json on one full hourly grid (as
     stats_real.py / tests/stats/_real_returns.ts), grid rows [A0, A0 + AN): y = log ETH close,
     x = log BTC close, NaN where a candle is missing (the window holds exchange outages).
     - OLS: sm.OLS(y, sm.add_constant(x), missing="drop").fit().params, and without constant
     - TLS: principal eigenvector of np.cov([x, y]) by np.linalg.eigh, and np.linalg.svd of the
       centred [x y] (both directions, to check the symmetry); uncentred SVD without intercept
     - Kalman: NOT a library call: statsmodels has no such filter, so this is a plain numpy
       transcription of the recursions of Chan (2013) example 3.3 in matrix form (2x2 numpy
       arrays), written independently of the TypeScript scalar code; defaults delta=1e-4,
       Ve=1e-3, P0=0 and a diffuse variant delta=1e-3, P0=I.
     - z-score: pandas s.rolling(72).mean().shift(1) / .std().shift(1) on the OLS spread
       (causal) and s.rolling(72, min_periods=48) without shift (not causal)
  B. binance_spot_2020-12_2021-07_nfi/1h: the first 12 assets by file name, log closes on the
     common grid; every pair (i < j), y = asset i, x = asset j, rows where both are finite:
     coint(y, x, trend="c", autolag="aic") (statistic, p-value), the OLS hedge ratio, nobs,
     pandas corr of the one-bar log returns on the grid; multipletests(p, method="fdr_bh" and
     "fdr_by"); a half-life from OLS of diff(resid) on const + lagged resid. trend="ct" for 4
     pairs. Rolling: coint over trailing windows of 1500 rows, step 500, for one pair.
Writes only derived numbers to pairs.json. Run with /usr/bin/python3 from tests/oracles, then
deno fmt tests/oracles/pairs.json.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import coint

from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
HOUR = 3_600_000
A0, AN = 2000, 6000
SAMPLE = 97  # every 97th bar of the long arrays goes into the JSON


def grid_closes(paths):
    closes = {k: freqtrade_closes(p) for k, p in paths.items()}
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    return grid, pd.DataFrame({k: s.reindex(grid) for k, s in closes.items()}, index=grid)


def kalman(y, x, delta, ve, p0, intercept=True):
    dim = 2 if intercept else 1
    vw = delta / (1 - delta) * np.eye(dim)
    s = np.zeros(dim)
    P = p0 * np.eye(dim)
    n = len(y)
    out = {k: np.full(n, np.nan) for k in ["betas", "intercepts", "predictions", "variances"]}
    for t in range(n):
        R = P + vw if t > 0 else P.copy()
        if np.isfinite(x[t]) and np.isfinite(y[t]):
            h = np.array([x[t], 1.0]) if intercept else np.array([x[t]])
            yhat = h @ s
            Q = h @ R @ h + ve
            K = R @ h / Q
            s = s + K * (y[t] - yhat)
            P = R - np.outer(K, h) @ R
            out["predictions"][t] = yhat
            out["variances"][t] = Q
        else:
            P = R
        out["betas"][t] = s[0]
        out["intercepts"][t] = s[1] if intercept else 0.0
    return out


def sample(a):
    return [None if not np.isfinite(v) else float(v) for v in a[::SAMPLE]]


def part_a():
    d = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
    grid, df = grid_closes({a: os.path.join(d, f"{a}_USDT-1h.json") for a in ["BTC", "ETH"]})
    w = df.iloc[A0:A0 + AN]
    y = np.log(w["ETH"].to_numpy())
    x = np.log(w["BTC"].to_numpy())
    ok = np.isfinite(x) & np.isfinite(y)
    ols = sm.OLS(y, sm.add_constant(x), missing="drop").fit()
    ols0 = sm.OLS(y, x, missing="drop").fit()
    xc, yc = x[ok], y[ok]
    evals, evecs = np.linalg.eigh(np.cov(np.vstack([xc, yc])))
    v = evecs[:, np.argmax(evals)]
    tls_beta = v[1] / v[0]
    tls_int = yc.mean() - tls_beta * xc.mean()
    # SVD of the centred data: the first right singular vector is the same direction
    _, _, vt = np.linalg.svd(np.column_stack([xc - xc.mean(), yc - yc.mean()]), full_matrices=False)
    tls_svd = vt[0, 1] / vt[0, 0]
    _, _, vt_rev = np.linalg.svd(np.column_stack([yc - yc.mean(), xc - xc.mean()]), full_matrices=False)
    tls_rev = vt_rev[0, 1] / vt_rev[0, 0]
    _, _, vt0 = np.linalg.svd(np.column_stack([xc, yc]), full_matrices=False)
    tls0 = vt0[0, 1] / vt0[0, 0]
    k_chan = kalman(y, x, 1e-4, 1e-3, 0.0)
    k_diff = kalman(y, x, 1e-3, 1e-3, 1.0)
    k_noint = kalman(y, x, 1e-4, 1e-3, 1.0, intercept=False)
    spread = pd.Series(y - ols.params[0] - ols.params[1] * x)
    mu = spread.rolling(72).mean().shift(1)
    sd = spread.rolling(72).std().shift(1)
    mu_nc = spread.rolling(72, min_periods=48).mean()
    sd_nc = spread.rolling(72, min_periods=48).std()
    return {
        "firstTs": int(grid[A0]),
        "n": int(AN),
        "missing": int((~ok).sum()),
        "olsParams": ols.params.tolist(),
        "olsNoInterceptBeta": float(ols0.params[0]),
        "tlsBeta": float(tls_beta),
        "tlsIntercept": float(tls_int),
        "tlsSvdBeta": float(tls_svd),
        "tlsReversedBeta": float(tls_rev),
        "tlsNoInterceptBeta": float(tls0),
        "sampleEvery": SAMPLE,
        "kalmanChan": {k: sample(v) for k, v in k_chan.items()},
        "kalmanDiffuse": {k: sample(v) for k, v in k_diff.items()},
        "kalmanNoIntercept": {k: sample(v) for k, v in k_noint.items()},
        "zCausal": sample(((spread - mu) / sd).to_numpy()),
        "meanCausal": sample(mu.to_numpy()),
        "zNonCausal": sample(((spread - mu_nc) / sd_nc).to_numpy()),
        "stdNonCausal": sample(sd_nc.to_numpy()),
    }


def half_life(resid):
    lag = resid[:-1]
    d = np.diff(resid)
    fit = sm.OLS(d, sm.add_constant(lag)).fit()
    lam = fit.params[1]
    return float(-np.log(2) / np.log(1 + lam)) if -1 < lam < 0 else None, float(1 + lam)


def part_b():
    d = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
    files = sorted(f for f in os.listdir(d) if f.endswith(".json"))[:12]
    names = [f.split("_")[0] for f in files]
    grid, df = grid_closes({n: os.path.join(d, f) for n, f in zip(names, files)})
    lp = np.log(df)
    rets = lp.diff()
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            sub = lp[[names[i], names[j]]].dropna()
            yv, xv = sub[names[i]].to_numpy(), sub[names[j]].to_numpy()
            stat, p, _ = coint(yv, xv, trend="c", autolag="aic")
            fit = sm.OLS(yv, sm.add_constant(xv)).fit()
            hl, phi = half_life(fit.resid)
            pairs.append({
                "y": names[i], "x": names[j], "nobs": int(len(sub)),
                "statistic": float(stat), "pValue": float(p),
                "hedgeRatio": float(fit.params[1]), "intercept": float(fit.params[0]),
                "halfLife": hl, "phi": phi,
                "returnCorrelation": float(rets[names[i]].corr(rets[names[j]])),
            })
    p = [q["pValue"] for q in pairs]
    bh = multipletests(p, method="fdr_bh")[1]
    by = multipletests(p, method="fdr_by")[1]
    for q, b, c in zip(pairs, bh, by):
        q["bh"] = float(b)
        q["by"] = float(c)
    ct = []
    for k in [0, 7, 20, 41]:
        q = pairs[k]
        sub = lp[[q["y"], q["x"]]].dropna()
        stat, pv, _ = coint(sub[q["y"]].to_numpy(), sub[q["x"]].to_numpy(), trend="ct", autolag="aic")
        ct.append({"y": q["y"], "x": q["x"], "statistic": float(stat), "pValue": float(pv)})
    # Rolling: trailing windows of 1500 grid rows ending at 1499, 1999, ... for pair 0
    q = pairs[0]
    ry, rx = lp[q["y"]].to_numpy(), lp[q["x"]].to_numpy()
    rolling = []
    for end in range(1499, len(grid), 500):
        wy, wx = ry[end - 1499:end + 1], rx[end - 1499:end + 1]
        ok = np.isfinite(wy) & np.isfinite(wx)
        stat, pv, _ = coint(wy[ok], wx[ok], trend="c", autolag="aic")
        fit = sm.OLS(wy[ok], sm.add_constant(wx[ok])).fit()
        rolling.append({"end": end, "nobs": int(ok.sum()), "statistic": float(stat),
                        "pValue": float(pv), "hedgeRatio": float(fit.params[1])})
    return {"names": names, "firstTs": int(grid[0]), "gridLength": int(len(grid)),
            "pairs": pairs, "ct": ct, "rollingPair": [q["y"], q["x"]], "rolling": rolling}


out = {"a": part_a(), "b": part_b()}
with open(os.path.join(HERE, "pairs.json"), "w") as f:
    json.dump(out, f, indent=1)
