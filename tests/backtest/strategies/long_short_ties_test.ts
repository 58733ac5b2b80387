/**
 * longShort's tie rule: a fully tied cross-section holds no book, and tied values at a bucket
 * edge share the edge's slots, so column order never decides a position. Checked by hand, by
 * permuting columns, and against tests/oracles/long_short_ties.py (pandas
 * rank(method="first") books averaged over all 720 column orders, on discrete real-data
 * signals full of ties).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { LONG_SHORT_RULES, longShort } from "@lib/backtest/strategies/long_short.ts";

const at = (w: readonly Float64Array[], t: number) => w.map((c) => c[t]!);
const close = (a: readonly number[], b: readonly number[], tol = 1e-15) =>
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol, `${i}: ${x} vs ${b[i]}`));

Deno.test("longShort: a constant cross-section holds no book, under both weightings", () => {
  // 8 assets all at 1 (a constant signal file), then a bar with a spread
  const sig = Array.from({ length: 8 }, (_, a) => [1, 1, a === 3 ? 2 : 1]);
  for (const weighting of ["equal", "signal"] as const) {
    for (const net of [0, 0.2]) {
      const r = longShort(sig, { weighting, net });
      assert.deepEqual(at(r.weights, 0), new Array(8).fill(0), `${weighting} net ${net}`);
      assert.deepEqual(at(r.weights, 1), new Array(8).fill(0));
      assert.deepEqual([...r.tiedBars], [0, 1]);
      assert.equal(r.rankedBars, 3);
    }
  }
  // bar 2: one asset above seven tied ones; k = 1: a3 long, the seven share one short slot
  const w = at(longShort(sig).weights, 2);
  close(w, [-0.5 / 7, -0.5 / 7, -0.5 / 7, 0.5, -0.5 / 7, -0.5 / 7, -0.5 / 7, -0.5 / 7]);
  assert.ok(LONG_SHORT_RULES.some((r) => /all equal .* holds no book/.test(r)));
});

Deno.test("longShort: a tied group at the edge shares its slots; one across both edges nets out", () => {
  // k = 2 of 5: values 1, 2, 2, 2, 3: the 3 long, the 1 short, the three 2s each hold 1/3 of
  // a long and 1/3 of a short slot: 0 at net 0, so the bar's gross is 0.5
  const r = longShort([[3], [2], [1], [2], [2]], { quantile: 0.4 });
  close(at(r.weights, 0), [0.25, 0, -0.25, 0, 0]);
  // net 0.2: long slots 0.3, short slots 0.2: the 2s hold (0.3 - 0.2) / 3 each
  const n = longShort([[3], [2], [1], [2], [2]], { quantile: 0.4, net: 0.2 });
  close(at(n.weights, 0), [0.3, 0.1 / 3, -0.2, 0.1 / 3, 0.1 / 3], 1e-16);
  // a -1/0/1 signal: 2 at 1, 3 at 0, 1 at -1, k = 3 of 6: both 1s long at 0.5 / 3, the
  // third long slot shared by the three 0s, which also share two short slots
  const d = longShort([[1], [0], [-1], [0], [1], [0]], { quantile: 0.5 });
  const zero = (0.5 * 1 - 0.5 * 2) / (3 * 3);
  close(at(d.weights, 0), [0.5 / 3, zero, -0.5 / 3, zero, 0.5 / 3, zero]);
});

Deno.test("longShort: permuting the columns permutes the weights (no column-order tie rule)", () => {
  // before this rule, ties went to the lower column: the first of two tied assets was short
  const sig = [[1, 0, 5], [1, 0, 5], [0, 1, 4], [2, 1, 4], [0, 2, 3], [1, 2, 3]];
  const perm = [5, 3, 1, 4, 0, 2];
  for (const quantile of [0.2, 0.34, 0.5]) {
    const base = longShort(sig, { quantile }).weights;
    const moved = longShort(perm.map((a) => sig[a]!), { quantile }).weights;
    perm.forEach((a, i) => close([...moved[i]!], [...base[a]!], 1e-16));
  }
  // the two 1s at bar 0 of a 2-long, 2-short book hold the same weight
  const w = at(longShort(sig, { quantile: 0.34 }).weights, 0);
  assert.equal(w[0], w[1]);
});

Deno.test("longShort optimize: members are the assets the tied book holds, sides keep their totals", () => {
  // orthogonal returns (Walsh rows): minimum variance weights each member by 1 / variance
  const walsh = [
    [1, -1, 1, -1, 1, -1, 1, -1],
    [1, 1, -1, -1, 1, 1, -1, -1],
    [1, 1, 1, 1, -1, -1, -1, -1],
    [1, -1, -1, 1, 1, -1, -1, 1],
    [1, 1, -1, -1, -1, -1, 1, 1],
  ];
  const returns = walsh.map((w, a) => w.map((x) => 0.01 * (a + 1) * x));
  const nan = new Array(7).fill(NaN);
  // a0 alone on top, a1..a3 tied in the middle (k = 2: one long slot shared, one short slot
  // shared: net 0 for them), a4 at the bottom
  const sig = [3, 2, 2, 2, 1].map((v) => [...nan, v]);
  const r = longShort(sig, { quantile: 0.4, optimize: { returns, window: 8 } });
  assert.deepEqual([...r.fallbackBars], []);
  close(at(r.weights, 7), [0.25, 0, 0, 0, -0.25], 1e-12);
  // every bar before 7 has no signal; a constant bar falls to no book before any optimizer
  const flat = longShort([1, 1, 1, 1, 1].map((v) => [...nan, v]), {
    optimize: { returns, window: 8 },
  });
  assert.deepEqual([...flat.tiedBars], [7]);
  assert.deepEqual(at(flat.weights, 7), [0, 0, 0, 0, 0]);
});

interface Oracle {
  assets: string[];
  signals: Record<string, {
    values: (number | null)[][];
    books: { quantile: number; net: number; weights: number[][]; tiedBars: number[] }[];
  }>;
}

Deno.test("longShort ties equal the average rank-first book over every column order (pandas oracle)", () => {
  // tests/oracles/long_short_ties.py: pandas 1.5.3 DataFrame.rank(axis=1, method="first")
  // books averaged over all 720 orders of six NFI pairs' columns, on -1/0/1 and stepped momentum
  const o: Oracle = JSON.parse(
    readFileSync(new URL("../../oracles/long_short_ties.json", import.meta.url), "utf8"),
  );
  let tiedSeen = 0, edgeShares = 0;
  for (const [name, s] of Object.entries(o.signals)) {
    const sig = s.values.map((c) => Float64Array.from(c, (v) => v ?? NaN));
    for (const b of s.books) {
      const r = longShort(sig, { quantile: b.quantile, net: b.net });
      assert.deepEqual([...r.tiedBars], b.tiedBars, `${name} q ${b.quantile} net ${b.net}`);
      tiedSeen += b.tiedBars.length;
      r.weights.forEach((col, a) =>
        col.forEach((w, t) => {
          const want = b.weights[a]![t]!;
          assert.ok(
            Math.abs(w - want) <= 1e-12,
            `${name} q ${b.quantile} net ${b.net} ${o.assets[a]} bar ${t}: ${w} vs ${want}`,
          );
          // a weight that is not a whole slot of its side comes from a tie at an edge
          const m = sig.filter((c) => Number.isFinite(c[t]!)).length;
          const k = Math.max(1, Math.floor(b.quantile * m));
          const slot = w > 0 ? (1 + b.net) / 2 / k : (1 - b.net) / 2 / k;
          if (w !== 0 && Math.abs(Math.abs(w) - slot) > 1e-12) edgeShares++;
        })
      );
    }
  }
  assert.ok(tiedSeen > 100, `${tiedSeen} fully tied bars`);
  assert.ok(edgeShares > 100, `${edgeShares} shared edge weights`);
});
