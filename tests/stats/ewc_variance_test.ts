/**
 * The equal-weighted cosine (EWC) long-run variance and t-test against tests/oracles/ewc.py
 * (numpy 1.24.2 cosine matrix, scipy 1.10.1 `stats.t.sf`), and icSummary's calibrated p-value
 * (its default nu, NaN values dropped) against the same reference.
 */
import assert from "node:assert/strict";
import { ewcDefaultDf, ewcLongRunVariance } from "@lib/stats/ewc_variance.ts";
import { icSummary } from "@lib/research/ic_summary.ts";

const oracle = JSON.parse(Deno.readTextFileSync(new URL("../oracles/ewc.json", import.meta.url)));

function close(a: number, b: number, tol: number, what: string) {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

for (const key of ["ar1", "ma3"]) {
  Deno.test(`ewcLongRunVariance equals numpy's cosine projection (${key})`, () => {
    const o = oracle[key];
    const r = ewcLongRunVariance(Float64Array.from(o.x as number[]), o.nu);
    assert.equal(r.df, o.nu);
    close(r.mean, o.mean, 1e-13, "mean");
    close(r.longRunVariance, o.longRunVariance, 1e-10, "Omega");
    close(r.tStat, o.tStat, 1e-10, "t");
  });
}

Deno.test("icSummary's EWC t and p (default nu with horizon 4, NaN dropped) equal scipy", () => {
  const o = oracle.icSummary;
  const ic = Float64Array.from(o.ic as (number | null)[], (v) => v ?? NaN);
  const s = icSummary(ic, { horizon: o.horizon });
  assert.equal(s.ewcDf, o.df);
  close(s.tStatEwc, o.tStat, 1e-10, "t EWC");
  close(s.pValueEwc, o.pValue, 1e-9, "p EWC");
  // an explicit nu is used as given
  assert.equal(icSummary(ic, { horizon: 4, ewcDf: 7 }).ewcDf, 7);
  assert.throws(() => icSummary(ic, { ewcDf: 0 }), /ewcDf must be an integer >= 1, got 0/);
});

Deno.test("ewcDefaultDf: Lazarus-Lewis-Stock-Watson rule 0.4 n^(2/3), capped, at least 1", () => {
  assert.equal(ewcDefaultDf(1000), 40);
  assert.equal(ewcDefaultDf(400, 400 / 16), 21);
  assert.equal(ewcDefaultDf(400, 400 / 32), 12);
  assert.equal(ewcDefaultDf(3), 1);
  assert.throws(() => ewcLongRunVariance([1, 2, 3], 3), /nu must be below n \(3\)/);
  assert.throws(() => ewcLongRunVariance([1, 2, 3], 0), /nu must be an integer >= 1/);
});
