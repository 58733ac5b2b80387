"""Oracle for the Sharpe inference functions of lib/stats (scipy 1.10.1, statsmodels 0.13.5).

The paper formulas are evaluated with scipy's skew / kurtosis(fisher=False) / norm, statsmodels'
acf and acorr_ljungbox, and numpy (corrcoef, eigvalsh), on (a) a synthetic skewed AR(1) series
stored in the JSON and (b) BTC/USDT daily simple returns and a momentum family (_real_family.py),
which the tests rebuild from ../shared/data/real. Run with /usr/bin/python3, then
`deno fmt tests/oracles/sharpe_inference.json`.

PSR = Phi((SR - SR*) sqrt(n - 1) / sqrt(1 - g3 SR + (g4 - 1)/4 SR^2))      (Bailey, Lopez de Prado 2012)
MinTRL = 1 + (1 - g3 SR + (g4 - 1)/4 SR^2) (z / (SR - SR*))^2
SR0 = sqrt(V) ((1 - gamma) Phi^-1(1 - 1/N) + gamma Phi^-1(1 - 1/(N e)))  (Bailey, Lopez de Prado 2014)
eta(q) = q / sqrt(q + 2 sum_{k<=maxLag} (q - k) rho_k)                   (Lo 2002)
"""
import json
import math
import os

import numpy as np
from scipy.stats import kurtosis, norm, skew
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.tsa.stattools import acf

from _real_family import btc_daily_closes, momentum_family

HERE = os.path.dirname(os.path.abspath(__file__))
EULER = 0.5772156649015329


def inference(x, bench_sr, n_trials, v_sr, q, max_lag):
    n = len(x)
    sr = x.mean() / x.std(ddof=1)
    g3 = float(skew(x))
    g4 = float(kurtosis(x, fisher=False))
    f = 1 - g3 * sr + (g4 - 1) / 4 * sr * sr
    psr = norm.cdf((sr - bench_sr) * math.sqrt(n - 1) / math.sqrt(f))
    mintrl = 1 + f * (norm.ppf(0.95) / (sr - bench_sr)) ** 2 if sr > bench_sr else None
    sr0 = math.sqrt(v_sr) * ((1 - EULER) * norm.ppf(1 - 1 / n_trials) + EULER * norm.ppf(1 - 1 / (n_trials * math.e)))
    dsr = norm.cdf((sr - sr0) * math.sqrt(n - 1) / math.sqrt(f))
    lb = acorr_ljungbox(x, lags=[max_lag], return_df=True)
    rho = acf(x, nlags=max_lag, fft=False)[1:]
    eta = q / math.sqrt(q + 2 * sum((q - k) * rho[k - 1] for k in range(1, max_lag + 1)))
    return {
        "n": n, "sharpe": sr, "skewness": g3, "kurtosis": g4, "benchmarkSharpe": bench_sr,
        "psr": psr, "minTrl": mintrl, "nTrials": n_trials, "sharpeVariance": v_sr,
        "expectedMaxSharpe": sr0, "dsr": dsr, "q": q, "maxLag": max_lag,
        "ljungBoxStatistic": float(lb["lb_stat"].iloc[0]), "ljungBoxPValue": float(lb["lb_pvalue"].iloc[0]),
        "acf": rho.tolist(), "eta": eta,
    }


rng = np.random.default_rng(20261206)
e = rng.standard_t(4, 1500) * 0.01 - 0.004 * (rng.random(1500) < 0.05)
ar = np.empty(1500)
ar[0] = e[0]
for t in range(1, 1500):
    ar[t] = 0.25 * ar[t - 1] + e[t]
ar = ar + 0.0015

c = btc_daily_closes()
btc = c[1:] / c[:-1] - 1
fam, _ = momentum_family(20)
corr = np.corrcoef(fam, rowvar=False)
n = corr.shape[0]
rho = corr[~np.eye(n, dtype=bool)].mean()
rc = min(1.0, max(0.0, rho))
lam = np.linalg.eigvalsh(corr)
out = {
    "synthetic": {"returns": ar.tolist(), **inference(ar, 0.01, 50, 0.001, 365, 10)},
    "btcDaily": inference(btc, 0.0, 20, 0.0005, 365, 10),
    "momentumFamily": {
        "nTrials": n, "averageCorrelation": rho, "nEff": rc + (1 - rc) * n,
        "nEffEigen": min(n, max(1.0, 1 + (n - 1) * (1 - lam.var(ddof=1) / n))),
    },
}
with open(os.path.join(HERE, "sharpe_inference.json"), "w") as f:
    json.dump(out, f, indent=1)
