/**
 * ADF with lag search on 1,000 real-derived series of 2,000 points (regression "c", autolag
 * "aic", statsmodels' default maxlag = 26), and Engle-Granger on pairs of them.
 *
 *   deno bench -A bench/adf_bench.ts
 *   /usr/bin/python3 bench/adf_peer.py   # the same inputs through statsmodels, with ratios
 *
 * Inputs: log closes of the 126-asset NFI hourly universe (../shared/data/real, Binance spot
 * 2020-12 -> 2021-07), consecutive candles, windows of 2,000 starting every 300 candles, taken
 * window by window across assets (sorted by file name) until there are 1,000. Pair i is
 * (series 2i, series 2i+1): two assets over (mostly) the same window. When ADF_BENCH_OUT is
 * set (the peer sets it), the inputs are written there as raw float64 (`adf_inputs.f64`, series
 * after series) with the Deno results (`adf_deno.json`) for the peer to compare.
 *
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFreqtradeJson } from "@lib/ingest/mod.ts";
import { adf } from "@lib/stats/adf.ts";
import { engleGranger } from "@lib/stats/engle_granger.ts";

const N_SERIES = 1000, LENGTH = 2000, STEP = 300, N_PAIRS = 500;
const NFI_1H = join(
  Deno.env.get("CRYPTOLAB_REAL_DATA") ??
    join(decodeURIComponent(new URL("../../", import.meta.url).pathname), "shared", "data", "real"),
  "ohlcv",
  "binance_spot_2020-12_2021-07_nfi",
  "1h",
);

function loadInputs(): Float64Array[] {
  const closes = readdirSync(NFI_1H).filter((f) => f.endsWith(".json")).sort().map((f) => {
    const p = parseFreqtradeJson(readFileSync(join(NFI_1H, f), "utf8"));
    if (p.problems.length > 0) throw new Error(`${f}: malformed rows`);
    return p.close;
  });
  const out: Float64Array[] = [];
  const maxLen = Math.max(...closes.map((c) => c.length));
  for (let off = 0; off + LENGTH <= maxLen && out.length < N_SERIES; off += STEP) {
    for (const c of closes) {
      if (off + LENGTH > c.length || out.length >= N_SERIES) continue;
      out.push(c.slice(off, off + LENGTH).map(Math.log));
    }
  }
  if (out.length < N_SERIES) throw new Error(`only ${out.length} windows in ${NFI_1H}`);
  return out;
}

const series = loadInputs();

function adfAll() {
  const stat = new Float64Array(N_SERIES), p = new Float64Array(N_SERIES);
  const lag = new Int32Array(N_SERIES);
  for (let i = 0; i < N_SERIES; i++) {
    const r = adf(series[i]!, { regression: "c", autolag: "aic" });
    stat[i] = r.statistic;
    p[i] = r.pValue;
    lag[i] = r.usedLag;
  }
  return { stat, p, lag };
}

function egAll(allowStationaryInputs: boolean) {
  const stat = new Float64Array(N_PAIRS), p = new Float64Array(N_PAIRS);
  let refused = 0;
  for (let i = 0; i < N_PAIRS; i++) {
    try {
      const r = engleGranger(series[2 * i]!, series[2 * i + 1]!, { allowStationaryInputs });
      stat[i] = r.statistic;
      p[i] = r.pValue;
    } catch (e) {
      // Both log-price windows reject a unit root at 1%: refused by design (counted).
      if (!(e instanceof RangeError)) throw e;
      stat[i] = p[i] = NaN;
      refused++;
    }
  }
  return { stat, p, refused };
}

const outDir = Deno.env.get("ADF_BENCH_OUT");
if (outDir) {
  const flat = new Float64Array(N_SERIES * LENGTH);
  series.forEach((s, i) => flat.set(s, i * LENGTH));
  writeFileSync(join(outDir, "adf_inputs.f64"), new Uint8Array(flat.buffer));
  const a = adfAll(), e = egAll(true);
  writeFileSync(
    join(outDir, "adf_deno.json"),
    JSON.stringify({
      nSeries: N_SERIES,
      length: LENGTH,
      nPairs: N_PAIRS,
      adf: { statistic: [...a.stat], pValue: [...a.p], usedLag: [...a.lag] },
      eg: { statistic: [...e.stat], pValue: [...e.p] },
      egRefusedByDefault: egAll(false).refused,
    }),
  );
}

Deno.bench({
  name: "adf 1,000 series x 2,000, regression c, autolag aic",
  group: "adf",
  warmup: 1,
  n: 5,
  fn() {
    adfAll();
  },
});

Deno.bench({
  name: "engleGranger 500 pairs x 2,000, trend c, autolag aic (allowStationaryInputs)",
  group: "eg",
  warmup: 1,
  n: 5,
  fn() {
    egAll(true);
  },
});

Deno.bench({
  name: "engleGranger 500 pairs x 2,000, default (with the stationary-input check)",
  group: "eg",
  warmup: 1,
  n: 5,
  fn() {
    egAll(false);
  },
});
