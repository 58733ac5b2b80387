/**
 * PBO by CSCV with S = 16 (all 12,870 splits) on 1,000 trials x 5,000 bars of seeded normal
 * returns (a weak planted edge in every 50th trial).
 *
 *   deno bench -A bench/pbo_bench.ts
 *   /usr/bin/python3 bench/pbo_peer.py   # the same inputs through numpy, with ratios
 *
 * On load the bench writes its inputs (trial-major float64) and its logits to bench/.out/
 * (git-ignored) so the peer compares results on exactly the same numbers.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { probabilityOfBacktestOverfitting } from "@lib/stats/probability_of_backtest_overfitting.ts";
import { createRng } from "@lib/stats/rng.ts";

const N = 1000, T = 5000;
const rng = createRng(2026);
const flat = new Float64Array(N * T);
for (let n = 0; n < N; n++) {
  const edge = n % 50 === 0 ? 0.002 : 0;
  for (let t = 0; t < T; t++) flat[n * T + t] = edge + 0.01 * rng.normal();
}
const trials = Array.from({ length: N }, (_, n) => flat.subarray(n * T, (n + 1) * T));
const out = new URL("./.out/", import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const result = probabilityOfBacktestOverfitting(trials, { blocks: 16 });
writeFileSync(`${out}pbo_returns.f64`, new Uint8Array(flat.buffer));
writeFileSync(`${out}pbo_deno_logits.f64`, new Uint8Array(result.logits.buffer));
writeFileSync(
  `${out}pbo_shape.json`,
  JSON.stringify({ trials: N, rows: T, blocks: 16, pbo: result.pbo, splits: result.splits }),
);

Deno.bench(`PBO CSCV, S = 16 (12,870 splits), ${N} trials x ${T} bars`, { n: 5 }, () => {
  probabilityOfBacktestOverfitting(trials, { blocks: 16 });
});
