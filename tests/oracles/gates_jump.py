"""Oracle for tests/ingest/gates_test.ts: the robust sigma of the price-jump gate.

Run: /usr/bin/python3 tests/oracles/gates_jump.py  (numpy 1.24.2, scipy 1.10.1 from Debian)
Reads the real Binance BTC/USDT 1h freqtrade JSON, computes close-to-close log returns
r_j = log(c_j / c_{j-1}) and, for every bar i >= W + 1, the robust sigma of the previous W
returns: max(floor, scipy.stats.median_abs_deviation(r[i-W:i], scale='normal')), i.e.
1.4826 * MAD. Writes, for each k, the first bar whose |r_i| > k * sigma_i (until the first
refusal the gate's "previous accepted" window is exactly this plain window) with its time,
|r| and sigma, and the number of bars in 2020-03-12/13 (the COVID crash) whose |r_i| is
above k * sigma_i. Only derived numbers are written, never raw data.
"""
import json
import os

import numpy as np
import scipy
from scipy.stats import median_abs_deviation

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
W, FLOOR = 48, 0.001

with open(os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1h.json")) as f:
    rows = json.load(f)
ts = np.array([r[0] for r in rows], dtype=np.float64)
close = np.array([r[4] for r in rows], dtype=np.float64)
r = np.full(len(close), np.nan)
r[1:] = np.log(close[1:] / close[:-1])
sigma = np.full(len(close), np.nan)
for i in range(W + 1, len(close)):
    sigma[i] = max(FLOOR, median_abs_deviation(r[i - W:i], scale="normal"))
z = np.abs(r) / sigma

crash = (ts >= 1583971200000) & (ts < 1584144000000)  # 2020-03-12T00:00Z .. 2020-03-14T00:00Z
out = {"numpy": np.__version__, "scipy": scipy.__version__, "rows": len(close), "window": W,
       "floor": FLOOR, "byK": {}}
for k in (12, 20):
    flagged = np.nonzero(z > k)[0]
    i = int(flagged[0])
    out["byK"][str(k)] = {
        "firstIndex": i,
        "firstTs": int(ts[i]),
        "firstAbsReturn": float(abs(r[i])),
        "firstSigma": float(sigma[i]),
        "crashBarsAboveK": int(np.sum(z[crash] > k)),
    }
out["crashMaxZ"] = float(np.nanmax(z[crash]))
with open(os.path.join(HERE, "gates_jump.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
