import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRng } from "@lib/stats/rng.ts";

// Oracle: tests/oracles/stats_rng.py, an independent Python 3.11 implementation of
// xoshiro128** / splitmix32 / Box-Muller / Marsaglia-Tsang, run with Debian /usr/bin/python3.
interface Case {
  seed: number;
  stream: number;
  uint32: number[];
  next: number[];
  normal: number[];
  gamma_0_7: number[];
  studentT_5: number[];
  int_10: number[];
  int_3000000000: number[];
  after: number;
}
const oracle = JSON.parse(
  readFileSync(new URL("../oracles/stats_rng.json", import.meta.url), "utf8"),
) as { cases: Case[] };

// Integer outputs and uniforms are exact (integer arithmetic, one exact division). Normals,
// gammas and t draws go through log/sin/cos/exp: V8 uses fdlibm, CPython glibc's libm; both are
// within 1 ulp, so values agree to ~1e-15; 1e-12 absolute leaves room for a few ulps times the
// magnitudes (|x| < 10) without hiding a wrong branch (which would move a value by O(1)).
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-12, `${what}: ${a} vs oracle ${b}`);

Deno.test("createRng matches the independent Python implementation draw for draw", () => {
  for (const c of oracle.cases) {
    const g = createRng(c.seed, c.stream);
    const tag = `seed ${c.seed} stream ${c.stream}`;
    assert.deepEqual(c.uint32.map(() => g.uint32()), c.uint32, `${tag} uint32`);
    assert.deepEqual(c.next.map(() => g.next()), c.next, `${tag} next`);
    c.normal.forEach((v, i) => close(g.normal(), v, `${tag} normal[${i}]`));
    c.gamma_0_7.forEach((v, i) => close(g.gamma(0.7), v, `${tag} gamma[${i}]`));
    c.studentT_5.forEach((v, i) => close(g.studentT(5), v, `${tag} t[${i}]`));
    assert.deepEqual(c.int_10.map(() => g.int(10)), c.int_10, `${tag} int(10)`);
    assert.deepEqual(
      c.int_3000000000.map(() => g.int(3000000000)),
      c.int_3000000000,
      `${tag} int(3e9)`,
    );
    assert.equal(g.uint32(), c.after, `${tag} stream position after the draws`);
  }
});

Deno.test("createRng: same seed same stream, different seed or stream differs", () => {
  const draw = (seed: number, stream = 0) => {
    const g = createRng(seed, stream);
    return Array.from({ length: 16 }, () => g.next());
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  assert.notDeepEqual(draw(7, 0), draw(7, 1));
  assert.notDeepEqual(draw(1), draw(1 + 2 ** 32)); // the high word of the seed counts
});

Deno.test("createRng moments with a fixed seed are within sampling error", () => {
  const g = createRng(2024);
  const n = 200_000;
  let su = 0, suu = 0, sz = 0, szz = 0, sz4 = 0, st = 0, stt = 0;
  const counts = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    const u = g.next();
    su += u;
    suu += u * u;
    const z = g.normal();
    sz += z;
    szz += z * z;
    sz4 += z ** 4;
    const t = g.studentT(6);
    st += t;
    stt += t * t;
    counts[g.int(6)]! += 1;
  }
  // Standard errors for n = 2e5: uniform mean 0.29/sqrt(n) = 6.5e-4, normal mean 2.2e-3,
  // normal variance sqrt(2/n) = 3.2e-3, normal 4th moment sqrt(96/n) = 0.022, t(6) variance
  // 1.5 with se ~ 0.02. Bounds are about 5 standard errors.
  assert.ok(Math.abs(su / n - 0.5) < 0.0033, `uniform mean ${su / n}`);
  assert.ok(Math.abs(suu / n - 1 / 3) < 0.0033, `uniform E[u^2] ${suu / n}`);
  assert.ok(Math.abs(sz / n) < 0.011, `normal mean ${sz / n}`);
  assert.ok(Math.abs(szz / n - 1) < 0.016, `normal variance ${szz / n}`);
  assert.ok(Math.abs(sz4 / n - 3) < 0.11, `normal 4th moment ${sz4 / n}`);
  assert.ok(Math.abs(st / n) < 0.014, `t mean ${st / n}`);
  assert.ok(Math.abs(stt / n - 1.5) < 0.1, `t(6) variance ${stt / n} (expected 1.5)`);
  // each face has p = 1/6, se of a count = sqrt(n p (1-p)) = 167
  for (const c of counts) assert.ok(Math.abs(c - n / 6) < 840, `int(6) face count ${c}`);
});

Deno.test("createRng rejects bad seeds and parameters with a message saying what to pass", () => {
  assert.throws(() => createRng(-1), /seed must be an integer in \[0, 2\^53\), got -1/);
  assert.throws(() => createRng(1.5), /seed must be an integer/);
  assert.throws(() => createRng(1, -2), /stream must be an integer/);
  const g = createRng(1);
  assert.throws(() => g.int(0), /n must be an integer in \[1, 2\^53\], got 0/);
  assert.throws(() => g.studentT(0), /nu must be a finite number > 0, got 0/);
  assert.throws(() => g.gamma(-1), /shape must be a finite number > 0/);
});
