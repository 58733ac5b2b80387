"""Oracle for tests/backtest/strategies/long_short_ties_test.ts: the tie rule of longShort's
equal-weight book (lib/backtest/strategies/long_short.ts), from its definition, not from the
TypeScript. Debian pandas 1.5.3, numpy 1.24.2.

The rule: at each bar the book is the AVERAGE, over every order of the asset columns (all 6! =
720 permutations), of the rank-first book: pandas DataFrame.rank(axis=1, method="first") on the
columns in that order (ties broken by position), the top k = max(1, floor(quantile * m)) of the
m ranked assets long with (gross + net) / 2 / k each and the bottom k short with
-(gross - net) / 2 / k each (gross 1). Averaging over every order removes any dependence on
column order: tied assets get equal weights. Two exceptions, by rule: a bar with fewer than 2
values holds 0, and a bar whose values are all equal holds 0 (the average would be net / m
there: the signal orders nothing, so no book).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h, six pairs (BTC, ETH, ADA,
DOT, LINK, LTC /USDT) on their common hourly grid, bars 0..239 of the file's first timestamp
on; close NaN where a candle is missing. Two discrete signals full of ties (what a researcher's
-1/0/1 file looks like): "sign" = sign(close[t] / close[t - 24] - 1) and "steps" =
floor((close[t] / close[t - 24] - 1) / 0.03); NaN before bar 24 or without both closes.
Books: quantile 0.2 (k = 1 of 6) and 0.5 (k = 3), net 0 and 0.2.

Run: /usr/bin/python3 tests/oracles/long_short_ties.py   (about 10 s), then deno fmt the json.
"""
import itertools
import json
import math
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000
BASES = ["BTC", "ETH", "ADA", "DOT", "LINK", "LTC"]
BARS = 240
QUANTILES = [0.2, 0.5]
NETS = [0.0, 0.2]


def load_close():
    closes = {}
    for b in BASES:
        with open(os.path.join(DIR, f"{b}_USDT-1h.json")) as f:
            rows = json.load(f)
        closes[f"{b}USDT"] = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in closes.values())
    grid = np.arange(first, first + BARS * HOUR, HOUR)
    return pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})


def book(sig, q, net):
    gross = 1.0
    long_side, short_side = (gross + net) / 2, (gross - net) / 2
    cols = list(sig.columns)
    m = sig.notna().sum(axis=1)
    k = np.maximum(1, np.floor(q * m)).astype(int)
    total = pd.DataFrame(0.0, index=sig.index, columns=cols)
    perms = list(itertools.permutations(cols))
    for perm in perms:
        r = sig[list(perm)].rank(axis=1, method="first")[cols]
        lng = r.gt(m - k, axis=0)
        sht = r.le(k, axis=0)
        total += lng.astype(float).mul(long_side / k, axis=0) - sht.astype(float).mul(short_side / k, axis=0)
    w = total / len(perms)
    tied = sig.nunique(axis=1) == 1
    w[(m < 2) | tied] = 0.0
    return w, tied & (m >= 2)


def main():
    close = load_close()
    mom = close / close.shift(24) - 1
    signals = {"sign": np.sign(mom), "steps": np.floor(mom / 0.03)}
    out = {"assets": list(close.columns), "index": [int(x) for x in close.index], "signals": {}}
    for name, sig in signals.items():
        entry = {"values": [[None if math.isnan(v) else float(v) for v in sig[a]] for a in sig.columns], "books": []}
        for q in QUANTILES:
            for net in NETS:
                w, tied = book(sig, q, net)
                entry["books"].append({
                    "quantile": q,
                    "net": net,
                    "weights": [[float(v) for v in w[a]] for a in w.columns],
                    "tiedBars": [int(i) for i in np.flatnonzero(tied.to_numpy())],
                })
        out["signals"][name] = entry
    with open(os.path.join(HERE, "long_short_ties.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
