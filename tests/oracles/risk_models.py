"""Oracle for tests/portfolio/*_test.ts: risk models on real hourly returns (Debian pandas 1.5.3,
numpy 1.24.2, scikit-learn 1.2.1).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/*.json (freqtrade candles,
read with json.load), files in name order, closes reindexed onto the COMPLETE hourly grid from
the first to the last candle of the universe (a missing candle is NaN), exactly as
tests/oracles/cross_section.py and tests/_shared/hourly_grid.ts. Returns: r = np.log(close).diff()
(NaN across a gap: never a zero return).

Cases (asset lists below; every case but window uses all 5,493 hours):
  majors  12 assets with full histories (only the 18 grid hours missing for everyone)
  nan     the 12 majors + GRT, CAKE, ALICE (late listings: 422 / 1,936 / 2,510 missing hours)
  window  nan's assets over hours 3300..3599, which hold two gaps (3362-3364, 3485-3488), so
          gaps are recent enough to matter to the EWMA (adjust=False renormalizes after each)
  all     the whole 126-asset universe (aggregates and sampled cells only, to keep the file small)
Calls:
  sample covariance  r.cov()                                   pairwise, ddof=1 (pandas ignores
                     ddof with NaN); majors also np.cov(X, ddof=0) on the complete rows
  ewma               r.ewm(<decay>, adjust=, min_periods=).cov(bias=) at the last hour and at
                     sampled hours (ignore_na=False, the default)
  ledoit_wolf, oas   sklearn.covariance.ledoit_wolf(X) / oas(X), X = r.dropna().to_numpy()
                     (listwise deletion: sklearn refuses NaN; assume_centered=False, and for
                     majors also assume_centered=True)
  covCor             an independent numpy transcription of Ledoit & Wolf's 2004 MATLAB covCor.m
                     (divides by T), on the same X
  nearest corr.      an independent numpy implementation of Higham (2002) Algorithm 3.3
                     (alternating projections with Dykstra's correction, np.linalg.eigh) run to
                     tol 1e-14: Higham's 3 x 3 example, NAG g02aa's 4 x 4 example, a seeded random
                     symmetric matrix with unit diagonal (not PSD), the same with weights, and the
                     pairwise correlation matrix of the 126-asset universe.
Run: /usr/bin/python3 tests/oracles/risk_models.py, then deno fmt tests/oracles/risk_models.json.
"""
import glob
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.covariance import ledoit_wolf, oas

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000

MAJORS = ["BTCUSDT", "ETHUSDT", "ADAUSDT", "XRPUSDT", "DOTUSDT", "LINKUSDT", "LTCUSDT", "SOLUSDT",
          "AVAXUSDT", "MATICUSDT", "UNIUSDT", "DOGEUSDT"]
LATE = ["GRTUSDT", "CAKEUSDT", "ALICEUSDT"]

closes = {}
for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
    sym = os.path.basename(path).split("-")[0].replace("_", "")
    with open(path) as f:
        rows = json.load(f)
    closes[sym] = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
close = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
returns = np.log(close).diff()
T = len(grid)


def mat(m):
    return [[None if not np.isfinite(v) else float(v) for v in row] for row in np.asarray(m)]


def cov_cor_2004(x):
    """Ledoit & Wolf (2004) covCor.m, line by line (x: t x n, no NaN)."""
    t, n = x.shape
    meanx = x.mean(axis=0)
    x = x - meanx
    sample = (1.0 / t) * (x.T @ x)
    var = np.diag(sample).copy()
    sqrtvar = np.sqrt(var)
    rbar = (np.sum(sample / np.outer(sqrtvar, sqrtvar)) - n) / (n * (n - 1))
    prior = rbar * np.outer(sqrtvar, sqrtvar)
    prior[np.diag_indices(n)] = var
    y = x ** 2
    phi_mat = y.T @ y / t - 2 * (x.T @ x) * sample / t + sample ** 2
    phi = phi_mat.sum()
    term1 = ((x ** 3).T @ x) / t
    help_ = x.T @ x / t
    help_diag = np.diag(help_)
    term2 = help_diag[:, None] * sample
    term3 = help_ * var[:, None]
    term4 = var[:, None] * sample
    theta_mat = term1 - term2 - term3 + term4
    theta_mat[np.diag_indices(n)] = 0
    rho = np.diag(phi_mat).sum() + rbar * np.sum(np.outer(1 / sqrtvar, sqrtvar) * theta_mat)
    gamma = np.linalg.norm(sample - prior, "fro") ** 2
    kappa = (phi - rho) / gamma
    shrinkage = max(0.0, min(1.0, kappa / t))
    sigma = shrinkage * prior + (1 - shrinkage) * sample
    return sigma, shrinkage, rbar


def higham(a, weights=None, tol=1e-14, max_iter=100_000):
    """Higham (2002) Algorithm 3.3 in the W-norm, W = diag(weights); returns (X, Y, iterations):
    X the last PSD iterate, Y the last unit-diagonal iterate."""
    n = a.shape[0]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    wh = np.sqrt(w)
    y = a.copy()
    x = np.zeros_like(a)
    ds = np.zeros_like(a)
    for it in range(1, max_iter + 1):
        r = y - ds
        m = wh[:, None] * r * wh[None, :]
        vals, vecs = np.linalg.eigh((m + m.T) / 2)
        xn = (vecs * np.maximum(vals, 0)) @ vecs.T
        xn = xn / wh[:, None] / wh[None, :]
        ds = xn - r
        yn = xn.copy()
        np.fill_diagonal(yn, 1.0)
        rel_x = np.linalg.norm(xn - x, "fro") / np.linalg.norm(xn, "fro")
        rel_y = np.linalg.norm(yn - y, "fro") / np.linalg.norm(yn, "fro")
        rel_xy = np.linalg.norm(yn - xn, "fro") / np.linalg.norm(yn, "fro")
        x, y = xn, yn
        if max(rel_x, rel_y, rel_xy) <= tol:
            return x, y, it
    raise RuntimeError("higham: no convergence")


def shrinkage_case(df):
    x = df.dropna().to_numpy()
    lw_cov, lw_s = ledoit_wolf(x)
    oas_cov, oas_s = oas(x)
    cc_cov, cc_s, rbar = cov_cor_2004(x)
    return {
        "nobs": int(x.shape[0]),
        "ledoitWolf": {"shrinkage": float(lw_s), "covariance": mat(lw_cov)},
        "oas": {"shrinkage": float(oas_s), "covariance": mat(oas_cov)},
        "constantCorrelation": {"shrinkage": float(cc_s), "averageCorrelation": float(rbar),
                                "covariance": mat(cc_cov)},
    }


EWMA = [
    {"name": "halflife24", "ours": {"halfLife": 24}, "pandas": {"halflife": 24}, "bias": False},
    {"name": "span48_noadjust_bias", "ours": {"span": 48, "adjust": False, "bias": True},
     "pandas": {"span": 48, "adjust": False}, "bias": True},
    {"name": "com10_minp500", "ours": {"com": 10, "minPeriods": 500},
     "pandas": {"com": 10, "min_periods": 500}, "bias": False},
    {"name": "alpha005_noadjust", "ours": {"alpha": 0.05, "adjust": False},
     "pandas": {"alpha": 0.05, "adjust": False}, "bias": False},
]
EWMA_ROWS = [0, 1, 2, 30, 499, 500, 3000, 3600, T - 2, T - 1]
# hours 3300..3599: gaps at 3362-3364 and 3485-3488 (every asset) fall inside; rows relative
WINDOW = (3300, 3600)
WINDOW_ROWS = [0, 1, 2, 61, 62, 64, 65, 184, 185, 188, 189, 190, 298, 299]


def ewma_case(df, rows=EWMA_ROWS):
    out = []
    for spec in EWMA:
        path = df.ewm(**spec["pandas"]).cov(bias=spec["bias"])
        k = df.shape[1]
        cube = path.to_numpy().reshape(len(df), k, k)
        out.append({"name": spec["name"], "options": spec["ours"],
                    "rows": rows, "path": [mat(cube[i]) for i in rows]})
    return out


def sampled_cells(m, cells):
    return [None if not np.isfinite(m[i, j]) else float(m[i, j]) for i, j in cells]


def aggregate(m):
    v = np.asarray(m).ravel()
    f = v[np.isfinite(v)]
    return {"count": int(f.size), "sum": float(f.sum()), "sumAbs": float(np.abs(f).sum()),
            "sumSq": float((f * f).sum())}


def main():
    majors = returns[MAJORS]
    nan = returns[MAJORS + LATE]
    x_majors = majors.dropna().to_numpy()
    cases = {}
    for name, df in [("majors", majors), ("nan", nan)]:
        cases[name] = {
            "assets": list(df.columns),
            "sampleCovariance": mat(df.cov()),
            "shrinkage": shrinkage_case(df),
            "ewma": ewma_case(df),
        }
    window = nan.iloc[WINDOW[0]:WINDOW[1]]
    cases["window"] = {"assets": list(window.columns), "start": WINDOW[0], "stop": WINDOW[1],
                       "ewma": ewma_case(window, WINDOW_ROWS)}
    cases["majors"]["sampleCovarianceDdof0"] = mat(np.cov(x_majors.T, ddof=0))
    cases["majors"]["assumeCentered"] = {
        "ledoitWolf": mat(ledoit_wolf(x_majors, assume_centered=True)[0]),
        "ledoitWolfShrinkage": float(ledoit_wolf(x_majors, assume_centered=True)[1]),
        "oas": mat(oas(x_majors, assume_centered=True)[0]),
        "oasShrinkage": float(oas(x_majors, assume_centered=True)[1]),
    }

    # the whole universe: aggregates and a fixed sample of cells
    k = returns.shape[1]
    rng = np.random.default_rng(20261206)
    cells = sorted({(int(i), int(j)) for i, j in rng.integers(0, k, size=(60, 2))} | {(0, 0), (k - 1, k - 1)})
    full_cov = returns.cov().to_numpy()
    full_corr = returns.corr().to_numpy()
    x_all = returns.dropna().to_numpy()
    lw_cov, lw_s = ledoit_wolf(x_all)
    oas_cov, oas_s = oas(x_all)
    cc_cov, cc_s, rbar = cov_cor_2004(x_all)
    ewm_last = returns.ewm(halflife=168).cov().to_numpy().reshape(T, k, k)[-1]
    x_nc, y_nc, it_nc = higham(full_corr)
    all_case = {
        "assets": list(returns.columns),
        "cells": [list(c) for c in cells],
        "nobs": int(x_all.shape[0]),
        "sampleCovariance": {"aggregate": aggregate(full_cov), "cells": sampled_cells(full_cov, cells)},
        "ewmaHalfLife168": {"aggregate": aggregate(ewm_last), "cells": sampled_cells(ewm_last, cells)},
        "ledoitWolf": {"shrinkage": float(lw_s), "aggregate": aggregate(lw_cov),
                       "cells": sampled_cells(lw_cov, cells)},
        "oas": {"shrinkage": float(oas_s), "aggregate": aggregate(oas_cov),
                "cells": sampled_cells(oas_cov, cells)},
        "constantCorrelation": {"shrinkage": float(cc_s), "averageCorrelation": float(rbar),
                                "aggregate": aggregate(cc_cov), "cells": sampled_cells(cc_cov, cells)},
        "pairwiseCorrelationMinEigenvalue": float(np.linalg.eigvalsh(full_corr).min()),
        "nearestCorrelation": {"aggregate": aggregate(y_nc), "cells": sampled_cells(y_nc, cells),
                               "iterations": it_nc,
                               "minEigenvalueOfPsdIterate": float(np.linalg.eigvalsh(x_nc).min())},
    }

    # nearest correlation matrices
    higham3 = np.array([[1.0, 1, 0], [1, 1, 1], [0, 1, 1]])
    nag4 = np.array([[2.0, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]])
    rng = np.random.default_rng(7)
    n = 12
    u = rng.uniform(-1, 1, size=(n, n))
    rand = np.triu(u, 1) + np.triu(u, 1).T + np.eye(n)
    weights = rng.uniform(0.5, 3, size=n)
    near = {}
    for name, a, w in [("higham3", higham3, None), ("nag4", nag4, None),
                       ("random12", rand, None), ("random12Weighted", rand, weights)]:
        x, y, it = higham(a, w)
        near[name] = {"input": mat(a), "weights": None if w is None else [float(v) for v in w],
                      "inputMinEigenvalue": float(np.linalg.eigvalsh(a).min()),
                      "nearest": mat(y), "iterations": it}

    out = {
        "oracle": (f"tests/oracles/risk_models.py: pandas {pd.__version__}, numpy {np.__version__}, "
                   f"scikit-learn {sklearn.__version__}"),
        "gridStart": int(grid[0]),
        "gridLength": int(T),
        "cases": cases,
        "all": all_case,
        "nearestCorrelation": near,
    }
    with open(os.path.join(HERE, "risk_models.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
