"""Cross-sectional transforms, cryptolab (Deno) vs pandas/numpy, on the same inputs in one run.

Inputs: the 126-pair NFI hourly universe (126 x 5,493), signals built as in
tests/oracles/cross_section.py: mom24 = log(close / close.shift(24)), mom168, rev1, the log 24h
dollar volume dv24 and yesterday's momentum mom24l. Runs `deno bench --json
bench/cross_section_bench.ts` (which also writes its results to bench/.out/cross_section/),
then the fastest plain pandas/numpy way of computing the same thing:
  winsorize      df.clip(df.quantile(.01, axis=1), df.quantile(.99, axis=1), axis=0)  (vectorized)
  zscore         df.sub(df.mean(axis=1), axis=0).div(df.std(axis=1), axis=0).clip(-3, 3)
  neutralize     per row: np.linalg.lstsq on [1, dv24, mom24l] over the complete assets
  orthogonalize  per row: sequential np.linalg.lstsq residuals of [mom168, mom24, rev1] and
                 np.corrcoef before/after (statsmodels OLS per row is several times slower)
  forward 24     np.log(close).diff().rolling(24).sum().shift(-24)
and prints both timings, the ratio and the largest absolute difference of the results (cells
finite on both sides; the count of cells finite on one side only is printed too, and should
be 0).

Run from the repository root: /usr/bin/python3 bench/cross_section_peer.py
(pandas 1.5.3 / numpy 1.24.2 from Debian). Deno: see bench/_deno.py.
"""
import glob
import json
import os
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out", "cross_section")
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(ROOT, "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000


def load():
    closes, volumes = {}, {}
    for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
        sym = os.path.basename(path).split("-")[0].replace("_", "")
        with open(path) as f:
            rows = json.load(f)
        idx = [int(r[0]) for r in rows]
        closes[sym] = pd.Series([r[4] for r in rows], index=idx, dtype="float64")
        volumes[sym] = pd.Series([r[5] for r in rows], index=idx, dtype="float64")
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    close = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
    volume = pd.DataFrame({a: s.reindex(grid) for a, s in volumes.items()})
    mom24 = np.log(close / close.shift(24))
    return {
        "close": close,
        "mom24": mom24,
        "mom168": np.log(close / close.shift(168)),
        "rev1": np.log(close / close.shift(1)),
        "dv24": np.log((close * volume).rolling(24).sum()).replace([np.inf, -np.inf], np.nan),
        "mom24l": mom24.shift(24),
    }


def winsorize(d):
    x = d["mom24"]
    return x.clip(x.quantile(0.01, axis=1), x.quantile(0.99, axis=1), axis=0).to_numpy()


def zscore(d):
    x = d["mom24"]
    return x.sub(x.mean(axis=1), axis=0).div(x.std(axis=1), axis=0).clip(-3, 3).to_numpy()


def neutralize(d):
    y, e1, e2 = (d[k].to_numpy() for k in ["mom24", "dv24", "mom24l"])
    out = np.full(y.shape, np.nan)
    for t in range(y.shape[0]):
        ok = np.isfinite(y[t]) & np.isfinite(e1[t]) & np.isfinite(e2[t])
        m = int(ok.sum())
        if m <= 3:
            continue
        X = np.column_stack([np.ones(m), e1[t, ok], e2[t, ok]])
        coef = np.linalg.lstsq(X, y[t, ok], rcond=None)[0]
        out[t, ok] = y[t, ok] - X @ coef
    return out


def orthogonalize(d):
    s = [d[k].to_numpy() for k in ["mom168", "mom24", "rev1"]]
    out = [np.full(s[0].shape, np.nan) for _ in s]
    before, after, periods = np.zeros((3, 3)), np.zeros((3, 3)), 0
    for t in range(s[0].shape[0]):
        ok = np.isfinite(s[0][t]) & np.isfinite(s[1][t]) & np.isfinite(s[2][t])
        m = int(ok.sum())
        if m < 2:
            continue
        cols = [x[t, ok] for x in s]
        res = []
        for j, c in enumerate(cols):
            # as orthogonalize.ts: a constant signal (or no residual degree of freedom) is NaN
            # and not a regressor of the later ones
            if m <= 1 + len(res) or c.max() == c.min():
                continue
            X = np.column_stack([np.ones(m)] + res)
            r = c - X @ np.linalg.lstsq(X, c, rcond=None)[0]
            out[j][t, ok] = r
            res.append(r)
        if len(res) < 3:
            continue
        before += np.corrcoef(np.vstack(cols))
        after += np.corrcoef(np.vstack(res))
        periods += 1
    return out, before / periods, after / periods


def forward(d):
    return np.log(d["close"]).diff().rolling(24).sum().shift(-24).to_numpy()


def ours(name, shape):
    a = np.fromfile(os.path.join(OUT, f"{name}.f64"), dtype="<f8").reshape(shape[1], shape[0])
    return a.T  # asset-major on disk -> time x asset


def diff(mine, theirs):
    both = np.isfinite(mine) & np.isfinite(theirs)
    one = int((np.isfinite(mine) != np.isfinite(theirs)).sum())
    return float(np.max(np.abs(mine[both] - theirs[both]))), one


def main():
    deno = {
        name.split(" ")[0]: ms
        for name, ms in deno_bench_ms("bench/cross_section_bench.ts", {"CRYPTOLAB_BENCH_OUT": OUT}).items()
    }
    d = load()
    shape = d["mom24"].shape
    rows = []
    for key, name, fn, reps in [
        ("winsorizeCrossSection", "winsorize", winsorize, 3),
        ("zscoreCrossSection", "zscore", zscore, 3),
        ("neutralizeCrossSection", "neutralize", neutralize, 1),
        ("forwardReturns", "forward24", forward, 3),
    ]:
        ms, res = timed(lambda: fn(d), reps)
        rows.append((key, deno[key], ms, *diff(ours(name, shape), res)))
    ms, (res, _, _) = timed(lambda: orthogonalize(d), 1)
    worst = [diff(ours(f"orthogonalize{j}", shape), res[j]) for j in range(3)]
    rows.append(("orthogonalizeSignals", deno["orthogonalizeSignals"], ms,
                 max(w[0] for w in worst), sum(w[1] for w in worst)))
    print(f"cross-sectional transforms, NFI 1h panel {shape[1]} assets x {shape[0]} hours")
    print(f"{'function':26} {'deno ms':>9} {'python ms':>10} {'ratio':>7} {'max |diff|':>11} {'one-side NaN':>13}")
    for key, dm, pm, md, one in rows:
        print(f"{key:26} {dm:9.1f} {pm:10.1f} {pm / dm:6.1f}x {md:11.2e} {one:13d}")


if __name__ == "__main__":
    main()
