"""Oracle for lib/report/demo_report.ts on real Binance hourly candles (pandas 1.5.3, numpy 1.24.2).

Reads freqtrade JSON candles [[ms, o, h, l, c, v], ...] of BTC, ETH, SOL, ADA and LINK from
../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/, aligns them on one full hourly
UTC grid (first to last timestamp over all assets), takes hourly log returns of the close with
NaN across gaps, and computes every number the demo report shows:
- per asset: one-hour returns used, annualized volatility std(ddof=1) * sqrt(8760) of them;
  levels from the close-to-close equity across gaps, eq = close.ffill() / first close (a price
  move during a gap is kept, never a zero return): annualized geometric return
  exp(ln(last / first) / hours elapsed from first to last close * 8760) - 1, Sharpe =
  that annualized log return / volatility, maximum drawdown 1 - eq / cummax(eq);
- coverage: bars present, missing bars between first and last bar, number of gaps;
- cumulative returns eq - 1 final/min/max over the points with a close after the first;
- correlation matrix DataFrame.corr(min_periods=24);
- rolling beta to BTC over 168 hours, min 126 pairs:
  y.rolling(168, min_periods=126).cov(xm) / xm.rolling(168, min_periods=126).var(),
  xm = x.where(y.notna()), ym = y.where(x.notna()); summarized as last/mean/min/max.
Writes only derived numbers to report_demo_real.json. Run with Debian's /usr/bin/python3.
"""
import json
import math
import os

import numpy as np
import pandas as pd
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
ASSETS = ["BTC", "ETH", "SOL", "ADA", "LINK"]
HOUR = 3_600_000
PPY = 8760
WINDOW, MIN_OBS = 168, 126


def nn(v):
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


closes = {}
for a in ASSETS:
    closes[a] = freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json"))

lo = min(int(s.index[0]) for s in closes.values())
hi = max(int(s.index[-1]) for s in closes.values())
grid = np.arange(lo, hi + HOUR, HOUR, dtype="int64")
px = pd.DataFrame({a: closes[a].reindex(grid) for a in ASSETS})
r = np.log(px).diff()

out = {"assets": ASSETS, "from": lo, "to": hi + HOUR, "gridBars": len(grid), "metrics": {}, "coverage": {},
       "cumulative": {}, "beta": {}}
for a in ASSETS:
    x = r[a]
    vol = x.std(ddof=1) * math.sqrt(PPY)
    c_ = px[a]
    valid = np.flatnonzero(c_.notna().to_numpy())
    f, l = int(valid[0]), int(valid[-1])
    eq = c_.ffill() / c_.iloc[f]
    ann_log = math.log(c_.iloc[l] / c_.iloc[f]) / (l - f) * PPY
    e = eq.iloc[f:]
    mdd = float((1 - e / e.cummax()).max())
    out["metrics"][a] = {
        "returns": int(x.notna().sum()),
        "annReturn": nn(math.expm1(ann_log)),
        "annVolatility": nn(vol),
        "sharpe": nn(ann_log / vol),
        "maxDrawdown": nn(mdd),
        "missingInside": int(c_.iloc[f:l + 1].isna().sum()),
    }
    s = closes[a]
    d = np.diff(s.index.values) // HOUR
    out["coverage"][a] = {
        "bars": int(len(s)),
        "missing": int((d[d > 1] - 1).sum()),
        "gaps": int((d > 1).sum()),
        "first": int(s.index[0]),
        "last": int(s.index[-1]),
    }
    c = (eq - 1).where(c_.notna()).iloc[f + 1:].dropna()
    out["cumulative"][a] = {"final": nn(c.iloc[-1]), "min": nn(c.min()), "max": nn(c.max())}

corr = r.corr(min_periods=24)
out["correlation"] = [[nn(corr.loc[a, b]) for b in ASSETS] for a in ASSETS]

x = r["BTC"]
for a in ASSETS[1:]:
    y = r[a]
    xm, ym = x.where(y.notna()), y.where(x.notna())
    b = ym.rolling(WINDOW, min_periods=MIN_OBS).cov(xm) / xm.rolling(WINDOW, min_periods=MIN_OBS).var()
    b = b.replace([np.inf, -np.inf], np.nan).dropna()
    out["beta"][a] = {"last": nn(b.iloc[-1]), "mean": nn(b.mean()), "min": nn(b.min()), "max": nn(b.max())}

with open(os.path.join(HERE, "report_demo_real.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
print("wrote report_demo_real.json", {a: out["coverage"][a]["missing"] for a in ASSETS})
