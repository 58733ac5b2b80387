"""PBO by CSCV, S = 16 (all 12,870 splits) on 1,000 trials x 5,000 bars: cryptolab (Deno) vs numpy
on the same inputs in the same run.

Runs `deno bench --json bench/pbo_bench.ts`, which writes its inputs and its logits to
bench/.out/, then on those same arrays times two numpy versions:
  1. numpy, textbook CSCV (what the pypbo / mlfinlab-style code does): for each split,
     concatenate the in-sample and out-of-sample rows and compute every trial's Sharpe ratio
     with mean / std, O(T N) per split. Too slow to run in full: it is timed on the first
     SAMPLE splits and the full figure is extrapolated (printed as such);
  2. numpy, vectorized with block sums (the same algorithm as cryptolab: per-block sums and
     sums of squares, then a 12,870 x 16 indicator matrix times the block sums by BLAS);
and prints timings, ratios and the largest logit difference from Deno's.

Run from the repository root: /usr/bin/python3 bench/pbo_peer.py  (numpy 1.24.2 from Debian).
"""
import itertools
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")
SAMPLE = 20


def load():
    shape = json.load(open(os.path.join(OUT, "pbo_shape.json")))
    n, t = shape["trials"], shape["rows"]
    x = np.fromfile(os.path.join(OUT, "pbo_returns.f64"), dtype="<f8").reshape(n, t).T.copy()
    return x, shape["blocks"], np.fromfile(os.path.join(OUT, "pbo_deno_logits.f64"), dtype="<f8")


def logit_of(sr_is, sr_oos):
    """Rows = splits: winner in sample (first maximum), its average rank out of sample."""
    n = sr_is.shape[1]
    best = np.argmax(sr_is, axis=1)
    target = sr_oos[np.arange(len(best)), best][:, None]
    rank = 1 + (sr_oos < target).sum(1) + ((sr_oos == target).sum(1) - 1) / 2
    w = rank / (n + 1)
    return np.log(w / (1 - w))


def naive(x, S, limit):
    T, N = x.shape
    m = T // S
    x = x[T - m * S:]
    blocks = [x[b * m:(b + 1) * m] for b in range(S)]
    out = []
    for c in itertools.islice(itertools.combinations(range(S), S // 2), limit):
        ins = np.concatenate([blocks[b] for b in c])
        oos = np.concatenate([blocks[b] for b in range(S) if b not in c])
        out.append(logit_of((ins.mean(0) / ins.std(0, ddof=1))[None], (oos.mean(0) / oos.std(0, ddof=1))[None])[0])
    return np.array(out)


def vectorized(x, S):
    T, N = x.shape
    m = T // S
    x = x[T - m * S:]
    x = x - x.mean(0)  # centre per trial (the shift comes back in the mean)
    blocks = x.reshape(S, m, N)
    bs, bq = blocks.sum(1), (blocks ** 2).sum(1)
    combos = np.array(list(itertools.combinations(range(S), S // 2)))
    ind = np.zeros((len(combos), S))
    ind[np.arange(len(combos))[:, None], combos] = 1
    a, q = ind @ bs, ind @ bq
    oa, oq = bs.sum(0) - a, bq.sum(0) - q
    rows = m * S // 2
    return a, q, oa, oq, rows


def vectorized_logits(x, S):
    T, N = x.shape
    m = T // S
    c = x[T - m * S:].mean(0)
    a, q, oa, oq, rows = vectorized(x, S)
    sr_is = (a / rows + c) / np.sqrt((q - a * a / rows) / (rows - 1))
    sr_oos = (oa / rows + c) / np.sqrt((oq - oa * oa / rows) / (rows - 1))
    return logit_of(sr_is, sr_oos)


def main():
    deno = deno_bench_ms("bench/pbo_bench.ts")
    x, S, deno_logits = load()
    d_ms = next(iter(deno.values()))
    total = len(deno_logits)
    nv_ms, nv = timed(lambda: naive(x, S, SAMPLE), 1)
    vec_ms, vec = timed(lambda: vectorized_logits(x, S), 3)
    full_naive = nv_ms / SAMPLE * total
    print(f"PBO CSCV, S = {S} ({total} splits), {x.shape[1]} trials x {x.shape[0]} bars")
    print(f"  deno  probabilityOfBacktestOverfitting          {d_ms:10.1f} ms")
    print(f"  numpy textbook, per-split rows (extrapolated from {SAMPLE} splits) {full_naive:10.1f} ms  ratio {full_naive / d_ms:6.1f}x")
    print(f"  numpy vectorized block sums (BLAS)           {vec_ms:10.1f} ms  ratio {vec_ms / d_ms:6.1f}x")
    print(f"  max |logit diff| deno vs numpy textbook (first {SAMPLE} splits): {np.max(np.abs(nv - deno_logits[:SAMPLE])):.2e}")
    print(f"  max |logit diff| deno vs numpy vectorized (all splits): {np.max(np.abs(vec - deno_logits)):.2e}")


if __name__ == "__main__":
    main()
