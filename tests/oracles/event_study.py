"""Oracle for lib/research/events/ (tests/research/events/event_study_test.ts).

A worked example written independently with numpy 1.24 / statsmodels 0.13.5 from the published
formulas: 4 assets, 700 bars of seeded synthetic log returns driven by two factors (BTC, ETH),
9 events of which 4 share one bar (a cluster) and 2 sit 5 bars apart on different assets, plus 1
with a NaN in its estimation window and 1 whose windows leave the data.

Per event: statsmodels OLS(R, [1, BTC(, ETH)]) on offsets -240..-25 (rows with a NaN dropped);
the forecast-error standard deviation of each event-window abnormal return is
get_prediction(X_event).se_obs (= s sqrt(1 + x'(X'X)^-1 x), MacKinlay 1997 eq. 9); the CAR over
offsets 1..24 has variance s^2 (24 + g'(X'X)^-1 g), g = column sums of X over the CAR window
(Campbell-Lo-MacKinlay 1997 eq. 4.4.13, gamma' V gamma written out by matrix products here).
BMP (Boehmer-Musumeci-Poulsen 1991): mean(SCAR) / (std(SCAR, ddof=1) / sqrt(n)), p from
scipy t(n - 1). Kolari-Pynnonen (2010) eq. 13: t_BMP sqrt((1 - r) / (1 + (n - 1) r)), with r the
average over all pairs of corr(residuals on common bars, pandas) * (shared CAR bars / 24),
which on one common date is their r-bar.

Run: /usr/bin/python3 tests/oracles/event_study.py && deno fmt tests/oracles/event_study.json
"""
import json
import math
import os

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261206)
T = 700
btc = rng.normal(0, 0.01, T)
eth = 0.7 * btc + rng.normal(0, 0.008, T)
common = rng.normal(0, 0.004, T)  # a shared shock: residuals are cross-correlated
assets = []
for a in range(4):
    r = 0.0001 * a + (0.8 + 0.3 * a) * btc + (0.2 * a) * eth + common + rng.normal(0, 0.006, T)
    assets.append(r)
assets = np.array(assets)
assets[2, 400] = np.nan  # inside the estimation window of the events at bar 600
# planted effect after the cluster
for a in range(4):
    assets[a, 501:505] += 0.004
events = [(0, 500), (1, 500), (2, 500), (3, 500), (0, 300), (1, 305), (2, 600), (3, 430),
          (1, 690), (0, 100)]
EST = (-240, -25)
WIN = (-12, 24)
CAR = (1, 24)


def study(k):
    X_all = np.column_stack([np.ones(T), btc, eth][: k])
    kept, dropped = [], []
    out = {"ar": [], "arSd": [], "car": [], "carVar": [], "coef": [], "sigma2": [], "rows": []}
    resid = {}
    for (a, b) in events:
        if b + EST[0] < 0 or b + WIN[1] >= T:
            dropped.append([a, b, "outside"])
            continue
        idx = np.arange(b + EST[0], b + EST[1] + 1)
        y = assets[a, idx]
        X = X_all[idx]
        ok = np.isfinite(y)
        fit = sm.OLS(y[ok], X[ok]).fit()
        widx = np.arange(b + WIN[0], b + WIN[1] + 1)
        Xw = X_all[widx]
        pred = fit.get_prediction(Xw)
        ar = assets[a, widx] - pred.predicted_mean
        cw = (np.arange(WIN[0], WIN[1] + 1) >= CAR[0]) & (np.arange(WIN[0], WIN[1] + 1) <= CAR[1])
        XtXi = np.linalg.inv(X[ok].T @ X[ok])
        s2 = fit.ssr / (ok.sum() - k)
        V = s2 * np.eye(len(widx)) + Xw @ XtXi @ Xw.T * s2
        gamma = cw.astype(float)
        out["ar"].append(ar.tolist())
        out["arSd"].append(pred.se_obs.tolist())
        out["car"].append(float(ar[cw].sum()))
        out["carVar"].append(float(gamma @ V @ gamma))
        out["coef"].append(fit.params.tolist())
        out["sigma2"].append(float(s2))
        out["rows"].append(int(ok.sum()))
        e = np.full(len(idx), np.nan)
        e[ok] = fit.resid
        resid[len(kept)] = pd.Series(e, index=idx)
        kept.append([a, b])
    scar = np.array(out["car"]) / np.sqrt(out["carVar"])
    n = len(scar)
    t_bmp = scar.mean() / (scar.std(ddof=1) / math.sqrt(n))
    L2 = CAR[1] - CAR[0] + 1
    tot = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = abs(kept[i][1] - kept[j][1])
            if d >= L2:
                continue
            pair = pd.concat([resid[i], resid[j]], axis=1).dropna()
            rho = pair.iloc[:, 0].corr(pair.iloc[:, 1]) if len(pair) >= 30 else 0.0
            tot += rho * (L2 - d) / L2
    rbar = tot / (n * (n - 1) / 2)
    t_kp = t_bmp * math.sqrt((1 - rbar) / (1 + (n - 1) * rbar))
    out.update({
        "kept": kept,
        "dropped": dropped,
        "scar": scar.tolist(),
        "bmp": {"statistic": t_bmp, "pValue": 2 * stats.t.sf(abs(t_bmp), n - 1)},
        "kp": {"rbar": rbar, "statistic": t_kp, "pValue": 2 * stats.t.sf(abs(t_kp), n - 1)},
    })
    return out


res = {
    "btc": btc.tolist(),
    "eth": eth.tolist(),
    "assets": [[None if not np.isfinite(v) else float(v) for v in row] for row in assets],
    "events": [list(e) for e in events],
    "oneFactor": study(2),
    "twoFactor": study(3),
}
with open(os.path.join(HERE, "event_study.json"), "w") as f:
    json.dump(res, f)
print("wrote event_study.json")
