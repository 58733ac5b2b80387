"""Oracle for tests/portfolio/optimize_portfolio_test.ts: constrained portfolio optimization with
cvxopt 1.3.0 (Debian python3-cvxopt, `cvxopt.solvers.qp`, a primal-dual interior-point method),
numpy 1.24.2.

Each case is a problem spec in the shape of `optimizePortfolio`'s options (covariance, expected
returns, objective, constraints, current weights, risk aversion, risk-free rate) and cvxopt's
answer. The problem is written here independently of the TypeScript code:

  minVariance   min lambda/2 w'Sw + sum kappa_i t_i
  meanVariance  min lambda/2 w'Sw - mu'w + sum kappa_i t_i
                with t_i >= w_i - w0_i, t_i >= w0_i - w_i (turnover), g_i >= w_i, g_i >= -w_i,
                sum g <= G (gross exposure): auxiliary variables, as cvxopt takes only linear
                constraints; P is singular in t and g, which cvxopt allows (rank [P; A; G] = n).
  maxSharpe     min y'Sy s.t. (mu - rf)'y = 1, sum y = k, k >= 0, every other constraint
                homogenized (a'w <= b becomes a'y - b k <= 0), w = y / k (Cornuejols & Tutuncu
                2007, 8.2). "noPositiveExcessReturn" when that problem is infeasible but the
                constraints alone are feasible.

Objective values are in per-period units (hourly returns here), as `optimizePortfolio` states
them: lambda/2 w'Sw - mu'w + sum kappa_i |w_i - w0_i| (the Sharpe ratio for maxSharpe),
recomputed from cvxopt's weights. The QP is solved on the covariance divided by its mean
variance (objective scaled back), with abstol = reltol = feastol = 1e-12 (cvxopt stops when it
cannot improve further; its status is recorded).

Infeasible cases: cvxopt reports "primal infeasible"; the minimal conflicting set is found here by
the same deletion filter over the constraint groups (dropping each group in turn, in the order
longOnly, minWeight, maxWeight, fullInvestment, netExposure, grossExposure, beta:*/exposure:*,
turnoverLimit, and keeping it out when the rest is still infeasible for cvxopt).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/*.json (freqtrade candles)
loaded as tests/oracles/risk_models.py does: closes on the complete hourly grid, r = log(close)
.diff(), NaN across gaps. Real cases use windows of complete rows of 20 to 126 assets; betas are
OLS slopes of each asset on [1, BTC, ETH] over the same rows (numpy lstsq).

Run: /usr/bin/python3 tests/oracles/optimizer.py (writes tests/oracles/optimizer.json), then
deno fmt tests/oracles/optimizer.json.
"""
import glob
import json
import os

import cvxopt
import numpy as np
import pandas as pd
from cvxopt import matrix, solvers

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000

solvers.options.update({"show_progress": False, "abstol": 1e-12, "reltol": 1e-12,
                        "feastol": 1e-12, "maxiters": 200})


def load_returns():
    closes = {}
    for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
        sym = os.path.basename(path).split("-")[0].replace("_", "")
        with open(path) as f:
            rows = json.load(f)
        closes[sym] = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in closes.values())
    last = max(s.index[-1] for s in closes.values())
    grid = np.arange(first, last + HOUR, HOUR)
    close = pd.DataFrame({a: s.reindex(grid) for a, s in closes.items()})
    return np.log(close).diff()


def groups_of(spec):
    c = spec["constraints"]
    g = []
    if c.get("longOnly", True):
        g.append("longOnly")
    if "minWeight" in c:
        g.append("minWeight")
    if "maxWeight" in c:
        g.append("maxWeight")
    if c.get("fullInvestment", True):
        g.append("fullInvestment")
    if "netExposure" in c:
        g.append("netExposure")
    if "grossExposure" in c:
        g.append("grossExposure")
    for name in c.get("betas", {}):
        g.append(f"beta:{name}")
    for e in c.get("exposures", []):
        g.append(f"exposure:{e['name']}")
    if "limit" in c.get("turnover", {}):
        g.append("turnoverLimit")
    return g


def per_asset(v, n):
    return np.full(n, float(v)) if np.isscalar(v) else np.asarray(v, dtype=float)


def rows(spec, on, penalty):
    """Constraint rows over x = [w, t?, g?]: (G, h) for G x <= h and (A, b) for A x = b."""
    c = spec["constraints"]
    n = len(spec["covariance"])
    w0 = np.asarray(spec.get("currentWeights") or np.zeros(n), dtype=float)
    use_t = "turnoverLimit" in on or (penalty and "penalty" in c.get("turnover", {}))
    use_g = "grossExposure" in on
    m = n * (1 + use_t + use_g)
    t0, g0 = n, n * (1 + use_t)
    G, h, A, b = [], [], [], []

    def le(coef, rhs):
        r = np.zeros(m)
        for j, v in coef:
            r[j] += v
        G.append(r)
        h.append(rhs)

    def eq(coef, rhs):
        r = np.zeros(m)
        for j, v in coef:
            r[j] += v
        A.append(r)
        b.append(rhs)

    if "longOnly" in on:
        for i in range(n):
            le([(i, -1)], 0.0)
    if "minWeight" in on:
        lo = per_asset(c["minWeight"], n)
        for i in range(n):
            le([(i, -1)], -lo[i])
    if "maxWeight" in on:
        hi = per_asset(c["maxWeight"], n)
        for i in range(n):
            le([(i, 1)], hi[i])
    ones = [(i, 1.0) for i in range(n)]
    if "fullInvestment" in on:
        eq(ones, 1.0)
    if "netExposure" in on:
        ne = c["netExposure"]
        if np.isscalar(ne):
            eq(ones, float(ne))
        else:
            if "min" in ne:
                le([(i, -1.0) for i in range(n)], -ne["min"])
            if "max" in ne:
                le(ones, ne["max"])
    for name, beta in c.get("betas", {}).items():
        if f"beta:{name}" in on:
            eq([(i, beta[i]) for i in range(n)], 0.0)
    for e in c.get("exposures", []):  # exact targets only
        if f"exposure:{e['name']}" in on:
            eq([(i, e["loadings"][i]) for i in range(n)], float(e["target"]))
    if use_t:
        for i in range(n):
            le([(i, 1), (t0 + i, -1)], w0[i])
            le([(i, -1), (t0 + i, -1)], -w0[i])
        if "turnoverLimit" in on:
            le([(t0 + i, 1) for i in range(n)], c["turnover"]["limit"])
    if use_g:
        for i in range(n):
            le([(i, 1), (g0 + i, -1)], 0.0)
            le([(i, -1), (g0 + i, -1)], 0.0)
        le([(g0 + i, 1) for i in range(n)], c["grossExposure"])
    return m, t0 if use_t else None, np.array(G).reshape(-1, m), np.array(h), np.array(A).reshape(-1, m), np.array(b)


def independent_rows(A, b):
    """(A, b) without linearly dependent equality rows (cvxopt requires rank(A) = rows), or None
    when the equalities contradict each other (e.g. sum w = 1 and sum w = 0)."""
    if len(b) == 0:
        return A, b
    x, *_ = np.linalg.lstsq(A, b, rcond=None)
    if np.max(np.abs(A @ x - b)) > 1e-9 * max(1.0, np.max(np.abs(b))):
        return None
    keep = []
    for i in range(len(b)):
        if np.linalg.matrix_rank(A[keep + [i]]) > len(keep):
            keep.append(i)
    return A[keep], b[keep]


def qp(P, q, G, h, A, b):
    reduced = independent_rows(A, b)
    if reduced is None:
        return {"status": "primal infeasible"}
    A, b = reduced
    args = [matrix(P), matrix(q)]
    args += [matrix(G), matrix(h)] if len(h) else [None, None]
    args += [matrix(A), matrix(b)] if len(b) else []
    return solvers.qp(*args)


def feasible(spec, on):
    """Phase 1 as an LP: min s s.t. G x - s <= h, s >= 0, A x = b; feasible when s* ~ 0."""
    m, _, G, h, A, b = rows(spec, on, False)
    reduced = independent_rows(A, b)
    if reduced is None:
        return False
    A, b = reduced
    if len(h) == 0:
        return True
    Gs = np.vstack([np.hstack([G, -np.ones((len(h), 1))]), np.r_[np.zeros(m), -1.0]])
    hs = np.r_[h, 0.0]
    c = np.r_[np.zeros(m), 1.0]
    args = [matrix(c), matrix(Gs), matrix(hs)]
    if len(b):
        args += [matrix(np.hstack([A, np.zeros((len(b), 1))])), matrix(b)]
    sol = solvers.lp(*args)
    assert sol["status"] in ("optimal", "unknown"), sol["status"]
    return sol["primal objective"] < 1e-9


def conflicts(spec):
    s = groups_of(spec)
    for g in list(s):
        trial = [x for x in s if x != g]
        if not feasible(spec, set(trial)):
            s = trial
    return s


def figures(spec, w):
    S = np.asarray(spec["covariance"])
    n = len(w)
    c = spec["constraints"]
    w0 = np.asarray(spec.get("currentWeights") or np.zeros(n), dtype=float)
    var = float(w @ S @ w)
    mu = np.asarray(spec["expectedReturns"]) if "expectedReturns" in spec else None
    kappa = per_asset(c["turnover"]["penalty"], n) if "penalty" in c.get("turnover", {}) else np.zeros(n)
    cost = float(kappa @ np.abs(w - w0))
    lam = spec.get("riskAversion", 1.0)
    if spec["objective"] == "maxSharpe":
        return float((mu @ w - spec.get("riskFreeRate", 0.0)) / np.sqrt(var))
    obj = lam / 2 * var + cost
    if spec["objective"] == "meanVariance":
        obj -= float(mu @ w)
    return obj


def solve(spec):
    S = np.asarray(spec["covariance"], dtype=float)
    n = S.shape[0]
    scale = np.trace(S) / n
    on = set(groups_of(spec))
    c = spec["constraints"]
    if spec["objective"] == "maxSharpe":
        m, _, G, h, A, b = rows(spec, on, False)
        e = np.asarray(spec["expectedReturns"]) - spec.get("riskFreeRate", 0.0)
        # The best excess return any feasible portfolio earns (an LP): when it is not positive
        # there is no maximum-Sharpe portfolio (cvxopt's QP below only says "unknown" there).
        A_, b_ = independent_rows(A, b)
        lp = solvers.lp(matrix(np.r_[-e, np.zeros(m - n)]), matrix(G), matrix(h), matrix(A_), matrix(b_))
        if lp["status"] == "primal infeasible":
            return {"status": "infeasible", "cvxoptStatus": lp["status"], "conflicts": conflicts(spec)}
        if -lp["primal objective"] <= 0:
            return {"status": "noPositiveExcessReturn", "cvxoptStatus": lp["status"],
                    "bestExcessReturn": -lp["primal objective"]}
        top = np.max(np.abs(e))
        # x = [y, t?, g?, k]: a'x <= beta becomes a'x - beta k <= 0; sum y = k; e'y = 1; k >= 0
        Gk = np.hstack([G, -h[:, None]]) if len(h) else np.zeros((0, m + 1))
        Ak = np.hstack([A, -b[:, None]]) if len(b) else np.zeros((0, m + 1))
        Gk = np.vstack([Gk, np.r_[np.zeros(m), -1.0]])
        hk = np.zeros(Gk.shape[0])
        Ak = np.vstack([Ak, np.r_[e / top, np.zeros(m - n), 0.0]])
        bk = np.r_[np.zeros(Ak.shape[0] - 1), 1.0]
        # fullInvestment's row (sum y - k = 0) is already in Ak via the homogenized A
        P = np.zeros((m + 1, m + 1))
        P[:n, :n] = S / scale
        sol = qp(P, np.zeros(m + 1), Gk, hk, Ak, bk)
        if sol["status"] == "primal infeasible":
            if feasible(spec, on):
                return {"status": "noPositiveExcessReturn", "cvxoptStatus": sol["status"]}
            return {"status": "infeasible", "cvxoptStatus": sol["status"], "conflicts": conflicts(spec)}
        x = np.array(sol["x"]).ravel()
        w = x[:n] / x[m]
    else:
        m, t0, G, h, A, b = rows(spec, on, True)
        lam = spec.get("riskAversion", 1.0)
        P = np.zeros((m, m))
        P[:n, :n] = lam * S / scale
        q = np.zeros(m)
        if spec["objective"] == "meanVariance":
            q[:n] = -np.asarray(spec["expectedReturns"]) / scale
        if t0 is not None and "penalty" in c.get("turnover", {}):
            q[t0:t0 + n] = per_asset(c["turnover"]["penalty"], n) / scale
        sol = qp(P, q, G, h, A, b)
        if sol["status"] == "primal infeasible":
            return {"status": "infeasible", "cvxoptStatus": sol["status"], "conflicts": conflicts(spec)}
        w = np.array(sol["x"]).ravel()[:n]
    if sol["status"] != "optimal" and sol["primal infeasibility"] > 1e-9 and not feasible(spec, on):
        return {"status": "infeasible", "cvxoptStatus": sol["status"], "conflicts": conflicts(spec)}
    # "unknown": cvxopt stopped short of the 1e-12 tolerances; accept only a solution that is
    # primal feasible to 1e-9 (observed: objectives agree with a 1e-9-tolerance run to 2e-10).
    assert sol["status"] in ("optimal", "unknown"), sol["status"]
    assert sol["primal infeasibility"] < 1e-9, sol["primal infeasibility"]
    return {"status": "optimal", "cvxoptStatus": sol["status"], "iterations": sol["iterations"],
            "objective": figures(spec, w), "weights": w.tolist()}


def ols_betas(x, btc, eth):
    X = np.column_stack([np.ones(len(btc)), btc, eth])
    coef, *_ = np.linalg.lstsq(X, x, rcond=None)
    return coef[1], coef[2]


def real_block(r, assets, rows_):
    block = r[assets].dropna()
    return block.iloc[-rows_:] if rows_ else block


def momentum(block, scale):
    s = block.iloc[-168:].sum().to_numpy()
    z = (s - s.mean()) / s.std()
    return (scale * z).tolist()


def betas_of(block):
    x = block.to_numpy()
    b = ols_betas(x, block["BTCUSDT"].to_numpy(), block["ETHUSDT"].to_numpy())
    return {"BTC": b[0].tolist(), "ETH": b[1].tolist()}


def bench_case(r=None):
    """The 126-asset long-short, beta-neutral mean-variance problem with a turnover penalty that
    bench/optimizer_bench.ts and bench/optimizer_peer.py time (the oracle checks it too)."""
    r = load_returns() if r is None else r
    assets = list(r.columns)
    block = real_block(r, assets, 0)  # the 1,215 rows where all 126 assets trade
    S = np.cov(block.to_numpy(), rowvar=False)
    rng = np.random.default_rng(126)
    w0 = rng.normal(0, 0.01, len(assets))
    w0 -= w0.mean()
    return {
        "assets": assets,
        "covariance": S.tolist(),
        "expectedReturns": momentum(block, 3e-4),
        "objective": "meanVariance",
        "riskAversion": 20.0,
        "currentWeights": w0.tolist(),
        "constraints": {
            "longOnly": False, "fullInvestment": False, "netExposure": 0,
            "minWeight": -0.05, "maxWeight": 0.05,
            "betas": betas_of(block),
            "turnover": {"penalty": 2e-4},
        },
    }


def main():
    r = load_returns()
    full = [a for a in r.columns if r[a].isna().sum() <= 19]
    majors20 = ["BTCUSDT", "ETHUSDT"] + [a for a in full if a not in ("BTCUSDT", "ETHUSDT")][:18]
    assets50 = ["BTCUSDT", "ETHUSDT"] + [a for a in full if a not in ("BTCUSDT", "ETHUSDT")][:48]
    assets30 = full[:30]
    rng = np.random.default_rng(20261206)
    cases = {}

    b20 = real_block(r, majors20, 720)
    cases["realMinVarLongOnly20"] = {
        "assets": majors20, "covariance": np.cov(b20.to_numpy(), rowvar=False).tolist(),
        "objective": "minVariance", "constraints": {"maxWeight": 0.2},
    }
    b50 = real_block(r, assets50, 1000)
    w0 = rng.normal(0, 0.02, 50)
    w0 -= w0.mean()
    cases["realMeanVarLongShort50"] = {
        "assets": assets50, "covariance": np.cov(b50.to_numpy(), rowvar=False).tolist(),
        "expectedReturns": momentum(b50, 5e-4), "objective": "meanVariance", "riskAversion": 50.0,
        "currentWeights": w0.tolist(),
        "constraints": {"longOnly": False, "fullInvestment": False, "netExposure": 0,
                        "minWeight": -0.1, "maxWeight": 0.1, "grossExposure": 1.5,
                        "betas": betas_of(b50), "turnover": {"penalty": 2e-4}},
    }
    b30 = r[assets30].dropna().iloc[:2000]  # December 2020 to February 2021: a bull market
    cases["realMaxSharpe30"] = {
        "assets": assets30, "covariance": np.cov(b30.to_numpy(), rowvar=False).tolist(),
        "expectedReturns": b30.mean().tolist(), "objective": "maxSharpe", "riskFreeRate": 1e-5,
        "currentWeights": [1 / 30] * 30,
        "constraints": {"maxWeight": 0.25, "turnover": {"limit": 0.8}},
    }
    bear = r[assets30].iloc[3800:4300].dropna()  # May to June 2021: every mean return < 0
    mu_bear = bear.mean().to_numpy()
    assert (mu_bear < 0).all(), "pick a window where every mean return is negative"
    cases["realMaxSharpeBear30"] = {
        "assets": assets30, "covariance": np.cov(bear.to_numpy(), rowvar=False).tolist(),
        "expectedReturns": mu_bear.tolist(), "objective": "maxSharpe",
        "constraints": {"maxWeight": 0.25},
    }
    cases["real126BenchProblem"] = bench_case(r)
    # Singular: 30 hourly rows of 50 assets (sample covariance of rank 29).
    b_sing = real_block(r, assets50, 30)
    cases["realSingular50x30"] = {
        "assets": assets50, "covariance": np.cov(b_sing.to_numpy(), rowvar=False).tolist(),
        "objective": "minVariance", "constraints": {"maxWeight": 0.1}, "weightsWellConditioned": False,
    }
    # Random, well conditioned: one factor plus noise.
    n = 15
    a = rng.normal(0, 1, (n, 30))
    S = (a @ a.T / 30 + np.diag(rng.uniform(0.2, 1.0, n))) * 1e-4
    w0 = rng.dirichlet(np.ones(n))
    cases["randomMeanVarTurnover15"] = {
        "covariance": S.tolist(), "expectedReturns": (rng.normal(0, 1, n) * 2e-4).tolist(),
        "objective": "meanVariance", "riskAversion": 5.0, "currentWeights": w0.tolist(),
        "constraints": {"maxWeight": 0.3, "turnover": {"limit": 0.6, "penalty": 1e-4}},
    }
    n = 10
    a = rng.normal(0, 1, (n, 40))
    S = (a @ a.T / 40 + np.eye(n) * 0.3) * 4e-4
    cases["randomMaxSharpeLongShort10"] = {
        "covariance": S.tolist(), "expectedReturns": (rng.normal(1e-4, 3e-4, n)).tolist(),
        "objective": "maxSharpe", "riskFreeRate": 0.0,
        "constraints": {"longOnly": False, "minWeight": -0.5, "maxWeight": 0.8, "grossExposure": 1.6},
    }
    # Ill conditioned: eigenvalues from 1 to 1e-10 (times 1e-4).
    n = 12
    qm, _ = np.linalg.qr(rng.normal(0, 1, (n, n)))
    S = qm @ np.diag(np.logspace(0, -10, n)) @ qm.T * 1e-4
    S = (S + S.T) / 2
    # long-short with a gross limit: the optimizer can reach the 1e-10 directions, so the
    # minimum is tiny and only its absolute level is meaningful (the test compares the objective
    # to 1e-6 of the largest eigenvalue's scale there); long-only keeps it away from them
    cases["randomIllConditioned12"] = {
        "covariance": S.tolist(), "objective": "minVariance",
        "constraints": {"longOnly": False, "minWeight": -0.5, "maxWeight": 0.8, "grossExposure": 1.6},
        "weightsWellConditioned": False, "objectiveScale": 1e-4,
    }
    cases["randomIllConditionedLongOnly12"] = {
        "covariance": S.tolist(), "objective": "minVariance", "constraints": {"maxWeight": 0.3},
        "weightsWellConditioned": False,
    }
    # The long-short book of lib/backtest/strategies/long_short.ts with optimize: chosen longs
    # and shorts, each side's total held by an exposure, side-sign bounds, beta-neutral to BTC,
    # a turnover penalty against weights that meet the side totals but not the new betas (so
    # most weights stay at their current value: the active-set method's degenerate case).
    b12 = real_block(r, majors20[:12], 168)
    sides = np.array([1.0 if i % 2 == 0 else -1.0 for i in range(12)])
    is_long, is_short = (sides > 0).astype(float), (sides < 0).astype(float)
    sides_constraints = {
        "longOnly": False, "fullInvestment": False,
        "minWeight": np.where(sides > 0, 0.0, -0.5).tolist(),
        "maxWeight": np.where(sides > 0, 0.5, 0.0).tolist(),
        "exposures": [{"name": "long", "loadings": is_long.tolist(), "target": 0.5},
                      {"name": "short", "loadings": is_short.tolist(), "target": -0.5}],
    }
    equal_sides = (sides * 0.5 / 6).tolist()
    for penalty in (1e-5, 1e-4):
        cases[f"realLongShortSidesBeta12Penalty{penalty:g}"] = {
            "assets": majors20[:12], "covariance": np.cov(b12.to_numpy(), rowvar=False).tolist(),
            "objective": "minVariance", "currentWeights": equal_sides,
            "constraints": {**sides_constraints, "betas": {"BTC": betas_of(b12)["BTC"]},
                            "turnover": {"penalty": penalty}},
            "activeSetMethod": True,
        }
    # a penalty that keeps every weight where it is (all at their kinks)
    cases["realLongShortSidesStay12"] = {
        "assets": majors20[:12], "covariance": np.cov(b12.to_numpy(), rowvar=False).tolist(),
        "objective": "minVariance", "currentWeights": equal_sides,
        "constraints": {**sides_constraints, "turnover": {"penalty": 1e-3}},
        "activeSetMethod": True,
    }
    # a beta target the sides cannot meet (every long's beta above every short's), with the
    # penalty: the active-set method asks for feasibility before its ADMM rounds
    cases["infeasibleLongShortSidesBeta12"] = {
        "assets": majors20[:12], "covariance": np.cov(b12.to_numpy(), rowvar=False).tolist(),
        "objective": "minVariance", "currentWeights": equal_sides,
        "constraints": {**sides_constraints,
                        "betas": {"BTC": np.where(sides > 0, 1.5, 0.6).tolist()},
                        "turnover": {"penalty": 1e-4}},
    }
    # Infeasible.
    cases["infeasibleNetZeroFullyInvested"] = {
        "covariance": cases["realMinVarLongOnly20"]["covariance"], "assets": majors20,
        "objective": "minVariance",
        "constraints": {"longOnly": True, "fullInvestment": True, "netExposure": 0},
    }
    btc = betas_of(b20)["BTC"]
    assert min(btc) > 0
    cases["infeasibleLongOnlyBetaNeutral"] = {
        "covariance": cases["realMinVarLongOnly20"]["covariance"], "assets": majors20,
        "objective": "minVariance",
        "constraints": {"maxWeight": 0.2, "betas": {"BTC": btc}},
    }
    n = 20
    w0 = np.zeros(n)
    w0[:10], w0[10:] = 0.15, -0.05  # gross 2, net 1
    cases["infeasibleGrossTurnover"] = {
        "covariance": cases["realMinVarLongOnly20"]["covariance"], "assets": majors20,
        "objective": "minVariance", "currentWeights": w0.tolist(),
        "constraints": {"longOnly": False, "minWeight": -0.3, "grossExposure": 1.2,
                        "turnover": {"limit": 0.1}},
    }

    out = {"oracle": f"cvxopt {cvxopt.__version__} solvers.qp, numpy {np.__version__}", "cases": {}}
    for name, spec in cases.items():
        res = solve(spec)
        print(name, res["status"], res.get("objective"), res.get("conflicts"), res["cvxoptStatus"])
        out["cases"][name] = {"spec": spec, "expected": res}
    with open(os.path.join(HERE, "optimizer.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
