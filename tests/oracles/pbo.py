"""Brute-force reference for probabilityOfBacktestOverfitting (numpy 1.24.2, scipy 1.10.1).

For every split from itertools.combinations(range(S), S // 2) (lexicographic, as lib/stats), the
in-sample and out-of-sample halves are built by concatenating the blocks' rows (no block sums),
the per-period Sharpe ratio is mean / std(ddof=1) of each trial's rows, the in-sample winner is
np.argmax (first maximum = lowest index), its out-of-sample rank is scipy.stats.rankdata
(average ties), w = rank / (N + 1), logit = ln(w / (1 - w)), PBO = mean(logit <= 0); the
degradation line is np.polyfit(IS, OOS, 1) with R^2 = corrcoef^2; the probability of loss is
mean(OOS < 0). Rows that do not fill S blocks are dropped from the start (Bailey, Borwein,
Lopez de Prado and Zhu 2017). Run with /usr/bin/python3, then `deno fmt tests/oracles/pbo.json`.
"""
import itertools
import json
import os

import numpy as np
from scipy.stats import rankdata

from _real_family import momentum_family

HERE = os.path.dirname(os.path.abspath(__file__))


def pbo(M, S):
    T, N = M.shape
    m = T // S
    X = M[T - m * S:]
    blocks = [X[b * m:(b + 1) * m] for b in range(S)]
    logits, is_sr, oos_sr, sel = [], [], [], []
    for c in itertools.combinations(range(S), S // 2):
        ins = np.concatenate([blocks[b] for b in c])
        out = np.concatenate([blocks[b] for b in range(S) if b not in c])
        sr_i = ins.mean(0) / ins.std(0, ddof=1)
        sr_o = out.mean(0) / out.std(0, ddof=1)
        n = int(np.argmax(sr_i))
        w = rankdata(sr_o)[n] / (N + 1)
        logits.append(np.log(w / (1 - w)))
        is_sr.append(sr_i[n])
        oos_sr.append(sr_o[n])
        sel.append(n)
    logits, is_sr, oos_sr = np.array(logits), np.array(is_sr), np.array(oos_sr)
    slope, intercept = np.polyfit(is_sr, oos_sr, 1)
    return {
        "blocks": S, "pbo": float(np.mean(logits <= 0)), "logits": logits.tolist(),
        "selected": sel, "inSampleSharpe": is_sr.tolist(), "outOfSampleSharpe": oos_sr.tolist(),
        "slope": float(slope), "intercept": float(intercept),
        "rSquared": float(np.corrcoef(is_sr, oos_sr)[0, 1] ** 2),
        "probabilityOfLoss": float(np.mean(oos_sr < 0)), "rowsDropped": T - m * S,
    }


rng = np.random.default_rng(42)
noise = rng.standard_normal((403, 12)) * 0.01           # pure noise: PBO near 1/2
skill = noise.copy()
skill[:, 3] += 0.004                                    # one trial with a real edge: PBO near 0
fam, _ = momentum_family(20)
out = {
    "noise": {"returns": noise.T.tolist(), **pbo(noise, 8)},
    "skill": {"returns": skill.T.tolist(), **pbo(skill, 8)},
    "momentum": pbo(fam, 10),
}
with open(os.path.join(HERE, "pbo.json"), "w") as f:
    json.dump(out, f)
print({k: (v["pbo"], len(v["logits"])) for k, v in out.items()})
