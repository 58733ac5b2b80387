"""Oracle for lib/core/quantile.ts: numpy 1.24.2 np.quantile(x, q) (default method="linear")
on real Binance hourly simple returns.

Data: ../shared/data/real/ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json on its full
hourly grid (as tests/stats/_real_returns.ts builds it), simple returns c_t / c_{t-1} - 1
(exact IEEE operations, so both sides see the same bits), the finite
ones among the first N=2001 grid rows; and floor(100 x) of the same returns (integers, many ties).
Calls: np.quantile(x, Q) and np.quantile(np.floor(x * 100), Q), Q below.
Writes only derived numbers to quantile.json. Run with /usr/bin/python3, then deno fmt.
"""
import json
import os

import numpy as np
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
HOUR = 3_600_000
N = 2001
Q = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

c = freqtrade_closes(os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1h.json"))
grid = np.arange(c.index[0], c.index[-1] + HOUR, HOUR)
cg = c.reindex(grid)
r = (cg / cg.shift(1) - 1).to_numpy()[:N]
x = r[np.isfinite(r)]
out = {
    "numpy": np.__version__,
    "rows": N,
    "count": int(len(x)),
    "q": Q,
    "quantiles": [float(v) for v in np.quantile(x, Q)],
    "flooredQuantiles": [float(v) for v in np.quantile(np.floor(x * 100), Q)],
}
with open(os.path.join(HERE, "quantile.json"), "w") as f:
    json.dump(out, f, indent=1)
