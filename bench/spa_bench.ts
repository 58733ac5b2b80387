/**
 * Hansen's SPA with 1,000 stationary-bootstrap replications on 500 trials x 5,000 bars (seeded
 * normal returns against a benchmark), at mean block lengths 10 and 1 (1 is the worst case for
 * the run-sum kernel: every resampled row starts a new run, as the i.i.d. bootstrap).
 *
 *   deno bench -A bench/spa_bench.ts
 *   /usr/bin/python3 bench/spa_peer.py   # the same inputs and indices through numpy
 *
 * On load the bench writes its inputs (trial-major float64), the block-10 indices (int32) and its
 * p-values to bench/.out/ (git-ignored) so the peer computes on exactly the same numbers.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { superiorPredictiveAbility } from "@lib/stats/superior_predictive_ability.ts";
import { stationaryBootstrap } from "@lib/stats/stationary_bootstrap.ts";
import { createRng } from "@lib/stats/rng.ts";

const K = 500, T = 5000, B = 1000;
const rng = createRng(2005);
const bench = Float64Array.from({ length: T }, () => 0.01 * rng.normal());
const flat = new Float64Array(K * T);
for (let k = 0; k < K; k++) {
  for (let t = 0; t < T; t++) flat[k * T + t] = bench[t]! + 0.01 * rng.normal();
}
const trials = Array.from({ length: K }, (_, k) => flat.subarray(k * T, (k + 1) * T));
const idx10 = stationaryBootstrap(T, { blockLength: 10, replications: B, seed: 1 });
const idx1 = stationaryBootstrap(T, { blockLength: 1, replications: B, seed: 1 });
const result = superiorPredictiveAbility(trials, bench, { indices: idx10 });
const out = new URL("./.out/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
writeFileSync(`${out}spa_trials.f64`, new Uint8Array(flat.buffer));
writeFileSync(`${out}spa_bench.f64`, new Uint8Array(bench.buffer));
writeFileSync(`${out}spa_indices.i32`, new Uint8Array(idx10.indices.buffer));
writeFileSync(
  `${out}spa_shape.json`,
  JSON.stringify({
    trials: K,
    rows: T,
    replications: B,
    pValues: result.pValues,
    statistic: result.statistic,
  }),
);

Deno.bench(`SPA, ${B} replications, ${K} trials x ${T} bars, block 10`, { n: 3 }, () => {
  superiorPredictiveAbility(trials, bench, { indices: idx10 });
});
Deno.bench(`SPA, ${B} replications, ${K} trials x ${T} bars, block 1`, { n: 3 }, () => {
  superiorPredictiveAbility(trials, bench, { indices: idx1 });
});
