"""Reference for ewcLongRunVariance and icSummary's EWC test (numpy 1.24.2, scipy 1.10.1).

Lazarus, Lewis, Stock and Watson (2018), "HAR Inference: Recommendations for Practice", JBES
36(4), eq. for the equal-weighted cosine estimator, written out directly (a matrix of cosines, no
recurrence): x demeaned, Lambda_j = sqrt(2 / n) sum_t cos(pi j (t + 1/2) / n) x_t for
j = 1..nu (t = 0..n-1), Omega = mean_j Lambda_j^2, t = mean / sqrt(Omega / n),
p = 2 * scipy.stats.t.sf(|t|, nu). The default nu of icSummary is
max(1, min(floor(0.4 n^(2/3)), floor(n / (4 h)))) (h the horizon), below n.
Run with /usr/bin/python3, then `deno fmt tests/oracles/ewc.json`.
"""
import json
import math
import os

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))


def ewc(x, nu):
    x = np.asarray(x, dtype=float)
    n = len(x)
    m = x.mean()
    t = np.arange(n) + 0.5
    j = np.arange(1, nu + 1)[:, None]
    lam = math.sqrt(2 / n) * (np.cos(math.pi * j * t / n) @ (x - m))
    omega = float((lam ** 2).mean())
    tstat = m / math.sqrt(omega / n)
    return {"mean": m, "longRunVariance": omega, "tStat": tstat, "pValue": float(2 * stats.t.sf(abs(tstat), nu)), "df": nu}


rng = np.random.default_rng(2018)
cases = {}
e = rng.standard_normal(700)
ar = np.empty(700)
ar[0] = e[0]
for i in range(1, 700):
    ar[i] = 0.6 * ar[i - 1] + e[i]
cases["ar1"] = {"x": ar.tolist(), "nu": 12, **ewc(ar, 12)}
ma = np.convolve(rng.standard_normal(403) * 0.05, np.ones(4), "valid") + 0.004
cases["ma3"] = {"x": ma.tolist(), "nu": 5, **ewc(ma, 5)}

# icSummary with horizon 4 on an IC series with NaN gaps: the default nu after dropping NaN
ic = 0.01 + 0.08 * np.convolve(rng.standard_normal(603), np.ones(4) / 2, "valid")
ic[[0, 1, 2, 50, 51, 333]] = np.nan
fin = ic[np.isfinite(ic)]
n = len(fin)
nu = max(1, min(math.floor(0.4 * n ** (2 / 3)), math.floor(n / (4 * 4))))
cases["icSummary"] = {"ic": [None if not np.isfinite(v) else float(v) for v in ic], "horizon": 4, **ewc(fin, nu)}

with open(os.path.join(HERE, "ewc.json"), "w") as f:
    json.dump(cases, f)
print({k: (v["df"], v["tStat"], v["pValue"]) for k, v in cases.items()})
