"""Independent numpy implementation of the Politis-White (2004) automatic block length with the
Patton-Politis-White (2009) correction, written from the papers (the `arch` package is not
available here), for lib/stats/optimal_block_length.ts.

K_N = max(5, ceil(sqrt(log10 n))), c = 2, m_max = ceil(sqrt n) + K_N; rho_k from the biased
autocovariance (divided by n) of the demeaned series; m-hat = first m >= 0 with K_N consecutive
|rho_{m+1..m+K_N}| < c sqrt(log10 n / n); M = min(2 m-hat, m_max) (m_max when none);
flat-top kernel; g = sum lambda R, G = sum lambda |k| R over |k| <= M; D_SB = 2 g^2,
D_CB = 4/3 g^2; b = (2 G^2 / D)^(1/3) n^(1/3), capped at ceil(min(3 sqrt n, n / 3)), at least 1.

Series: synthetic (stored in the JSON) and BTC/USDT daily simple returns and their absolute
values (../shared/data/real). Run with /usr/bin/python3, then
`deno fmt tests/oracles/block_length.json`.
"""
import json
import math
import os

import numpy as np

from _real_family import btc_daily_closes

HERE = os.path.dirname(os.path.abspath(__file__))


def pw(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    kn = max(5, math.ceil(math.sqrt(math.log10(n))))
    m_max = math.ceil(math.sqrt(n)) + kn
    e = x - x.mean()
    full = np.correlate(e, e, mode="full")[n - 1:] / n   # R(0), R(1), ...
    rho = full / full[0]
    band = 2 * math.sqrt(math.log10(n) / n)
    insig = np.abs(rho[1:]) < band                       # insig[j] is lag j + 1
    m_hat = None
    for m in range(0, m_max + 1):
        if m + kn > n - 1:
            break
        if insig[m:m + kn].all():
            m_hat = m
            break
    M = m_max if m_hat is None else min(2 * m_hat, m_max)
    k = np.arange(-M, M + 1)
    s = np.abs(k) / M if M > 0 else np.zeros(1)
    lam = np.where(s <= 0.5, 1.0, 2 * (1 - s))
    R = full[np.abs(k)]
    g = float((lam * R).sum())
    G = float((lam * np.abs(k) * R).sum())
    b_max = math.ceil(min(3 * math.sqrt(n), n / 3))

    def fit(D):
        b = (2 * G * G / D) ** (1 / 3) * n ** (1 / 3) if D > 0 else float("nan")
        return 1.0 if not math.isfinite(b) else max(1.0, min(b, b_max))

    return {"stationary": fit(2 * g * g), "circular": fit(4 / 3 * g * g),
            "mHat": m_hat, "bandwidth": M, "kN": kn, "maxBlockLength": b_max}


rng = np.random.default_rng(7)
series = {}
series["iid"] = rng.standard_normal(1000)
for phi in (0.5, 0.9):
    e = rng.standard_normal(1500)
    a = np.empty(1500)
    a[0] = e[0]
    for t in range(1, 1500):
        a[t] = phi * a[t - 1] + e[t]
    series[f"ar{phi}"] = a
out = {name: {"x": x.tolist(), **pw(x)} for name, x in series.items()}
c = btc_daily_closes()
r = c[1:] / c[:-1] - 1
out["btcDaily"] = pw(r)
out["btcDailyAbs"] = pw(np.abs(r))
with open(os.path.join(HERE, "block_length.json"), "w") as f:
    json.dump(out, f)
print({k: (v["stationary"], v["circular"], v["mHat"]) for k, v in out.items()})
