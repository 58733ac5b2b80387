/**
 * The tear sheet's performance metrics (lib/backtest/metrics) against pandas 1.5.3 / numpy
 * 1.24.2 / statsmodels 0.13.5 (tests/oracles/tear_sheet.py, run with the Debian
 * /usr/bin/python3) on a real backtest: the 126-pair NFI hourly universe, a 24h momentum
 * long-short (10 long, 10 short, 5% each) with Binance taker fees (0.1%) through backtestWeights. The net
 * returns are computed here and handed to the oracle in a temporary file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { rankFirst } from "@lib/backtest/rank_first.ts";
import {
  calendarReturns,
  drawdowns,
  performanceSummary,
  rollingRisk,
  topDrawdowns,
} from "@lib/backtest/metrics/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadNfiSignals } from "../research/_nfi_signals.ts";

const HOUR = 3_600_000;
const WINDOW = 720;

function momentumTargets(close: readonly Float64Array[], T: number): Float64Array[] {
  const N = close.length;
  const w = close.map(() => new Float64Array(T));
  const ratio = new Float64Array(N), ranks = new Float64Array(N);
  for (let t = 24; t < T; t++) {
    let count = 0;
    for (let a = 0; a < N; a++) {
      ratio[a] = close[a]![t]! / close[a]![t - 24]!;
      if (ratio[a] === ratio[a]) count++;
    }
    if (count < 20) continue;
    rankFirst(ratio, ranks);
    for (let a = 0; a < N; a++) {
      const r = ranks[a]!;
      if (r <= 10) w[a]![t] = -0.05;
      else if (r > count - 10) w[a]![t] = 0.05;
    }
  }
  return w;
}

function close(a: number, b: number | null | undefined, tol: number, what: string) {
  if (b === null || b === undefined) {
    assert.ok(!Number.isFinite(a), `${what}: oracle undefined, got ${a}`);
    return;
  }
  assert.ok(
    Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)),
    `${what}: ${a} vs pandas ${b}`,
  );
}

function closeAll(a: ArrayLike<number>, b: (number | null)[], tol: number, what: string) {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) close(a[i]!, b[i], tol, `${what}[${i}]`);
}

realDataTest("tear sheet metrics = pandas on a real momentum backtest's net returns", async () => {
  const s = loadNfiSignals();
  const T = s.length;
  const index = Float64Array.from({ length: T }, (_, t) => s.firstTs + t * HOUR);
  const res = backtestWeights(
    { close: s.close, index, assets: s.assets },
    momentumTargets(s.close, T),
    {
      costs: [feeCost({ venue: "binance" })],
    },
  );
  const btcClose = s.close[s.assets.indexOf("BTCUSDT")]!;
  const btc = Float64Array.from(btcClose, (c, t) => (t === 0 ? NaN : c / btcClose[t - 1]! - 1));
  const dir = await Deno.makeTempDir();
  try {
    const input = join(dir, "in.json"), output = join(dir, "out.json");
    await Deno.writeTextFile(
      input,
      JSON.stringify({
        index: [...index],
        returns: [...res.net],
        benchmark: [...btc].map((v) => (Number.isFinite(v) ? v : null)),
        barMs: HOUR,
        window: WINDOW,
      }),
    );
    const py = await new Deno.Command("/usr/bin/python3", {
      args: [new URL("../oracles/tear_sheet.py", import.meta.url).pathname, input, output],
      stderr: "piped",
    }).output();
    assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
    const o = JSON.parse(await Deno.readTextFile(output));

    const sum = performanceSummary(res.net, index, HOUR, { benchmark: btc });
    assert.equal(sum.periodsPerYear, 8760);
    for (
      const k of [
        "years",
        "totalReturn",
        "cagr",
        "volatility",
        "sharpe",
        "sortino",
        "calmar",
        "maxDrawdown",
        "maxDrawdownDurationMs",
        "longestDrawdownMs",
        "skew",
        "kurtosis",
        "valueAtRisk",
        "conditionalValueAtRisk",
        "hitRate",
        "bestDay",
        "worstDay",
        "bestMonth",
        "worstMonth",
        "beta",
        "alpha",
      ] as const
    ) close(sum[k], o[k], 1e-9, k);
    assert.ok(sum.maxDrawdown < -0.05, "a real strategy has a real drawdown");

    const dd = drawdowns(res.net, index, HOUR);
    assert.equal(dd.episodes.length, o.episodes);
    closeAll(dd.underwater, o.underwater, 1e-9, "underwater");
    const top = topDrawdowns(dd, 5);
    assert.equal(top.length, o.top5.length);
    top.forEach((e, i) => {
      const p = o.top5[i];
      assert.deepEqual(
        [e.peakPoint, e.troughPoint, e.recoveryPoint, e.bars, e.durationMs],
        [p.peakPoint, p.troughPoint, p.recoveryPoint, p.bars, p.durationMs],
        `top drawdown ${i}`,
      );
      close(e.depth, p.depth, 1e-9, `top drawdown ${i} depth`);
    });

    closeAll(calendarReturns(res.net, index, "day").returns, o.days, 1e-9, "daily returns");
    closeAll(calendarReturns(res.net, index, "month").returns, o.months, 1e-9, "monthly returns");
    closeAll(calendarReturns(res.net, index, "year").returns, o.years_, 1e-9, "yearly returns");
    const roll = rollingRisk(res.net, WINDOW, 8760);
    closeAll(roll.volatility, o.rollingVolatility, 1e-8, "rolling volatility");
    closeAll(roll.sharpe, o.rollingSharpe, 1e-8, "rolling Sharpe");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
