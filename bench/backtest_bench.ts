/**
 * backtestWeights on the 126-pair NFI hourly panel (126 x 5,493) with every cost model that
 * applies to a CEX panel: 0.1% taker fees, half the Corwin-Schultz spread (48-bar window),
 * square-root impact (k = 1, 720-bar sigma and ADV) with its 10% participation cap on fills,
 * and funding (a synthetic 0.01% every 8 hours, as if every pair were a perp). The target is
 * long-only momentum: the 20 pairs of highest 24h close ratio, 5% each (ranks by rankFirst),
 * lag 1, rebalanced every bar. Two capitals: $1m, which runs to the last of the 5,493 bars, and
 * $10m, where the run is ruined at bar 4,159 (equity <= 0: fills capped at 10% of ADV leave the
 * book levered through the May 2021 crash) and the engine, the numpy peer and the pandas
 * reference all stop trading there. Cost inputs are built once, outside the timing (both sides
 * get the same arrays). The DEX pool cost does not apply to a CEX panel.
 *
 *   deno bench -A bench/backtest_bench.ts
 *   /usr/bin/python3 bench/backtest_peer.py   # side by side with the pandas reference of
 *                                             # tests/oracles/backtest_engine.py and a numpy loop
 *
 * With CRYPTOLAB_BENCH_OUT set, also writes the inputs and, per capital, the per-bar results
 * to that folder (raw little-endian float64, asset-major; results in `e1000000/` and
 * `e10000000/`) so the peer runs on the same inputs and reports the largest difference, and the
 * process's CPU time per run of each all-costs case (`cpu.json` in each).
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { join } from "node:path";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { estimatedSpreads } from "@lib/backtest/costs/estimated_spreads.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { fundingCost } from "@lib/backtest/costs/funding_cost.ts";
import { halfSpreadCost } from "@lib/backtest/costs/half_spread_cost.ts";
import { impactInputs } from "@lib/backtest/costs/impact_inputs.ts";
import { squareRootImpact } from "@lib/backtest/costs/square_root_impact.ts";
import { rankFirst } from "@lib/backtest/rank_first.ts";
import { realPath } from "../tests/_shared/real_data.ts";

const HOUR = 3_600_000;

function loadNfi() {
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const rows = files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as number[][]);
  let first = Infinity, last = -Infinity;
  for (const r of rows) {
    first = Math.min(first, r[0]![0]!);
    last = Math.max(last, r[r.length - 1]![0]!);
  }
  const T = (last - first) / HOUR + 1;
  const col = () => new Float64Array(T).fill(NaN);
  const high = rows.map(col), low = rows.map(col), close = rows.map(col), volume = rows.map(col);
  rows.forEach((r, a) => {
    for (const [ts, , h, l, c, v] of r) {
      const t = (ts! - first) / HOUR;
      high[a]![t] = h!;
      low[a]![t] = l!;
      close[a]![t] = c!;
      volume[a]![t] = v!;
    }
  });
  const index = Float64Array.from({ length: T }, (_, t) => first + t * HOUR);
  const assets = files.map((f) => f.split("-")[0]!.replace("_", ""));
  return { assets, index, high, low, close, volume, T };
}

const p = loadNfi();
const N = p.assets.length, T = p.T;

// long the 20 pairs of highest 24h close ratio, 5% each (ranks with rankFirst's tie rule);
// long-only, because a short through COCOS's 1:1000 redenomination gap (+97,700% at bar
// 1,274) or the 2021 alt-coin pumps ruins a long-short book and leaves nothing to time
const target = p.close.map(() => new Float64Array(T));
{
  const ratio = new Float64Array(N), ranks = new Float64Array(N);
  for (let t = 24; t < T; t++) {
    let m = 0;
    for (let a = 0; a < N; a++) {
      ratio[a] = p.close[a]![t]! / p.close[a]![t - 24]!;
      if (ratio[a] === ratio[a]) m++;
    }
    if (m < 20) continue;
    rankFirst(ratio, ranks);
    for (let a = 0; a < N; a++) if (ranks[a]! > m - 20) target[a]![t] = 0.05;
  }
}
const spreads = estimatedSpreads(p, { window: 48 });
const { sigma, adv: rawAdv } = impactInputs(p, { window: 720 });
// squareRootImpact's cap fills nothing where sigma is unknown (ADV is known one bar earlier at
// the end of each warm-up); the numpy peer caps on ADV alone, so it gets ADV masked the same way
// (the engine's result is the same with the raw ADV)
const adv = rawAdv.map((c, a) => c.map((x, t) => (sigma[a]![t]! === sigma[a]![t]! ? x : NaN)));
const funding = p.index.map((ts) => (ts % (8 * HOUR) === 0 ? 0.0001 : 0));
const rates = p.assets.map(() => funding);
const costs = [
  feeCost({ venue: "binance" }),
  halfSpreadCost({ spreads }),
  squareRootImpact({ sigma, adv, k: 1, participationCap: 0.1 }),
  fundingCost({ rates }),
];
/** The two capitals of the all-costs case: runs to the end, and ruined at bar 4,159. */
const CAPITALS = [1e6, 1e7] as const;
const run = (equity: number) => backtestWeights(p, target, { costs, initialEquity: equity });

const out = Deno.env.get("CRYPTOLAB_BENCH_OUT");
if (out) {
  mkdirSync(out, { recursive: true });
  const save = (name: string, cols: readonly ArrayLike<number>[]) => {
    const buf = new Float64Array(cols.length * T);
    cols.forEach((c, a) => buf.set(c, a * T));
    writeFileSync(join(out, `${name}.f64`), new Uint8Array(buf.buffer));
  };
  save("close", p.close);
  save("target", target);
  save("spread", spreads);
  save("sigma", sigma);
  save("adv", adv);
  save("funding", [funding]);
  writeFileSync(join(out, "shape.json"), JSON.stringify({ assets: N, bars: T }));
  for (const equity of CAPITALS) {
    const dir = join(out, `e${equity}`);
    mkdirSync(dir, { recursive: true });
    const res = run(equity);
    const saveIn = (name: string, cols: readonly ArrayLike<number>[]) =>
      save(join(`e${equity}`, name), cols);
    saveIn("net", [res.net]);
    saveIn("turnover", [res.turnover]);
    saveIn("costs", res.metadata.costNames.map((k) => res.costs[k]!));
    saveIn("weights", res.weights);
    saveIn("traded", res.traded);
    writeFileSync(join(dir, "ruin.json"), JSON.stringify({ ruinBar: res.metadata.ruinBar }));
    // the process's own CPU time per run (user + system, GC and compiler threads included): on
    // a machine shared with other jobs, wall time also measures them
    for (let i = 0; i < 20; i++) run(equity);
    const runs = 30, c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) run(equity);
    const c = process.cpuUsage(c0);
    writeFileSync(
      join(dir, "cpu.json"),
      JSON.stringify({ msPerRun: (c.user + c.system) / 1000 / runs }),
    );
  }
}

Deno.bench({
  name: "backtestWeights 126 x 5,493, fees + spread + impact (capped) + funding, $1m (to the end)",
  group: "backtest",
  warmup: 20,
  n: 50,
  fn() {
    run(1e6);
  },
});

Deno.bench({
  name: "backtestWeights 126 x 5,493, fees + spread + impact (capped) + funding, $10m (ruined)",
  group: "backtest",
  warmup: 20,
  n: 50,
  fn() {
    run(1e7);
  },
});

Deno.bench({
  name: "backtestWeights 126 x 5,493, fees only",
  group: "backtest",
  warmup: 20,
  n: 50,
  fn() {
    backtestWeights(p, target, { costs: [costs[0]!], initialEquity: 1e7 });
  },
});
