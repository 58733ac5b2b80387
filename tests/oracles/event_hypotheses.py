"""Oracle for clusterT in lib/backtest/events/event_hypotheses.ts
(tests/backtest/events/event_hypotheses_test.ts): the mean of per-trade returns with a
cluster-robust standard error, trades clustered by event bar.

Driscoll-Kraay cases: OLS(x, ones).fit(cov_type="hac-groupsum", cov_kwds={"time": days,
"maxlags": L, "use_correction": "cluster"}) (clusterT with maxLag L; the p-value's df, G - 1, is
ours: statsmodels uses the normal here).

statsmodels 0.13.5: OLS(x, ones).fit(cov_type="cluster", cov_kwds={"groups": bars}, use_t=True)
(CR1: G / (G - 1) * (N - 1) / (N - K) with K = 1, t with G - 1 degrees of freedom); BH and BY by
multipletests(method="fdr_bh" / "fdr_by").

Run: /usr/bin/python3 tests/oracles/event_hypotheses.py && deno fmt tests/oracles/event_hypotheses.json
"""
import json
import os

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(12)
cases = []
for n, groups in [(40, 40), (60, 17), (25, 5)]:
    bars = np.sort(rng.integers(0, groups * 3, n))
    # make sure clusters exist: collapse to `groups` distinct bars
    uniq = np.unique(bars)
    x = 0.001 + 0.01 * rng.standard_normal(n) + 0.005 * rng.standard_normal(len(uniq))[np.searchsorted(uniq, bars)]
    fit = sm.OLS(x, np.ones(n)).fit(cov_type="cluster", cov_kwds={"groups": bars}, use_t=True)
    cases.append({
        "x": x.tolist(), "bars": bars.tolist(), "mean": float(fit.params[0]),
        "se": float(fit.bse[0]), "pValue": float(fit.pvalues[0]), "clusters": int(len(uniq)),
    })
# Driscoll-Kraay: clusters = consecutive day ids 0..G-1 (every day has a trade, so statsmodels'
# lags over the sorted unique times are calendar lags), Bartlett weights, G / (G - 1) correction
dk = []
for n, days, lag in [(80, 20, 1), (150, 30, 2), (60, 12, 3)]:
    ids = np.sort(np.concatenate([np.arange(days), rng.integers(0, days, n - days)]))
    common = 0.006 * rng.standard_normal(days)
    common = common + 0.5 * np.concatenate([[0], common[:-1]])  # days correlated with the day before
    x = 0.001 + 0.01 * rng.standard_normal(n) + common[ids]
    fit = sm.OLS(x, np.ones(n)).fit(
        cov_type="hac-groupsum", cov_kwds={"time": ids, "maxlags": lag, "use_correction": "cluster"},
    )
    dk.append({"x": x.tolist(), "days": ids.tolist(), "maxLag": lag, "mean": float(fit.params[0]), "se": float(fit.bse[0])})
p = [c["pValue"] for c in cases] + [0.001, 0.2, 0.04]
res = {
    "cases": cases,
    "driscollKraay": dk,
    "p": p,
    "bh": multipletests(p, method="fdr_bh")[1].tolist(),
    "by": multipletests(p, method="fdr_by")[1].tolist(),
}
with open(os.path.join(HERE, "event_hypotheses.json"), "w") as f:
    json.dump(res, f)
print("wrote event_hypotheses.json")
