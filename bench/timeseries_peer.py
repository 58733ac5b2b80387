"""Time-series statistics, cryptolab (Deno) vs the Python path, on the same inputs in one run.

Runs `deno bench --json bench/timeseries_bench.ts` (which writes its inputs and results to
bench/.out/timeseries_bench.json), then on those same inputs:
  - statsmodels 0.13.5 coint_johansen(logp, 0, 2)                        vs johansen
  - statsmodels OLS(diff(spread), add_constant(spread[:-1])) + ln(0.5)/ln(phi) vs halfLife
  - numpy variance ratio (tests/oracles/timeseries.py, CLM 1997; arch is not installable here)
                                                                         vs varianceRatio
  - numpy R/S (tests/oracles/timeseries.py) + OLS fit                    vs hurst
and prints both timings (median), the ratio and the largest absolute difference in results.

Run from the repository root: /usr/bin/python3 bench/timeseries_peer.py
Deno: the DENO environment variable, else `deno` on PATH, else npx (see bench/_deno.py).
"""
import json
import math
import os
import sys

import numpy as np
import statsmodels.api as sm
from statsmodels.tsa.vector_ar.vecm import coint_johansen

sys.dont_write_bytecode = True
from _deno import deno_bench_ms  # noqa: E402
from _timing import timed  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracles"))


def load_oracle_functions():
    # The reference implementations live in the oracle script; take the two functions without
    # running its data loading.
    src = open(os.path.join(ROOT, "tests", "oracles", "timeseries.py")).read()
    ns = {"np": np, "math": math}
    from scipy.stats import norm
    ns["norm"] = norm
    for name, stop in (("def variance_ratio", "\nvr = []"), ("def rescaled_range", "\ndef expected_rs")):
        start = src.index(name)
        exec(src[start:src.index(stop, start)], ns)
    return ns["variance_ratio"], ns["rescaled_range"]


def main():
    deno = {name.split(":")[0]: ms for name, ms in deno_bench_ms("bench/timeseries_bench.ts").items()}
    with open(os.path.join(ROOT, "bench", ".out", "timeseries_bench.json")) as f:
        data = json.load(f)
    logp = np.array(data["inputs"]["logPrices"]).T
    spread = np.array(data["inputs"]["spread"])
    btc = logp[:, 0]
    rets = np.diff(btc)
    res = data["results"]
    variance_ratio, rescaled_range = load_oracle_functions()

    def half_life():
        fit = sm.OLS(np.diff(spread), sm.add_constant(spread[:-1])).fit()
        return [math.log(0.5) / math.log(1 + fit.params[1]), fit.params[1], fit.tvalues[1]]

    def hurst():
        sizes, rs = rescaled_range(rets, 8, len(rets) // 2)
        return [sm.OLS(np.log(rs), sm.add_constant(np.log(sizes))).fit().params[1], *rs]

    rows = [
        ("johansen", lambda: coint_johansen(logp, 0, 2),
         lambda r: np.r_[r.lr1, r.lr2], res["johansenTrace"] + res["johansenMaxEigen"]),
        ("halfLife", half_life, np.array, res["halfLife"]),
        ("varianceRatio", lambda: variance_ratio(btc, 24),
         lambda r: np.array([r["ratio"], r["statistic"], r["pValue"]]), res["varianceRatio"]),
        ("hurst", hurst, np.array, res["hurst"]),
    ]
    print(f"{'statistic':<15}{'deno ms':>10}{'python ms':>11}{'ratio':>8}  max |diff|")
    for name, fn, to_array, ours in rows:
        ms, out = timed(fn, 20)
        diff = float(np.max(np.abs(to_array(out) - np.array(ours))))
        print(f"{name:<15}{deno[name]:>10.3f}{ms:>11.3f}{ms / deno[name]:>7.1f}x  {diff:.2e}")


if __name__ == "__main__":
    main()
