"""Oracle for tests/portfolio/optimize_portfolio_psd_test.ts: covariances that are not positive
semi-definite, and the maximum-Sharpe problem whose maximum is not attained (Debian numpy 1.24.2,
pandas 1.5.3, cvxopt 1.3.0).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/*.json (freqtrade candles),
closes on the complete hourly grid as tests/oracles/risk_models.py builds them, r = log(close)
.diff() (NaN across a gap). Eight majors, each cut to its own window of hours
[start_i, start_i + length) (start_i = i * step, NaN elsewhere): assets with different histories,
whose pairwise covariance (pandas `DataFrame.cov()`, pairwise-complete, ddof 1) need not be PSD.

Cases:
  toy             the reviewer's [[1, 2, 0], [2, 1, 0], [0, 0, 1]]: numpy `eigvalsh`.
  staggered       length 600, step 80: pairwise covariance, its eigenvalues (`eigvalsh`, smallest
                  about -6% of the mean variance: not PSD); its nearest correlation matrix (an
                  independent numpy Higham 2002 Algorithm 3.3 with Dykstra's correction, the last
                  PSD iterate rescaled to a unit diagonal, tol 1e-14, as risk_models.py), the
                  repaired covariance D C* D, and cvxopt's minimum-variance portfolio on it
                  (long-short, fully invested, -1 <= w_i <= 1).
  staggeredPsd    length 400, step 50: a pairwise covariance that happens to be PSD (smallest
                  eigenvalue > 0) and cvxopt's minimum-variance portfolio on it, same constraints.
  unbounded       maximum Sharpe, long-short, fully invested, no bounds, every expected return
                  below the risk-free rate 0: with A = 1'S^-1 e, B = e'S^-1 e, C = 1'S^-1 1
                  (e = mu - rf), A < 0, so the tangency direction S^-1 e has a negative budget;
                  the Sharpe ratio over sum w = 1 approaches sqrt(B - A^2 / C) (the best Sharpe
                  ratio of a zero-budget portfolio, 1'y = 0) without attaining it (Merton 1972,
                  "An analytic derivation of the efficient portfolio frontier", frontier algebra).
                  Also the Sharpe ratios of w_t = w_mv + t y (y the best zero-budget direction,
                  w_mv the minimum-variance portfolio) for growing t: rising towards it.
The QPs are solved with `cvxopt.solvers.qp` on the covariance divided by its mean variance,
abstol = reltol = feastol = 1e-12; the objective stated is 1/2 w'Sw (per-hour units).

Run: /usr/bin/python3 tests/oracles/optimizer_psd.py (writes tests/oracles/optimizer_psd.json),
then deno fmt tests/oracles/optimizer_psd.json.
"""
import glob
import json
import os

import cvxopt
import numpy as np
import pandas as pd
from cvxopt import matrix, solvers

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000
ASSETS = ["BTCUSDT", "ETHUSDT", "ADAUSDT", "XRPUSDT", "DOTUSDT", "LINKUSDT", "LTCUSDT", "SOLUSDT"]

solvers.options.update({"show_progress": False, "abstol": 1e-12, "reltol": 1e-12,
                        "feastol": 1e-12, "maxiters": 200})


def load_returns():
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
    return np.log(close).diff()


def higham(a, tol=1e-14, max_iter=100_000):
    """Higham (2002) Algorithm 3.3 (Frobenius norm); the last PSD iterate, unit diagonal."""
    y = a.copy()
    x = np.zeros_like(a)
    ds = np.zeros_like(a)
    for _ in range(max_iter):
        r = y - ds
        vals, vecs = np.linalg.eigh((r + r.T) / 2)
        xn = (vecs * np.maximum(vals, 0)) @ vecs.T
        ds = xn - r
        yn = xn.copy()
        np.fill_diagonal(yn, 1.0)
        rel = max(np.linalg.norm(xn - x, "fro") / np.linalg.norm(xn, "fro"),
                  np.linalg.norm(yn - y, "fro") / np.linalg.norm(yn, "fro"),
                  np.linalg.norm(yn - xn, "fro") / np.linalg.norm(yn, "fro"))
        x, y = xn, yn
        if rel <= tol:
            d = 1 / np.sqrt(np.diag(x))
            return x * d[:, None] * d[None, :]
    raise RuntimeError("higham: no convergence")


def min_variance_box(cov, lo, hi):
    """min 1/2 w'Sw s.t. sum w = 1, lo <= w <= hi (cvxopt, on S / mean variance)."""
    n = cov.shape[0]
    scale = np.trace(cov) / n
    G = np.vstack([np.eye(n), -np.eye(n)])
    h = np.concatenate([np.full(n, hi), np.full(n, -lo)])
    sol = solvers.qp(matrix(cov / scale), matrix(np.zeros(n)), matrix(G), matrix(h),
                     matrix(np.ones((1, n))), matrix(np.ones(1)))
    w = np.array(sol["x"]).ravel()
    return {"status": sol["status"], "weights": w.tolist(), "objective": float(0.5 * w @ cov @ w)}


def staggered(r, length, step):
    x = r[ASSETS].copy()
    windows = []
    for i, a in enumerate(ASSETS):
        start = i * step
        x.iloc[:start, i] = np.nan
        x.iloc[start + length:, i] = np.nan
        windows.append([start, start + length])
    cov = x.cov().to_numpy()
    ev = np.linalg.eigvalsh(cov)
    out = {"length": length, "step": step, "windows": windows,
           "covariance": cov.tolist(), "eigenvalues": ev.tolist(),
           "meanVariance": float(np.trace(cov) / len(ASSETS))}
    if ev[0] < 0:
        sd = np.sqrt(np.diag(cov))
        corr = cov / np.outer(sd, sd)
        repaired = higham(corr) * np.outer(sd, sd)
        out["repaired"] = repaired.tolist()
        out["repairedEigenvalues"] = np.linalg.eigvalsh(repaired).tolist()
        out["minVarianceRepaired"] = min_variance_box(repaired, -1.0, 1.0)
    else:
        out["minVariance"] = min_variance_box(cov, -1.0, 1.0)
    return out


def unbounded():
    cov = np.array([[0.04, 0.01, 0.0], [0.01, 0.09, 0.01], [0.0, 0.01, 0.0225]])
    mu = np.array([-0.001, -0.002, -0.003])
    e = mu - 0.0
    inv = np.linalg.inv(cov)
    one = np.ones(3)
    A, B, C = one @ inv @ e, e @ inv @ e, one @ inv @ one
    assert A < 0
    sup = float(np.sqrt(B - A * A / C))
    y = inv @ (e - (A / C) * one)  # best zero-budget direction: 1'y = 0
    w_mv = inv @ one / C
    ts = [0, 10, 100, 1000, 10000]
    sharpe = [float((e @ (w_mv + t * y)) / np.sqrt((w_mv + t * y) @ cov @ (w_mv + t * y))) for t in ts]
    return {"covariance": cov.tolist(), "expectedReturns": mu.tolist(), "riskFreeRate": 0.0,
            "A": float(A), "B": float(B), "C": float(C), "supremumSharpe": sup,
            "direction": y.tolist(), "minVarianceWeights": w_mv.tolist(), "t": ts,
            "sharpeAlong": sharpe}


def main():
    r = load_returns()
    toy = np.array([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = {
        "oracle": f"numpy {np.__version__}, pandas {pd.__version__}, cvxopt {cvxopt.__version__}",
        "assets": ASSETS,
        "toy": {"covariance": toy.tolist(), "eigenvalues": np.linalg.eigvalsh(toy).tolist()},
        "staggered": staggered(r, 600, 80),
        "staggeredPsd": staggered(r, 400, 50),
        "unbounded": unbounded(),
    }
    with open(os.path.join(HERE, "optimizer_psd.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
