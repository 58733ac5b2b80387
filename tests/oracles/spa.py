"""Reference for realityCheck, superiorPredictiveAbility and stepM (numpy 1.24.2), on the SAME
stationary-bootstrap indices as the Deno side: the indices are drawn here (numpy
default_rng, Politis-Romano stationary bootstrap) and stored in the JSON as base64 little-endian
int32 (replication-major), and the tests feed them to the Deno functions.

Straightforward formulas, no prefix sums: d = R - b (n x K), dbar = d.mean(0),
boot[b] = d[idx[b]].mean(0), omega = sqrt(n * mean_b (boot - dbar)^2) (Hansen 2005, sec. 2.3);
RC (White 2000): V = sqrt(n) max dbar, V*_b = sqrt(n) max (boot_b - dbar), p = mean(V* > V);
SPA (Hansen 2005): t = sqrt(n) dbar / omega, T = max(0, max t), recentring mu = max(dbar, 0)
(lower), dbar 1{t >= -sqrt(2 ln ln n)} (consistent), dbar (upper), T*_b = max(0, max sqrt(n)
(boot_b - mu) / omega), p = mean(T* > T);
StepM (Romano and Wolf 2005, sec. 4.2, studentized in every resample): resample b is cut into its
runs of consecutive rows (idx[t] == idx[t-1] + 1 continues a run; a wrap or a jump starts one),
se*_bk = sqrt(sum_runs (sum_{t in run} (d[idx_bt, k] - boot_bk))^2 / n) (the Gotze-Kunsch block
variance of the resampled series), z*_bk = sqrt(n) (boot_bk - dbar_k) / se*_bk (0 where se* = 0);
c_s = the ceil(B (1 - alpha))-th smallest of max over active k of z*_bk; reject active k with
t_k = sqrt(n) dbar_k / omega_k > c_s; repeat until nothing is rejected.

Families: a random one (stored in the JSON) with two planted edges, and the 20 BTC daily
momentum lookbacks against buy and hold (_real_family.py, rebuilt by the test from
../shared/data/real); "partial": trials shifted to planted t statistics on both sides of the
consistent threshold -sqrt(2 ln ln n) (one edge, trials just below 0 that the consistent p-value
recentres and the lower one does not, trials between the threshold and twice it, and far below,
that only the upper one recentres), so lower < consistent < upper; "losing": two trials that
lose to the benchmark (T = 0, every p-value 1). Run with /usr/bin/python3; it writes tests/oracles/spa.json.gz (gzip: the indices
and trial returns are 2.4 MB as text).
"""
import base64
import json
import math
import os

import numpy as np

from _real_family import momentum_family

HERE = os.path.dirname(os.path.abspath(__file__))


def stationary_indices(n, block, reps, rng):
    idx = np.empty((reps, n), dtype="<i4")
    for b in range(reps):
        cur = rng.integers(n)
        idx[b, 0] = cur
        new = rng.random(n) < 1 / block
        starts = rng.integers(0, n, n)
        for t in range(1, n):
            cur = starts[t] if new[t] else (cur + 1) % n
            idx[b, t] = cur
    return idx


def reference(R, bench, idx, alpha):
    n, K = R.shape
    d = R - bench[:, None]
    dbar = d.mean(0)
    boot = np.stack([d[i].mean(0) for i in idx])
    B = len(idx)
    omega = np.sqrt(n * ((boot - dbar) ** 2).mean(0))
    rn = math.sqrt(n)
    V = rn * dbar.max()
    Vs = rn * (boot - dbar).max(1)
    t = rn * dbar / omega
    T = max(0.0, t.max())
    thr = -math.sqrt(2 * math.log(math.log(n)))
    mus = {"lower": np.maximum(dbar, 0), "consistent": np.where(t >= thr, dbar, 0.0), "upper": dbar}
    # T = 0 (no trial beats the benchmark): every T*_b >= 0 = T, p = 1 (see superiorPredictiveAbility).
    spa = {k: float(np.mean(np.maximum(0, (rn * (boot - mu) / omega).max(1)) > T)) if T > 0 else 1.0
           for k, mu in mus.items()}
    se = np.empty_like(boot)
    for b, i in enumerate(idx):
        cuts = np.flatnonzero(np.diff(i) != 1) + 1
        ds = d[i] - boot[b]
        sums = np.stack([run.sum(0) for run in np.split(ds, cuts)])
        se[b] = np.sqrt((sums ** 2).sum(0) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, rn * (boot - dbar) / se, 0.0)
    active = np.ones(K, dtype=bool)
    pos = min(B - 1, max(0, math.ceil(B * (1 - alpha)) - 1))
    crit, rejected, step = [], [], [0] * K
    s = 1
    while active.any():
        c = float(np.sort(z[:, active].max(1))[pos])
        crit.append(c)
        now = [j for j in range(K) if active[j] and t[j] > c]
        if not now:
            break
        now.sort(key=lambda j: (-t[j], j))
        for j in now:
            active[j] = False
            step[j] = s
            rejected.append(j)
        s += 1
    return {
        "rcStatistic": V, "rcPValue": float(np.mean(Vs > V)), "spaStatistic": T, "spa": spa,
        "t": t.tolist(), "omega": omega.tolist(), "means": dbar.tolist(),
        "alpha": alpha, "criticalValues": crit, "rejected": rejected, "step": step,
    }


def pack(idx):
    return base64.b64encode(idx.astype("<i4").tobytes()).decode()


rng = np.random.default_rng(2005)
n, K = 300, 15
bench = rng.standard_normal(n) * 0.01
R = bench[:, None] + rng.standard_normal((n, K)) * 0.01
R[:, 4] += 0.0025
R[:, 11] += 0.0015
idx = stationary_indices(n, 6.0, 200, rng)
fam, btc = momentum_family(20)
idx_real = stationary_indices(len(btc), 10.0, 30, rng)
bench2 = rng.standard_normal(200) * 0.01
R2 = rng.standard_normal((200, 10)) * 0.01
idx2 = stationary_indices(200, 3.0, 150, rng)
rng3 = np.random.default_rng(2006)
n3 = 300
bench3 = rng3.standard_normal(n3) * 0.01
noise3 = rng3.standard_normal((n3, 16)) * 0.01
idx3 = stationary_indices(n3, 4.0, 400, rng3)
# Planted t statistics: shift each column's mean (omega depends only on the demeaned column).
targets = np.array([2.1, -0.3, -0.6, -0.9, -1.2, -1.5, -1.7, -2.0, -2.3, -2.6, -2.9, -3.2, -3.5,
                    -5.0, -7.0, -9.0])
d3 = noise3 - noise3.mean(0)
omega3 = np.sqrt(n3 * ((np.stack([d3[i].mean(0) for i in idx3])) ** 2).mean(0))
R3 = bench3[:, None] + d3 + targets * omega3 / math.sqrt(n3)
R4 = bench3[:, None] + d3[:, :2] - 0.004
out = {
    "partial": {"trials": R3.T.tolist(), "benchmark": bench3.tolist(), "n": n3, "replications": 400,
                "indices": pack(idx3), **reference(R3, bench3, idx3, 0.05)},
    "losing": {"trials": R4.T.tolist(), "benchmark": bench3.tolist(), "n": n3, "replications": 400,
               "indices": pack(idx3), **reference(R4, bench3, idx3, 0.05)},
    "random": {"trials": R.T.tolist(), "benchmark": bench.tolist(), "n": n, "replications": 200,
               "indices": pack(idx), **reference(R, bench, idx, 0.05)},
    "noise": {"trials": R2.T.tolist(), "benchmark": bench2.tolist(), "n": 200, "replications": 150,
              "indices": pack(idx2), **reference(R2, bench2, idx2, 0.10)},
    "momentum": {"n": len(btc), "replications": 30, "indices": pack(idx_real),
                 **reference(fam, btc, idx_real, 0.10)},
}
import gzip
with gzip.GzipFile(os.path.join(HERE, "spa.json.gz"), "wb", compresslevel=9, mtime=0) as f:
    f.write(json.dumps(out).encode())
print({k: (v["rcPValue"], v["spa"], v["rejected"]) for k, v in out.items()})
