"""Oracle for tests/panel/load_panel_nfi_test.ts: the 126-pair NFI hourly universe as a
time x asset panel, computed with pandas (Debian pandas 1.5.3, numpy 1.24.2).

Reads every freqtrade JSON file of ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h
with pd.read_json(path, precise_float=True) (the default fast float parser is not correctly
rounded), concatenates them long, pivots close to time x asset, reindexes onto the COMPLETE
hourly pd.date_range from the first to the last bar (so missing hours are NaN rows), and takes
np.log(close).diff(), which is NaN wherever either neighbour is missing: a gap is never a zero
return. Writes only derived numbers (counts, sums, a few sampled cells) to panel_nfi.json.

Run: /usr/bin/python3 tests/oracles/panel_nfi.py
"""
import glob
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get(
    "CRYPTOLAB_REAL_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
)
DIR = os.path.join(DATA, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")

frames = []
for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
    symbol = os.path.basename(path).split("-")[0].replace("_", "")
    df = pd.read_json(path, precise_float=True)
    df.columns = ["ts", "open", "high", "low", "close", "volume"]
    df["symbol"] = symbol
    frames.append(df)
long = pd.concat(frames, ignore_index=True)
close = long.pivot(index="ts", columns="symbol", values="close")
grid = pd.date_range(
    pd.Timestamp(close.index.min(), unit="ms"), pd.Timestamp(close.index.max(), unit="ms"),
    freq="H",
)
grid_ms = (grid.asi8 // 1_000_000).astype(np.int64)
close = close.reindex(grid_ms)
logret = np.log(close).diff()  # NaN when either close is NaN

# grid hours where no asset has a bar, grouped into runs: the shared exchange outages
none = close.isna().all(axis=1).to_numpy()
gaps = []
t = 0
while t < len(none):
    if none[t]:
        u = t
        while u + 1 < len(none) and none[u + 1]:
            u += 1
        gaps.append({"first": int(grid_ms[t]), "last": int(grid_ms[u]), "hours": u - t + 1})
        t = u + 1
    else:
        t += 1

rows = [0, 1, 500, 2000, 3333, len(grid_ms) - 1]
assets = {}
for sym in close.columns:
    c = close[sym]
    r = logret[sym]
    rv = r.dropna().to_numpy()
    assets[sym] = {
        "closeCount": int(c.notna().sum()),
        "closeSum": float(c.sum()),
        "retCount": int(r.notna().sum()),
        "retSum": float(rv.sum()),
        "retSumSq": float((rv * rv).sum()),
        "retSumAbs": float(np.abs(rv).sum()),
        "zeroReturns": int((rv == 0).sum()),
        "samples": [
            {
                "row": i,
                "close": None if np.isnan(c.iloc[i]) else float(c.iloc[i]),
                "logReturn": None if np.isnan(r.iloc[i]) else float(r.iloc[i]),
            }
            for i in rows
        ],
    }

out = {
    "oracle": f"pandas {pd.__version__} / numpy {np.__version__}: "
    "read_json(precise_float=True) + concat + pivot + reindex(date_range(freq='H')) + "
    "np.log(close).diff()",
    "gridStart": int(grid_ms[0]),
    "gridEnd": int(grid_ms[-1]),
    "gridLength": int(len(grid_ms)),
    "sharedGaps": gaps,
    "assets": assets,
}
with open(os.path.join(HERE, "panel_nfi.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
print(f"wrote panel_nfi.json: {len(assets)} assets x {len(grid_ms)} hours, {len(gaps)} shared gaps")
