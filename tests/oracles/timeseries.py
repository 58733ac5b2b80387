"""Oracle for the time-series statistics: johansen, halfLife, varianceRatio, hurst.

Software: statsmodels 0.13.5, numpy 1.24.2, scipy 1.10.1, mpmath 1.2.1 (Debian), run with
/usr/bin/python3.

Data: ../shared/data/real/ohlcv/binance_spot_2017-2022_djienne/{BTC,ETH,LTC,BNB}_USDT-1h.json on one
full UTC hourly grid (as in stats_real.py), log of the close. WINDOW = the first N=3000 consecutive
grid hours where all four closes are present (a contiguous stretch: these are time-series tests).

  - johansen: statsmodels.tsa.vector_ar.vecm.coint_johansen(logp[assets], det_order, k_ar_diff)
    for assets in (BTC, ETH), (BTC, ETH, LTC), (BTC, ETH, LTC, BNB), det_order in (-1, 0, 1),
    k_ar_diff in (1, 2): lr1, lr2, eig, evec, cvt, cvm and rkt.shape[0]; and
    select_coint_rank(..., method="trace", signif=0.05).rank.
  - halfLife: beta = sm.OLS(logBTC, add_constant(logETH)).fit().params[1]; spread = logBTC -
    beta * logETH; sm.OLS(diff(spread), add_constant(spread[:-1])).fit(): params, tvalues, nobs.
  - varianceRatio: the arch package (bashtage/arch, VarianceRatio) is NOT installable here
    (Debian has no python3-arch, there is no PyPI), so `variance_ratio` below is a numpy
    reference written from Campbell, Lo and MacKinlay (1997), The Econometrics of Financial
    Markets, section 2.4 (eqs. 2.4.37-2.4.44, the formulas arch cites), with arch's conventions
    (levels in, trend "c" drift mu = (y_T - y_0) / T, non-overlapping blocks trim the end,
    de-biasing only with overlap). Applied to log BTC over the window.
  - hurst: `rescaled_range` below, a numpy implementation of the classical R/S definition
    documented in lib/stats/hurst.ts, on the window's hourly log returns of BTC.
Writes only derived numbers to timeseries.json. Then run `deno fmt tests/oracles/timeseries.json`.
"""
import json
import math
import os

import mpmath
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.stats import norm
from statsmodels.tsa.vector_ar.vecm import coint_johansen, select_coint_rank
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
HOUR = 3_600_000
N = 3000
ASSETS = ["BTC", "ETH", "LTC", "BNB"]

closes = {a: freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json")) for a in ASSETS}
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
logp = pd.DataFrame({a: np.log(s.reindex(grid)) for a, s in closes.items()})
ok = logp.notna().all(axis=1).to_numpy()
start = None
run = 0
for i, v in enumerate(ok):
    run = run + 1 if v else 0
    if run == N:
        start = i - N + 1
        break
assert start is not None
win = logp.iloc[start:start + N]
assert win.notna().all().all()

# --- Johansen ---------------------------------------------------------------------------------
johansen = []
for assets in (["BTC", "ETH"], ["BTC", "ETH", "LTC"], ["BTC", "ETH", "LTC", "BNB"]):
    for det_order in (-1, 0, 1):
        for k_ar_diff in (1, 2):
            r = coint_johansen(win[assets].to_numpy(), det_order, k_ar_diff)
            johansen.append({
                "assets": assets,
                "detOrder": det_order,
                "kArDiff": k_ar_diff,
                "lr1": r.lr1.tolist(),
                "lr2": r.lr2.tolist(),
                "eig": r.eig.tolist(),
                "evec": r.evec.tolist(),  # row-major: evec[i][j] = component i of vector j
                "cvt": r.cvt.tolist(),
                "cvm": r.cvm.tolist(),
                "nobs": int(r.rkt.shape[0]),
                "rank95": int(select_coint_rank(win[assets].to_numpy(), det_order, k_ar_diff,
                                                method="trace", signif=0.05).rank),
            })

# --- half-life --------------------------------------------------------------------------------
btc = win["BTC"].to_numpy()
eth = win["ETH"].to_numpy()
hedge = sm.OLS(btc, sm.add_constant(eth)).fit()
spread = btc - hedge.params[1] * eth
ar = sm.OLS(np.diff(spread), sm.add_constant(spread[:-1])).fit()
phi = 1 + ar.params[1]
half_life = {
    "beta": float(hedge.params[1]),
    "intercept": float(ar.params[0]),
    "lambda": float(ar.params[1]),
    "tStat": float(ar.tvalues[1]),
    "nobs": int(ar.nobs),
    "phi": float(phi),
    "halfLife": float(math.log(0.5) / math.log(phi)),
}


# --- variance ratio (numpy reference from Campbell, Lo and MacKinlay 1997, sec. 2.4) -----------
def variance_ratio(y, q, overlap=True, robust=True, debiased=True, trend="c"):
    y = np.asarray(y, float)
    if not overlap:
        extra = (len(y) - 1) % q
        if extra:
            y = y[:-extra]
    T = len(y) - 1  # number of one-period increments (CLM's nq)
    mu = 0.0 if trend == "n" else (y[-1] - y[0]) / T
    d = np.diff(y) - mu
    var_a = np.sum(d * d) / T  # 2.4.37 (sigma^2_a)
    if overlap:
        dq = y[q:] - y[:-q] - q * mu
        var_c = np.sum(dq * dq) / (T * q)  # 2.4.38 (sigma^2_c)
        if debiased:
            var_a = np.sum(d * d) / (T - 1)  # 2.4.40 (sigma-bar^2_a)
            m = q * (T - q + 1) * (1 - q / T)
            var_c = np.sum(dq * dq) / m  # 2.4.41 (sigma-bar^2_c)
        if robust:
            denom = np.sum(d * d) ** 2
            theta = 0.0
            for j in range(1, q):
                delta = T * np.sum(d[j:] ** 2 * d[:-j] ** 2) / denom  # 2.4.44
                theta += (2 * (q - j) / q) ** 2 * delta  # 2.4.43
            avar = theta
        else:
            avar = 2 * (2 * q - 1) * (q - 1) / (3 * q)  # 2.4.39
    else:
        blocks = y[q::q] - y[0:-q:q] - q * mu
        var_c = np.sum(blocks * blocks) / T  # sigma^2_b: (T/q blocks) variance / q
        avar = 2.0 * (q - 1)  # 2.4.35
    ratio = var_c / var_a
    stat = math.sqrt(T) * (ratio - 1) / math.sqrt(avar)
    return {"ratio": float(ratio), "statistic": float(stat), "pValue": float(2 - 2 * norm.cdf(abs(stat)))}


vr = []
for q in (2, 5, 24):
    for overlap in (True, False):
        for robust in (True, False):
            for debiased in (True, False):
                if not overlap and (not robust or not debiased):
                    continue  # robust/debiased do not apply without overlap
                vr.append({"lags": q, "overlap": overlap, "robust": robust, "debiased": debiased,
                           **variance_ratio(btc, q, overlap, robust, debiased)})
vr_trend_n = {"lags": 5, **variance_ratio(btc, 5, trend="n")}


# --- Hurst, classical rescaled range --------------------------------------------------------
def rescaled_range(x, min_chunk, max_chunk):
    x = np.asarray(x, float)
    sizes, rs = [], []
    n = min_chunk
    while n <= max_chunk:
        chunks = x[: (len(x) // n) * n].reshape(-1, n)
        dev = chunks - chunks.mean(axis=1, keepdims=True)
        cum = np.cumsum(dev, axis=1)
        r = np.maximum(cum.max(axis=1), 0) - np.minimum(cum.min(axis=1), 0)
        s = np.sqrt(np.mean(dev * dev, axis=1))
        keep = s > 0
        sizes.append(n)
        rs.append(float(np.mean(r[keep] / s[keep])))
        n *= 2
    return np.array(sizes, float), np.array(rs)


def expected_rs(n):
    # Anis and Lloyd (1976) with Peters' (1994) (n - 1/2)/n factor, as in Weron (2002) eq. (4),
    # in 40-digit arithmetic (mpmath): math.lgamma loses ~1e-11 relative at n = 5000 through the
    # difference of two ~17,000-sized logs.
    with mpmath.workdps(40):
        g = mpmath.gamma(mpmath.mpf(n - 1) / 2) / mpmath.gamma(mpmath.mpf(n) / 2) / mpmath.sqrt(mpmath.pi)
        s = mpmath.fsum(mpmath.sqrt(mpmath.mpf(n - i) / i) for i in range(1, n))
        return float(mpmath.mpf(2 * n - 1) / (2 * n) * g * s)


rets = np.diff(btc)
sizes, rs = rescaled_range(rets, 8, len(rets) // 2)
fit = sm.OLS(np.log(rs), sm.add_constant(np.log(sizes))).fit()
adj = np.log(rs) - np.log([expected_rs(int(n)) for n in sizes]) + 0.5 * np.log(sizes)
fit_al = sm.OLS(adj, sm.add_constant(np.log(sizes))).fit()
sizes16, rs16 = rescaled_range(rets, 16, 512)
fit16 = sm.OLS(np.log(rs16), sm.add_constant(np.log(sizes16))).fit()
hurst = {
    "n": int(len(rets)),
    "chunkSizes": sizes.tolist(),
    "rescaledRange": rs.tolist(),
    "hurst": float(fit.params[1]),
    "intercept": float(fit.params[0]),
    "rSquared": float(fit.rsquared),
    "anisLloyd": {"hurst": float(fit_al.params[1]), "intercept": float(fit_al.params[0]),
                  "rSquared": float(fit_al.rsquared)},
    "min16max512": {"chunkSizes": sizes16.tolist(), "rescaledRange": rs16.tolist(),
                    "hurst": float(fit16.params[1])},
    "expectedRs": {str(n): float(expected_rs(n)) for n in (2, 3, 8, 100, 340, 341, 5000)},
}

out = {
    "firstTs": int(win.index[0]),
    "n": N,
    "johansen": johansen,
    "halfLife": half_life,
    "varianceRatio": vr,
    "varianceRatioTrendN": vr_trend_n,
    "hurst": hurst,
}
with open(os.path.join(HERE, "timeseries.json"), "w") as f:
    json.dump(out, f, indent=1)
