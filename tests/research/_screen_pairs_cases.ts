/**
 * The screenPairs runs whose complete outputs are pinned by tests/research/screen_pairs_reference.json
 * (written by the implementation before the speed-up, see `record` below): the whole NFI
 * universe with the defaults, a slice of it with every option varied, and simulated series with
 * gaps and a stationary asset. Each run is reduced to a digest of every output bit (SHA-256 of
 * the float64 bytes and strings, in order) plus the first pairs in full for a readable diff.
 *
 * Re-record (only when a change is MEANT to move results):
 *   deno run -A tests/research/_screen_pairs_cases.ts
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { screenPairs, type ScreenPairsResult } from "@lib/research/pairs/screen_pairs.ts";
import { createRng } from "@lib/stats/rng.ts";
import { logOf, nfiCloses } from "./_pairs_data.ts";
import { digest, head } from "./_screen_digest.ts";

export { digest, head };

/** One pinned run. */
export interface ScreenCase {
  readonly name: string;
  readonly run: () => ScreenPairsResult;
}

function simulated(): { series: Float64Array[]; names: string[] } {
  const rng = createRng(17);
  const n = 1200;
  const series: Float64Array[] = [];
  for (let a = 0; a < 9; a++) {
    const s = new Float64Array(n);
    for (let t = 1; t < n; t++) s[t] = s[t - 1]! + 0.01 * rng.normal();
    series.push(s);
  }
  let e = 0;
  series.push(series[0]!.map((v) => (e = 0.8 * e + 0.003 * rng.normal(), 0.2 + 1.1 * v + e)));
  series.push(Float64Array.from({ length: n }, () => 0.001 * rng.normal())); // a peg
  for (let t = 100; t < 160; t++) series[3]![t] = NaN; // a listing gap
  for (let t = 0; t < 300; t++) series[5]![t] = NaN; // a late listing
  series[7]![500] = NaN;
  return { series, names: series.map((_, i) => `S${i}`) };
}

/** The pinned runs (the NFI ones read ../shared/data/real). */
export function screenCases(): ScreenCase[] {
  let nfi: { logPrices: Float64Array[]; names: string[] } | null = null;
  const universe = () => {
    if (nfi === null) {
      const g = nfiCloses();
      nfi = { logPrices: g.closes.map(logOf), names: [...g.names] };
    }
    return nfi;
  };
  const slice = (k: number) => {
    const u = universe();
    return { logPrices: u.logPrices.slice(0, k), names: u.names.slice(0, k) };
  };
  return [
    {
      name: "nfi126 defaults",
      run: () => screenPairs(universe().logPrices, universe().names),
    },
    {
      name: "nfi24 bothDirections by",
      run: () => {
        const u = slice(24);
        return screenPairs(u.logPrices, u.names, { bothDirections: true, fdr: "by" });
      },
    },
    {
      name: "nfi16 ct bic maxlag 12",
      run: () => {
        const u = slice(16);
        return screenPairs(u.logPrices, u.names, { trend: "ct", autolag: "bic", maxlag: 12 });
      },
    },
    {
      name: "nfi12 n t-stat",
      run: () => {
        const u = slice(12);
        return screenPairs(u.logPrices, u.names, { trend: "n", autolag: "t-stat", maxPairs: 20 });
      },
    },
    {
      name: "nfi10 ctt no autolag maxlag 3",
      run: () => {
        const u = slice(10);
        return screenPairs(u.logPrices, u.names, { trend: "ctt", autolag: null, maxlag: 3 });
      },
    },
    {
      name: "simulated gaps and a peg",
      run: () => {
        const s = simulated();
        return screenPairs(s.series, s.names, { minOverlap: 200, bothDirections: true });
      },
    },
  ];
}

if (import.meta.main) {
  const out: Record<string, unknown> = {};
  for (const c of screenCases()) {
    const r = c.run();
    out[c.name] = { digest: digest(r), tested: r.tested, pairs: r.pairs.length, head: head(r) };
    console.log(c.name, r.tested, digest(r));
  }
  writeFileSync(
    new URL("./screen_pairs_reference.json", import.meta.url),
    JSON.stringify(out, null, 1) + "\n",
  );
}
