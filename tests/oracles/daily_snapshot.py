"""Oracle for the daily market-structure report (lib/research/market_snapshot.ts through
lib/pipeline/daily_run.ts; tests/pipeline/daily_task_test.ts).

Panel: 12 assets of the NFI hourly universe in ../shared/data/real
(ohlcv/binance_spot_2020-12_2021-07_nfi/1h) less the candles the import quarantines, bars with open time before the cutoff 2021-05-19T13:00Z
+ 1h (the clock 2021-05-19T14:30Z: the 14:00 bar is still forming, 13:00 is the last closed), on
one full hourly grid from the first to the last candle (NaN where a candle is missing), log
returns log(c[t] / c[t-1]).

The same at a second clock, 2021-04-02T20:10Z (the 19:00 bar is the last closed). At the last
row, textbook numpy/pandas:
- structure over the 168 rows ending at each row: dispersion = mean of the cross-sectional std
  (ddof 1), average correlation = mean off-diagonal np.corrcoef over assets with all 168 returns,
  beta dispersion = std (ddof 1) of np.cov(r_i, m) / var(m), market = nanmean of returns;
  z-scores with pandas rolling(720, min_periods=360); class rules of the docstring;
- BTC volatility regime: pandas rolling(168, min_periods=84).std(), thresholds np.quantile of
  the first n // 2 rows' volatilities at 1/3 and 2/3, percentile = share of training vols <= v,
  the hysteresis (band 0.05) and dwell (24) loop written out;
- breadth: close > pandas rolling(168).mean() (all 168 closes), advancers/decliners by
  log(c[t] / c[t-24]); movers: the 5 best and worst of those returns.

Run: /usr/bin/python3 tests/oracles/daily_snapshot.py
"""
import json
import os
from datetime import datetime, timezone

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
BASES = ["BTC", "ETH", "ADA", "LTC", "XRP", "LINK", "DOT", "EOS", "BCH", "TRX", "XLM", "DOGE"]
NOW = "2021-05-19T14:30:00Z"
NOW_MORE = "2021-04-02T20:10:00Z"
H = 3_600_000
W, BASE, MIN_ASSETS = 168, 720, 5
MOVER, MA, TOP = 24, 168, 5
VOL_W, CUTS, BAND, DWELL = 168, [1 / 3, 2 / 3], 0.05, 24
# Candles the import's row rules quarantine (price jumps > 20 sigma; the test checks that the
# store lacks exactly these): the panel is built from the stored bars, so they are left out here.
EXCLUDED = [["XRPUSDT", 1613970000000], ["DOTUSDT", 1621425600000], ["DOTUSDT", 1621429200000],
            ["TRXUSDT", 1611925200000], ["XLMUSDT", 1621425600000], ["DOGEUSDT", 1621425600000]]


def ms(iso):
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def panel(now):
    cutoff = ms(now) - H + 1
    data = {}
    for b in BASES:
        rows = json.load(open(os.path.join(DIR, f"{b}_USDT-1h.json")))
        skip = {t for sym, t in EXCLUDED if sym == f"{b}USDT"}
        data[f"{b}USDT"] = {r[0]: r[4] for r in rows if r[0] < cutoff and r[0] not in skip}
    names = sorted(data)
    first = min(min(d) for d in data.values())
    last = max(max(d) for d in data.values())
    grid = np.arange(first, last + 1, H)
    closes = np.array([[data[k].get(int(t), np.nan) for t in grid] for k in names])
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.full_like(closes, np.nan)
        r[:, 1:] = np.log(closes[:, 1:] / closes[:, :-1])
    return names, grid, closes, r, sum(len(d) for d in data.values())


def structure(r):
    m, n = r.shape
    mkt = np.nanmean(np.where(np.isfinite(r), r, np.nan), axis=0)
    xsd = pd.DataFrame(r.T).std(axis=1, ddof=1).to_numpy()
    f = {k: np.full(n, np.nan) for k in ("dispersion", "avgCorrelation", "betaDispersion", "marketVolatility", "marketReturn")}
    assets = np.zeros(n, dtype=int)
    for t in range(W - 1, n):
        sl = slice(t - W + 1, t + 1)
        if np.isfinite(xsd[sl]).all():
            f["dispersion"][t] = xsd[sl].mean()
        mw = mkt[sl]
        if not np.isfinite(mw).all():
            continue
        f["marketReturn"][t] = mw.sum()
        f["marketVolatility"][t] = mw.std(ddof=1)
        win = r[:, sl]
        ok = np.isfinite(win).all(axis=1) & (np.nanstd(win, axis=1) > 0)
        e = int(ok.sum())
        assets[t] = e
        if e < MIN_ASSETS:
            continue
        c = np.corrcoef(win[ok])
        f["avgCorrelation"][t] = (c.sum() - e) / (e * (e - 1))
        vm = mw.var(ddof=1)
        betas = np.array([np.cov(x, mw, ddof=1)[0, 1] / vm for x in win[ok]])
        f["betaDispersion"][t] = betas.std(ddof=1)
    z = {}
    for k in ("dispersion", "avgCorrelation", "betaDispersion", "marketVolatility"):
        s = pd.Series(f[k])
        roll = s.rolling(BASE, min_periods=BASE // 2)
        z[k] = ((s - roll.mean()) / roll.std()).to_numpy()
    t = n - 1
    zc, zd, zb, zv, mr = z["avgCorrelation"][t], z["dispersion"][t], z["betaDispersion"][t], z["marketVolatility"][t], f["marketReturn"][t]
    label = None
    if np.isfinite([zc, zd, zb, zv, mr]).all() and assets[t] >= MIN_ASSETS:
        if zc >= 1 and mr < 0 and zv > 0:
            label = "risk_off"
        elif zb <= -1 and zc > 0:
            label = "beta_compression"
        elif zd >= 1:
            label = "dispersion"
        else:
            label = "chop"
    out = {k: float(v[t]) for k, v in f.items()}
    out.update({f"z_{k}": float(v[t]) for k, v in z.items()})
    out["assets"] = int(assets[t])
    out["label"] = label
    return out


def vol_regime(ret):
    n = len(ret)
    vol = pd.Series(ret).rolling(VOL_W, min_periods=VOL_W // 2).std().to_numpy()
    train_end = n // 2
    train = np.sort(vol[:train_end][np.isfinite(vol[:train_end])])
    thresholds = [float(np.quantile(train, c)) for c in CUTS]
    cur, since = -1, 0
    pct = np.nan
    for t in range(n):
        v = vol[t]
        if not np.isfinite(v):
            continue
        pct = np.sum(train <= v) / len(train)
        if cur < 0:
            cur = sum(1 for c in CUTS if pct > c)
            since = t
            continue
        target = cur
        for j in range(len(CUTS), cur, -1):
            if pct > CUTS[j - 1] + BAND:
                target = j
                break
        if target == cur:
            for j in range(cur):
                if pct < CUTS[j] - BAND:
                    target = j
                    break
        if target != cur and t - since >= DWELL:
            cur, since = target, t
    return {"state": cur, "volatility": float(vol[-1]), "percentile": float(pct), "thresholds": thresholds, "trainRows": train_end}


def snapshot(now):
    names, grid, closes, r, bars = panel(now)
    t = len(grid) - 1
    snap = {"now": now, "barTime": int(grid[t]), "rows": len(grid), "assets": names, "bars": bars}
    snap["structure"] = structure(r)
    snap["volRegime"] = vol_regime(r[names.index("BTCUSDT")])
    ma = pd.DataFrame(closes.T).rolling(MA).mean().to_numpy()[t]
    has = np.isfinite(ma)
    with np.errstate(invalid="ignore", divide="ignore"):
        mv = np.log(closes[:, t] / closes[:, t - MOVER])
    fin = np.isfinite(mv)
    snap["breadth"] = {
        "aboveMa": int(np.sum(closes[has, t] > ma[has])),
        "withMa": int(has.sum()),
        "advancers": int(np.sum(mv[fin] > 0)),
        "decliners": int(np.sum(mv[fin] < 0)),
        "unchanged": int(np.sum(mv[fin] == 0)),
    }
    order = sorted((float(mv[i]), names[i]) for i in range(len(names)) if fin[i])
    snap["topLosers"] = [{"asset": a, "logReturn": v} for v, a in order[:TOP]]
    snap["topGainers"] = [{"asset": a, "logReturn": v} for v, a in sorted(order, key=lambda x: (-x[0], x[1]))[:TOP]]
    return snap


def main():
    snap = snapshot(NOW)
    snap["excluded"] = EXCLUDED
    snap["bases"] = BASES
    # a second clock: mixed breadth (10 advancers, 2 decliners), another class
    snap["more"] = [snapshot(NOW_MORE)]
    json.dump(snap, open(os.path.join(HERE, "daily_snapshot.json"), "w"), indent=1)
    for x in [snap] + snap["more"]:
        print(json.dumps({k: x[k] for k in ("now", "barTime", "rows", "structure", "volRegime", "breadth")}, indent=1))


if __name__ == "__main__":
    main()
