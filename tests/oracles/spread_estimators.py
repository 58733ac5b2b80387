"""Oracle for tests/backtest/costs/spread_estimators_test.ts: Corwin-Schultz (2012) and
Abdi-Ranaldo (2017) spread estimators written independently in numpy/pandas (Debian numpy
1.24.2, pandas 1.5.3), vectorized, on real Binance OHLC bars from ../shared/data/real.

Corwin & Schultz (2012) eqs. (14), (18), with the paper's overnight adjustment as in
Corwin's SAS program (the adjusted high/low of the later day enter beta and gamma):
  gap   = max(0, C_{t-1} - H_t) + min(0, C_{t-1} - L_t);  H_t += gap; L_t += gap
  beta  = ln(H_{t-1}/L_{t-1})^2 + ln(H_t/L_t)^2
  gamma = ln(max(H_{t-1}, H_t) / min(L_{t-1}, L_t))^2
  alpha = (sqrt(2 beta) - sqrt(beta)) / (3 - 2 sqrt 2) - sqrt(gamma / (3 - 2 sqrt 2))
  S     = 2 (exp(alpha) - 1) / (1 + exp(alpha))
Abdi & Ranaldo (2017), S^2 = 4 E[(c_t - eta_t)(c_t - eta_{t+1})], with eta = (ln H + ln L) / 2
and c = ln C:
  s2_t = 4 (c_{t-1} - eta_{t-1}) (c_{t-1} - eta_t)
Causal rolling spread at row t: pandas .shift(1).rolling(window, min_periods).mean() of the
two-bar values (so rows up to t-1 only). "zero": negative two-bar values set to 0 (CS) or
sqrt(max(s2, 0)) (AR) before the mean; "average": mean first, then max(., 0) (CS) or
sqrt(max(mean, 0)) (AR).

Rows are taken in file order (no grid reindexing). Writes sampled values, sums and counts.

Run: /usr/bin/python3 tests/oracles/spread_estimators.py
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get(
    "CRYPTOLAB_REAL_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
)
CASES = {
    "BTC_1d": ("ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1d.json", [30]),
    "ETH_1h": ("ohlcv/binance_spot_2017-2022_djienne/ETH_USDT-1h.json", [30, 168]),
    "PERL_1h": ("ohlcv/binance_spot_2022-01_2023-03_mutugid/PERL_USDT-1h.json", [30, 168]),
}
SAMPLES = 200


def cs_two_day(h, l, c):
    h0, l0, c0 = h[:-1], l[:-1], c[:-1]
    gap = np.maximum(0.0, c0 - h[1:]) + np.minimum(0.0, c0 - l[1:])
    h1, l1 = h[1:] + gap, l[1:] + gap
    beta = np.log(h0 / l0) ** 2 + np.log(h1 / l1) ** 2
    gamma = np.log(np.maximum(h0, h1) / np.minimum(l0, l1)) ** 2
    k = 3.0 - 2.0 * np.sqrt(2.0)
    alpha = (np.sqrt(2.0 * beta) - np.sqrt(beta)) / k - np.sqrt(gamma / k)
    s = 2.0 * (np.exp(alpha) - 1.0) / (1.0 + np.exp(alpha))
    return np.concatenate([[np.nan], s])


def ar_two_day(h, l, c):
    eta = (np.log(h) + np.log(l)) / 2.0
    lc = np.log(c)
    s2 = 4.0 * (lc[:-1] - eta[:-1]) * (lc[:-1] - eta[1:])
    return np.concatenate([[np.nan], s2])


def causal(values, window):
    return pd.Series(values).shift(1).rolling(window, min_periods=-(-window // 2)).mean().to_numpy()


def summary(x, idx):
    finite = np.isfinite(x)
    return {
        "finite": int(finite.sum()),
        "sum": float(np.sum(x[finite])),
        "sample": [None if not np.isfinite(x[i]) else float(x[i]) for i in idx],
    }


out = {"samples": {}, "cases": {}}
for name, (rel, windows) in CASES.items():
    rows = pd.read_json(os.path.join(DATA, rel), precise_float=True).to_numpy()
    h, l, c = rows[:, 2].astype(float), rows[:, 3].astype(float), rows[:, 4].astype(float)
    n = len(rows)
    idx = sorted(set(np.linspace(0, n - 1, SAMPLES).astype(int).tolist()))
    cs = cs_two_day(h, l, c)
    ar = ar_two_day(h, l, c)
    case = {
        "path": rel,
        "rows": n,
        "index": idx,
        "csTwoDay": summary(cs, idx),
        "arTwoDay": summary(ar, idx),
        "csNegativeShare": float(np.mean(cs[1:] < 0)),
        "arNegativeShare": float(np.mean(ar[1:] < 0)),
        "windows": {},
    }
    for w in windows:
        cs_zero = causal(np.where(cs < 0, 0.0, cs), w)
        cs_avg = np.maximum(causal(cs, w), 0.0)
        ar_zero = causal(np.sqrt(np.maximum(ar, 0.0)), w)
        ar_avg = np.sqrt(np.maximum(causal(ar, w), 0.0))
        case["windows"][str(w)] = {
            "csZero": summary(cs_zero, idx),
            "csAverage": summary(cs_avg, idx),
            "arZero": summary(ar_zero, idx),
            "arAverage": summary(ar_avg, idx),
        }
    out["cases"][name] = case

with open(os.path.join(HERE, "spread_estimators.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
