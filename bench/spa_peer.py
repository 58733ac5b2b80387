"""Hansen's SPA, 1,000 stationary-bootstrap replications on 500 trials x 5,000 bars: cryptolab
(Deno) vs numpy on the same inputs and the same resample indices in the same run.

Runs `deno bench --json bench/spa_bench.ts`, which writes its inputs, its block-10 indices and
its p-values to bench/.out/, then on those same arrays times two numpy versions of the same
statistic (Hansen 2005, studentized with the bootstrap standard error):
  1. numpy, per replication: d[idx_b].mean(0) (a 5,000 x 500 gather per replication; what a
     straightforward implementation does). Timed on the first SAMPLE replications and
     extrapolated (printed as such);
  2. numpy, counts matrix: W[b, t] = times row t is drawn in replication b, then W @ d / n by
     BLAS (2.5 GFLOP in one call);
and prints timings, ratios and whether the p-values agree with Deno's.

Run from the repository root: /usr/bin/python3 bench/spa_peer.py  (numpy 1.24.2 from Debian).
"""
import json
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out")
SAMPLE = 100


def load():
    shape = json.load(open(os.path.join(OUT, "spa_shape.json")))
    K, T, B = shape["trials"], shape["rows"], shape["replications"]
    R = np.fromfile(os.path.join(OUT, "spa_trials.f64"), dtype="<f8").reshape(K, T).T.copy()
    b = np.fromfile(os.path.join(OUT, "spa_bench.f64"), dtype="<f8")
    idx = np.fromfile(os.path.join(OUT, "spa_indices.i32"), dtype="<i4").reshape(B, T)
    return R, b, idx, shape


def spa_from_boot(d, boot):
    n = d.shape[0]
    dbar = d.mean(0)
    omega = np.sqrt(n * ((boot - dbar) ** 2).mean(0))
    rn = math.sqrt(n)
    t = rn * dbar / omega
    T = max(0.0, t.max())
    thr = -math.sqrt(2 * math.log(math.log(n)))
    mus = {"lower": np.maximum(dbar, 0), "consistent": np.where(t >= thr, dbar, 0.0), "upper": dbar}
    return {k: float(np.mean(np.maximum(0, (rn * (boot - mu) / omega).max(1)) > T)) for k, mu in mus.items()}


def per_replication(d, idx):
    return np.stack([d[i].mean(0) for i in idx])


def counts_matrix(d, idx):
    B, n = idx.shape
    W = np.zeros((B, n))
    np.add.at(W, (np.repeat(np.arange(B), n), idx.ravel()), 1.0)
    return W @ d / n


def main():
    deno = deno_bench_ms("bench/spa_bench.ts")
    R, b, idx, shape = load()
    d = R - b[:, None]
    B = len(idx)
    d10 = next(v for k, v in deno.items() if k.endswith("block 10"))
    d1 = next(v for k, v in deno.items() if k.endswith("block 1"))
    pr_ms, _ = timed(lambda: per_replication(d, idx[:SAMPLE]), 1)
    cm_ms, boot = timed(lambda: spa_from_boot(d, counts_matrix(d, idx)), 1)
    full_pr = pr_ms / SAMPLE * B
    print(f"SPA, {B} replications, {R.shape[1]} trials x {R.shape[0]} bars")
    print(f"  deno  superiorPredictiveAbility, block 10           {d10:9.0f} ms")
    print(f"  deno  superiorPredictiveAbility, block 1            {d1:9.0f} ms")
    print(f"  numpy per-replication gather (extrapolated from {SAMPLE}) {full_pr:9.0f} ms  ratio {full_pr / d10:5.1f}x (block 10)")
    print(f"  numpy counts matrix @ BLAS                          {cm_ms:9.0f} ms  ratio {cm_ms / d10:5.1f}x (block 10)")
    print(f"  p-values deno {shape['pValues']}  numpy {boot}  equal: {shape['pValues'] == boot}")


if __name__ == "__main__":
    main()
