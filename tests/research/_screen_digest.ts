/**
 * Helpers of the screenPairs identity tests that read no files and no environment (the
 * no-permission child process uses them too): a digest of every output bit of a screen, its
 * first rows, and seeded random-walk universes of any size.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ScreenedPair, ScreenPairsResult } from "@lib/research/pairs/screen_pairs.ts";
import { createRng } from "@lib/stats/rng.ts";

/** `count` independent seeded random walks of `n` bars (some with gaps): a universe of any size. */
export function simulatedUniverse(
  count: number,
  n: number,
): { series: Float64Array[]; names: string[] } {
  const rng = createRng(29);
  const series = Array.from({ length: count }, (_, a) => {
    const s = new Float64Array(n);
    for (let t = 1; t < n; t++) s[t] = s[t - 1]! + 0.01 * rng.normal();
    if (a % 5 === 2) s.fill(NaN, 0, 50 + a);
    return s;
  });
  return { series, names: series.map((_, i) => `W${i}`) };
}

/** The numeric outputs of a screened pair, in a fixed order. */
function numbers(p: ScreenedPair): number[] {
  return [
    p.statistic,
    p.pValue,
    p.adjustedPValue,
    p.hedgeRatio,
    p.intercept,
    p.halfLife,
    p.returnCorrelation,
    p.nobs,
    p.usedLag,
  ];
}

/** SHA-256 over every output of a run, in order, numbers as their float64 bytes. */
export function digest(r: ScreenPairsResult): string {
  const h = createHash("sha256");
  const f = new Float64Array(1);
  h.update(
    JSON.stringify([r.tested, r.skipped, r.stationaryAssets, r.rejectedAtAlpha, r.fdr, r.alpha]),
  );
  for (const p of r.pairs) {
    h.update(`${p.y}|${p.x}|${p.yIndex}|${p.xIndex}|`);
    for (const v of numbers(p)) {
      f[0] = v;
      h.update(new Uint8Array(f.buffer));
    }
  }
  return h.digest("hex");
}

/** The first `k` pairs as plain rows, for a readable comparison when the digest differs. */
export function head(r: ScreenPairsResult, k = 25): unknown[] {
  return r.pairs.slice(0, k).map((p) => [p.y, p.x, ...numbers(p)]);
}
