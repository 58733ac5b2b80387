"""Oracle for the regression family (ols, rollingOls, huber, recursiveLeastSquares) on real
Binance hourly log returns (statsmodels 0.13.5, numpy 1.24.2, pandas 1.5.3).

Data: ../shared/data/real/ohlcv/binance_spot_2017-2022_djienne/{BTC,ETH,SOL}_USDT-1h.json on one
full hourly grid as in stats_real.py (log returns of the close, NaN across gaps). y = SOL,
X = [BTC, ETH]. "s0" is SOL's first finite return on the grid.
  - ols: grid rows [s0, s0 + 3000) (real gaps inside, dropped as missing="drop"):
      sm.OLS(y, sm.add_constant(X), missing="drop").fit(): params, bse, tvalues, pvalues,
      rsquared, rsquared_adj, scale, nobs; the same .fit(cov_type="HAC",
      cov_kwds={"maxlags": 10}): bse, pvalues; sm.OLS(y, X, missing="drop").fit() (no
      constant): params, bse, rsquared, rsquared_adj.
  - rolling: grid rows [s0 + 2000, s0 + 8000) (6,000 rows with real gaps):
      RollingOLS(y, sm.add_constant(X), window=72).fit() (defaults: missing="drop",
      min_nobs=3): params, rsquared, nobs at every 12th row and every 3rd row within 74
      rows after a gap.
  - rolling with injected gaps: grid rows [s0 + 9000, s0 + 10500), then y[i] = NaN when
      i % 23 == 5 and BTC[i] = NaN when i % 31 == 7:
      RollingOLS(..., window=72, min_nobs=60, expanding=True).fit() and, independently, a
      per-window np.linalg.lstsq on the complete rows of each window; every 5th row.
  - huber: the first 3000 complete rows from s0: sm.RLM(y, sm.add_constant(X),
      M=sm.robust.norms.HuberT()).fit() (scale_est="mad", cov="H1", conv="dev", tol=1e-8,
      maxiter=50): params, bse, scale, weights (every 30th), fit_history["iteration"]; and the
      same with HuberT(t=2.0).
  - recursive: the first 2000 complete rows from s0:
      sm.RecursiveLS(y, sm.add_constant(X)).fit(): recursive_coefficients.filtered and
      filter_results.forecasts_error[0] at rows 0-39 and every 8th row after, nobs_diffuse; and
      sm.WLS(y[:T+1], Xc[:T+1], weights=lam ** (T - s)).fit().params for lam in {0.99, 0.995}
      and T in {150, 700, 1999}.
Writes only derived numbers to regression.json. Run with /usr/bin/python3, then deno fmt.
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
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
HOUR = 3_600_000

closes = {a: freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json")) for a in ["BTC", "ETH", "SOL"]}
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
rets = pd.DataFrame({a: np.log(s.reindex(grid)).diff() for a, s in closes.items()}, index=grid)
s0 = int(np.where(grid == rets["SOL"].first_valid_index())[0][0])


def seg(lo, hi):
    r = rets.iloc[lo:hi]
    return r["SOL"].to_numpy().copy(), r[["BTC", "ETH"]].to_numpy().copy(), int(grid[lo])


out = {"s0Ts": int(grid[s0])}

# --- ols
y, X, ts = seg(s0, s0 + 3000)
f = sm.OLS(y, sm.add_constant(X), missing="drop").fit()
h = sm.OLS(y, sm.add_constant(X), missing="drop").fit(cov_type="HAC", cov_kwds={"maxlags": 10})
f0 = sm.OLS(y, X, missing="drop").fit()
out["ols"] = {
    "firstTs": ts, "length": 3000, "nobs": int(f.nobs),
    "params": f.params.tolist(), "bse": f.bse.tolist(), "tvalues": f.tvalues.tolist(),
    "pvalues": f.pvalues.tolist(), "rsquared": float(f.rsquared),
    "rsquaredAdj": float(f.rsquared_adj), "scale": float(f.scale),
    "hacBse": h.bse.tolist(), "hacPvalues": h.pvalues.tolist(),
    "noConst": {"params": f0.params.tolist(), "bse": f0.bse.tolist(),
                "rsquared": float(f0.rsquared), "rsquaredAdj": float(f0.rsquared_adj)},
}

# --- rolling, real gaps
y, X, ts = seg(s0 + 2000, s0 + 8000)
r = RollingOLS(y, sm.add_constant(X), window=72).fit()
bad = np.isnan(y) | np.isnan(X).any(axis=1)
near_gap = np.zeros(len(y), dtype=bool)
for i in np.where(bad)[0]:
    near_gap[i:i + 74] = True
idx = [i for i in range(len(y)) if i % 12 == 0 or (near_gap[i] and i % 3 == 0)]
out["rolling"] = {
    "firstTs": ts, "length": len(y), "window": 72, "gapRows": int(bad.sum()), "index": idx,
    "params": [[None if np.isnan(v) else float(v) for v in r.params[i]] for i in idx],
    "rsquared": [None if np.isnan(r.rsquared[i]) else float(r.rsquared[i]) for i in idx],
    "nobs": [int(r.nobs[i]) for i in idx],
}

# --- rolling, injected gaps, min_nobs=60 expanding, and a direct per-window lstsq
y, X, ts = seg(s0 + 9000, s0 + 10500)
ii = np.arange(len(y))
y[ii % 23 == 5] = np.nan
X[ii % 31 == 7, 0] = np.nan
Xc = sm.add_constant(X, has_constant="add")
r = RollingOLS(y, Xc, window=72, min_nobs=60, expanding=True).fit()
ok = ~(np.isnan(y) | np.isnan(X).any(axis=1))
direct = []
idx = list(range(0, len(y), 5))
for t in idx:
    lo = max(0, t - 71)
    m = ok[lo:t + 1]
    if m.sum() < 60:
        direct.append(None)
        continue
    b = np.linalg.lstsq(Xc[lo:t + 1][m], y[lo:t + 1][m], rcond=None)[0]
    direct.append(b.tolist())
out["rollingInjected"] = {
    "firstTs": ts, "length": len(y), "window": 72, "minObs": 60, "index": idx,
    "params": [[None if np.isnan(v) else float(v) for v in r.params[i]] for i in idx],
    "rsquared": [None if np.isnan(r.rsquared[i]) else float(r.rsquared[i]) for i in idx],
    "direct": direct,
}

# --- huber and recursive: complete rows from s0
full = rets.iloc[s0:].dropna()
first_ts = int(full.index[0])


def rows(n):
    r = full.iloc[:n]
    return r["SOL"].to_numpy(), r[["BTC", "ETH"]].to_numpy()


y, X = rows(3000)
hub = {"firstTs": first_ts, "n": 3000}
for name, t in [("t1345", 1.345), ("t2", 2.0)]:
    rl = sm.RLM(y, sm.add_constant(X), M=sm.robust.norms.HuberT(t=t)).fit()
    hub[name] = {
        "t": t, "params": rl.params.tolist(), "bse": rl.bse.tolist(), "scale": float(rl.scale),
        "weights": rl.weights[::30].tolist(), "iterations": int(rl.fit_history["iteration"]),
        "tvalues": rl.tvalues.tolist(),
    }
out["huber"] = hub

y, X = rows(2000)
Xc = sm.add_constant(X)
rls = sm.RecursiveLS(y, Xc).fit()
coefs = rls.recursive_coefficients.filtered  # k x n
idx = list(range(0, 40)) + list(range(40, 2000, 8)) + [1999]
wls = []
for lam in [0.99, 0.995]:
    for T in [150, 700, 1999]:
        w = lam ** (T - np.arange(T + 1))
        wls.append({"lambda": lam, "T": T,
                    "params": sm.WLS(y[:T + 1], Xc[:T + 1], weights=w).fit().params.tolist()})
out["recursive"] = {
    "firstTs": first_ts, "n": 2000, "nobsDiffuse": int(rls.nobs_diffuse), "index": idx,
    "coefs": [[float(coefs[j, i]) for j in range(3)] for i in idx],
    "forecastErrors": [float(rls.filter_results.forecasts_error[0, i]) for i in idx],
    "wls": wls,
}

with open(os.path.join(HERE, "regression.json"), "w") as fh:
    json.dump(out, fh, indent=1)
