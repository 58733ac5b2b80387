"""Panel loading, cryptolab (Deno) vs pandas, on the same SQLite store in the same run.

Runs `deno bench --json bench/panel_bench.ts` (which builds bench/.out/panel_bench.db from the
126 NFI hourly files on first use), then, on that same file, the pandas way of getting the same
panel (all OHLCV fields, time x asset on the complete hourly grid, log returns):
  1. pd.read_sql(SELECT ... FROM bars) + pivot + reindex(date_range) + np.log(close).diff()
  2. the same pivot from a long DataFrame already in memory (no I/O)
and prints both timings and the ratios.

Run from the repository root: /usr/bin/python3 bench/panel_peer.py
(pandas 1.5.3 / numpy 1.24.2 from Debian).
Deno: the DENO environment variable (path to the binary), else `deno` on PATH, else
`npx -y deno@2.9.6` (Deno comes from npm on our machines); see bench/_deno.py.
"""
import os
import sqlite3
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DB = os.environ.get("CRYPTOLAB_BENCH_DB", os.path.join(ROOT, "bench", ".out", "panel_bench.db"))
FIELDS = ["open", "high", "low", "close", "volume"]
HOUR_MS = 3_600_000


def pivot(long):
    wide = long.pivot(index="ts", columns="symbol", values=FIELDS)
    grid = np.arange(wide.index.min(), wide.index.max() + HOUR_MS, HOUR_MS)
    wide = wide.reindex(grid)
    logret = np.log(wide["close"]).diff()  # NaN across gaps, as in the panel
    return wide, logret


def read_and_pivot():
    con = sqlite3.connect(DB)
    try:
        long = pd.read_sql(
            "SELECT symbol, ts, open, high, low, close, volume FROM bars "
            "WHERE venue = 'binance' AND freq = '1h'",
            con,
        )
    finally:
        con.close()
    return pivot(long), long


def main():
    deno = deno_bench_ms("bench/panel_bench.ts", {"CRYPTOLAB_BENCH_DB": DB})
    warm = next(v for k, v in deno.items() if "warm" in k)
    cold = next(v for k, v in deno.items() if "cold" in k)
    rows = next(v for k, v in deno.items() if "readBars" in k)
    sql_ms, ((wide, logret), long) = timed(read_and_pivot, 3)
    assert wide.shape == (5493, 5 * 126), wide.shape
    mem_ms, _ = timed(lambda: pivot(long), 5)
    print(f"panel 126 assets x 5,493 hours, all OHLCV + log returns, store {DB}")
    print(f"  deno  loadPanel, warm block cache      {warm:9.1f} ms")
    print(f"  deno  loadPanel, cold (build blocks)   {cold:9.1f} ms")
    print(f"  deno  readBars row by row (no panel)   {rows:9.1f} ms")
    print(f"  pandas read_sql + pivot + log returns  {sql_ms:9.1f} ms")
    print(f"  pandas pivot from in-memory long df    {mem_ms:9.1f} ms")
    print(f"ratio pandas read_sql+pivot / deno warm  {sql_ms / warm:9.1f}x")
    print(f"ratio pandas read_sql+pivot / deno cold  {sql_ms / cold:9.1f}x")
    print(f"ratio pandas in-memory pivot / deno warm {mem_ms / warm:9.1f}x")


if __name__ == "__main__":
    main()
