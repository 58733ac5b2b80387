"""Peer run for bench/import_bench.ts: pandas on the same 126 freqtrade JSON files, same run.

Usage: /usr/bin/python3 bench/import_peer.py   (pandas 1.5.3 from Debian)
Deno: the DENO environment variable (path to the binary), else `deno` on PATH, else
`npx -y deno@2.9.6` (Deno comes from npm on our machines); see bench/_deno.py.

Times, on ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h:
  pandas  read_json per file + concat                       vs  cryptolab parse (dry run)
  pandas  read_json + concat + to_sql into a SQLite file     vs  cryptolab import
and prints seconds and the ratio (pandas / cryptolab; above 1 means cryptolab is faster).
"""
import glob
import os
import shutil
import sqlite3
import sys
import tempfile
import time

import pandas as pd

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_run_json  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(ROOT, "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
COLS = ["ts", "open", "high", "low", "close", "volume"]


def read_all(files):
    frames = []
    for f in files:
        df = pd.read_json(f)
        df.columns = COLS
        df.insert(0, "symbol", os.path.basename(f).split("-")[0].replace("_", ""))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def pandas_parse(files):
    t0 = time.perf_counter()
    df = read_all(files)
    return time.perf_counter() - t0, len(df)


def pandas_to_sql(files):
    tmp = tempfile.mkdtemp(prefix="cryptolab-peer-")
    try:
        con = sqlite3.connect(os.path.join(tmp, "peer.db"))
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = NORMAL")
        # same key as cryptolab's bars table, so both sides maintain the same index
        con.execute("CREATE TABLE bars (venue TEXT, symbol TEXT, freq TEXT, ts INTEGER, open REAL, "
                    "high REAL, low REAL, close REAL, volume REAL, "
                    "PRIMARY KEY (venue, symbol, freq, ts)) WITHOUT ROWID")
        t0 = time.perf_counter()
        df = read_all(files)
        df.insert(0, "venue", "binance")
        df.insert(2, "freq", "1h")
        df.to_sql("bars", con, if_exists="append", index=False, chunksize=100_000)
        con.commit()
        secs = time.perf_counter() - t0
        n = con.execute("SELECT count(*) FROM bars").fetchone()[0]
        con.close()
        return secs, n
    finally:
        shutil.rmtree(tmp)


def main():
    files = sorted(glob.glob(os.path.join(DIR, "*.json")))
    if len(files) != 126:
        sys.exit(f"expected 126 files in {DIR}, found {len(files)}")
    ours = deno_run_json([os.path.join(HERE, "import_bench.ts"), "--once"])
    pandas_parse(files)  # warm the page cache like the deno side does
    p_secs, p_rows = pandas_parse(files)
    s_secs, s_rows = pandas_to_sql(files)
    rows = [
        ("read 126 JSON files to columns", "pandas read_json + concat", p_secs, p_rows, ours["parse"]),
        ("... and store in SQLite", "pandas read_json + concat + to_sql", s_secs, s_rows, ours["import"]),
    ]
    print(f"pandas {pd.__version__}, sqlite {sqlite3.sqlite_version}; {len(files)} files")
    print(f"{'case':34} {'pandas s':>9} {'cryptolab s':>12} {'rows':>9}  ratio (pandas/cryptolab)")
    for case, _peer, secs, n, o in rows:
        if n != o["rows"]:
            sys.exit(f"row counts differ for {case}: pandas {n}, cryptolab {o['rows']}")
        print(f"{case:34} {secs:9.2f} {o['seconds']:12.2f} {n:9d}  {secs / o['seconds']:.2f}")


if __name__ == "__main__":
    main()
