"""Backfill of one year of 1m klines, cryptolab (Deno) vs Python requests + sqlite3, same run.

Runs `deno bench --json bench/backfill_bench.ts` (the real `backfill` with `BinanceRest`
against the fake exchange of tests/fake_exchange in its own process; see that file for the
data: the real Binance.US BTCUSDT 1m bars of 2023-03-01..21 repeated to fill 2023), then starts
the same fake exchange on the same file (`deno run -A bench/_load_exchange.ts --klines-dir`)
and backfills the same year the plain Python way:

  a requests.Session paging GET /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=S
  &endTime=E&limit=1000 from 2023-01-01 to 2024-01-01 (next start = last open + 1 minute),
  response.json(), then one transaction per page with executemany(INSERT INTO bars ...) into a
  copy of an empty store with the real schema (bars is WITHOUT ROWID, primary key
  (venue, symbol, freq, ts)), WAL + synchronous=NORMAL like openStore.

The Python baseline does no validation (types, OHLC sanity, closed bars), no conflict check,
no retries and no gap bookkeeping, all of which `backfill` does. It prints both times, bars/s,
the ratio, and the largest absolute difference between the two stores' OHLCV values.

Run from the repository root: /usr/bin/python3 bench/backfill_peer.py
(requests 2.28 from Debian python3-requests.)
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import requests

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_bench_stats, deno_command  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")
MINUTE = 60_000
SINCE = 1672531200000  # 2023-01-01T00:00:00Z
UNTIL = 1704067200000  # 2024-01-01T00:00:00Z
BARS = (UNTIL - SINCE) // MINUTE
SQL = (
    "INSERT INTO bars (venue, symbol, freq, ts, open, high, low, close, volume, quote_volume, "
    "trade_count, vwap, complete, source, run_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def start_exchange():
    proc = subprocess.Popen(
        [*deno_command(), "run", "-A", "bench/_load_exchange.ts", "--klines-dir",
         os.path.join(OUT, "backfill_ohlcv")],
        cwd=ROOT, env=dict(os.environ, NO_COLOR="1"),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    url = proc.stdout.readline().strip()
    if not url.startswith("http"):
        proc.kill()
        sys.exit(f"the fake exchange did not start: {url!r}")
    return proc, url


def python_backfill(url, path):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    session = requests.Session()
    t0 = time.perf_counter()
    start, stored = SINCE, 0
    while start < UNTIL:
        r = session.get(f"{url}/api/v3/klines", params={
            "symbol": "BTCUSDT", "interval": "1m", "startTime": start,
            "endTime": UNTIL - 1, "limit": 1000,
        })
        r.raise_for_status()
        page = r.json()
        if not page:
            break
        rows = [("binance", "BTCUSDT", "1m", k[0], float(k[1]), float(k[2]), float(k[3]),
                 float(k[4]), float(k[5]), float(k[7]), k[8], None, 1, "binance:klines", None)
                for k in page]
        con.execute("BEGIN IMMEDIATE")
        con.executemany(SQL, rows)
        con.execute("COMMIT")
        stored += len(rows)
        start = page[-1][0] + MINUTE
    ms = (time.perf_counter() - t0) * 1000
    session.close()
    con.close()
    assert stored == BARS, (stored, BARS)
    return ms


def ohlcv(path):
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT ts, open, high, low, close, volume FROM bars "
            "WHERE venue = 'binance' AND symbol = 'BTCUSDT' AND freq = '1m' ORDER BY ts"
        ).fetchall()
    finally:
        con.close()


def main():
    (deno,) = deno_bench_stats("bench/backfill_bench.ts").values()
    deno_avg, deno_min, deno_max = deno["avg"], deno["min"], deno["max"]
    proc, url = start_exchange()
    tmp = tempfile.mkdtemp(dir=OUT, prefix="backfill-py-")
    try:
        # the first request makes the server parse the file, as in the Deno bench
        requests.get(f"{url}/api/v3/klines",
                     params={"symbol": "BTCUSDT", "interval": "1m", "limit": 1}).raise_for_status()
        times = []
        for k in range(3):
            path = os.path.join(tmp, f"py{k}.db")
            shutil.copy(os.path.join(OUT, "backfill_template.db"), path)
            times.append(python_backfill(url, path))
        mine = ohlcv(os.path.join(tmp, "py0.db"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    theirs = ohlcv(os.path.join(OUT, "backfill_deno.db"))
    assert len(mine) == len(theirs) == BARS, (len(mine), len(theirs))
    diff = max(abs(a - b) for r, s in zip(mine, theirs) for a, b in zip(r, s))
    py = statistics.median(times)
    print(f"backfill: {BARS:,} 1m bars of BTCUSDT (2023, real Binance.US 2023-03-01..21 repeated),"
          f" pages of 1,000 from the local fake exchange ({url})")
    print(f"  deno   backfill() + BinanceRest   {deno_avg / 1000:7.2f} s  {BARS / deno_avg * 1000:9,.0f}"
          f" bars/s  (min {deno_min / 1000:.2f} s, max {deno_max / 1000:.2f} s)")
    print(f"  python requests + executemany     {py / 1000:7.2f} s  {BARS / py * 1000:9,.0f}"
          f" bars/s  (runs: {', '.join(f'{t / 1000:.2f}' for t in times)} s)")
    print(f"ratio python time / deno time       {py / deno_avg:7.2f}x")
    print(f"largest abs difference in stored OHLCV (deno vs python): {diff}")


if __name__ == "__main__":
    main()
