"""Side-by-side: cryptolab resampleBars vs pandas resample, 1-minute -> 1-hour, 1,000,000 rows.

Runs bench/resample_bench.ts (Deno) to build the seeded input, write it to bench/.out/ and
time resampleBars; then loads the same columns with numpy and times pandas
    df.resample("1h").agg(open=first, high=max, low=min, close=last, volume=sum,
                          quote_volume=sum, trade_count=sum)
followed by vwap = quote_volume / volume and dropping the empty hours (cryptolab never emits
a bar for an hour without data), i.e. the same output. Both sides are timed without input
construction: median of 10 runs after warm-up. Prints both timings and the ratio.

Run from the repository root: /usr/bin/python3 bench/resample_peer.py
Deno: the DENO environment variable (path to the binary), else `deno` on PATH, else
`npx -y deno@2.9.6` (Deno comes from npm on our machines); see bench/_deno.py.
"""
import os
import sys
import time

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_run_json  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFIX = os.path.join(ROOT, "bench", ".out", "resample")

ours = deno_run_json(["bench/resample_bench.ts", "--emit", PREFIX])

cols = ["ts", "open", "high", "low", "close", "volume", "quote_volume", "trade_count"]
data = {c: np.fromfile(f"{PREFIX}_{c}.f64", dtype="<f8") for c in cols}
df = pd.DataFrame(
    {c: data[c] for c in cols[1:]},
    index=pd.to_datetime(data["ts"].astype("int64"), unit="ms", utc=True),
)


def pandas_resample():
    out = df.resample("1h").agg({
        "open": "first",
        "high": "max",
        "low": "min",
        "close": "last",
        "volume": "sum",
        "quote_volume": "sum",
        "trade_count": "sum",
    })
    out = out[out["open"].notna()]
    out["vwap"] = out["quote_volume"] / out["volume"]
    return out


for _ in range(3):
    res = pandas_resample()
times = []
for _ in range(10):
    t0 = time.perf_counter()
    res = pandas_resample()
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
pandas_ms = (times[4] + times[5]) / 2

assert len(res) == ours["bars"], (len(res), ours["bars"])
rel = abs(res["volume"].sum() - ours["volumeSum"]) / ours["volumeSum"]
assert rel < 1e-9, rel

print(f"input: {ours['rows']:,} one-minute bars -> {ours['bars']:,} hourly bars")
print(f"cryptolab resampleBars (Deno):      {ours['medianMs']:8.1f} ms (median of 10)")
print(f"pandas {pd.__version__} resample('1h').agg: {pandas_ms:8.1f} ms (median of 10)")
print(f"ratio pandas / cryptolab: {pandas_ms / ours['medianMs']:.2f}x")
