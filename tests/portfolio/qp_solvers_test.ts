/**
 * The two QP solvers inside optimizePortfolio against the npm package `quadprog` 1.6.1 (Turlach's
 * `solve.QP` ported to JavaScript, the reference implementation of Goldfarb-Idnani):
 *
 * - `solveDualQp` (our typed-array Goldfarb-Idnani) on 300 seeded random strictly convex QPs with
 *   a budget row, a random equality, box rows and a random inequality (some infeasible): same
 *   status, solutions within 1e-10 (observed 6e-14);
 * - `solveBoxL1` (active set + ADMM) on random box/equality/L1 problems against quadprog on the
 *   same problem written with auxiliary variables `t >= |w - a|` (ridge 1e-8): objectives within
 *   1e-7 relative.
 */
import assert from "node:assert/strict";
import { solveQp } from "@lib/portfolio/_qp.ts";
import { solveDualQp, sparseRow } from "@lib/portfolio/_dual_qp.ts";
import { solveBoxL1 } from "@lib/portfolio/_box_l1_qp.ts";
import { createRng } from "@lib/stats/rng.ts";

function randomSpd(n: number, next: () => number, ridge: number): Float64Array {
  const m = n + 5;
  const a = Array.from({ length: n * m }, () => next() - 0.5);
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += a[i * m + k]! * a[j * m + k]!;
      h[i * n + j] = s / m + (i === j ? ridge : 0);
    }
  }
  return h;
}

Deno.test("solveDualQp equals quadprog on 300 random QPs (including infeasible ones)", () => {
  const rng = createRng(7);
  const next = () => rng.next();
  let infeasible = 0, worst = 0;
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + Math.floor(next() * 30);
    const h = randomSpd(n, next, 0.01);
    const linear = Float64Array.from({ length: n }, () => next() - 0.5);
    const eq: { a: Float64Array; b: number }[] = [], ge: { a: Float64Array; b: number }[] = [];
    if (next() < 0.7) eq.push({ a: new Float64Array(n).fill(1), b: 1 });
    if (next() < 0.3) eq.push({ a: Float64Array.from({ length: n }, () => next()), b: 0.3 });
    for (let i = 0; i < n; i++) {
      const up = new Float64Array(n), down = new Float64Array(n);
      up[i] = 1;
      down[i] = -1;
      ge.push({ a: up, b: next() < 0.5 ? 0 : -0.5 }, { a: down, b: -0.4 });
    }
    if (next() < 0.5) ge.push({ a: Float64Array.from({ length: n }, () => next() - 0.5), b: 0.05 });
    const q = solveQp({ n, hessian: h, linear, equalities: eq, inequalities: ge });
    const d = solveDualQp({
      n,
      hessian: h,
      linear,
      equalities: eq.map((r) => sparseRow(r.a, r.b)),
      inequalities: ge.map((r) => sparseRow(r.a, r.b)),
    });
    assert.equal(d.status, q.status, `trial ${trial}`);
    if (q.status === "infeasible") infeasible++;
    else for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(q.x[i]! - d.x[i]!));
  }
  assert.ok(worst < 1e-10, `largest difference ${worst}`);
  assert.ok(infeasible > 5 && infeasible < 100, `${infeasible} infeasible`);
});

Deno.test("solveBoxL1 equals quadprog with auxiliary variables on random L1 problems", () => {
  const rng = createRng(11);
  const next = () => rng.next();
  for (let trial = 0; trial < 60; trial++) {
    const n = 3 + Math.floor(next() * 25);
    const h = randomSpd(n, next, 0.05);
    const linear = Float64Array.from({ length: n }, () => (next() - 0.5) * 0.5);
    const kinks = Float64Array.from({ length: n }, () => (next() - 0.5) * 0.2);
    const kappa = Float64Array.from({ length: n }, () => next() * 0.05);
    const lo = new Float64Array(n).fill(-0.3), hi = new Float64Array(n).fill(0.4);
    const eqRows = [new Float64Array(n).fill(1), Float64Array.from({ length: n }, () => next())];
    const eqValues = [0.2, 0.1];
    const r = solveBoxL1({ n, hessian: h, linear, kinks, kappa, lo, hi, eqRows, eqValues });
    assert.equal(r.status, "optimal", `trial ${trial}`);
    const objective = (w: Float64Array) => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += h[i * n + j]! * w[j]!;
        v += 0.5 * w[i]! * s + linear[i]! * w[i]! + kappa[i]! * Math.abs(w[i]! - kinks[i]!);
      }
      return v;
    };
    // the same problem for quadprog: x = [w, t], t_i >= +-(w_i - a_i), ridge 1e-8 on t
    const m = 2 * n;
    const hq = new Float64Array(m * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) hq[i * m + j] = h[i * n + j]!;
    for (let i = n; i < m; i++) hq[i * m + i] = 1e-8;
    const lq = new Float64Array(m);
    lq.set(linear);
    lq.set(kappa, n);
    const row = (pairs: [number, number][], b: number) => {
      const a = new Float64Array(m);
      for (const [j, v] of pairs) a[j] = v;
      return { a, b };
    };
    const ge = [];
    for (let i = 0; i < n; i++) {
      ge.push(row([[i, 1]], -0.3), row([[i, -1]], -0.4));
      ge.push(row([[n + i, 1], [i, -1]], -kinks[i]!), row([[n + i, 1], [i, 1]], kinks[i]!));
    }
    const eq = eqRows.map((e, k) => ({
      a: Float64Array.from({ length: m }, (_, j) => j < n ? e[j]! : 0),
      b: eqValues[k]!,
    }));
    const q = solveQp({ n: m, hessian: hq, linear: lq, equalities: eq, inequalities: ge });
    assert.equal(q.status, "optimal");
    const ours = objective(r.w), theirs = objective(q.x.slice(0, n));
    assert.ok(
      Math.abs(ours - theirs) <= 1e-7 * Math.abs(theirs) + 1e-12,
      `trial ${trial}: ${ours} vs ${theirs}`,
    );
  }
});

Deno.test("solveBoxL1: equalities met at the kinks, penalties that keep weights there", () => {
  // the long-short book with a turnover penalty: current weights meet the equality rows, so a
  // high penalty keeps every weight (or most) at its kink and an equality row has no free
  // coordinate. The active-set method gave up there ("failed": a singular Schur complement at
  // every start), and optimizePortfolio fell back to the dual QP on 2N variables.
  const rng = createRng(29);
  const next = () => rng.next();
  for (let trial = 0; trial < 40; trial++) {
    const n = 4 + Math.floor(next() * 20);
    const h = randomSpd(n, next, 0.05);
    const linear = Float64Array.from({ length: n }, () => (next() - 0.5) * 0.05);
    const kinks = Float64Array.from({ length: n }, () => (next() - 0.5) * 0.2);
    const lo = new Float64Array(n).fill(-0.3), hi = new Float64Array(n).fill(0.4);
    const eqRows = [
      Float64Array.from({ length: n }, (_, i) => i % 2),
      Float64Array.from({ length: n }, (_, i) => 1 - (i % 2)),
    ];
    const eqValues = eqRows.map((e) => e.reduce((s, v, i) => s + v * kinks[i]!, 0));
    const high = new Float64Array(n).fill(10);
    const stay = solveBoxL1({
      n,
      hessian: h,
      linear,
      kinks,
      kappa: high,
      lo,
      hi,
      eqRows,
      eqValues,
    });
    assert.equal(stay.status, "optimal", `trial ${trial}`);
    assert.deepEqual([...stay.w], [...kinks], `trial ${trial}: every weight stays`);
    // no ADMM round: the first active-set attempt (at most 8 systems) converges
    assert.ok(stay.iterations <= 8, `trial ${trial}: ${stay.iterations} iterations`);
    const kappa = Float64Array.from({ length: n }, () => next() * 0.1);
    const some = solveBoxL1({ n, hessian: h, linear, kinks, kappa, lo, hi, eqRows, eqValues });
    assert.equal(some.status, "optimal", `trial ${trial}`);
    let moved = 0;
    for (let i = 0; i < n; i++) if (some.w[i] !== kinks[i]) moved++;
    assert.ok(moved < n, `trial ${trial}: some weights stay at their kinks`);
  }
});

Deno.test("solveBoxL1: an infeasible problem is reported at once, without the ADMM rounds", () => {
  // long side [0, 0.5] x 3 summing to 0.5, a "beta" row that needs a negative long exposure
  const n = 3;
  const h = Float64Array.from([1, 0.2, 0.1, 0.2, 1, 0.3, 0.1, 0.3, 1]);
  const p = {
    n,
    hessian: h,
    linear: new Float64Array(n),
    kinks: Float64Array.from([0.2, 0.2, 0.1]),
    kappa: new Float64Array(n).fill(1e-3),
    lo: new Float64Array(n),
    hi: new Float64Array(n).fill(0.5),
    eqRows: [new Float64Array(n).fill(1), Float64Array.from([1, 2, 3])],
    eqValues: [0.5, -0.1],
  };
  let asked = 0;
  const r = solveBoxL1(p, 6400, () => (asked++, false));
  assert.equal(r.status, "infeasible");
  assert.equal(asked, 1);
  assert.ok(r.iterations <= 8, `${r.iterations} iterations: no ADMM round ran`);
  assert.ok(r.w.every(Number.isNaN));
  // without the check it spends every ADMM round and gives up
  const slow = solveBoxL1(p);
  assert.equal(slow.status, "failed");
  assert.ok(slow.iterations > 6400, `${slow.iterations}`);
});
