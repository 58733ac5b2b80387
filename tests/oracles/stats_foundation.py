"""Oracle for the shared regression kernel (least squares, Newey-West HAC) and the FDR
adjustments, on real Binance hourly log returns (statsmodels 0.13.5, numpy 1.24.2).

Data: ../shared/data/real/ohlcv/binance_spot_2017-2022_djienne/{BTC,ETH,SOL}_USDT-1h.json,
aligned on one full hourly grid as in stats_real.py, log returns of the close (NaN across gaps),
rows where all three are finite, the first N=3000 of them.
  - OLS: sm.OLS(SOL, add_constant([BTC, ETH])).fit(): params, bse, ssr
  - HAC: the same .fit(cov_type="HAC", cov_kwds={"maxlags": 10}).bse
  - mean HAC: sm.OLS(SOL, ones).fit(cov_type="HAC", cov_kwds={"maxlags": 24}).bse
  - FDR: the p-values of SOL-on-BTC slopes (plain OLS) over 60 consecutive chunks of 50 rows,
    adjusted by multipletests(p, method="fdr_bh") and method="fdr_by".
Writes only derived numbers to stats_foundation.json. Run with /usr/bin/python3, then deno fmt.
"""
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
from _candles import freqtrade_closes

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2017-2022_djienne")
HOUR = 3_600_000
N = 3000

closes = {a: freqtrade_closes(os.path.join(DIR, f"{a}_USDT-1h.json")) for a in ["BTC", "ETH", "SOL"]}
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
rets = pd.DataFrame({a: np.log(s.reindex(grid)).diff() for a, s in closes.items()})
rows = rets.dropna().iloc[:N]
X = sm.add_constant(rows[["BTC", "ETH"]].to_numpy())
y = rows["SOL"].to_numpy()
fit = sm.OLS(y, X).fit()
hac = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 10})
mean_hac = sm.OLS(y, np.ones(len(y))).fit(cov_type="HAC", cov_kwds={"maxlags": 24})
p = []
for c in range(60):
    chunk = rows.iloc[c * 50:(c + 1) * 50]
    p.append(float(sm.OLS(chunk["SOL"].to_numpy(), sm.add_constant(chunk["BTC"].to_numpy())).fit().pvalues[1]))
out = {
    "firstRowTs": int(rows.index[0]),
    "n": int(len(y)),
    "params": fit.params.tolist(),
    "bse": fit.bse.tolist(),
    "ssr": float(fit.ssr),
    "hacBse": hac.bse.tolist(),
    "meanHacBse": float(mean_hac.bse[0]),
    "pValues": p,
    "bh": multipletests(p, method="fdr_bh")[1].tolist(),
    "by": multipletests(p, method="fdr_by")[1].tolist(),
}
with open(os.path.join(HERE, "stats_foundation.json"), "w") as f:
    json.dump(out, f, indent=1)
