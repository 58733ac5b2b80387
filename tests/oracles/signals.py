"""Oracle for tests/research/signal_*_test.ts: signal validation and the signal library on the
126-asset NFI hourly universe (Binance spot 2020-12-01 -> 2021-07-17), computed with Debian
pandas 1.5.3, scipy 1.10.1, statsmodels 0.13.5+dfsg, numpy 1.24.2.

Panel: every freqtrade JSON file of ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h
read with the json module (correctly rounded floats), pivoted to time x asset on the COMPLETE
hourly grid from the first to the last bar (missing bar = NaN), logret = np.log(close /
close.shift(1)) (NaN across gaps), forward h-bar return fwd_h = sum of logret.shift(-k), k = 1..h
(sum of returns t+1..t+h, NaN if any is missing; see fwd() for the order of the additions).

alphalens is not installed: its definitions are reproduced with pandas below and named.
Writes only derived numbers (IC series, summaries, counts, sums, sampled cells) to signals.json.

Run: /usr/bin/python3 tests/oracles/signals.py
"""
import glob
import json
import warnings
import math
import os

import numpy as np
import pandas as pd
import scipy
import scipy.stats
import statsmodels
import statsmodels.api as sm
from statsmodels.regression.rolling import RollingOLS

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get(
    "CRYPTOLAB_REAL_DATA", os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
)
DIR = os.path.join(DATA, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000
# scipy warns on constant cross-sections (IC undefined -> NaN, as in ours); log(0 volume) -> -inf
# is replaced by NaN below
warnings.simplefilter("ignore", scipy.stats.ConstantInputWarning)
np.seterr(divide="ignore")
MIN_ASSETS = 5

cols = {f: {} for f in ["close", "volume"]}
for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
    sym = os.path.basename(path).split("-")[0].replace("_", "")
    rows = json.load(open(path))
    ts = [r[0] for r in rows]
    cols["close"][sym] = pd.Series([r[4] for r in rows], index=ts, dtype=float)
    cols["volume"][sym] = pd.Series([r[5] for r in rows], index=ts, dtype=float)
close = pd.DataFrame(cols["close"])
volume = pd.DataFrame(cols["volume"])
grid = np.arange(close.index.min(), close.index.max() + HOUR, HOUR)
close = close.reindex(grid)
volume = volume.reindex(grid)
assets = list(close.columns)
logret = np.log(close / close.shift(1))
SAMPLE_T = sorted(set(np.random.default_rng(7).choice(len(grid), size=300, replace=False).tolist()))


def fwd(h):
    """Sum of the log returns t+1..t+h, NaN if any is missing, added left to right
    (((r[t+1] + r[t+2]) + r[t+3]) + ...), the order lib/research/forward_returns.ts uses, so the
    two sides hold the same doubles and rounding noise cannot reorder near-tied ranks (a coin
    flat over h bars sums to +-1e-17, not 0). pandas' logret.rolling(h).sum().shift(-h) is the
    same number up to that noise (Kahan order)."""
    acc = logret.shift(-1)
    for k in range(2, h + 1):
        acc = acc + logret.shift(-k)
    return acc


def named_min_obs(L):  # lib/research/signals/mod.ts namedMinObs
    return L if L < 100 else math.ceil(0.95 * L)


def fl(x):
    x = float(x)
    return None if math.isnan(x) else x


def series(s):
    return [fl(v) for v in s]




def compact(s):
    """A long per-timestamp series as derived numbers: finite count, sum, and sampled rows."""
    v = np.asarray(s, dtype=float)
    return {
        "count": int(np.isfinite(v).sum()),
        "sum": float(np.nansum(v)),
        "samples": [[int(t), fl(v[t])] for t in SAMPLE_T],
    }


# ---------------------------------------------------------------- signals (pandas rolling)
def momentum(L):
    # the L-bar log return ln(close_t / close_{t-L}) (= the sum of the L one-bar log returns
    # when all are present) where at least namedMinObs(L) of those returns are present
    present = logret.rolling(L, min_periods=0).count()
    return np.log(close / close.shift(L)).where(present >= named_min_obs(L))


BTC = "BTCUSDT"
ETH = "ETHUSDT"


def causal_residuals(y, xs):
    """statsmodels RollingOLS(y, add_constant(X), window=720, min_nobs=684, missing="drop",
    expanding=True): params at t fit the window ending at t; causal = params shifted by one row,
    residual[t] = y[t] - [1, x_t] . params[t-1]."""
    X = sm.add_constant(pd.concat(xs, axis=1))
    fit = RollingOLS(y, X, window=720, min_nobs=named_min_obs(720), missing="drop",
                     expanding=True).fit(params_only=True)
    params = fit.params.shift(1)
    return y - (X * params).sum(axis=1, min_count=X.shape[1])


def residual_momentum_for(asset, L=168):
    xs = [logret[f] for f in (BTC, ETH) if f != asset]
    e = causal_residuals(logret[asset], xs)
    return e.rolling(L, min_periods=named_min_obs(L)).sum()


def beta(L):
    out = {}
    for a in assets:
        y = logret[a].where(logret[BTC].notna())
        x = logret[BTC].where(logret[a].notna())
        m = named_min_obs(L)
        out[a] = y.rolling(L, min_periods=m).cov(x) / x.rolling(L, min_periods=m).var()
    return pd.DataFrame(out)


signals = {
    "momentum_24": momentum(24),
    "momentum_168": momentum(168),
    "momentum_720": momentum(720),
    "reversal_1": -logret,
    "low_vol_168": -logret.rolling(168, min_periods=named_min_obs(168)).std(),
    "volume_surprise_24": np.log(volume / volume.rolling(24, min_periods=24).mean().shift(1))
    .replace([np.inf, -np.inf], np.nan),
    "amihud_168": (logret.abs() / (close * volume)).replace([np.inf, -np.inf], np.nan)
    .rolling(168, min_periods=named_min_obs(168)).mean(),
    "beta_720": beta(720),
}

rng = np.random.default_rng(20240404)
RESMOM_ASSETS = [BTC, ETH, "ADAUSDT", "DOGEUSDT", "XRPUSDT", "LINKUSDT", "ZECUSDT", "SCUSDT"]


def sample_cells(df, k_finite=120, k_nan=30):
    v = df.to_numpy()
    fin = np.argwhere(np.isfinite(v))
    nan = np.argwhere(~np.isfinite(v))
    pick = fin[rng.choice(len(fin), size=min(k_finite, len(fin)), replace=False)]
    pickn = nan[rng.choice(len(nan), size=min(k_nan, len(nan)), replace=False)]
    cells = [{"t": int(t), "asset": df.columns[a], "value": float(v[t, a])} for t, a in pick]
    cells += [{"t": int(t), "asset": df.columns[a], "value": None} for t, a in pickn]
    return cells


sig_out = {}
for name, df in signals.items():
    v = df.to_numpy()
    sig_out[name] = {
        "call": "see signals dict in tests/oracles/signals.py",
        "finiteCount": int(np.isfinite(v).sum()),
        "finiteCountByAsset": [int(np.isfinite(v[:, a]).sum()) for a in range(v.shape[1])],
        "sumAbs": float(np.nansum(np.abs(v))),
        "cells": sample_cells(df),
    }
rm = pd.DataFrame({a: residual_momentum_for(a) for a in RESMOM_ASSETS})
sig_out["residual_momentum_168"] = {
    "assets": RESMOM_ASSETS,
    "finiteCountByAsset": [int(rm[a].notna().sum()) for a in RESMOM_ASSETS],
    "sumAbsByAsset": [float(rm[a].abs().sum()) for a in RESMOM_ASSETS],
    "cells": sample_cells(rm),
}

# ---------------------------------------------------------------- IC (scipy per timestamp)
mom = signals["momentum_24"]


def ic_series(sig, f, method):
    s, r = sig.to_numpy(), f.to_numpy()
    out = np.full(len(s), np.nan)
    n_assets = np.zeros(len(s), dtype=int)
    for t in range(len(s)):
        ok = np.isfinite(s[t]) & np.isfinite(r[t])
        n_assets[t] = ok.sum()
        if ok.sum() >= MIN_ASSETS:
            if method == "spearman":
                out[t] = scipy.stats.spearmanr(s[t][ok], r[t][ok]).correlation
            else:
                out[t] = scipy.stats.pearsonr(s[t][ok], r[t][ok])[0]
    return pd.Series(out), n_assets


def summary(ic, h):
    x = ic.dropna().to_numpy()
    n = len(x)
    lags = max(h - 1, int(math.floor(4 * (n / 100) ** (2 / 9))))
    ols = sm.OLS(x, np.ones(n)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    tt = scipy.stats.ttest_1samp(x, 0.0)
    return {
        "n": n,
        "mean": float(x.mean()),
        "std": float(x.std(ddof=1)),
        "ir": float(x.mean() / x.std(ddof=1)),
        "hitRate": float((x > 0).mean()),
        "tStat": float(tt.statistic),
        "pValue": float(tt.pvalue),
        "neweyWestLags": lags,
        "tStatNeweyWest": float(ols.tvalues[0]),
        "pValueNeweyWest": float(ols.pvalues[0]),
    }


ic_out = {}
for h in [1, 24]:
    ic, n_assets = ic_series(mom, fwd(h), "spearman")
    ic_out[f"h{h}"] = {
        "call": "scipy.stats.spearmanr(s[ok], f[ok]).correlation per timestamp, ok = both finite",
        "ic": series(ic),
        "nAssets": compact(n_assets),
        "summary": summary(ic, h),
    }
pic, _ = ic_series(mom, fwd(1), "pearson")
ic_out["pearson_h1"] = {"call": "scipy.stats.pearsonr(s[ok], f[ok])[0]", "ic": compact(pic)}
# pandas path used by the bench peer, as a cross-check of the definition (complete pairs, then
# rank, then Pearson of ranks): DataFrame.rank(axis=1).corrwith(..., axis=1)
f1 = fwd(1)
ms, fs = mom.where(f1.notna()), f1.where(mom.notna())
pandas_ic = ms.rank(axis=1).corrwith(fs.rank(axis=1), axis=1)
pandas_ic[ms.notna().sum(axis=1) < MIN_ASSETS] = np.nan
assert np.nanmax(np.abs(pandas_ic.to_numpy() - np.array(ic_out["h1"]["ic"], dtype=float))) < 1e-12
# IC decay rows (horizons as icDecay's default) for momentum_24
decay = []
for h in [1, 2, 4, 8, 12, 24, 48]:
    ic, _ = ic_series(mom, fwd(h), "spearman")
    decay.append({"horizon": h, **summary(ic, h)})

# ---------------------------------------------------------------- quantiles (alphalens via pandas)
def qcut_labels(x, q):
    """pd.qcut(x, q, labels=False); where pandas raises on duplicate edges, the same rule
    (np.quantile edges, label = searchsorted(edges, x, 'left') - 1, min -> 0) applied directly."""
    try:
        return pd.qcut(x, q, labels=False), False
    except ValueError:
        edges = np.quantile(x, np.linspace(0, 1, q + 1))
        lab = np.searchsorted(edges, x, side="left") - 1
        lab[x == edges[0]] = 0
        return lab, True


Q = 5
s_np, f_np = mom.to_numpy(), f1.to_numpy()
pool_sum = np.zeros(Q)
pool_cnt = np.zeros(Q, dtype=int)
long_short = np.full(len(s_np), np.nan)
tied = 0
for t in range(len(s_np)):
    ok = np.isfinite(s_np[t]) & np.isfinite(f_np[t])
    if ok.sum() < Q:
        continue
    lab, was_tied = qcut_labels(s_np[t][ok], Q)
    lab = np.asarray(lab)
    tied += was_tied
    r = f_np[t][ok]
    means = [r[lab == k].mean() if (lab == k).any() else np.nan for k in range(Q)]
    for k in range(Q):
        pool_sum[k] += r[lab == k].sum()
        pool_cnt[k] += (lab == k).sum()
    long_short[t] = means[Q - 1] - means[0]
ls = pd.Series(long_short).dropna()
quant_out = {
    "call": "pd.qcut(signal_t[ok], 5, labels=False) per timestamp (alphalens quantize_factor); "
    "mean_return_by_quantile(by_date=False, demeaned=False) = pooled mean",
    "meanByQuantile": [float(v) for v in pool_sum / pool_cnt],
    "countByQuantile": [int(v) for v in pool_cnt],
    "longShortMean": float(ls.mean()),
    "longShortTStat": float(scipy.stats.ttest_1samp(ls, 0.0).statistic),
    "nTimestamps": int(len(ls)),
    "nTiedEdges": int(tied),
    "longShort": compact(long_short),
}

# turnover: alphalens quantile_turnover(quantile_factor, quantile=5, period=1) reproduced:
# sets of top-quintile names per timestamp (qcut on the finite signal values), |S_t - S_{t-1}| /
# |S_t|; shift by grid row.
sets = []
for t in range(len(s_np)):
    ok = np.isfinite(s_np[t])
    if ok.sum() < Q:
        sets.append(None)
        continue
    lab, _ = qcut_labels(s_np[t][ok], Q)
    names = np.array(assets)[ok][np.asarray(lab) == Q - 1]
    sets.append(set(names) if len(names) else None)
turn = [None] + [
    (len(sets[t] - sets[t - 1]) / len(sets[t])) if sets[t] and sets[t - 1] else None
    for t in range(1, len(sets))
]
# rank autocorrelation: alphalens factor_rank_autocorrelation reproduced:
# ranks = signal.rank(axis=1); ranks.corrwith(ranks.shift(1), axis=1) (Pearson, pairwise)
ranks = mom.rank(axis=1)
prev = ranks.shift(1)
rac = ranks.corrwith(prev, axis=1)
common = (ranks.notna() & prev.notna()).sum(axis=1)
rac[common < MIN_ASSETS] = np.nan
# rolling IC: pandas ic.rolling(168, min_periods=24).mean()
roll = pd.Series(ic_out["h1"]["ic"], dtype=float).rolling(168, min_periods=24).mean()

# ---------------------------------------------------------------- rank / spearman kernels
# Real hourly log returns with zero returns (ties) and gaps (NaN): ADA and DOGE, all rows.
ada, doge = logret["ADAUSDT"].to_numpy(), logret["DOGEUSDT"].to_numpy()
ok_ada = np.isfinite(ada)
rank_ada = np.full(len(ada), np.nan)
rank_ada[ok_ada] = scipy.stats.rankdata(ada[ok_ada], method="average")
assert np.allclose(rank_ada[ok_ada], logret["ADAUSDT"].rank().to_numpy()[ok_ada], rtol=0, atol=0)
both = np.isfinite(ada) & np.isfinite(doge)
rank_out = {
    "call": "scipy.stats.rankdata(x[finite], method='average') == pandas Series.rank()",
    "asset": "ADAUSDT",
    "ties": int(len(ada[ok_ada]) - len(np.unique(ada[ok_ada]))),
    "rank": compact(rank_ada),
    "spearmanAdaDoge": float(scipy.stats.spearmanr(ada[both], doge[both]).correlation),
    "spearmanAdaDogePandas": float(logret["ADAUSDT"].corr(logret["DOGEUSDT"], method="spearman")),
    "spearmanAdaDogeFirst500": float(
        pd.Series(ada[:500]).corr(pd.Series(doge[:500]), method="spearman")),
}

out = {
    "rank": rank_out,
    "oracle": f"pandas {pd.__version__}, scipy {scipy.__version__}, "
    f"statsmodels {statsmodels.__version__}, numpy {np.__version__}",
    "gridStart": int(grid[0]),
    "gridLength": int(len(grid)),
    "assets": assets,
    "signals": sig_out,
    "ic": ic_out,
    "decay": decay,
    "quantiles": quant_out,
    "turnover": compact([np.nan if v is None else v for v in turn]),
    "rankAutocorrelation": compact(rac),
    "rollingIc168": compact(roll),
}
with open(os.path.join(HERE, "signals.json"), "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
print("wrote signals.json", {k: v["finiteCount"] for k, v in sig_out.items() if "finiteCount" in v},
      "tied", tied)
