"""Oracle for tests/report/signal_tear_sheet_oracle_test.ts: the signal tear sheet's own
aggregations, written in pandas 1.5.3 / numpy 1.24.2 (Debian /usr/bin/python3) from alphalens'
definitions, not from the TypeScript.

Input (argv[1], JSON): {"index": [bar open times, UTC ms], "close": [[per asset closes, null =
missing]], "signal": [[per asset values, null = none]], "quantiles": q}. The test builds them from
the real 126-pair NFI hourly universe (signal: 24-bar log momentum) and writes them to a temporary
file; this script writes to argv[2]:
  ic_monthly   the per-bar Spearman rank IC (ranks with ties averaged, Pearson of ranks) between
               the signal and the 1-bar forward log return log(close[t+1] / close[t]) over the
               assets with both (at least 5), averaged per UTC calendar month (alphalens
               mean_information_coefficient(by_time="M"))
  demeaned     per quantile: at each bar, pd.qcut(signal, q, labels=False) of the assets with both,
               the bucket's mean forward return minus the mean over all of them (alphalens
               demeaned=True), then its mean over bars and standard error std(ddof 1) / sqrt(n)
               (alphalens mean_return_by_quantile(by_date=True) + std_err); bars where qcut
               raises on duplicate edges are counted in "tied" and skipped
Run: /usr/bin/python3 tests/oracles/signal_tear_sheet.py in.json out.json
"""
import json
import math
import sys

import numpy as np
import pandas as pd


def main():
    with open(sys.argv[1]) as f:
        d = json.load(f)
    q = d["quantiles"]
    idx = pd.to_datetime(np.array(d["index"], dtype="int64"), unit="ms", utc=True)
    close = pd.DataFrame(np.array([[np.nan if v is None else v for v in c] for c in d["close"]], dtype="float64").T, index=idx)
    sig = pd.DataFrame(np.array([[np.nan if v is None else v for v in c] for c in d["signal"]], dtype="float64").T, index=idx)
    fwd = np.log(close.shift(-1) / close)
    ic = pd.Series(np.nan, index=idx)
    per_q = {k: [] for k in range(q)}
    tied = 0
    for t in range(len(idx)):
        s, r = sig.iloc[t], fwd.iloc[t]
        ok = s.notna() & r.notna() & np.isfinite(s) & np.isfinite(r)
        s, r = s[ok], r[ok]
        n = len(s)
        if n >= 5:
            a, b = s.rank(), r.rank()
            if a.std() > 0 and b.std() > 0:
                ic.iloc[t] = np.corrcoef(a, b)[0, 1]
        if n >= q:
            try:
                lab = pd.qcut(s, q, labels=False)
            except ValueError:
                tied += 1
                continue
            m = r.mean()
            g = r.groupby(lab).mean()
            for k in range(q):
                if k in g.index:
                    per_q[k].append(g[k] - m)
    monthly = ic.groupby([ic.index.year, ic.index.month]).mean()
    out = {
        "ic_monthly": [[int(y), int(mo), None if math.isnan(v) else float(v)] for (y, mo), v in monthly.items()],
        "demeaned": [
            {"mean": float(np.mean(v)), "stdError": float(np.std(v, ddof=1) / math.sqrt(len(v))), "n": len(v)}
            for v in (per_q[k] for k in range(q))
        ],
        "tied": tied,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
