/**
 * Rolling 2-factor OLS (window 72) over the 126-asset hourly NFI universe (Binance spot,
 * 2020-12 -> 2021-07, 5,493 hours on one grid): every asset except BTC and ETH (124) regressed
 * on BTC and ETH log returns, as the factor model does.
 *
 *   deno bench -A bench/rolling_ols_bench.ts
 *   /usr/bin/python3 bench/rolling_ols_peer.py   # the same next to statsmodels RollingOLS
 *
 * The inputs are read from ../shared/data/real (or CRYPTOLAB_REAL_DATA) with lib/ingest's
 * freqtrade parser and lib/panel's logReturns. When CRYPTOLAB_ROLLING_OLS_OUT names a file, the
 * results (alpha, beta BTC, beta ETH, R² per asset, Float64 little-endian, asset-major) are
 * written there once, with the asset order in `<file>.json`, for the peer's comparison.
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { logReturns } from "@lib/panel/mod.ts";
import { rollingOls } from "@lib/stats/rolling_ols.ts";

const HOUR = 3_600_000;
const WINDOW = 72;
const DIR = join(
  Deno.env.get("CRYPTOLAB_REAL_DATA") ??
    join(decodeURIComponent(new URL("../../", import.meta.url).pathname), "shared", "data", "real"),
  "ohlcv",
  "binance_spot_2020-12_2021-07_nfi",
  "1h",
);

const files = readdirSync(DIR).filter((f) => f.endsWith("-1h.json")).sort();
const parsed = files.map((f) => parseFreqtradeJson(readFileSync(join(DIR, f), "utf8")));
let first = Infinity, last = -Infinity;
for (const p of parsed) {
  first = Math.min(first, p.ts[0]!);
  last = Math.max(last, p.ts[p.n - 1]!);
}
const n = (last - first) / HOUR + 1;
const returns = new Map<string, Float64Array>();
files.forEach((f, a) => {
  const p = parsed[a]!;
  const close = new Float64Array(n).fill(NaN);
  for (let i = 0; i < p.n; i++) close[(p.ts[i]! - first) / HOUR] = p.close[i]!;
  returns.set(f.replace("_USDT-1h.json", ""), logReturns(close));
});
const btc = returns.get("BTC")!, eth = returns.get("ETH")!;
const assets = [...returns.keys()].filter((a) => a !== "BTC" && a !== "ETH");
if (files.length !== 126 || n !== 5493) {
  throw new Error(
    `expected the 126 x 5,493 NFI hourly universe in ${DIR}, got ${files.length} x ${n}`,
  );
}

function runAll(causal: boolean) {
  return assets.map((a) => rollingOls(returns.get(a)!, [btc, eth], { window: WINDOW, causal }));
}

const out = Deno.env.get("CRYPTOLAB_ROLLING_OLS_OUT");
if (out) {
  const res = runAll(false);
  const buf = new Float64Array(assets.length * 4 * n);
  res.forEach((r, a) => {
    buf.set(r.alpha, (a * 4 + 0) * n);
    buf.set(r.betas[0]!, (a * 4 + 1) * n);
    buf.set(r.betas[1]!, (a * 4 + 2) * n);
    buf.set(r.rSquared, (a * 4 + 3) * n);
  });
  writeFileSync(out, new Uint8Array(buf.buffer));
  writeFileSync(`${out}.json`, JSON.stringify({ assets, n, firstTs: first, window: WINDOW }));
}

Deno.bench({
  name: `rollingOls ${assets.length} assets x ${n} 1h on BTC+ETH, window ${WINDOW}`,
  group: "rolling_ols",
  baseline: true,
  warmup: 3,
  n: 20,
  fn() {
    runAll(false);
  },
});

Deno.bench({
  name: `rollingOls causal ${assets.length} assets x ${n} 1h on BTC+ETH, window ${WINDOW}`,
  group: "rolling_ols",
  warmup: 3,
  n: 20,
  fn() {
    runAll(true);
  },
});
