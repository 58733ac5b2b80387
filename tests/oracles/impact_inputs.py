"""Oracle for tests/backtest/costs/impact_test.ts: the causal inputs of the square-root impact
model computed with pandas (Debian pandas 1.5.3) on real Binance hourly bars.

  r_t      = ln(c_t) - ln(c_{t-1})                     (NaN across a missing close)
  sigma_t  = r.rolling(window, min_periods).std(ddof=1).shift(1)
  adv_t    = (close * volume).rolling(window, min_periods).mean().shift(1)

so row t uses rows up to t-1 only. Rows are taken in file order. Writes sampled values, sums
and finite counts.

Run: /usr/bin/python3 tests/oracles/impact_inputs.py
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
    "BTC_1h": "ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json",
    "PERL_1h": "ohlcv/binance_spot_2022-01_2023-03_mutugid/PERL_USDT-1h.json",
}
WINDOW, MIN_PERIODS, SAMPLES = 720, 360, 200


def summary(x, idx):
    finite = np.isfinite(x)
    return {
        "finite": int(finite.sum()),
        "sum": float(np.sum(x[finite])),
        "sample": [None if not np.isfinite(x[i]) else float(x[i]) for i in idx],
    }


out = {"window": WINDOW, "minPeriods": MIN_PERIODS, "cases": {}}
for name, rel in CASES.items():
    rows = pd.read_json(os.path.join(DATA, rel), precise_float=True)
    c = rows[4].astype(float)
    v = rows[5].astype(float)
    r = np.log(c).diff()
    sigma = r.rolling(WINDOW, min_periods=MIN_PERIODS).std(ddof=1).shift(1).to_numpy()
    adv = (c * v).rolling(WINDOW, min_periods=MIN_PERIODS).mean().shift(1).to_numpy()
    n = len(rows)
    idx = sorted(set(np.linspace(0, n - 1, SAMPLES).astype(int).tolist()))
    out["cases"][name] = {
        "path": rel,
        "rows": n,
        "index": idx,
        "sigma": summary(sigma, idx),
        "adv": summary(adv, idx),
    }

with open(os.path.join(HERE, "impact_inputs.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
