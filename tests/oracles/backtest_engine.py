"""Oracle for tests/backtest/backtest_engine_oracle_test.ts: an independent pandas/numpy
re-implementation of cryptolab's backtest engine (lib/backtest/backtest_weights.ts), written from
the rules, not from the TypeScript. Debian pandas 1.5.3, numpy 1.24.2.

Where the engine works in weights (fractions of equity), this reference keeps DOLLARS: a cash
balance and one position value per asset, marked to pandas-forward-filled closes (so a position
across a missing candle keeps its value and jumps by the spanning return when the next candle
arrives). At the close of each bar s (= the open of bar s + 1):
  - the decision due is row s - lag of the target weights (NaN -> 0);
  - an asset without a candle at s cannot trade: its order stays open until its next candle,
    where the latest order is filled;
  - the end of an asset's data is not known before the backtest's end: an asset without a candle
    is treated alike whether its data resumes or not (value kept, orders waiting);
  - otherwise the position is traded to target * equity, equity being cash + positions before
    the trade; the fee rate * |trade| is paid from cash;
  - rebalance "every": every bar; {"every": k}: bars with s % k == 0; {"drift": x}: bars where
    some asset with a candle at s has |value / equity - target| > x.
At the close of the LAST bar, every asset whose last candle is earlier is sold to 0 at its last
close (its forward-filled mark); the fee is charged on the whole change from its value before
that bar's fill to 0 (the fill and the sale are at the same price: netted), in the last bar.
The net return of bar u is (equity at u's close) / (equity at u - 1's close) - 1, the fee of the
fill at the open of bar u included. If equity falls to 0 or below, trading stops there and later
rows are 0 (never the case in the oracle's runs; the bench's all-costs run is ruined at bar 4,159).

Data: ../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h/*.json (126 pairs, 5,493
hourly bars; 22 pairs start late, every pair has missing candles), files in name order, closes on
the COMPLETE hourly grid (NaN where a candle is missing). No pair ends early, so three are cut
(close set to NaN from a bar on) and one gets an extra 10-bar gap:
  DOGEUSDT ends at bar 3999, BTCSTUSDT at 2999, LUNAUSDT at 4999; SOLUSDT has no candles 2000..2009.
Target: a momentum rank, each bar t: ratio = close[t] / close[t - 24] over the pairs where it is
finite; with at least 20 of them, the 10 lowest get -0.05 and the 10 highest +0.05 (ranks by
pandas rank(method="first"), ties to the lower column), everything else 0; fewer: all 0.
Runs (fee 0.001 of traded value, initial equity 1e6):
  lag1: lag 1, every bar; lag2: lag 2, every bar; every24: lag 1, every 24 bars; drift: lag 1,
  drift threshold 0.02.
Writes, per run, the net return of every bar, the turnover of every bar (sum |trade| / equity),
the fee sum and the final equity; and "allCosts", the same engine with all four costs on a small
slice (all_costs_case), with each cost and the held weights of every bar.

With `costs` (used by bench/backtest_peer.py and by the oracle test's all-costs case), the same dollar
bookkeeping also charges, at the fill that opens bar u, all from cash: half the spread
|trade| * spread[u] / 2 (spread 0.002 where unknown), square-root impact
|trade| * k * sigma[u] * sqrt(|trade| / ADV[u]) (ADV in quote currency), and funding
value after the fill * rate[u]; a participation cap first limits each trade to cap * ADV[u]
dollars (nothing where ADV is unknown), the rest of the order staying open for later bars.

Run: /usr/bin/python3 tests/oracles/backtest_engine.py   (a few seconds), then deno fmt the json.
"""
import glob
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
DIR = os.path.join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h")
HOUR = 3_600_000
ALL_COSTS_ROWS = (2600, 3200)
FEE = 0.001
EQUITY0 = 1e6
CUTS = {"DOGEUSDT": 3999, "BTCSTUSDT": 2999, "LUNAUSDT": 4999}
GAP = ("SOLUSDT", 2000, 2010)


def load_close():
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
    for sym, end in CUTS.items():
        close.loc[close.index[end + 1]:, sym] = np.nan
    sym, a, b = GAP
    close.iloc[a:b, close.columns.get_loc(sym)] = np.nan
    return close


def momentum_targets(close):
    ratio = close / close.shift(24)
    ranks = ratio.rank(axis=1, method="first")
    count = ratio.notna().sum(axis=1)
    w = pd.DataFrame(0.0, index=close.index, columns=close.columns)
    w[ranks.le(10)] = -0.05
    w[ranks.gt(count - 10, axis=0) & ranks.notna()] = 0.05
    w[count < 20] = 0.0
    return w


def run(close, target, lag, rebalance, equity0=EQUITY0, costs=None, record=False):
    """One backtest; `costs` = {"spread", "sigma", "adv", "funding": T x N arrays, "k", "cap"}
    adds the spread, impact (with its cap) and funding of the module docstring to the fee.
    `record` also returns each cost of every bar ("costs": fees, spread, impact, funding, as
    fractions of the equity before that bar's fill) and the held weights of every bar
    ("weights": T x N, position value after the fill / equity before it)."""
    T, N = close.shape
    px = close.ffill().to_numpy()  # marking price: the last known close
    has = close.notna().to_numpy()
    last_bar = np.array([close[c].last_valid_index() for c in close.columns])
    last_row = np.array([close.index.get_loc(x) for x in last_bar])
    tgt = target.to_numpy()
    cash = equity0
    value = np.zeros(N)
    order = np.zeros(N)
    pending = np.zeros(N, dtype=bool)
    prev_equity = equity0
    if costs is not None:
        spread = np.where(costs["spread"] >= 0, costs["spread"], 0.002)
        adv = costs["adv"]
        cap_dollars = np.where(adv > 0, costs["cap"] * adv, 0.0)
    net = np.zeros(T)
    turnover = np.zeros(T)
    fees = 0.0
    each = np.zeros((4, T))  # fees, spread, impact, funding of every bar (record)
    held = np.zeros((T, N))  # weights after every bar's fill (record)
    for u in range(T):
        s = u - 1
        if s >= 0:
            equity = cash + value.sum()
            equity_start = equity
            row = s - lag
            due = np.nan_to_num(tgt[row]) if row >= 0 else np.zeros(N)
            if rebalance == "every":
                issue = True
            elif "every" in rebalance:
                issue = s % rebalance["every"] == 0
            else:
                live = has[s]
                dev = np.abs(value / equity - due)[live]
                issue = dev.size > 0 and dev.max() > rebalance["drift"]
            if issue:
                order = due.copy()
                pending = np.ones(N, dtype=bool)
            before = value.copy()
            trade = np.zeros(N)
            fill = has[s] & pending
            trade[fill] = order[fill] * equity - value[fill]
            pending[fill] = False
            if costs is not None:
                wanted = trade
                trade = np.clip(wanted, -cap_dollars[u], cap_dollars[u])
                pending |= trade != wanted
            fee = FEE * np.abs(trade).sum()
            fees += fee / equity
            turnover[u] = np.abs(trade).sum() / equity
            value = value + trade
            cash = cash - trade.sum() - fee
            each[0, u] = fee / equity
            held[u] = value / equity
            if costs is not None:
                x = np.abs(trade)
                on = x > 0
                spr = (x * spread[u]).sum() / 2
                imp = (x[on] * costs["k"] * costs["sigma"][u][on] * np.sqrt(x[on] / adv[u][on])).sum()
                fund = (value * costs["funding"][u]).sum()
                cash = cash - spr - imp - fund
                each[1:, u] = (spr / equity, imp / equity, fund / equity)
        if u > 0:
            step = px[u] / px[u - 1]
            value = np.where(np.isfinite(step), value * step, value)
        if u == T - 1 and u > 0:
            # end of the backtest: sell what is held in assets whose data ended, at the mark
            ended = last_row < T - 1
            sale = np.where(ended, -value, 0.0)
            # netted with this bar's fill: the fee is on |before -> 0| instead of |fill|
            extra = FEE * (np.abs(np.where(ended, -before, 0.0)).sum() - np.abs(trade[ended]).sum())
            fees += extra / equity_start
            each[0, u] += extra / equity_start
            turnover[u] += (np.abs(before[ended]).sum() - np.abs(trade[ended]).sum()) / equity_start
            cash = cash - sale.sum() - extra
            value = value + sale
        equity = cash + value.sum()
        net[u] = equity / prev_equity - 1
        prev_equity = equity
        if not equity > 0:  # ruin: trading stops at this bar, later rows are 0 (engine rule)
            break
    out = {"net": net.tolist(), "turnover": turnover.tolist(), "feeSum": fees, "finalEquity": prev_equity}
    if record:
        out["costs"] = {k: each[i].tolist() for i, k in enumerate(["fees", "spread", "impact", "funding"])}
        out["weights"] = held.T.tolist()  # asset-major, like the engine's weights table
    return out


def load_volume():
    """Base-asset volumes on the same grid and columns as load_close (NaN where no candle)."""
    vols = {}
    for path in sorted(glob.glob(os.path.join(DIR, "*.json"))):
        sym = os.path.basename(path).split("-")[0].replace("_", "")
        with open(path) as f:
            rows = json.load(f)
        vols[sym] = pd.Series([r[5] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    first = min(s.index[0] for s in vols.values())
    last = max(s.index[-1] for s in vols.values())
    grid = np.arange(first, last + HOUR, HOUR)
    return pd.DataFrame({a: s.reindex(grid) for a, s in vols.items()})


def all_costs_case(close, volume):
    """The all-costs case (fees, half spread, square-root impact with its cap, funding) on a
    small slice: rows ALL_COSTS_ROWS of the first 24 pairs in name order, less those without a
    candle on the slice's last row (none ends early). On the slice, with r = close / last close
    - 1 (pandas pct_change without fill: NaN around a missing candle):
      sigma[t]  = r over t-24..t-1, rolling(24).std() (ddof 1), NaN unless all 24 are known;
      adv[t]    = mean of close * volume over t-24..t-1 (quote currency), NaN where sigma is;
      spread[t] = 0.5 * sigma[t] (NaN where unknown: the 0.002 default);
      funding   = at bars opening at 00:00, 08:00, 16:00 UTC, 0.0001 for even columns (longs pay)
                  and -0.00005 for odd ones (shorts pay), else 0;
      k = 1, cap = 0.1 of ADV, fee 0.001, lag 1, every bar, equity 1e6;
      target    = close[t] / close[t - 24], 5 highest +0.1, 5 lowest -0.1 (rank "first"), all 0
                  with fewer than 10 ratios."""
    r0, r1 = ALL_COSTS_ROWS
    cols = [c for c in close.columns[:24] if np.isfinite(close[c].iloc[r1 - 1])]
    c = close.iloc[r0:r1][cols].reset_index(drop=True)
    v = volume.iloc[r0:r1][cols].reset_index(drop=True)
    ts = close.index[r0:r1].to_numpy()
    r = c / c.shift(1) - 1
    sigma = r.rolling(24).std().shift(1)
    adv = (c * v).rolling(24).mean().shift(1).where(sigma.notna())
    spread = 0.5 * sigma
    on = (ts % (8 * HOUR) == 0)[:, None]
    sign = np.where(np.arange(len(cols)) % 2 == 0, 0.0001, -0.00005)[None, :]
    funding = np.where(on, sign, 0.0)
    ratio = c / c.shift(24)
    ranks = ratio.rank(axis=1, method="first")
    count = ratio.notna().sum(axis=1)
    w = pd.DataFrame(0.0, index=c.index, columns=c.columns)
    w[ranks.le(5)] = -0.1
    w[ranks.gt(count - 5, axis=0) & ranks.notna()] = 0.1
    w[count < 10] = 0.0
    costs = {"spread": spread.to_numpy(), "sigma": sigma.to_numpy(), "adv": adv.to_numpy(),
             "funding": funding, "k": 1.0, "cap": 0.1}
    res = run(c, w, 1, "every", costs=costs, record=True)
    res["assets"] = cols
    res["rows"] = [r0, r1]
    return res


def main():
    close = load_close()
    target = momentum_targets(close)
    runs = {
        "lag1": run(close, target, 1, "every"),
        "lag2": run(close, target, 2, "every"),
        "every24": run(close, target, 1, {"every": 24}),
        "drift": run(close, target, 1, {"drift": 0.02}),
    }
    out = {
        "source": "tests/oracles/backtest_engine.py (pandas 1.5.3, numpy 1.24.2): dollar-based reference backtest",
        "assets": list(close.columns),
        "bars": int(close.shape[0]),
        "fee": FEE,
        "initialEquity": EQUITY0,
        "cuts": CUTS,
        "gap": list(GAP),
        "targetChecksum": {"nonzero": int((target != 0).to_numpy().sum()), "sumAbs": float(target.abs().to_numpy().sum())},
        "runs": runs,
        "allCosts": all_costs_case(close, load_volume()),
    }
    with open(os.path.join(HERE, "backtest_engine.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
