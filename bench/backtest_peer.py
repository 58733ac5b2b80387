"""Backtest engine, cryptolab (Deno) vs numpy/pandas, on the same inputs in one run.

Runs `deno bench --json bench/backtest_bench.ts` (which writes its inputs and results to
bench/.out/backtest/), then, for each of the bench's two capitals ($1m, which runs to the last
bar, and $10m, ruined at bar 4,159 where every side stops trading), the same backtest written
the fastest plain numpy way: a Python loop
over the 5,493 bars (the state, drifted weights and open orders, is sequential, so the bars cannot
be vectorized away) with vector operations over the 126 assets on time-major arrays:
  returns      pandas ffill of the closes, close / last known close - 1, NaN where no candle
  fill         the target of row s - lag at the close of s for the assets with a candle (orders
               wait otherwise); assets whose data ends early are held (no bar, no return) and
               sold at their last close at the close of the last bar (no NFI pair ends early)
  cap          np.clip of the trade to 10% of the bar's ADV (as a weight of equity)
  costs        fee 0.001 |trade|; half the spread (0.002 where unknown); square-root impact
               |trade| k sigma sqrt(|trade| equity / ADV); funding held * rate
  drift        held * (1 + r) / (1 + net)
keeping, like the engine, the held and traded weights of every bar (T x N tables), and prints
both timings, the ratio and the largest differences of the per-bar net returns, turnover,
costs, weights and trades.

Side by side in the same run, the pandas reference the issue's speed goal names: the engine's
independent correctness reference, tests/oracles/backtest_engine.py (dollar-based: cash and one
position value per asset marked to pandas-forward-filled closes; checked bar by bar at 1e-12 in
the tests), run on the same closes, targets and cost inputs with the same costs (its `costs`
option: fee, half spread, square-root impact with the 10% cap on fills, funding), and its net
returns compared with the engine's. Both ratios are printed: against the pandas reference and
against the numpy loop (the faster of the two Python programs).

Run from the repository root: /usr/bin/python3 bench/backtest_peer.py [--rounds R]
(R rounds of both sides in turn, then the best of each side over them: on a machine shared
with other jobs a single round can catch either side in a slow moment.)
(pandas 1.5.3 / numpy 1.24.2 from Debian). Deno: see bench/_deno.py.
"""
import json
import os
import sys

import numpy as np
import pandas as pd

sys.dont_write_bytecode = True
import time  # noqa: E402

from _deno import deno_bench_stats  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracles"))
from backtest_engine import run as reference_run  # noqa: E402
OUT = os.path.join(ROOT, "bench", ".out", "backtest")
FEE, UNKNOWN_SPREAD, K, CAP, LAG = 0.001, 0.002, 1.0, 0.1, 1
CAPITALS = (1e6, 1e7)  # runs to the last bar; ruined at bar 4,159 (bench/backtest_bench.ts)


def read(name, shape):
    """An asset-major float64 dump as a time x asset array."""
    n, t = shape
    return np.fromfile(os.path.join(OUT, f"{name}.f64"), dtype="<f8").reshape(n, t).T.copy()


def backtest(close, target, spread, sigma, adv, funding, equity0):
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
    equity = equity0
    net = np.zeros(T)
    turnover = np.zeros(T)
    costs = np.zeros((4, T))
    held_out = np.zeros((T, N))  # the engine's weights and traded tables, for parity
    traded_out = np.zeros((T, N))
    zeros = np.zeros(N)
    for u in range(T):
        s = u - 1
        if s >= 0:
            row = s - LAG
            live = last_row >= s
            order = np.where(live, tgt[row] if row >= 0 else zeros, order)
            pending = live.copy()
            fill = live & has[s] & pending
            desired = np.where(fill, order - drifted, 0.0)
            pending &= ~fill
            a = adv[u]
            mx = np.where(a > 0, CAP * a / equity, 0.0)
            traded = np.clip(desired, -mx, mx)
            pending |= traded != desired
        else:
            traded = zeros
        held = drifted + traded
        if u == T - 1:  # the last bar: sell what is held in assets whose data ended earlier
            ended = (last_row >= 0) & (last_row < T - 1)
            traded = np.where(ended, traded - held, traded)
        held_out[u] = held
        traded_out[u] = traded
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
    return net, turnover, costs, held_out, traded_out


def measure(deno, equity0, inputs):
    """One round of one capital: the numpy loop (5 runs) and the pandas reference (3 runs) on
    the inputs, their minimum and median wall times and CPU per run, the Deno figures of the
    same round, and the largest differences from the engine's saved results."""
    sh, close, target, spread, sigma, adv, funding, close_df, target_df, ref_costs = inputs
    sub = f"e{int(equity0)}"
    with open(os.path.join(OUT, sub, "ruin.json")) as f:
        ruin = json.load(f)["ruinBar"]
    samples = []
    c0 = time.process_time()
    for _ in range(5):
        t0 = time.perf_counter()
        net, turnover, costs, held, traded = backtest(close, target, spread, sigma, adv, funding, equity0)
        samples.append((time.perf_counter() - t0) * 1000)
    py_cpu = (time.process_time() - c0) * 1000 / 5
    with open(os.path.join(OUT, sub, "cpu.json")) as f:
        deno_cpu = json.load(f)["msPerRun"]
    samples.sort()
    ref_samples = []
    c0 = time.process_time()
    for _ in range(3):
        t0 = time.perf_counter()
        ref = reference_run(close_df, target_df, LAG, "every", equity0=equity0, costs=ref_costs)
        ref_samples.append((time.perf_counter() - t0) * 1000)
    ref_cpu = (time.process_time() - c0) * 1000 / 3
    ref_samples.sort()
    ref_net = np.array(ref["net"])
    rd = lambda name, shape: read(os.path.join(sub, name), shape)  # noqa: E731
    mine_net = rd("net", (1, sh[1]))[:, 0]
    key = next(k for k in deno if "impact" in k and ("$1m" if equity0 == 1e6 else "$10m") in k)
    return {
        "ruin": ruin,
        "deno_min": deno[key]["min"], "deno_avg": deno[key]["avg"], "deno_cpu": deno_cpu,
        "py_min": samples[0], "py_med": samples[len(samples) // 2], "py_cpu": py_cpu,
        "ref_min": ref_samples[0], "ref_med": ref_samples[len(ref_samples) // 2], "ref_cpu": ref_cpu,
        "d_ref": float(np.max(np.abs(mine_net - ref_net) / np.maximum(1, np.abs(ref_net)))),
        "d_net": float(np.max(np.abs(mine_net - net) / np.maximum(1, np.abs(net)))),
        "d_turn": float(np.max(np.abs(rd("turnover", (1, sh[1]))[:, 0] - turnover))),
        "d_cost": float(np.max(np.abs(rd("costs", (4, sh[1])).T - costs))),
        "d_w": float(np.max(np.abs(rd("weights", sh) - held))),
        "d_x": float(np.max(np.abs(rd("traded", sh) - traded))),
    }


def show(equity0, m, title):
    end = "runs to the last bar" if m["ruin"] < 0 else f"ruined at bar {m['ruin']:,}: every side stops there"
    print()
    print(f"${equity0 / 1e6:.0f}m of equity ({end}){title}")
    print(f"{'':30} {'deno ms':>16} {'python ms':>17} {'ratio':>13}")
    print(f"{'vs the pandas reference':30} {m['deno_min']:7.1f} ({m['deno_avg']:6.1f}) "
          f"{m['ref_min']:8.1f} ({m['ref_med']:6.1f}) {m['ref_min'] / m['deno_min']:5.1f}x "
          f"({m['ref_med'] / m['deno_avg']:4.1f}x)")
    print(f"{'  CPU time of the process/run':30} {m['deno_cpu']:16.1f} {m['ref_cpu']:17.1f} "
          f"{m['ref_cpu'] / m['deno_cpu']:12.1f}x")
    print(f"{'vs the numpy loop':30} {m['deno_min']:7.1f} ({m['deno_avg']:6.1f}) "
          f"{m['py_min']:8.1f} ({m['py_med']:6.1f}) {m['py_min'] / m['deno_min']:5.1f}x "
          f"({m['py_med'] / m['deno_avg']:4.1f}x)")
    print(f"{'  CPU time of the process/run':30} {m['deno_cpu']:16.1f} {m['py_cpu']:17.1f} "
          f"{m['py_cpu'] / m['deno_cpu']:12.1f}x")
    if "d_ref" in m:
        print(f"pandas reference: max |diff| of net (relative to max(1, |net|)) {m['d_ref']:.2e}")
        print(f"numpy loop: max |diff| of net (relative to max(1, |net|)) {m['d_net']:.2e}, turnover "
              f"{m['d_turn']:.2e}, costs {m['d_cost']:.2e}, weights {m['d_w']:.2e}, traded {m['d_x']:.2e}")


def main():
    """`--rounds R` (default 1): R rounds, each the Deno bench then both Python programs, then
    the best of each side over the rounds (every figure its own minimum, so a round slowed by
    the rest of a shared machine, on either side, does not set the ratio)."""
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 1
    best = {}
    for r in range(rounds):
        deno = deno_bench_stats("bench/backtest_bench.ts", {"CRYPTOLAB_BENCH_OUT": OUT})
        if r == 0:
            with open(os.path.join(OUT, "shape.json")) as f:
                shape = json.load(f)
            sh = (shape["assets"], shape["bars"])
            close, target = read("close", sh), read("target", sh)
            spread, sigma, adv = read("spread", sh), read("sigma", sh), read("adv", sh)
            funding = np.repeat(read("funding", (1, sh[1])), sh[0], axis=1)
            close_df, target_df = pd.DataFrame(close), pd.DataFrame(target)
            ref_costs = {"spread": spread, "sigma": sigma, "adv": adv, "funding": funding, "k": K, "cap": CAP}
            inputs = (sh, close, target, spread, sigma, adv, funding, close_df, target_df, ref_costs)
            print(f"backtest engine, NFI 1h panel {sh[0]} assets x {sh[1]} hours, lag {LAG}, every bar,")
            print("fees + half spread + square-root impact (10% cap) + funding; min (and deno mean /")
            print("python median) of the runs: on a shared machine the minimum is the least disturbed")
        for equity0 in CAPITALS:
            m = measure(deno, equity0, inputs)
            show(equity0, m, f", round {r + 1} of {rounds}" if rounds > 1 else "")
            b = best.setdefault(equity0, dict(m))
            for k in ("deno_min", "deno_avg", "deno_cpu", "py_min", "py_med", "py_cpu", "ref_min", "ref_med", "ref_cpu"):
                b[k] = min(b[k], m[k])
        fees_only = next(k for k in deno if "fees only" in k)
        print(f"\n(deno, fees only, $10m: min {deno[fees_only]['min']:.1f} ms, mean {deno[fees_only]['avg']:.1f} ms)")
    if rounds > 1:
        print(f"\n=== best of each side over the {rounds} rounds (each figure its own minimum) ===")
        for equity0 in CAPITALS:
            m = {k: v for k, v in best[equity0].items() if not k.startswith("d_")}
            show(equity0, m, "")

if __name__ == "__main__":
    main()
