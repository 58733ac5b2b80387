"""Oracle for tests/portfolio/allocation_test.ts: the allocations that need no solver (Debian
scipy 1.10.1, pandas 1.5.3, numpy 1.24.2).

HRP   Lopez de Prado (2016), "Building diversified portfolios that outperform out of sample",
      appendix code (getIVP, getClusterVar, getQuasiDiag, getRecBipart, correlDist) transcribed
      below; `pd.Series.append` (removed in pandas 2) is written as `pd.concat`, nothing else
      changed. As in the paper, `sch.linkage(dist, 'single')` is given the N x N distance
      DataFrame itself, which scipy reads as N observations and clusters by the Euclidean
      distances between its columns (scipy warns "ClusterWarning: ... looks suspiciously like
      an uncondensed distance matrix"): distance "columns". Distance "matrix" passes
      `squareform(dist)` instead (PyPortfolioOpt's choice); run with single, complete and average
      linkage.
ERC   risk parity by solving y_i (S y)_i = 1/N with scipy.optimize.root (method "hybr", xtol
      1e-14; the residual is checked < 1e-15) from inverse-volatility weights, then w = y / sum(y): an independent route to the
      weights (the library uses coordinate descent on Spinu's convex problem).
VOL   volatility-target leverage: min(1.2, 0.8 / (r.rolling(window, min_periods).std()
      .shift(1) * sqrt(8760))) on BTCUSDT hourly log returns (NaN across gaps).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h, loaded as
tests/oracles/optimizer.py (complete hourly grid, r = log(close).diff()). Covariances: np.cov of
the last 720 complete rows of 30 full-history assets, and of the 1,215 rows where all 126 trade.

Run: /usr/bin/python3 tests/oracles/allocation.py, then deno fmt tests/oracles/allocation.json.
"""
import json
import os
import sys
import warnings

import numpy as np
import pandas as pd
import scipy
import scipy.cluster.hierarchy as sch
from scipy.optimize import root
from scipy.spatial.distance import squareform

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from optimizer import load_returns  # noqa: E402


# ---- Lopez de Prado (2016), appendix ----
def getIVP(cov, **kargs):
    ivp = 1. / np.diag(cov)
    ivp /= ivp.sum()
    return ivp


def getClusterVar(cov, cItems):
    cov_ = cov.loc[cItems, cItems]
    w_ = getIVP(cov_).reshape(-1, 1)
    cVar = np.dot(np.dot(w_.T, cov_), w_)[0, 0]
    return cVar


def getQuasiDiag(link):
    link = link.astype(int)
    sortIx = pd.Series([link[-1, 0], link[-1, 1]])
    numItems = link[-1, 3]
    while sortIx.max() >= numItems:
        sortIx.index = range(0, sortIx.shape[0] * 2, 2)
        df0 = sortIx[sortIx >= numItems]
        i = df0.index
        j = df0.values - numItems
        sortIx[i] = link[j, 0]
        df0 = pd.Series(link[j, 1], index=i + 1)
        sortIx = pd.concat([sortIx, df0])  # sortIx.append(df0) in the paper
        sortIx = sortIx.sort_index()
        sortIx.index = range(sortIx.shape[0])
    return sortIx.tolist()


def getRecBipart(cov, sortIx):
    w = pd.Series(1., index=sortIx)
    cItems = [sortIx]
    while len(cItems) > 0:
        cItems = [i[j:k] for i in cItems for j, k in ((0, len(i) // 2), (len(i) // 2, len(i))) if len(i) > 1]
        for i in range(0, len(cItems), 2):
            cItems0 = cItems[i]
            cItems1 = cItems[i + 1]
            cVar0 = getClusterVar(cov, cItems0)
            cVar1 = getClusterVar(cov, cItems1)
            alpha = 1 - cVar0 / (cVar0 + cVar1)
            w[cItems0] *= alpha
            w[cItems1] *= 1 - alpha
    return w


def correlDist(corr):
    dist = ((1 - corr) / 2.) ** .5
    return dist


def hrp(cov_np, method="single", distance="columns"):
    cov = pd.DataFrame(cov_np)
    sd = np.sqrt(np.diag(cov_np))
    c = np.clip(cov_np / np.outer(sd, sd), -1, 1)
    np.fill_diagonal(c, 1.0)  # cov / (sd sd') can round to 1 + 1e-16 on the diagonal
    corr = pd.DataFrame(c)
    dist = correlDist(corr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ClusterWarning the paper's call triggers
        if distance == "columns":
            link = sch.linkage(dist, method)
        else:
            d = dist.to_numpy()
            link = sch.linkage(squareform(d, checks=False), method)
    sortIx = getQuasiDiag(link)
    w = getRecBipart(cov, sortIx).sort_index()
    return {"weights": w.tolist(), "order": sortIx, "linkage": link.tolist()}


def erc(cov):
    n = cov.shape[0]
    s = cov / np.trace(cov) * n
    y0 = 1 / np.sqrt(np.diag(s)) / np.sqrt(n)
    sol = root(lambda y: y * (s @ y) - 1 / n, y0, method="hybr", options={"xtol": 1e-14})
    assert np.max(np.abs(sol.fun)) < 1e-15, sol.fun  # success or not, the residual is tiny
    y = sol.x
    assert (y > 0).all()
    w = y / y.sum()
    rc = w * (cov @ w) / (w @ cov @ w)
    return {"weights": w.tolist(), "maxRiskContributionError": float(np.max(np.abs(rc - 1 / n)))}


def main():
    r = load_returns()
    full = [a for a in r.columns if r[a].isna().sum() <= 19]
    a30 = full[:30]
    cov30 = np.cov(r[a30].dropna().iloc[-720:].to_numpy(), rowvar=False)
    cov126 = np.cov(r.dropna().to_numpy(), rowvar=False)
    out = {"oracle": f"scipy {scipy.__version__}, pandas {pd.__version__}, numpy {np.__version__}",
           "covariances": {"nfi30": {"assets": a30, "covariance": cov30.tolist()},
                           "nfi126": {"assets": list(r.columns), "covariance": cov126.tolist()}},
           "hrp": [], "erc": {}}
    for name, cov in (("nfi30", cov30), ("nfi126", cov126)):
        for method, distance in (("single", "columns"), ("single", "matrix"),
                                 ("complete", "matrix"), ("average", "columns")):
            out["hrp"].append({"covariance": name, "method": method, "distance": distance,
                               **hrp(cov, method, distance)})
        out["erc"][name] = erc(cov)
    btc = r["BTCUSDT"]
    lev = np.minimum(1.2, 0.8 / (btc.rolling(168, min_periods=100).std().shift(1) * np.sqrt(8760)))
    out["volTarget"] = {
        "returns": [None if not np.isfinite(v) else float(v) for v in btc],
        "targetVolatility": 0.8, "window": 168, "minPeriods": 100, "maxLeverage": 1.2,
        "leverage": [None if not np.isfinite(v) else float(v) for v in lev],
    }
    with open(os.path.join(HERE, "allocation.json"), "w") as f:
        json.dump(out, f)
    print("wrote allocation.json", {k: len(v) for k, v in out.items() if isinstance(v, (list, dict))})


if __name__ == "__main__":
    main()
