"""Oracle for tests/panel/funding_oracle_test.ts: perp funding on an hourly bar grid computed
with pandas (Debian pandas 1.5.3) on the real Binance USDT-M funding histories (freqtrade
files, rate in the open slot, funding times stamped a few ms late).

  known_t  = the last rate with funding time < end of bar t (= open of bar t + 1 hour):
             pd.merge_asof(bar ends, events, left_on=end, right_on=time,
                           direction="backward", allow_exact_matches=False)
  paid_t   = sum of the rates with open_t <= funding time < open_t + 1 hour:
             events.groupby(floor(time / 1h) * 1h).sum(), reindexed on the grid (0 elsewhere)

The grid: every hour from 3 hours before the first funding time (floored) to 8 hours past the
last.

Run: /usr/bin/python3 tests/oracles/perp_funding.py
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
    "BTC_aminak58": "funding_and_futures/binance_usdm_2025_aminak58/BTC_USDT_USDT-8h-funding_rate.json",
    "XRP_2021": "funding_and_futures/freqtrade_testdata_XRP_2021-11/XRP_USDT-8h-funding_rate.json",
}
H = 3_600_000

out = {"cases": {}}
for name, rel in CASES.items():
    with open(os.path.join(DATA, rel)) as f:
        rows = json.load(f)
    ev = pd.DataFrame({"time": [int(r[0]) for r in rows], "rate": [float(r[1]) for r in rows]})
    assert ev["time"].is_unique and ev["time"].is_monotonic_increasing
    start = (ev["time"].iloc[0] // H) * H - 3 * H
    stop = ev["time"].iloc[-1] + 8 * H
    grid = pd.DataFrame({"open": np.arange(start, stop, H, dtype="int64")})
    grid["end"] = grid["open"] + H
    known = pd.merge_asof(
        grid, ev, left_on="end", right_on="time", direction="backward", allow_exact_matches=False
    )["rate"].to_numpy()
    paid = (
        ev.assign(bar=(ev["time"] // H) * H).groupby("bar")["rate"].sum()
        .reindex(grid["open"], fill_value=0.0).to_numpy()
    )
    out["cases"][name] = {
        "path": rel,
        "grid": [int(x) for x in grid["open"]],
        "known": [None if not np.isfinite(x) else float(x) for x in known],
        "paid": [float(x) for x in paid],
    }

with open(os.path.join(HERE, "perp_funding.json"), "w") as f:
    json.dump(out, f)
print("wrote", os.path.join(HERE, "perp_funding.json"))
