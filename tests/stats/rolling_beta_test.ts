import assert from "node:assert/strict";
import { createRng, rollingBeta, rollingBetaCausal } from "@lib/stats/mod.ts";

/** Direct two-pass OLS slope over each window: O(n * window), the definition itself. */
function bruteBeta(y: Float64Array, x: Float64Array, w: number, minObs: number): Float64Array {
  const out = new Float64Array(y.length).fill(NaN);
  for (let t = 0; t < y.length; t++) {
    let c = 0, sx = 0, sy = 0;
    for (let i = Math.max(0, t - w + 1); i <= t; i++) {
      if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
        c++;
        sx += x[i]!;
        sy += y[i]!;
      }
    }
    if (c < minObs) continue;
    const mx = sx / c, my = sy / c;
    let sxx = 0, sxy = 0;
    for (let i = Math.max(0, t - w + 1); i <= t; i++) {
      if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
        sxx += (x[i]! - mx) ** 2;
        sxy += (x[i]! - mx) * (y[i]! - my);
      }
    }
    if (sxx > 0) out[t] = sxy / sxx;
  }
  return out;
}

function series(n: number, seed: number, offset: number) {
  const g = createRng(seed);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = offset + g.normal();
    y[i] = 3 * offset + (1.5 + Math.sin(i / 500)) * (x[i]! - offset) + g.normal();
    if (g.next() < 0.05) x[i] = NaN;
    if (g.next() < 0.05) y[i] = Infinity;
  }
  return { x, y };
}

Deno.test("rollingBeta equals the per-window definition and does not drift over long series", () => {
  // A large offset (1e4) relative to the spread is where naive sums of squares cancel; the
  // Welford updates plus exact recomputation every window keep us at the brute-force result.
  // Expected relative error: a few ulps times the condition number (offset/spread)^2 of the
  // centred update ~ 1e-16 * 1e4 ... bounded well under 1e-9.
  const { x, y } = series(20_000, 11, 1e4);
  const fast = rollingBeta(y, x, 250, { minObs: 200 });
  const slow = bruteBeta(y, x, 250, 200);
  let finite = 0;
  for (let t = 0; t < fast.length; t++) {
    if (Number.isNaN(slow[t]!)) {
      assert.ok(Number.isNaN(fast[t]!), `row ${t} should be NaN`);
      continue;
    }
    finite++;
    assert.ok(Math.abs(fast[t]! - slow[t]!) < 1e-9, `row ${t}: ${fast[t]} vs ${slow[t]}`);
  }
  assert.ok(finite > 19_000);
});

Deno.test("rollingBeta honours minObs: a window with too few complete pairs is NaN", () => {
  const x = new Float64Array([1, 2, NaN, NaN, 5, 6]);
  const y = new Float64Array([2, 4, 6, 8, 10, 12]);
  const b = rollingBeta(y, x, 4, { minObs: 3 });
  // windows ending at rows 3, 4 hold 2 complete pairs; row 5's window (2..5) holds 2 as well
  assert.deepEqual([...b].map((v) => (Number.isNaN(v) ? null : v)), [
    null,
    null,
    null,
    null,
    null,
    null,
  ]);
  const b2 = rollingBeta(y, x, 4, { minObs: 2 });
  assert.ok(Math.abs(b2[1]! - 2) < 1e-12 && Math.abs(b2[5]! - 2) < 1e-12);
  // default minObs = window: any gap in the window blanks it
  assert.ok(Number.isNaN(rollingBeta(y, x, 2)[2]!));
  assert.ok(Math.abs(rollingBeta(y, x, 2)[5]! - 2) < 1e-12);
});

Deno.test("rollingBetaCausal: changing data after t moves nothing at or before t", () => {
  const { x, y } = series(3_000, 5, 0);
  const base = rollingBetaCausal(y, x, 100, { minObs: 80 });
  for (const t of [150, 1_234, 2_999]) {
    const x2 = x.slice(), y2 = y.slice();
    for (let i = t; i < x2.length; i++) {
      // perturb row t itself and everything after it: the causal value at t may only use t-1
      x2[i] = x2[i]! * -3 + 7;
      y2[i] = i % 2 === 0 ? NaN : y2[i]! + 100;
    }
    const moved = rollingBetaCausal(y2, x2, 100, { minObs: 80 });
    for (let i = 0; i <= t; i++) {
      assert.ok(Object.is(moved[i], base[i]), `row ${i} changed after perturbing rows >= ${t}`);
    }
    if (t + 2 < x.length) { // the perturbation is visible later, so this test can fail
      assert.ok(moved.subarray(t + 1).some((v, k) => !Object.is(v, base[t + 1 + k])));
    }
  }
  // and it is the non-causal beta one row later
  const nc = rollingBeta(y, x, 100, { minObs: 80 });
  for (let t = 1; t < nc.length; t++) assert.ok(Object.is(base[t], nc[t - 1]));
});

Deno.test("rollingBeta rejects bad arguments with an actionable message", () => {
  const a = [1, 2, 3];
  assert.throws(() => rollingBeta(a, [1, 2], 2), /same length, got 3 and 2/);
  assert.throws(() => rollingBeta(a, a, 1), /window must be an integer >= 2, got 1/);
  assert.throws(
    () => rollingBeta(a, a, 3, { minObs: 4 }),
    /minObs must be an integer in \[2, window=3\], got 4/,
  );
  assert.throws(() => rollingBetaCausal(a, a, 2.5), /causal rolling beta: window must be/);
});
