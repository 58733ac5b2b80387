"""Oracle for lib/backtest/strategies: moving-average crossover positions and pairs z-score
positions on real Binance hourly closes. pandas 1.5.3, numpy 1.24.2 (Debian /usr/bin/python3).

Data (../shared/data/real, never copied): binance_spot_2020-12_2021-07_nfi/1h, BTC_USDT and
ETH_USDT closes on the full hourly grid from the first to the last candle over ALL files of the
folder (as tests/research/_nfi_panel.ts builds it), NaN where a candle is missing.

Written independently of the TypeScript code, from the rules stated in its docs:
  - MA crossover: on the asset's existing closes (dropna), pandas rolling(n).mean() (SMA) or
    ewm(span=n, adjust=False, min_periods=n).mean() (EMA); position +1 where fast > slow, -1
    where fast < slow and shorting is on, else 0 (0 in the warm-up); reindexed to the grid and
    forward-filled over missing bars.
  - Pairs: y = log ETH, x = log BTC, rows where both exist; rolling(W) cov / var and means over
    those rows give the OLS slope and intercept of the window ending at t, shifted one bar (the
    fit at t uses t-W..t-1; min_periods = hedgeMinObs, and zMinObs for the z-score); spread = y - alpha - beta x; z = (s - s.rolling(Z).mean().shift(1))
    / s.rolling(Z).std().shift(1); the band rule of Gatev et al. (2006) as a plain loop; legs
    w_y = p / (1 + |b|), w_x = -p b / (1 + |b|) with b the ratio of the entry bar.
Writes change points and samples to strategies.json. Run with /usr/bin/python3 from
tests/oracles, then deno fmt tests/oracles/strategies.json.
"""
import json
import os

import numpy as np
import pandas as pd

from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
HOUR = 3_600_000
SAMPLE = 97


def load():
    d = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
    first, last = np.inf, -np.inf
    for f in sorted(os.listdir(d)):
        if not f.endswith(".json"):
            continue
        with open(os.path.join(d, f)) as fh:
            rows = json.load(fh)
        first = min(first, rows[0][0])
        last = max(last, rows[-1][0])
    grid = np.arange(first, last + HOUR, HOUR)
    out = {a: freqtrade_closes(os.path.join(d, f"{a}_USDT-1h.json")).reindex(grid) for a in ["BTC", "ETH"]}
    return grid, pd.DataFrame(out, index=grid)


def changes(pos):
    """[[t, value], ...] where the position changes (starting from 0 before bar 0)."""
    out, prev = [], 0.0
    for t, v in enumerate(pos):
        if v != prev:
            out.append([t, float(v)])
            prev = v
    return out


def ma_cross(close, fast, slow, kind, short):
    s = close.dropna()
    if kind == "sma":
        f, sl = s.rolling(fast).mean(), s.rolling(slow).mean()
    else:
        f = s.ewm(span=fast, adjust=False, min_periods=fast).mean()
        sl = s.ewm(span=slow, adjust=False, min_periods=slow).mean()
    pos = pd.Series(0.0, index=s.index)
    pos[f > sl] = 1.0
    if short:
        pos[f < sl] = -1.0
    return pos.reindex(close.index).ffill().fillna(0.0).to_numpy()


def bands(z, entry, exit_, stop):
    pos = np.zeros(len(z))
    p, blocked = 0, False
    for t, v in enumerate(z):
        if not np.isnan(v):
            if p == 0:
                if blocked and abs(v) < entry:
                    blocked = False
                if not blocked and entry <= v < stop:
                    p = -1
                elif not blocked and -stop < v <= -entry:
                    p = 1
            elif p == 1:
                if v <= -stop:
                    p, blocked = 0, True
                elif v >= -exit_:
                    p = 0
            else:
                if v >= stop:
                    p, blocked = 0, True
                elif v <= exit_:
                    p = 0
        pos[t] = p
    return pos


def pairs(df, W, Z, entry, exit_, stop, wmin=None, zmin=None):
    wmin, zmin = wmin or W, zmin or Z
    y, x = np.log(df["ETH"]), np.log(df["BTC"])
    both = y.notna() & x.notna()
    ym, xm = y.where(both), x.where(both)
    beta = ym.rolling(W, min_periods=wmin).cov(xm) / xm.rolling(W, min_periods=wmin).var()
    alpha = ym.rolling(W, min_periods=wmin).mean() - beta * xm.rolling(W, min_periods=wmin).mean()
    beta, alpha = beta.shift(1), alpha.shift(1)
    spread = y - alpha - beta * x
    mu = spread.rolling(Z, min_periods=zmin).mean().shift(1)
    sd = spread.rolling(Z, min_periods=zmin).std().shift(1)
    z = (spread - mu) / sd
    pos = bands(z.to_numpy(), entry, exit_, stop)
    wy, wx = np.zeros(len(pos)), np.zeros(len(pos))
    b, prev = np.nan, 0
    bv = beta.to_numpy()
    for t, p in enumerate(pos):
        if p != 0:
            if p != prev:
                b = bv[t]
            wy[t] = p / (1 + abs(b))
            wx[t] = -p * b / (1 + abs(b))
        prev = p
    idx = list(range(0, len(pos), SAMPLE))
    entries = [t for t in range(len(pos)) if pos[t] != 0 and (t == 0 or pos[t - 1] == 0)]
    return {
        "options": {"hedgeWindow": W, "zWindow": Z, "entry": entry, "exit": exit_, "stop": stop,
                    "hedgeMinObs": wmin, "zMinObs": zmin},
        "positionChanges": changes(pos),
        "entryWeights": [[t, float(wy[t]), float(wx[t])] for t in entries],
        "sampleRows": idx,
        "zSample": [None if np.isnan(v) else float(v) for v in z.to_numpy()[idx]],
        "betaSample": [None if np.isnan(v) else float(v) for v in bv[idx]],
    }


def main():
    grid, df = load()
    ma = []
    for asset, fast, slow, kind, short in [
        ("BTC", 24, 168, "sma", False),
        ("BTC", 12, 48, "ema", True),
        ("ETH", 50, 200, "sma", True),
    ]:
        pos = ma_cross(df[asset], fast, slow, kind, short)
        ma.append({
            "asset": asset, "fast": fast, "slow": slow, "kind": kind, "short": short,
            "changes": changes(pos),
        })
    out = {
        "firstTs": int(grid[0]),
        "bars": int(len(grid)),
        "missing": {a: int(df[a].isna().sum()) for a in ["BTC", "ETH"]},
        "ma": ma,
        "pairs": [
            pairs(df, 720, 168, 2.0, 0.5, 4.0),
            pairs(df, 240, 72, 1.5, 0.0, 3.0),
            pairs(df, 720, 168, 2.0, 0.5, 4.0, wmin=648, zmin=150),
        ],
    }
    with open(os.path.join(HERE, "strategies.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
