/**
 * The time-series statistics on real hourly log prices (BTC, ETH, LTC, BNB; the first 9,000
 * consecutive hours where all four trade): johansen (4 series, detOrder 0, kArDiff 2), halfLife
 * of the log BTC - beta log ETH spread, varianceRatio (q = 24) and hurst on log BTC.
 *
 *   deno bench -A bench/timeseries_bench.ts
 *   /usr/bin/python3 bench/timeseries_peer.py   # side by side with statsmodels / numpy
 *
 * On load it writes its inputs and results to bench/.out/timeseries_bench.json so the peer runs
 * on exactly the same numbers and can report the largest difference.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { johansen } from "@lib/stats/johansen.ts";
import { halfLife } from "@lib/stats/half_life.ts";
import { varianceRatio } from "@lib/stats/variance_ratio.ts";
import { hurst } from "@lib/stats/hurst.ts";
import { leastSquares } from "@lib/stats/least_squares.ts";
import { loadLogPriceWindow, WINDOW_ASSETS } from "../tests/stats/_timeseries_window.ts";

const N = 9000;
const w = loadLogPriceWindow(N);
const cols = WINDOW_ASSETS.map((a) => w.logPrices[a]!);
const btc = w.logPrices.BTC!, eth = w.logPrices.ETH!;
const beta = leastSquares([new Float64Array(N).fill(1), eth], btc)!.coef[1]!;
const spread = btc.map((b, i) => b - beta * eth[i]!);
const rets = new Float64Array(N - 1);
for (let i = 0; i < N - 1; i++) rets[i] = btc[i + 1]! - btc[i]!;

const jo = johansen(cols, { detOrder: 0, kArDiff: 2 });
const hl = halfLife(spread);
const vr = varianceRatio(btc, { lags: 24 });
const hu = hurst(rets);
const out = new URL("./.out/", import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL("timeseries_bench.json", out),
  JSON.stringify({
    inputs: { logPrices: cols.map((c) => Array.from(c)), spread: Array.from(spread) },
    results: {
      johansenTrace: Array.from(jo.trace),
      johansenMaxEigen: Array.from(jo.maxEigen),
      halfLife: [hl.halfLife, hl.lambda, hl.tStat],
      varianceRatio: [vr.ratio, vr.statistic, vr.pValue],
      hurst: [hu.hurst, ...hu.rescaledRange],
    },
  }),
);

Deno.bench("johansen: 4 series x 9,000 hours, detOrder 0, kArDiff 2", () => {
  johansen(cols, { detOrder: 0, kArDiff: 2 });
});
Deno.bench("halfLife: 9,000-hour spread", () => {
  halfLife(spread);
});
Deno.bench("varianceRatio: 9,000 hours, lags 24, robust", () => {
  varianceRatio(btc, { lags: 24 });
});
Deno.bench("hurst: 8,999 returns, R/S chunks 8..4096", () => {
  hurst(rets);
});
