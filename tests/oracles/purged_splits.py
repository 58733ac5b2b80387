"""Oracle for tests/backtest/walk_forward_splits_test.ts and cpcv_test.ts: purged training
sets, the embargo and CPCV path assembly, written from M. Lopez de Prado, "Advances in Financial
Machine Learning" (Wiley 2018), not from the TypeScript. Debian pandas 1.5.3, numpy 1.24.2.

getTrainTimes (AFML snippet 7.1) and getEmbargoTimes (snippet 7.2) are transcribed as printed,
on an hourly DatetimeIndex:
  - t1: a Series whose index is each observation's start time and whose value is its label's end
    time: the bar `h` bars later (capped at the last bar);
  - testTimes: for a test range of rows [a, b], index = start of row a, value = the test's last
    label end t1[b], moved `e` bars later by getEmbargoTimes (capped at the last bar);
  - getTrainTimes drops every candidate whose start is inside the test span, whose end is inside
    it, or that envelops it.
getEmbargoTimes is written with an embargo step in bars instead of pctEmbargo * T (AFML's
times[:-0] would be empty for a zero step, so a step of 0 maps every time to itself).

CPCV (AFML ch. 12): groups as numpy.array_split cuts the rows, test groups from
itertools.combinations(range(N), k), phi = k / N * C(N, k) paths; path p takes, for group g, the
test result of the p-th split (in combination order) that tests g.

Writes tests/oracles/purged_splits.json.
"""
import itertools
import json
import math
import os

import numpy as np
import pandas as pd


def get_embargo_times(times, step):
    if step == 0:
        return pd.Series(times, index=times)
    mbrg = pd.Series(times[step:], index=times[:-step])
    mbrg = pd.concat([mbrg, pd.Series(times[-1], index=times[-step:])])
    return mbrg


def get_train_times(t1, test_times):
    trn = t1.copy(deep=True)
    for i, j in test_times.items():
        df0 = trn[(i <= trn.index) & (trn.index <= j)].index  # train starts within test
        df1 = trn[(i <= trn) & (trn <= j)].index  # train ends within test
        df2 = trn[(trn.index <= i) & (j <= trn)].index  # train envelops test
        trn = trn.drop(df0.union(df1).union(df2))
    return trn


def purged_train(bars, candidates, test_ranges, h, e):
    times = pd.date_range("2021-01-01", periods=bars, freq="H")
    ends = times[np.minimum(np.arange(bars) + h, bars - 1)]
    t1 = pd.Series(ends, index=times)
    mbrg = get_embargo_times(times, e)
    test_times = pd.Series(
        [mbrg[t1.iloc[b]] for a, b in test_ranges], index=[times[a] for a, b in test_ranges]
    )
    trn = get_train_times(t1.iloc[list(candidates)], test_times)
    return [int(times.get_loc(t)) for t in trn.index]


def ranges(rows):
    out = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1][1] = r
        else:
            out.append([r, r])
    return out


def cpcv(bars, n, k, h, e):
    groups = np.array_split(np.arange(bars), n)
    combos = list(itertools.combinations(range(n), k))
    splits = []
    for tg in combos:
        test = sorted(int(i) for g in tg for i in groups[g])
        cand = sorted(int(i) for g in range(n) if g not in tg for i in groups[g])
        splits.append({
            "testGroups": list(tg),
            "test": test,
            "train": purged_train(bars, cand, ranges(test), h, e),
        })
    phi = k * math.comb(n, k) // n
    assert phi * n == k * math.comb(n, k)
    paths = [[None] * n for _ in range(phi)]
    for g in range(n):
        holders = [j for j, tg in enumerate(combos) if g in tg]
        assert len(holders) == phi
        for p, j in enumerate(holders):
            paths[p][g] = j
    return {
        "bars": bars, "groups": n, "testGroups": k, "labelHorizon": h, "embargo": e,
        "groupBounds": [[int(g[0]), int(g[-1])] for g in groups],
        "splits": splits, "paths": paths, "phi": phi,
    }


def main():
    rng = np.random.default_rng(20261206)
    purge_cases = []
    for _ in range(40):
        bars = int(rng.integers(20, 200))
        # one to three disjoint test ranges
        m = int(rng.integers(1, 4))
        cuts = sorted(rng.choice(np.arange(1, bars - 1), size=2 * m, replace=False).tolist())
        test_ranges = [[int(cuts[2 * j]), int(cuts[2 * j + 1])] for j in range(m)]
        in_test = np.zeros(bars, dtype=bool)
        for a, b in test_ranges:
            in_test[a:b + 1] = True
        cand = [i for i in range(bars) if not in_test[i]]
        h = int(rng.integers(0, 8))
        e = int(rng.integers(0, 8))
        purge_cases.append({
            "bars": bars, "candidates": cand, "testRanges": test_ranges,
            "labelHorizon": h, "embargo": e,
            "train": purged_train(bars, cand, test_ranges, h, e),
        })
    cpcv_cases = [
        cpcv(600, 6, 2, 3, 6),
        cpcv(97, 6, 2, 2, 1),
        cpcv(250, 5, 3, 4, 0),
        cpcv(120, 8, 1, 0, 3),
        cpcv(210, 7, 4, 5, 2),
    ]
    out = {
        "source": "tests/oracles/purged_splits.py: AFML snippets 7.1/7.2 (getTrainTimes, "
                  "getEmbargoTimes) in pandas " + pd.__version__ + ", CPCV paths per AFML ch. 12",
        "purge": purge_cases,
        "cpcv": cpcv_cases,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "purged_splits.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
