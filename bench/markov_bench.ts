/**
 * Markov-switching regression (switching mean and variance, 2 and 3 states) on 5,000 real BTC
 * hourly percent log returns (NFI BTC_USDT-1h, consecutive hours; the file's gaps dropped).
 *
 *   deno bench -A bench/markov_bench.ts
 *   /usr/bin/python3 bench/markov_peer.py   # statsmodels MarkovRegression on the same returns
 *
 * On load the bench writes the returns and its log-likelihoods to bench/.out/ (git-ignored) so
 * the peer fits exactly the same numbers and can compare the optimum reached.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/formats/freqtrade_json.ts";
import { fitMarkovRegression } from "@lib/materialize/regimes/markov_regression.ts";

const N = 5000;
const real = Deno.env.get("CRYPTOLAB_REAL_DATA") ??
  new URL("../../shared/data/real", import.meta.url).pathname;
const p = parseFreqtradeJson(
  readFileSync(
    join(real, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h", "BTC_USDT-1h.json"),
    "utf8",
  ),
);
const ret: number[] = [];
for (let i = 1; i < p.n && ret.length < N; i++) {
  if (p.ts[i]! - p.ts[i - 1]! === 3_600_000) {
    ret.push(100 * Math.log(p.close[i]! / p.close[i - 1]!));
  }
}
const y = Float64Array.from(ret);
const out = new URL("./.out/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}markov_y.f64`, new Uint8Array(y.buffer));
const llf: Record<string, number> = {};
for (const k of [2, 3]) {
  llf[`k${k} default`] = fitMarkovRegression(y, { k }).logLikelihood;
  llf[`k${k} one start`] = fitMarkovRegression(y, { k, starts: 1, polish: 1 }).logLikelihood;
}
writeFileSync(`${out}markov_llf.json`, JSON.stringify({ n: y.length, llf }));

for (const k of [2, 3]) {
  Deno.bench({
    name: `markov k=${k}, 6 starts (default)`,
    n: 5,
    warmup: 1,
    fn: () => void fitMarkovRegression(y, { k }),
  });
  Deno.bench({
    name: `markov k=${k}, 1 start`,
    n: 5,
    warmup: 1,
    fn: () => void fitMarkovRegression(y, { k, starts: 1, polish: 1 }),
  });
}
