/**
 * walkForward on the 126-pair NFI hourly panel (126 x 5,493): 20 rolling folds (720 training
 * bars, then 20 test periods of 238 bars) x 50 parameter sets of a momentum long-short
 * strategy (lookback 6..720 bars x 3..20 names per side, ranks by rankFirst), 0.1% taker fees,
 * lag 1, Sharpe objective, `fast` mode (each set's targets and backtest computed once and read
 * by every fold; the chosen set of each fold checked for lookahead at the first, middle and
 * last bar of its test period, walkForward's "auto" on this panel). The goal of the issue is
 * under 10 s per walk-forward.
 *
 *   deno bench -A bench/walkforward_bench.ts
 *   deno run -A bench/walkforward_bench.ts   # one run: wall and CPU time, time in the strategy
 *
 * @module
 */
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { rankFirst } from "@lib/backtest/rank_first.ts";
import { paramGrid, walkForward } from "@lib/backtest/walk_forward.ts";
import { walkForwardSplits } from "@lib/backtest/walk_forward_splits.ts";
import type { Panel } from "@lib/panel/types.ts";
import process from "node:process";
import { momentum } from "@lib/research/signals/momentum.ts";
import { nfiPanel } from "../tests/research/_nfi_panel.ts";

const panel = nfiPanel();
const T = panel.index.length;

type Params = { lookback: number; top: number };

/**
 * Momentum ranks per bar (rankFirst: ascending, ties to the lower column; NaN unranked) and the
 * number of ranked names. Cached per data object and lookback: walkForward's fast mode hands
 * every parameter set the same data object, so the 5 sets sharing a lookback rank once.
 */
let rankCache = new WeakMap<Panel, Map<number, { ranks: Float64Array[]; count: Int32Array }>>();
function momentumRanks(data: Panel, lookback: number) {
  let byLookback = rankCache.get(data);
  if (byLookback === undefined) rankCache.set(data, byLookback = new Map());
  let hit = byLookback.get(lookback);
  if (hit !== undefined) return hit;
  const m = momentum(data, { lookback });
  const n = m.length, bars = data.index.length;
  const ranks = m.map(() => new Float64Array(bars));
  const count = new Int32Array(bars);
  const x = new Float64Array(n), r = new Float64Array(n);
  for (let t = 0; t < bars; t++) {
    let k = 0;
    for (let a = 0; a < n; a++) {
      x[a] = m[a]![t]!;
      if (x[a] === x[a]) k++;
    }
    count[t] = k;
    rankFirst(x, r);
    for (let a = 0; a < n; a++) ranks[a]![t] = r[a]!;
  }
  hit = { ranks, count };
  byLookback.set(lookback, hit);
  return hit;
}

/** Long the `top` best and short the `top` worst by trailing momentum, 50% gross per side. */
function momentumRank(params: Params, data: Panel): Float64Array[] {
  const { ranks, count } = momentumRanks(data, params.lookback);
  const bars = data.index.length, top = params.top;
  return ranks.map((rk) => {
    const out = new Float64Array(bars);
    for (let t = 0; t < bars; t++) {
      const k = count[t]!, q = rk[t]!;
      if (k < 2 * top) continue;
      if (q <= top) out[t] = -0.5 / top;
      else if (q > k - top) out[t] = 0.5 / top;
    }
    return out;
  });
}

const grid = paramGrid({
  lookback: [6, 12, 24, 48, 72, 96, 168, 336, 504, 720],
  top: [3, 5, 10, 15, 20],
});
const splits = walkForwardSplits({ bars: T, trainBars: 720, folds: 20 });
const fee = feeCost({ venue: "binance" });
// WF_LOOKAHEAD_BARS=k checks k bars of each test period instead of the default
const lookaheadBars = Deno.env.get("WF_LOOKAHEAD_BARS");
let strategyMs = 0, strategyCalls = 0;
const timedStrategy = (params: Params, data: Panel) => {
  const t0 = performance.now();
  const out = momentumRank(params, data);
  strategyMs += performance.now() - t0;
  strategyCalls++;
  return out;
};
const run = () => {
  rankCache = new WeakMap(); // every timed run ranks from scratch
  strategyMs = 0;
  strategyCalls = 0;
  return walkForward({
    ...(lookaheadBars === undefined ? {} : { lookaheadBars: Number(lookaheadBars) }),
    data: panel,
    strategy: timedStrategy,
    paramGrid: grid,
    splits,
    engineOptions: { costs: [fee] },
  });
};

if (import.meta.main) {
  // CPU time of this process as well as wall time: on a shared, loaded machine the wall time
  // measures the other processes too
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  console.log(
    JSON.stringify({
      case: `walkForward ${splits.length} folds x ${grid.length} sets, 126 x ${T}`,
      ms: Math.round(ms),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      strategyMs: Math.round(strategyMs),
      strategyCalls,
      loadAverage: Deno.loadavg()[0],
      oosSharpe: res.sharpe,
      chosen: res.folds.map((f) => f.chosen),
      lookahead: { checkedBars: res.lookahead.checkedBars, passed: res.lookahead.passed },
    }),
  );
} else {
  Deno.bench({
    name: `walkForward 20 folds x 50 parameter sets, 126 x ${T}, fees`,
    group: "walkforward",
    warmup: 1,
    n: 3,
    fn() {
      run();
    },
  });
}
