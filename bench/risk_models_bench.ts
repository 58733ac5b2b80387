/**
 * Risk models on the 126-asset NFI hourly universe (126 x 5,493 log returns, NaN across gaps and
 * before late listings), built as tests/oracles/risk_models.py builds them:
 *
 * - `ledoitWolf` / `oas` on the rows where all 126 assets trade (1,215 x 126), and on the 100
 *   assets with a full history (5,474 x 100);
 * - `ledoitWolfConstantCorrelation` on the latter;
 * - `sampleCovariance` (pairwise-complete) and `ewmaCovariance` (half-life 168 h, last hour) on
 *   the whole 126 x 5,493 panel, and `ewmaCovariancePath` at every 24th hour (229 matrices).
 *
 *   deno bench -A bench/risk_models_bench.ts
 *   /usr/bin/python3 bench/risk_models_peer.py   # side by side with sklearn / pandas, ratios
 *
 * With CRYPTOLAB_BENCH_OUT set, also writes the results to that folder (raw little-endian
 * float64, row-major N x N) so the peer script can report the largest difference.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  ewmaCovariance,
  ewmaCovariancePath,
  ledoitWolf,
  ledoitWolfConstantCorrelation,
  oas,
  sampleCovariance,
} from "@lib/portfolio/mod.ts";
import { nfiReturns } from "../tests/portfolio/_risk_data.ts";

const all = nfiReturns().columns;
/** Assets missing only the 18 hours every asset misses (and at most one more). */
const full = all.filter((c) => c.reduce((s, v) => s + (Number.isFinite(v) ? 0 : 1), 0) <= 19);
const PATH_ROWS = Array.from({ length: Math.ceil(all[0]!.length / 24) }, (_, i) => i * 24);

const out = Deno.env.get("CRYPTOLAB_BENCH_OUT");
if (out) {
  mkdirSync(out, { recursive: true });
  const save = (name: string, m: readonly Float64Array[]) => {
    const buf = new Float64Array(m.length * m.length);
    m.forEach((row, i) => buf.set(row, i * m.length));
    writeFileSync(join(out, `${name}.f64`), new Uint8Array(buf.buffer));
  };
  save("lw_all", ledoitWolf(all).covariance);
  save("lw_full", ledoitWolf(full).covariance);
  save("oas_full", oas(full).covariance);
  save("sample", sampleCovariance(all));
  save("ewma", ewmaCovariance(all, { halfLife: 168 }));
  writeFileSync(join(out, "full_count.txt"), `${full.length}`);
}

Deno.bench({
  name: "ledoitWolf, all 126 assets, complete rows",
  group: "shrinkage",
  warmup: 3,
  n: 20,
  fn() {
    ledoitWolf(all);
  },
});

Deno.bench({
  name: `ledoitWolf, ${full.length} full-history assets, complete rows`,
  group: "shrinkage",
  warmup: 3,
  n: 20,
  fn() {
    ledoitWolf(full);
  },
});

Deno.bench({
  name: `oas, ${full.length} full-history assets, complete rows`,
  group: "shrinkage",
  warmup: 3,
  n: 20,
  fn() {
    oas(full);
  },
});

Deno.bench({
  name: `ledoitWolfConstantCorrelation, ${full.length} full-history assets, complete rows`,
  group: "shrinkage",
  warmup: 2,
  n: 10,
  fn() {
    ledoitWolfConstantCorrelation(full);
  },
});

Deno.bench({
  name: "sampleCovariance pairwise 126 x 5,493",
  group: "pairwise",
  warmup: 2,
  n: 10,
  fn() {
    sampleCovariance(all);
  },
});

Deno.bench({
  name: "ewmaCovariance half-life 168, last hour, 126 x 5,493",
  group: "pairwise",
  warmup: 2,
  n: 10,
  fn() {
    ewmaCovariance(all, { halfLife: 168 });
  },
});

Deno.bench({
  name: "ewmaCovariancePath half-life 168, every 24th hour, 126 x 5,493",
  group: "pairwise",
  warmup: 1,
  n: 3,
  fn() {
    ewmaCovariancePath(all, { halfLife: 168, rows: PATH_ROWS });
  },
});
