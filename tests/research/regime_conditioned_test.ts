/**
 * regimeConditioned against numpy/pandas/statsmodels on the same resamples
 * (tests/oracles/regime_conditioned.py: BTC hourly 24h-momentum returns conditioned on a
 * volatility tertile; indices redrawn in Python with an independent implementation of our
 * generator; statsmodels 0.13.5 multipletests fdr_bh), plus planted-effect and causality checks.
 */
import assert from "node:assert/strict";
import { laggedStates, regimeConditioned } from "@lib/research/regime_conditioned.ts";
import { createRng } from "@lib/stats/rng.ts";

// deno-lint-ignore no-explicit-any
const O: any = JSON.parse(
  Deno.readTextFileSync(new URL("../oracles/regime_conditioned.json", import.meta.url)),
);
const values = Float64Array.from(O.values as (number | null)[], (v) => v ?? NaN);
const state = Int8Array.from(O.state as string, (c) => (c === "x" ? -1 : Number(c)));

for (const kind of ["mean", "sharpe"] as const) {
  Deno.test(`regimeConditioned (${kind}) equals numpy on the same stationary-bootstrap resamples`, () => {
    const r = regimeConditioned(values, state, {
      labels: ["low", "mid", "high"],
      statistic: kind,
      blockLength: 24,
      replications: 400,
      seed: 7,
    });
    assert.equal(r.kept, O.kept);
    const rows = [...r.regimes, r.all];
    (O[kind] as Record<string, number>[]).forEach((want, g) => {
      const got = rows[g]!;
      assert.equal(got.n, want.n);
      const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1e-12, Math.abs(b));
      assert.ok(
        rel(got.estimate, want.estimate!),
        `${kind}[${g}] estimate ${got.estimate} vs ${want.estimate}`,
      );
      assert.ok(rel(got.lower, want.lower!), `${kind}[${g}] lower ${got.lower} vs ${want.lower}`);
      assert.ok(rel(got.upper, want.upper!), `${kind}[${g}] upper`);
      assert.equal(got.pValue, want.pValue, `${kind}[${g}] p`);
      if (g < 3) {
        assert.ok(
          Math.abs(got.adjustedPValue - want.adjustedPValue!) < 1e-15,
          `${kind}[${g}] adjusted`,
        );
      }
    });
  });
}

Deno.test("regimeConditioned finds a planted edge in one regime and none in the others", () => {
  const rng = createRng(11);
  const n = 6000;
  // regimes persist (spells of 50-250 rows), the edge lives in regime 2 only
  const st = new Int8Array(n);
  let s = 0;
  for (let t = 0; t < n; t++) {
    if (rng.next() < 1 / 150) s = rng.int(3);
    st[t] = s;
  }
  const x = Float64Array.from(st, (g) => (g === 2 ? 0.15 : 0) + rng.normal());
  const r = regimeConditioned(x, st, { labels: ["a", "b", "c"], replications: 500 });
  assert.ok(r.regimes[2]!.significant, JSON.stringify(r.regimes[2]));
  assert.ok(!r.regimes[0]!.significant && !r.regimes[1]!.significant);
  assert.ok(r.regimes[2]!.lower > 0 && r.regimes[0]!.lower < 0 && r.regimes[0]!.upper > 0);
  // adjusted p-values are never below the raw ones
  for (const g of r.regimes) assert.ok(g.adjustedPValue >= g.pValue);
});

Deno.test("regimeConditioned: small regimes are not tested; lagged states are causal; errors", () => {
  const n = 400;
  const st = Int8Array.from({ length: n }, (_, t) => (t < 10 ? 1 : 0));
  const x = Float64Array.from({ length: n }, (_, t) => Math.sin(t));
  const r = regimeConditioned(x, st, { labels: ["a", "b"], replications: 50 });
  assert.ok(Number.isNaN(r.regimes[1]!.estimate) && Number.isNaN(r.regimes[1]!.adjustedPValue));
  assert.equal(r.regimes[1]!.significant, false);
  assert.deepEqual([...laggedStates(Int8Array.of(2, 0, 1), 2)], [-1, -1, 2]);
  assert.throws(() => regimeConditioned(x, st.slice(1), { labels: ["a"] }), /align them first/);
  assert.throws(
    () => regimeConditioned(x.slice(0, 10), st.slice(0, 10), { labels: ["a", "b"] }),
    /need at least 16/,
  );
});
