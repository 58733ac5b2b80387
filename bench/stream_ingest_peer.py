"""Stream ingestion into SQLite, cryptolab (Deno) vs Python sqlite3 executemany, same run.

Runs `deno bench --json bench/stream_ingest_bench.ts` (which writes the trade tape it uses,
bench/.out/stream_tape.csv: REAL Binance spot BTCUSDT + ETHUSDT @trade frames of the fake
exchange's capture cycled with shifted ids, and bench/.out/stream_template.db: an empty store
with the real schema), then the Python baseline on the same trades and the same schema:

  a copy of the template store (the real `trades` table: rowid table, primary key
  (venue, symbol, trade_id), index trades_by_time), WAL + synchronous=NORMAL like openStore,
  one `BEGIN IMMEDIATE ... COMMIT` per 5,000 trades (the flush size of runStream), each holding
  `executemany("INSERT INTO trades (...) VALUES (?, ...) ON CONFLICT DO NOTHING", rows)`.

The Python baseline only inserts: it neither compares re-delivered trades with the stored ones
nor reports conflicts, which writeTrades does. It prints both rates, the ratios, and checks
that the Python table holds every trade of the tape exactly (largest absolute difference).

Run from the repository root: /usr/bin/python3 bench/stream_ingest_peer.py
(CRYPTOLAB_BENCH_TRADES=N changes the tape length; default 100,000.)
Deno: the DENO environment variable, else `deno` on PATH, else `npx -y deno@2.9.6`.
"""
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no bench/__pycache__ from the helper import below
from _deno import deno_command  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")
FLUSH = 5_000
SQL = (
    "INSERT INTO trades (venue, symbol, trade_id, ts, price, qty, side, source, fetched_at, "
    "run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (venue, symbol, trade_id) DO NOTHING"
)


def deno_bench():
    env = dict(os.environ, NO_COLOR="1")
    out = subprocess.run(
        [*deno_command(), "bench", "-A", "--json", "bench/stream_ingest_bench.ts"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )
    report = json.loads(out.stdout)
    times = {}
    for b in report["benches"]:
        ok = b["results"][0].get("ok")
        if ok is None:
            sys.exit(f"deno bench failed: {b['name']}: {b['results'][0]}")
        times[b["name"]] = ok["avg"] / 1e6  # ns -> ms
    return times


def load_tape():
    with open(os.path.join(OUT, "stream_tape.csv"), newline="") as f:
        r = csv.reader(f)
        next(r)
        return [(s, int(i), float(t), float(p), float(q), int(side)) for s, i, t, p, q, side in r]


def chunks(tape):
    """Like tapeBatches(tape, 5000): per 5,000-message window, one batch per symbol."""
    out = []
    for a in range(0, len(tape), FLUSH):
        window = tape[a:a + FLUSH]
        for sym in ("BTCUSDT", "ETHUSDT"):
            rows = [("binance", s, i, t, p, q, side, "b", 0, None)
                    for s, i, t, p, q, side in window if s == sym]
            if rows:
                out.append(rows)
    return out


def connect(path):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    return con


def insert_all(con, batches):
    t0 = time.perf_counter()
    for rows in batches:
        con.execute("BEGIN IMMEDIATE")
        con.executemany(SQL, rows)
        con.execute("COMMIT")
    return (time.perf_counter() - t0) * 1000


def main():
    deno = deno_bench()
    tape = load_tape()
    n = len(tape)
    batches = chunks(tape)
    tmp = tempfile.mkdtemp(dir=OUT, prefix="stream-py-")
    try:
        new_ms, again_ms = [], []
        for k in range(3):
            path = os.path.join(tmp, f"py{k}.db")
            shutil.copy(os.path.join(OUT, "stream_template.db"), path)
            con = connect(path)
            new_ms.append(insert_all(con, batches))
            again_ms.append(insert_all(con, batches))
            con.close()
        con = connect(os.path.join(tmp, "py0.db"))
        stored = {(s, i): (t, p, q, side) for s, i, t, p, q, side in con.execute(
            "SELECT symbol, trade_id, ts, price, qty, side FROM trades")}
        con.close()
        assert len(stored) == n, (len(stored), n)
        diff = max(abs(a - b) for s, i, t, p, q, side in tape
                   for a, b in zip(stored[(s, i)], (t, p, q, side)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    py_new = statistics.median(new_ms)
    py_again = statistics.median(again_ms)

    def pick(*words):
        return next(v for k, v in deno.items() if all(w in k for w in words))

    d_new = pick("writeTrades", "new")
    d_again = pick("writeTrades", "already stored")
    d_mem = pick("runStream", "memory")
    d_ws = pick("runStream", "WebSocket")
    rate = lambda ms: n / ms * 1000  # noqa: E731
    print(f"stream ingestion: {n:,} real-derived Binance trades (BTCUSDT+ETHUSDT), "
          f"{FLUSH:,} per transaction, WAL + synchronous=NORMAL, schema of the store")
    rows = [
        ("deno   writeTrades, new trades", d_new),
        ("deno   writeTrades, re-delivered (compare)", d_again),
        ("deno   runStream from memory, 1m bars", d_mem),
        ("deno   runStream from local WebSocket", d_ws),
        ("python executemany, new trades", py_new),
        ("python executemany again (no compare)", py_again),
    ]
    for name, ms in rows:
        print(f"  {name:44s} {ms:9.1f} ms {rate(ms):11,.0f} trades/s")
    print(f"ratio deno writeTrades / python executemany, new     {py_new / d_new:6.2f}x")
    print(f"ratio deno runStream (memory) / python executemany  {py_new / d_mem:6.2f}x")
    print(f"ratio deno runStream (WebSocket) / python executemany {py_new / d_ws:6.2f}x")
    print(f"largest abs difference, python table vs tape: {diff}")


if __name__ == "__main__":
    main()
