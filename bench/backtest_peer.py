"""Backtest engine, cryptolab (Deno) vs numpy/pandas, on the same inputs in one run.

Runs `deno bench --json bench/backtest_bench.ts` (which writes its inputs and results to
bench/.out/backtest/), then the same backtest written the fastest plain numpy way: a Python loop
over the 5,493 bars (the state, drifted weights and open orders, is sequential, so the bars cannot
be vectorized away) with vector operations over the 126 assets on time-major arrays:
  returns      pandas ffill of the closes, close / last known close - 1, NaN where no candle
  fill         the target of row s - lag at the close of s for the assets with a candle (orders
               wait otherwise); assets whose data ends early are closed at their last close
  cap          np.clip of the trade to 10% of the bar's ADV (as a weight of equity)
  costs        fee 0.001 |trade|; half the spread (0.002 where unknown); square-root impact
               |trade| k sigma sqrt(|trade| equity / ADV); funding held * rate
  drift        held * (1 + r) / (1 + net)
and prints both timings, the ratio and the largest absolute difference of the per-bar net
returns, turnover and costs. tests/oracles/backtest_engine.py is the engine's independent
correctness reference (dollar-based, checked bar by bar in the tests); this peer is its speed
reference with every cost.

Run from the repository root: /usr/bin/python3 bench/backtest_peer.py
(pandas 1.5.3 / numpy 1.24.2 from Debian). Deno: see bench/_deno.py.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", ".out", "backtest")
FEE, UNKNOWN_SPREAD, K, CAP, EQUITY0, LAG = 0.001, 0.002, 1.0, 0.1, 1e7, 1


def read(name, shape):
    """An asset-major float64 dump as a time x asset array."""
    n, t = shape
    return np.fromfile(os.path.join(OUT, f"{name}.f64"), dtype="<f8").reshape(n, t).T.copy()


def backtest(close, target, spread, sigma, adv, funding):
    T, N = close.shape
    has = np.isfinite(close)
    px = pd.DataFrame(close).ffill().to_numpy()
    r = np.full((T, N), np.nan)
    r[1:] = px[1:] / px[:-1] - 1
    r[~has] = np.nan
    r0 = np.nan_to_num(r)
    rev = has[::-1].argmax(axis=0)
    last_row = np.where(has.any(axis=0), T - 1 - rev, -1)
    tgt = np.nan_to_num(target)
    spread = np.where(spread >= 0, spread, UNKNOWN_SPREAD)
    drifted = np.zeros(N)
    order = np.zeros(N)
    pending = np.zeros(N, dtype=bool)
    equity = EQUITY0
    net = np.zeros(T)
    turnover = np.zeros(T)
    costs = np.zeros((4, T))
    zeros = np.zeros(N)
    for u in range(T):
        s = u - 1
        if s >= 0:
            row = s - LAG
            live = last_row >= s
            order = np.where(live, tgt[row] if row >= 0 else zeros, order)
            pending = live.copy()
            ending = live & has[s] & (last_row == s) & (s < T - 1)
            fill = live & has[s] & pending & ~ending
            desired = np.where(fill, order - drifted, 0.0)
            desired[ending] = -drifted[ending]
            pending &= ~(fill | ending)
            a = adv[u]
            mx = np.where(a > 0, CAP * a / equity, 0.0)
            traded = np.clip(desired, -mx, mx)
            traded[ending] = desired[ending]
            pending |= traded != desired
        else:
            traded = zeros
        held = drifted + traded
        x = np.abs(traded)
        fee = FEE * x.sum()
        spr = (x * spread[u]).sum() / 2
        on = x > 0
        imp = (x[on] * K * sigma[u][on] * np.sqrt(x[on] * equity / adv[u][on])).sum()
        fund = (held * funding[u]).sum()
        g = (held * r0[u]).sum()
        n = g - fee - spr - imp - fund
        costs[:, u] = (fee, spr, imp, fund)
        net[u] = n
        turnover[u] = x.sum()
        equity *= 1 + n
        if not equity > 0:  # ruin: trading stops, later rows are 0
            break
        drifted = held * (1 + r0[u]) / (1 + n)
    return net, turnover, costs


def main():
    deno = deno_bench_ms("bench/backtest_bench.ts", {"CRYPTOLAB_BENCH_OUT": OUT})
    with open(os.path.join(OUT, "shape.json")) as f:
        shape = json.load(f)
    sh = (shape["assets"], shape["bars"])
    close, target = read("close", sh), read("target", sh)
    spread, sigma, adv = read("spread", sh), read("sigma", sh), read("adv", sh)
    funding = np.repeat(read("funding", (1, sh[1])), sh[0], axis=1)
    ms, (net, turnover, costs) = timed(lambda: backtest(close, target, spread, sigma, adv, funding), 3)
    mine_net = read("net", (1, sh[1]))[:, 0]
    mine_turn = read("turnover", (1, sh[1]))[:, 0]
    mine_costs = read("costs", (4, sh[1])).T
    d_net = float(np.max(np.abs(mine_net - net) / np.maximum(1, np.abs(net))))
    d_turn = float(np.max(np.abs(mine_turn - turnover)))
    d_cost = float(np.max(np.abs(mine_costs - costs)))
    key = next(k for k in deno if "impact" in k)
    dm = deno[key]
    print(f"backtest engine, NFI 1h panel {sh[0]} assets x {sh[1]} hours, lag {LAG}, every bar,")
    print("fees + half spread + square-root impact (10% cap) + funding")
    print(f"{'engine':34} {'deno ms':>9} {'python ms':>10} {'ratio':>7} {'max rel diff net':>16} {'turnover':>9} {'costs':>9}")
    print(f"{'backtestWeights vs numpy loop':34} {dm:9.1f} {ms:10.1f} {ms / dm:6.1f}x {d_net:16.2e} {d_turn:9.2e} {d_cost:9.2e}")
    fees_only = next(k for k in deno if "fees only" in k)
    print(f"(deno, fees only: {deno[fees_only]:.1f} ms; equity {EQUITY0:.0e})")


if __name__ == "__main__":
    main()
