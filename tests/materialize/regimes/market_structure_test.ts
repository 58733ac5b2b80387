/**
 * Market-structure classes on the 126-pair NFI hourly panel against a textbook numpy/pandas
 * computation at every row (tests/oracles/market_structure.py: np.corrcoef, np.cov, pandas
 * rolling z-scores), plus a perturbation test.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import {
  MARKET_STRUCTURE_LABELS,
  marketStructure,
} from "@lib/materialize/regimes/market_structure.ts";
import { realDataTest, realPath } from "../../_shared/real_data.ts";
import { gridCloses } from "../../_shared/hourly_grid.ts";

// deno-lint-ignore no-explicit-any
const ORACLE: any = JSON.parse(
  Deno.readTextFileSync(new URL("../../oracles/market_structure.json", import.meta.url)),
);

let firstTs = 0;

function nfiReturns(): Float64Array[] {
  const dir = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
  const files = readdirSync(dir).filter((f) => f.endsWith("-1h.json")).sort();
  const g = gridCloses(files.map((f) => `${dir}/${f}`), files.map((f) => f.split("-")[0]!));
  firstTs = g.firstTs;
  return g.closes.map((c) => {
    const r = new Float64Array(c.length).fill(NaN);
    for (let t = 1; t < c.length; t++) r[t] = Math.log(c[t]! / c[t - 1]!);
    return r;
  });
}

let cached: Float64Array[] | null = null;
const panel = () => (cached ??= nfiReturns());

realDataTest(
  "market structure: features, z-scores and classes equal numpy/pandas on NFI 126 pairs",
  () => {
    const r = panel();
    assert.equal(r.length, ORACLE.assets);
    assert.equal(r[0]!.length, ORACLE.rows);
    const s = marketStructure(r);
    const close = (a: number, b: number | null, tol: number, what: string) => {
      if (b === null) assert.ok(Number.isNaN(a), `${what}: ${a}, expected NaN`);
      else assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    };
    for (
      const [t, row] of Object.entries(
        ORACLE.sample as Record<string, Record<string, number | null>>,
      )
    ) {
      const i = Number(t);
      close(s.dispersion[i]!, row.dispersion!, 1e-12, `dispersion[${t}]`);
      close(s.avgCorrelation[i]!, row.avgCorrelation!, 1e-10, `avgCorrelation[${t}]`);
      close(s.betaDispersion[i]!, row.betaDispersion!, 1e-10, `betaDispersion[${t}]`);
      close(s.marketVolatility[i]!, row.marketVolatility!, 1e-12, `marketVolatility[${t}]`);
      close(s.marketReturn[i]!, row.marketReturn!, 1e-12, `marketReturn[${t}]`);
      assert.equal(s.assets[i], ORACLE.eligible_sample[t]);
      const z = ORACLE.z_sample[t];
      close(s.z.avgCorrelation[i]!, z.avgCorrelation, 1e-7, `z corr[${t}]`);
      close(s.z.dispersion[i]!, z.dispersion, 1e-7, `z dispersion[${t}]`);
      close(s.z.betaDispersion[i]!, z.betaDispersion, 1e-7, `z beta[${t}]`);
    }
    assert.deepEqual(Array.from(s.classes), ORACLE.classes);
    // sanity: every class occurs, and the 2021-05-19 crash is risk-off
    const counts = MARKET_STRUCTURE_LABELS.map((_, c) => s.classes.filter((v) => v === c).length);
    assert.ok(counts.every((c) => c > 100), counts.join(","));
    const day = (Date.UTC(2021, 4, 19) - firstTs) / 3_600_000;
    const may19 = Array.from(s.classes.slice(day, day + 24));
    assert.ok(may19.includes(3), `2021-05-19: ${may19.join(",")}`);
  },
);

realDataTest("market structure: perturbation -- data after t moves nothing at or before t", () => {
  const r = panel();
  const base = marketStructure(r);
  for (const t of [2000, 4100]) {
    const q = r.map((x) => {
      const y = x.slice();
      for (let i = t + 1; i < y.length; i++) y[i] = -2 * y[i]! + 0.01;
      return y;
    });
    const moved = marketStructure(q);
    for (let i = 0; i <= t; i++) {
      assert.equal(moved.classes[i], base.classes[i], `class[${i}]`);
      assert.ok(Object.is(moved.avgCorrelation[i], base.avgCorrelation[i]));
      assert.ok(Object.is(moved.z.betaDispersion[i], base.z.betaDispersion[i]));
    }
    let diff = 0;
    for (let i = t + 1; i < base.classes.length; i++) {
      if (moved.classes[i] !== base.classes[i]) diff++;
    }
    assert.ok(diff > 0);
  }
});

Deno.test("market structure: usage errors name the option", () => {
  const r = Array.from({ length: 6 }, () => new Float64Array(50));
  assert.throws(() => marketStructure(r, { window: 2 }), /window must be an integer >= 3/);
  assert.throws(() => marketStructure(r.slice(0, 3)), /3 assets given, minAssets is 5/);
  assert.throws(() => marketStructure([...r, new Float64Array(4)]), /same length/);
});
