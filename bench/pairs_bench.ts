/**
 * Engle-Granger screening of every pair of the 126-asset NFI hourly universe (Binance spot,
 * 2020-12 -> 2021-07): 7,875 pairs, log closes, each pair on its common complete rows (up to
 * 5,482), ADF lag by AIC up to statsmodels' default maxlag, then Benjamini-Hochberg over all
 * pairs, half-lives and return correlations: `screenPairs` end to end.
 *
 *   deno bench -A bench/pairs_bench.ts
 *   /usr/bin/python3 bench/pairs_peer.py   # side by side with statsmodels coint, with ratios
 *
 * The universe is read from ../shared/data/real (or CRYPTOLAB_REAL_DATA) with lib/ingest's
 * freqtrade parser and placed on one hourly grid (NaN where a candle is missing). When
 * PAIRS_BENCH_OUT names a file, one screening run before the bench writes every pair's
 * p-value, statistic and hedge ratio there (the peer compares them with statsmodels), with the
 * wall and CPU time of a one-thread run (CPU time is what load from other processes inflates
 * least); that run also warms the JIT, which is why the bench itself runs few iterations.
 * Two benches: one thread (`workers: 1`) and every core (the default).
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import process from "node:process";
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";

const HOUR = 3_600_000;
const NFI_1H = join(
  Deno.env.get("CRYPTOLAB_REAL_DATA") ??
    join(decodeURIComponent(new URL("../../", import.meta.url).pathname), "shared", "data", "real"),
  "ohlcv",
  "binance_spot_2020-12_2021-07_nfi",
  "1h",
);

function loadUniverse(): { names: string[]; logPrices: Float64Array[] } {
  const files = readdirSync(NFI_1H).filter((f) => f.endsWith(".json")).sort();
  const parsed = files.map((f) => parseFreqtradeJson(readFileSync(join(NFI_1H, f), "utf8")));
  let first = Infinity, last = -Infinity;
  for (const p of parsed) {
    first = Math.min(first, p.ts[0]!);
    last = Math.max(last, p.ts[p.n - 1]!);
  }
  const n = (last - first) / HOUR + 1;
  const logPrices = parsed.map((p) => {
    const c = new Float64Array(n).fill(NaN);
    for (let i = 0; i < p.n; i++) c[(p.ts[i]! - first) / HOUR] = Math.log(p.close[i]!);
    return c;
  });
  return { names: files.map((f) => f.split("_")[0]!), logPrices };
}

const { names, logPrices } = loadUniverse();
if (names.length !== 126) {
  throw new Error(`${NFI_1H} should hold the 126 NFI hourly files, found ${names.length}`);
}

const out = Deno.env.get("PAIRS_BENCH_OUT");
if (out) {
  const t0 = performance.now();
  const r = screenPairs(logPrices, names);
  const ms = performance.now() - t0;
  const c0 = process.cpuUsage(), t1 = performance.now();
  screenPairs(logPrices, names, { workers: 1 });
  const cpu = process.cpuUsage(c0);
  writeFileSync(
    out,
    JSON.stringify({
      ms,
      oneThreadMs: performance.now() - t1,
      oneThreadCpuMs: (cpu.user + cpu.system) / 1000,
      cores: navigator.hardwareConcurrency,
      tested: r.tested,
      rejectedAtAlpha: r.rejectedAtAlpha,
      pairs: r.pairs.map((p) => [p.y, p.x, p.pValue, p.statistic, p.hedgeRatio, p.adjustedPValue]),
    }),
  );
}

for (const workers of [1, undefined]) {
  Deno.bench({
    name: `screenPairs: Engle-Granger + BH, all 7,875 pairs of 126 NFI assets (log closes, 1h), ${
      workers === 1 ? "one thread" : "every core"
    }`,
    group: "pairs",
    baseline: workers === 1,
    warmup: 1,
    n: 3,
    fn() {
      const r = screenPairs(logPrices, names, workers === undefined ? {} : { workers });
      if (r.tested !== 7875) throw new Error(`expected 7,875 tests, got ${r.tested}`);
    },
  });
}
