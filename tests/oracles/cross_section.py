"""Oracle for tests/research/cross_section_*_test.ts: cross-sectional transforms and forward
returns on the 126-pair NFI hourly universe (Debian pandas 1.5.3, numpy 1.24.2, statsmodels
0.13.5).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/*.json (freqtrade candles,
read with json.load, which rounds decimals correctly), files in name order, closes and volumes
reindexed onto the COMPLETE hourly grid from the first to the last candle of the universe, so a
missing candle is NaN. Inputs, time x asset (both sides compute them the same way):
  mom24   = np.log(close / close.shift(24))          24-hour momentum
  mom168  = np.log(close / close.shift(168))         1-week momentum
  rev1    = np.log(close / close.shift(1))           last-hour return (reversal)
  dv24    = np.log((close * volume).rolling(24).sum()), +-inf -> NaN   size-like exposure
  mom24l  = mom24.shift(24)                          yesterday's momentum, a second exposure
Calls, per timestamp t (row x = one cross-section, NaN skipped):
  winsorize   x.clip(x.quantile(0.01), x.quantile(0.99))              on mom24
  zscore      ((x - x.mean()) / x.std()).clip(-3, 3)                  on mom24 (ddof=1)
  neutralize  sm.OLS(y, sm.add_constant(X)).fit().resid on the rows where y=mom24 and
              X=[dv24, mom24l] are finite; NaN when rows <= 3 parameters
  orthogonalize  on the rows where mom168, mom24, rev1 are all finite (at least 4 rows):
              o0 = sm.OLS(mom168, const).resid, o1 = sm.OLS(mom24, [const, o0]).resid,
              o2 = sm.OLS(rev1, [const, o0, o1]).resid; before/after = the mean over those
              timestamps of df.corr() of the inputs / of the residuals.
  forward returns  strict: np.log(close).diff().rolling(h).sum().shift(-h) (NaN if any of the
              h returns is missing); from closes: np.log(close).shift(-h) - np.log(close).
Writes only derived numbers to cross_section.json: every output value at a few sampled
timestamps, whole-panel aggregates (count, sum of |v|, sum of v^2) over all 5,493 timestamps,
and the average correlation matrices.

Run: /usr/bin/python3 tests/oracles/cross_section.py   (about a minute), then deno fmt the json.
"""
import glob
import json
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000

closes, volumes = {}, {}
for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
    sym = os.path.basename(path).split("-")[0].replace("_", "")
    with open(path) as f:
        rows = json.load(f)
    idx = [int(r[0]) for r in rows]
    closes[sym] = pd.Series([r[4] for r in rows], index=idx, dtype="float64")
    volumes[sym] = pd.Series([r[5] for r in rows], index=idx, dtype="float64")
first = min(s.index[0] for s in closes.values())
last = max(s.index[-1] for s in closes.values())
grid = np.arange(first, last + HOUR, HOUR)
close = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
volume = pd.DataFrame({a: s.reindex(grid) for a, s in volumes.items()})
assets = list(close.columns)
T = len(grid)

mom24 = np.log(close / close.shift(24))
mom168 = np.log(close / close.shift(168))
rev1 = np.log(close / close.shift(1))
dv24 = np.log((close * volume).rolling(24).sum()).replace([np.inf, -np.inf], np.nan)
mom24l = mom24.shift(24)

SAMPLES = [int(v) for v in np.linspace(200, T - 30, 12)]


def values(s):
    return [None if not np.isfinite(v) else float(v) for v in s]


def agg(df):
    v = df.to_numpy().ravel()
    v = v[np.isfinite(v)]
    return {"count": int(v.size), "sumAbs": float(np.abs(v).sum()), "sumSq": float((v * v).sum())}


# winsorize and zscore, per row
win = pd.DataFrame(np.nan, index=mom24.index, columns=assets)
zs = pd.DataFrame(np.nan, index=mom24.index, columns=assets)
for t in range(T):
    x = mom24.iloc[t]
    if x.notna().sum() == 0:
        continue
    win.iloc[t] = x.clip(x.quantile(0.01), x.quantile(0.99))
    if x.notna().sum() >= 2 and x.max() > x.min():  # all equal: no scale, NaN (see zscore.ts)
        zs.iloc[t] = ((x - x.mean()) / x.std()).clip(-3, 3)

# neutralize mom24 on [dv24, mom24l] + const
neu = pd.DataFrame(np.nan, index=mom24.index, columns=assets)
for t in range(T):
    d = pd.DataFrame({"y": mom24.iloc[t], "dv": dv24.iloc[t], "ml": mom24l.iloc[t]}).dropna()
    if len(d) <= 3:
        continue
    fit = sm.OLS(d["y"].to_numpy(), sm.add_constant(d[["dv", "ml"]].to_numpy(), has_constant="add")).fit()
    neu.loc[neu.index[t], d.index] = fit.resid

# sequential orthogonalization of [mom168, mom24, rev1]
inputs = [mom168, mom24, rev1]
orth = [pd.DataFrame(np.nan, index=mom24.index, columns=assets) for _ in inputs]
sum_before = np.zeros((3, 3))
sum_after = np.zeros((3, 3))
n_before = np.zeros((3, 3))
n_after = np.zeros((3, 3))
periods = 0
for t in range(T):
    d = pd.DataFrame({j: inputs[j].iloc[t] for j in range(3)}).dropna()
    if len(d) < 2:
        continue
    res = []
    ok = True
    for j in range(3):
        y = d[j].to_numpy()
        # a constant signal, one explained to R^2 = 1 (ssr <= 1e-20 tss), or one with no
        # residual degree of freedom is NaN and not a regressor for the later ones
        if len(d) <= 1 + len(res) or y.max() == y.min():
            ok = False
            continue
        fit = sm.OLS(y, np.column_stack([np.ones(len(d))] + res)).fit()
        if not fit.ssr > 1e-20 * ((y - y.mean()) ** 2).sum():
            ok = False
            continue
        orth[j].loc[orth[j].index[t], d.index] = fit.resid
        res.append(fit.resid)
    if not ok:
        continue
    periods += 1
    for acc, cnt, c in [(sum_before, n_before, d.corr().to_numpy()),
                        (sum_after, n_after, pd.DataFrame(np.column_stack(res)).corr().to_numpy())]:
        good = np.isfinite(c)
        acc[good] += c[good]
        cnt[good] += 1
before = sum_before / n_before
after = sum_after / n_after


def mean_abs_off(m):
    return float(np.mean([abs(m[i, j]) for i in range(3) for j in range(i + 1, 3)]))


# forward returns
logc = np.log(close)
lr = logc.diff()
forward = {}
for h in [1, 24]:
    strict = lr.rolling(h).sum().shift(-h)
    spanning = logc.shift(-h) - logc
    forward[str(h)] = {
        "strict": agg(strict),
        "fromCloses": agg(spanning),
        "fromClosesOnly": int((spanning.notna() & strict.isna()).to_numpy().sum()),
        "samples": [
            {"row": t, "strict": values(strict.iloc[t]), "fromCloses": values(spanning.iloc[t])}
            for t in SAMPLES
        ],
    }

out = {
    "oracle": "pandas 1.5.3 / numpy 1.24.2 / statsmodels 0.13.5, tests/oracles/cross_section.py",
    "assets": assets,
    "gridStart": int(grid[0]),
    "gridLength": T,
    "samples": [
        {
            "row": t,
            "winsorize": values(win.iloc[t]),
            "zscore": values(zs.iloc[t]),
            "neutralize": values(neu.iloc[t]),
            "orthogonalize": [values(o.iloc[t]) for o in orth],
        }
        for t in SAMPLES
    ],
    "aggregates": {
        "winsorize": agg(win),
        "zscore": agg(zs),
        "neutralize": agg(neu),
        "orthogonalize": [agg(o) for o in orth],
    },
    "orthogonalize": {
        "periods": periods,
        "before": before.tolist(),
        "after": after.tolist(),
        "averageAbsCorrelationBefore": mean_abs_off(before),
        "averageAbsCorrelationAfter": mean_abs_off(after),
    },
    "forward": forward,
}
with open(os.path.join(HERE, "cross_section.json"), "w") as f:
    json.dump(out, f)
print(f"{len(assets)} assets x {T} hours, orthogonalize periods {periods}")
print("before", np.round(before, 4).tolist())
print("forward", {h: (v["strict"]["count"], v["fromCloses"]["count"], v["fromClosesOnly"]) for h, v in forward.items()})
