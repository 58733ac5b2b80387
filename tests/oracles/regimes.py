"""Oracle for lib/materialize/regimes (tests/materialize/regimes/*_test.ts).

Series: BTC/USDT hourly closes from the NFI universe in ../shared/data/real
(ohlcv/binance_spot_2020-12_2021-07_nfi/1h/BTC_USDT-1h.json, freqtrade JSON, consecutive hours),
log returns in percent: y = 100 * log(c[i+1] / c[i]) for consecutive candles one hour apart (the
file's 6 gaps of 2-4 hours are dropped, leaving 5,475 returns).

1. Rolling volatility: pandas 1.x `Series.rolling(window, min_periods).std()` (ddof 1) and numpy
   `np.quantile` (linear) of the training volatilities.
2. Markov switching: statsmodels 0.13.5 `MarkovRegression(y, k_regimes=k, trend='c',
   switching_variance=True)` (initial probabilities: the ergodic ones, statsmodels' default).
   - `loglike` and filtered/smoothed probabilities at fixed parameters (checks the filter alone);
   - the default `fit()` (em_iter=5 then BFGS maxiter=50, one start);
   - the optimum: the best of the default fit, `fit(search_reps=30)` (seeded), and long EM + BFGS
     fits, each polished with Newton-Raphson from its end point; the best log-likelihood wins.
   States are reported ordered by variance (ascending).

Run with /usr/bin/python3 tests/oracles/regimes.py, then `deno fmt tests/oracles/regimes.json`
(about 10 minutes on 2 busy cores: 9 fits per k, each polished by Newton-Raphson).
"""
import json
import os
import warnings

import numpy as np
import pandas as pd
from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

warnings.simplefilter("ignore")
HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
BTC = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", "BTC_USDT-1h.json")

N_MARKOV = 2000


def returns():
    with open(BTC) as f:
        rows = json.load(f)
    t = np.array([r[0] for r in rows], dtype="int64")
    c = np.array([r[4] for r in rows], dtype="float64")
    # a return spans exactly one hour: the 6 gaps in the file (2-4 hours) are dropped, not bridged
    keep = np.diff(t) == 3_600_000
    return 100 * np.diff(np.log(c))[keep], int(t[0])


def order_by_variance(k, params):
    """statsmodels parameter vector -> (P[i][j] = P(S_t = i | S_{t-1} = j), const, sigma2), states by variance."""
    p = np.asarray(params)
    ntr = k * (k - 1)
    P = np.zeros((k, k))
    # statsmodels: regime_transition[:-1, :] = params[:ntr].reshape(k - 1, k) (row i = next state)
    P[: k - 1, :] = p[:ntr].reshape(k - 1, k)
    P[k - 1, :] = 1 - P[: k - 1, :].sum(axis=0)
    const = p[ntr : ntr + k]
    sigma2 = p[ntr + k : ntr + 2 * k]
    o = np.argsort(sigma2)
    return o, P[np.ix_(o, o)], const[o], sigma2[o]


def summarize(k, res, names):
    o, P, const, sigma2 = order_by_variance(k, res.params)
    return {
        "llf": float(res.llf),
        "params": [float(v) for v in res.params],
        "transition": P.tolist(),
        "const": const.tolist(),
        "sigma2": sigma2.tolist(),
        "order": o.tolist(),
    }


def fit_best(mod, k):
    cands = []
    default = mod.fit(disp=False)
    cands.append(("default", default))
    cands.append(("search_reps", mod.fit(search_reps=30, disp=False)))
    cands.append(("em200", mod.fit(em_iter=200, maxiter=2000, disp=False)))
    np.random.seed(12345)
    for i in range(6):
        sp = mod.start_params.copy()
        ntr = k * (k - 1)
        sp[ntr : ntr + k] = np.random.normal(0, 0.3, k)
        sp[ntr + k :] = np.var(mod.endog) * np.exp(np.random.normal(0, 1, k))
        cands.append((f"rand{i}", mod.fit(start_params=sp, em_iter=100, maxiter=2000, disp=False)))
    polished = []
    for name, r in cands:
        try:
            rp = mod.fit(start_params=r.params, em_iter=0, method="newton", maxiter=200, disp=False)
            if rp.llf >= r.llf - 1e-9 and np.isfinite(rp.llf):
                polished.append((name, rp))
            else:
                polished.append((name, r))
        except Exception:
            polished.append((name, r))
    best_name, best = max(polished, key=lambda nr: nr[1].llf)
    return default, best_name, best, [(n, float(r.llf)) for n, r in cands]


def fixed_params(mod, k, ym):
    """loglike and probabilities at fixed, valid parameters (every column of P sums to 1)."""
    fixed = mod.start_params.copy()
    # rows 0..k-2 of regime_transition (P(next = i | previous = j)), grouped by next state
    fixed[: k * (k - 1)] = [0.95, 0.1] if k == 2 else [0.8, 0.1, 0.1, 0.15, 0.7, 0.2]
    fixed[k * (k - 1) : k * (k - 1) + k] = np.linspace(-0.1, 0.1, k)
    fixed[k * (k - 1) + k :] = np.var(ym) * np.linspace(0.3, 3, k)
    rf = mod.smooth(fixed, return_raw=False)
    return {
        "params": [float(v) for v in fixed],
        "llf": float(mod.loglike(fixed)),
        "filtered_sample": {str(i): rf.filtered_marginal_probabilities[i].tolist() for i in (0, 1, 2, 777, N_MARKOV - 1)},
        "smoothed_sample": {str(i): rf.smoothed_marginal_probabilities[i].tolist() for i in (0, 1, 2, 777, N_MARKOV - 1)},
    }


def main():
    y, t0 = returns()
    out = {"source": "NFI BTC_USDT-1h, y = 100 * diff(log close)", "first_ts": t0, "n_returns": len(y)}

    # 1. rolling volatility and training quantiles
    s = pd.Series(y / 100)
    vol = s.rolling(168, min_periods=84).std()
    train = vol.iloc[:3000].dropna().to_numpy()
    out["vol"] = {
        "window": 168,
        "min_periods": 84,
        "train_end": 3000,
        "vol_at": {str(i): float(vol.iloc[i]) for i in [83, 84, 200, 2999, 3000, len(y) - 1]},
        "quantiles": [float(np.quantile(train, q)) for q in (1 / 3, 2 / 3)],
        "n_train": int(len(train)),
    }

    # 2. Markov switching
    ym = y[:N_MARKOV]
    out["markov"] = {"n": N_MARKOV}
    for k in (2, 3):
        mod = MarkovRegression(ym, k_regimes=k, trend="c", switching_variance=True)
        default, best_name, best, tried = fit_best(mod, k)
        o = np.argsort(best.params[k * (k - 1) + k :])
        filt = best.filtered_marginal_probabilities[:, o] if best.filtered_marginal_probabilities.ndim == 2 else None
        smooth = best.smoothed_marginal_probabilities[:, o]
        # fixed parameters (the start params): loglike and probabilities from the filter alone
        out["markov"][f"k{k}"] = {
            "param_names": list(mod.param_names),
            "start_params": [float(v) for v in mod.start_params],
            "default": summarize(k, default, mod.param_names),
            "best": summarize(k, best, mod.param_names),
            "best_from": best_name,
            "tried": tried,
            "filtered": filt[:: 1].round(12).tolist() if filt is not None else None,
            "smoothed_sample": {str(i): smooth[i].tolist() for i in (0, 1, 500, N_MARKOV - 2, N_MARKOV - 1)},
            "fixed": fixed_params(mod, k, ym),
        }
    with open(os.path.join(HERE, "regimes.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
