"""Risk models, cryptolab (Deno) vs scikit-learn / pandas, on the same inputs in one run.

Inputs: the 126-pair NFI hourly universe, r = np.log(close).diff() on the complete hourly grid
(126 x 5,493, NaN across gaps and before late listings), as tests/oracles/risk_models.py.
Runs `deno bench --json bench/risk_models_bench.ts` (which also writes its results to
bench/.out/risk_models/), then:
  ledoit_wolf / oas  sklearn.covariance.ledoit_wolf(X) / oas(X) on r.dropna() (1,215 x 126) and
                     on the 100 full-history assets' complete rows (5,474 x 100)
  constant corr.     the numpy transcription of covCor.m from tests/oracles/risk_models.py
  sample cov         r.cov() (pandas pairwise-complete)
  ewma               r.ewm(halflife=168).cov(): pandas computes the matrix at every one of the
                     5,493 hours (8,001 pairs, a 692,118 x 126 frame); it is the only pandas call
                     that gives either the last matrix or the daily path, so both of our rows are
                     compared with it
and prints both timings (the fastest of the repeated runs on each side, `deno bench`'s min and a
min over Python calls: on a shared machine other work only adds time), the ratio and the largest
absolute difference of the results relative to the largest |value| of the matrix.

Run from the repository root: /usr/bin/python3 bench/risk_models_peer.py
(pandas 1.5.3 / numpy 1.24.2 / scikit-learn 1.2.1 from Debian). Deno: see bench/_deno.py.
"""
import glob
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from sklearn.covariance import ledoit_wolf, oas

sys.dont_write_bytecode = True
from _deno import deno_bench_stats  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracles"))
OUT = os.path.join(ROOT, "bench", ".out", "risk_models")
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(ROOT, "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000


def load():
    closes = {}
    for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
        sym = os.path.basename(path).split("-")[0].replace("_", "")
        with open(path) as f:
            rows = json.load(f)
        closes[sym] = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    close = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
    return np.log(close).diff()


def best_of(fn, repeat):
    """(fastest wall-clock milliseconds over `repeat` calls of fn(), the last result). The
    fastest run, not the median, because the machine is shared: other work only adds time."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, (time.perf_counter() - t0) * 1000)
    return best, out


def ours(name, k):
    return np.fromfile(os.path.join(OUT, f"{name}.f64"), dtype="<f8").reshape(k, k)


def rel_diff(mine, theirs):
    both = np.isfinite(mine) & np.isfinite(theirs)
    assert (np.isfinite(mine) == np.isfinite(theirs)).all(), "NaN in one result only"
    return float(np.max(np.abs(mine[both] - theirs[both])) / np.max(np.abs(theirs[both])))


def main():
    deno = {name: st["min"] for name, st in
            deno_bench_stats("bench/risk_models_bench.ts", {"CRYPTOLAB_BENCH_OUT": OUT}).items()}
    from risk_models import cov_cor_2004  # the oracle's numpy covCor.m

    r = load()
    full = r.loc[:, r.isna().sum() <= 19]
    with open(os.path.join(OUT, "full_count.txt")) as f:
        assert int(f.read()) == full.shape[1]
    x_all, x_full = r.dropna().to_numpy(), full.dropna().to_numpy()
    k, kf = r.shape[1], full.shape[1]
    rows = []

    def row(label, bench_name, fn, reps, mine=None):
        ms, res = best_of(fn, reps)
        d = rel_diff(mine, res) if mine is not None else float("nan")
        rows.append((label, deno[bench_name], ms, d))
        return res

    row(f"ledoit_wolf {x_all.shape[0]} x {k}", "ledoitWolf, all 126 assets, complete rows",
        lambda: ledoit_wolf(x_all)[0], 20, ours("lw_all", k))
    row(f"ledoit_wolf {x_full.shape[0]} x {kf}", f"ledoitWolf, {kf} full-history assets, complete rows",
        lambda: ledoit_wolf(x_full)[0], 20, ours("lw_full", kf))
    row(f"oas {x_full.shape[0]} x {kf}", f"oas, {kf} full-history assets, complete rows",
        lambda: oas(x_full)[0], 20, ours("oas_full", kf))
    row(f"covCor.m (numpy) {x_full.shape[0]} x {kf}",
        f"ledoitWolfConstantCorrelation, {kf} full-history assets, complete rows",
        lambda: cov_cor_2004(x_full)[0], 10)
    row(f"DataFrame.cov() {r.shape[0]} x {k}", "sampleCovariance pairwise 126 x 5,493",
        lambda: r.cov().to_numpy(), 3, ours("sample", k))
    ewm = row("ewm(halflife=168).cov(), last hour",
              "ewmaCovariance half-life 168, last hour, 126 x 5,493",
              lambda: r.ewm(halflife=168).cov().to_numpy()[-k:], 2, ours("ewma", k))
    ms = rows[-1][2]
    rows.append(("ewm(halflife=168).cov(), every 24th hour",
                 deno["ewmaCovariancePath half-life 168, every 24th hour, 126 x 5,493"], ms, float("nan")))
    del ewm
    print(f"risk models, NFI 1h panel {k} assets x {r.shape[0]} hours")
    print(f"{'python call':44} {'deno ms':>9} {'python ms':>10} {'ratio':>7} {'max rel diff':>13}")
    for label, dm, pm, d in rows:
        print(f"{label:44} {dm:9.1f} {pm:10.1f} {pm / dm:6.1f}x {d:13.2e}")


if __name__ == "__main__":
    main()
