"""Oracle for tests/backtest/metrics_oracle_test.ts: the strategy tear sheet's performance
metrics written independently in pandas 1.5.3 / numpy 1.24.2 / statsmodels 0.13.5 (Debian
/usr/bin/python3), from the formulas stated in lib/backtest/metrics/*.ts, not from the TypeScript.

Input (argv[1], JSON): {"index": [bar open times, UTC ms], "returns": [per-bar simple returns],
"benchmark": [BTC simple returns on the same bars, null = missing], "barMs": bar length in ms,
"window": rolling window in bars}. The test computes a real backtest's net returns in Deno (the
126-pair NFI hourly universe, a 24h momentum long-short with 0.1% fees through backtestWeights)
and writes them to a temporary file; this script writes the metrics to argv[2] (JSON).

Conventions (365-day years; ppy = 365 * 86,400,000 / barMs, 8,760 for hourly bars):
  CAGR        (1 + r).prod() ** (1 / years) - 1, years = (index[-1] + barMs - index[0]) / 365 days
  volatility  r.std() * sqrt(ppy)                      (ddof 1)
  Sharpe      r.mean() / r.std() * sqrt(ppy)           (no risk-free rate)
  Sortino     r.mean() / sqrt((r[r < 0] ** 2).sum() / len(r)) * sqrt(ppy)
  drawdowns   equity = (1 + r).cumprod() starting at 1; underwater = equity / cummax(1, equity) - 1;
              episodes = maximal runs of underwater < 0 (peak: the point before, recovery: the
              point after, or none)
  Calmar      CAGR / |max drawdown|
  skew, kurt  r.skew(), r.kurt() (excess)
  VaR, CVaR   r.quantile(0.05), r[r <= VaR].mean()
  hit rate    (r > 0).sum() / (r != 0).sum()
  days/months (1 + r).groupby(UTC day or month of the bar's open).prod() - 1
  rolling     r.rolling(w).std() * sqrt(ppy), r.rolling(w).mean() / r.rolling(w).std() * sqrt(ppy)
  alpha/beta  statsmodels OLS(r, add_constant(btc)) on bars with both; alpha = const * ppy

Run: /usr/bin/python3 tests/oracles/tear_sheet.py in.json out.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd
import statsmodels.api as sm

DAY = 86_400_000


def nan_to_none(x):
    if isinstance(x, (list, tuple)):
        return [nan_to_none(v) for v in x]
    if isinstance(x, dict):
        return {k: nan_to_none(v) for k, v in x.items()}
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return None if math.isnan(x) or math.isinf(x) else x
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def main():
    with open(sys.argv[1]) as f:
        d = json.load(f)
    bar = d["barMs"]
    ppy = 365 * DAY / bar
    idx = pd.to_datetime(np.array(d["index"], dtype="int64"), unit="ms", utc=True)
    r = pd.Series(np.array(d["returns"], dtype="float64"), index=idx)
    btc = pd.Series([np.nan if v is None else v for v in d["benchmark"]], index=idx, dtype="float64")
    n = len(r)
    years = (d["index"][-1] + bar - d["index"][0]) / (365 * DAY)
    total = (1 + r).prod() - 1
    cagr = (1 + total) ** (1 / years) - 1
    vol = r.std() * math.sqrt(ppy)
    sharpe = r.mean() / r.std() * math.sqrt(ppy)
    sortino = r.mean() / math.sqrt((r[r < 0] ** 2).sum() / n) * math.sqrt(ppy)

    # drawdowns on points 0..n (point 0 = the start at 1, point t + 1 = the close of bar t)
    eq = np.concatenate([[1.0], (1 + r.values).cumprod()])
    times = np.concatenate([[d["index"][0]], np.array(d["index"], dtype="float64") + bar])
    peak = np.maximum.accumulate(eq)
    uw = eq / peak - 1
    episodes = []
    p = 1
    while p <= n:
        if uw[p] < 0:
            q = p
            while q + 1 <= n and uw[q + 1] < 0:
                q += 1
            trough = p + int(np.argmin(eq[p:q + 1]))
            rec = q + 1 if q + 1 <= n else -1
            end = rec if rec >= 0 else n
            episodes.append({
                "peakPoint": p - 1, "troughPoint": trough, "recoveryPoint": rec,
                "depth": eq[trough] / eq[p - 1] - 1,
                "durationMs": times[end] - times[p - 1], "bars": end - (p - 1),
            })
            p = q + 1
        else:
            p += 1
    maxdd = min(e["depth"] for e in episodes) if episodes else 0.0
    maxep = min(episodes, key=lambda e: (e["depth"], e["peakPoint"])) if episodes else None
    longest = max(e["durationMs"] for e in episodes) if episodes else 0
    top5 = sorted(episodes, key=lambda e: (e["depth"], e["peakPoint"]))[:5]

    var = r.quantile(0.05)
    cvar = r[r <= var].mean()
    hit = (r > 0).sum() / (r != 0).sum()
    day = (1 + r).groupby(r.index.floor("D")).prod() - 1
    month = (1 + r).groupby([r.index.year, r.index.month]).prod() - 1
    year = (1 + r).groupby(r.index.year).prod() - 1
    w = d["window"]
    rstd = r.rolling(w).std()
    rmean = r.rolling(w).mean()
    ok = btc.notna()
    fit = sm.OLS(r[ok].values, sm.add_constant(btc[ok].values)).fit()
    out = {
        "ppy": ppy, "years": years, "totalReturn": total, "cagr": cagr, "volatility": vol,
        "sharpe": sharpe, "sortino": sortino, "calmar": cagr / abs(maxdd),
        "maxDrawdown": maxdd, "maxDrawdownDurationMs": maxep["durationMs"] if maxep else 0,
        "longestDrawdownMs": longest, "episodes": len(episodes), "top5": top5,
        "underwater": uw[1:].tolist(), "skew": r.skew(), "kurtosis": r.kurt(),
        "valueAtRisk": var, "conditionalValueAtRisk": cvar, "hitRate": hit,
        "bestDay": day.max(), "worstDay": day.min(), "bestMonth": month.max(), "worstMonth": month.min(),
        "days": day.tolist(), "months": month.tolist(), "years_": year.tolist(),
        "rollingVolatility": (rstd * math.sqrt(ppy)).tolist(),
        "rollingSharpe": (rmean / rstd * math.sqrt(ppy)).tolist(),
        "beta": fit.params[1], "alpha": fit.params[0] * ppy,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(nan_to_none(out), f)


if __name__ == "__main__":
    main()
