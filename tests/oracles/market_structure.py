"""Oracle for lib/materialize/regimes/market_structure.ts (tests/materialize/regimes/market_structure_test.ts).

Panel: the 126-pair NFI hourly universe in ../shared/data/real (ohlcv/binance_spot_2020-12_2021-07_nfi/1h),
closes on one full hourly grid from the first to the last candle (NaN where a candle is missing, as
tests/_shared/hourly_grid.ts), log returns log(c[t] / c[t-1]) (NaN when either is missing).

Every feature is computed the textbook way at each row t from the window of rows t-167..t with
numpy (np.corrcoef's mean off-diagonal entry over the assets with all 168 returns finite, betas as
np.cov(r_i, m)[0, 1] / np.var(m, ddof=1), cross-sectional std with ddof 1), z-scores with pandas
rolling(720, min_periods=360) mean/std, and the class rules of the docstring.

Run: /usr/bin/python3 tests/oracles/market_structure.py
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
W, BASE, MIN_ASSETS = 168, 720, 5


def panel():
    files = sorted(f for f in os.listdir(DIR) if f.endswith("-1h.json"))
    data = {}
    for f in files:
        rows = json.load(open(os.path.join(DIR, f)))
        data[f.split("-")[0]] = {r[0]: r[4] for r in rows}
    first = min(min(d) for d in data.values())
    last = max(max(d) for d in data.values())
    grid = np.arange(first, last + 1, 3_600_000)
    closes = np.array([[d.get(int(t), np.nan) for t in grid] for d in data.values()])
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.full_like(closes, np.nan)
        r[:, 1:] = np.log(closes[:, 1:] / closes[:, :-1])
    return list(data), r


def main():
    names, r = panel()
    m, n = r.shape
    mkt = np.nanmean(np.where(np.isfinite(r), r, np.nan), axis=0)
    xsd = pd.DataFrame(r.T).std(axis=1, ddof=1).to_numpy()
    feats = {k: np.full(n, np.nan) for k in ("dispersion", "avgCorrelation", "betaDispersion", "marketVolatility", "marketReturn")}
    assets = np.zeros(n, dtype=int)
    for t in range(W - 1, n):
        sl = slice(t - W + 1, t + 1)
        if np.isfinite(xsd[sl]).all():
            feats["dispersion"][t] = xsd[sl].mean()
        mw = mkt[sl]
        if not np.isfinite(mw).all():
            continue
        feats["marketReturn"][t] = mw.sum()
        feats["marketVolatility"][t] = mw.std(ddof=1)
        win = r[:, sl]
        ok = np.isfinite(win).all(axis=1) & (np.nanstd(win, axis=1) > 0)
        e = int(ok.sum())
        assets[t] = e
        if e < MIN_ASSETS:
            continue
        c = np.corrcoef(win[ok])
        feats["avgCorrelation"][t] = (c.sum() - e) / (e * (e - 1))
        vm = mw.var(ddof=1)
        betas = np.array([np.cov(x, mw, ddof=1)[0, 1] / vm for x in win[ok]])
        feats["betaDispersion"][t] = betas.std(ddof=1)
    z = {}
    for k in ("dispersion", "avgCorrelation", "betaDispersion", "marketVolatility"):
        s = pd.Series(feats[k])
        z[k] = ((s - s.rolling(BASE, min_periods=BASE // 2).mean()) / s.rolling(BASE, min_periods=BASE // 2).std()).to_numpy()
    classes = np.full(n, -1)
    for t in range(n):
        zc, zd, zb, zv, mr = z["avgCorrelation"][t], z["dispersion"][t], z["betaDispersion"][t], z["marketVolatility"][t], feats["marketReturn"][t]
        if not np.isfinite([zc, zd, zb, zv, mr]).all():
            continue
        if zc >= 1 and mr < 0 and zv > 0:
            classes[t] = 3
        elif zb <= -1 and zc > 0:
            classes[t] = 2
        elif zd >= 1:
            classes[t] = 1
        else:
            classes[t] = 0
    rows = list(range(W - 1, n, 97)) + [n - 1]
    out = {
        "assets": len(names),
        "rows": n,
        "window": W,
        "baseline": BASE,
        "sample": {str(t): {k: (None if not np.isfinite(v[t]) else float(v[t])) for k, v in feats.items()} for t in rows},
        "z_sample": {str(t): {k: (None if not np.isfinite(v[t]) else float(v[t])) for k, v in z.items()} for t in rows},
        "eligible_sample": {str(t): int(assets[t]) for t in rows},
        "classes": classes.tolist(),
    }
    json.dump(out, open(os.path.join(HERE, "market_structure.json"), "w"))
    print({c: int((classes == c).sum()) for c in (-1, 0, 1, 2, 3)})


if __name__ == "__main__":
    main()
