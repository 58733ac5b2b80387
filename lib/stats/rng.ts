/**
 * A small seeded pseudo-random number generator: xoshiro128** on 32-bit integers.
 *
 * Why this one: xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018, https://prng.di.unimi.it/) passes BigCrush and PractRand, has a period of
 * 2^128 - 1, and needs only 32-bit integer operations (`Math.imul`, `>>>`), which JavaScript
 * performs exactly, so the same seed gives the same stream on every machine. mulberry32 was not
 * used: its 2^32 period is too short for a simulation that draws tens of millions of numbers.
 *
 * The 128-bit state is filled by splitmix32 from a key mixed out of `seed` and `stream`, so
 * different streams of one seed are independent in practice and a sub-generator (one per
 * simulated asset, say) does not shift when another one draws more numbers.
 *
 * Derived draws: `next()` builds a 53-bit double from two outputs; `normal()` is the basic
 * Box-Muller transform (two uniforms give two normals, the second is cached); `gamma(a)` is
 * Marsaglia and Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3);
 * `studentT(nu)` is `Z / sqrt(2 G / nu)` with `G ~ Gamma(nu / 2)`. The floating-point functions
 * used (`Math.log`, `Math.cos`, `Math.sin`, `Math.sqrt`, `Math.exp`) are V8's fdlibm ports, which
 * give the same bits on every platform Deno runs on. Cost: O(1) per draw.
 *
 * `tests/oracles/stats_rng.py` is an independent Python implementation used to check the first
 * outputs.
 *
 * @module
 */

/** A seeded stream of random numbers. All methods advance the stream. */
export interface Rng {
  /** Next raw 32-bit output, an integer in [0, 2^32). */
  uint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Standard normal draw (mean 0, variance 1), Box-Muller. */
  normal(): number;
  /** Gamma(shape, scale 1) draw, Marsaglia-Tsang; `shape` must be > 0. */
  gamma(shape: number): number;
  /** Student-t draw with `nu` > 0 degrees of freedom (variance nu / (nu - 2) when nu > 2). */
  studentT(nu: number): number;
  /** Uniform integer in [0, n), without modulo bias; `n` a positive integer <= 2^53. */
  int(n: number): number;
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const TWO_PI = 2 * Math.PI;

class Xoshiro128 implements Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare = NaN;

  constructor(key: number) {
    // splitmix32: state advances by the golden-ratio increment, each output is fmix32(state)
    let st = key >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      st = (st + 0x9e3779b9) >>> 0;
      words.push(fmix32(st));
    }
    this.#s0 = words[0]!;
    this.#s1 = words[1]!;
    this.#s2 = words[2]!;
    this.#s3 = words[3]!;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1; // all-zero is a fixed point
  }

  uint32(): number {
    const s1 = this.#s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  next(): number {
    const a = this.uint32() >>> 5; // 27 bits
    const b = this.uint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  normal(): number {
    const spare = this.#spare;
    if (spare === spare) { // not NaN
      this.#spare = NaN;
      return spare;
    }
    const u1 = 1 - this.next(); // (0, 1]: log never sees 0
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = TWO_PI * u2;
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  gamma(shape: number): number {
    if (!(shape > 0) || !Number.isFinite(shape)) {
      throw new RangeError(
        `Cannot draw a gamma variate: shape must be a finite number > 0, got ${shape}`,
      );
    }
    if (shape < 1) {
      // boost: Gamma(a) = Gamma(a + 1) * U^(1/a)
      const g = this.gamma(shape + 1);
      const u = 1 - this.next();
      return g * Math.exp(Math.log(u) / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = this.next();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  studentT(nu: number): number {
    if (!(nu > 0) || !Number.isFinite(nu)) {
      throw new RangeError(
        `Cannot draw a Student-t variate: nu must be a finite number > 0, got ${nu}`,
      );
    }
    const z = this.normal();
    const g = this.gamma(nu / 2);
    return z / Math.sqrt((2 * g) / nu);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 9007199254740992) {
      throw new RangeError(
        `Cannot draw an integer in [0, n): n must be an integer in [1, 2^53], got ${n}`,
      );
    }
    if (n <= 4294967296) {
      // reject the top partial block of 2^32 so every residue is equally likely
      const limit = Math.floor(4294967296 / n) * n;
      for (;;) {
        const r = this.uint32();
        if (r < limit) return r % n;
      }
    }
    return Math.floor(this.next() * n);
  }
}

/**
 * Create a seeded generator. Same `seed` and `stream` give the same numbers on every machine.
 *
 * @param seed an integer in [0, 2^53); the low and high 32-bit words are both mixed in.
 * @param stream an integer in [0, 2^32) selecting an independent stream of the same seed
 *   (default 0).
 *
 * @example Reproducible draws
 * ```ts
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * const a = createRng(42), b = createRng(42);
 * assert.equal(a.next(), b.next());
 * assert.equal(a.normal(), b.normal());
 * const u = a.next();
 * assert.ok(u >= 0 && u < 1);
 * assert.ok(a.int(6) < 6);
 * assert.notEqual(createRng(42, 1).uint32(), createRng(42, 0).uint32());
 * ```
 */
export function createRng(seed: number, stream = 0): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 9007199254740992) {
    throw new RangeError(
      `Cannot seed the generator: seed must be an integer in [0, 2^53), got ${seed}`,
    );
  }
  if (!Number.isInteger(stream) || stream < 0 || stream >= 4294967296) {
    throw new RangeError(
      `Cannot seed the generator: stream must be an integer in [0, 2^32), got ${stream}`,
    );
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const key = fmix32(
    fmix32(lo) ^ fmix32((hi + 0x6a09e667) >>> 0) ^ fmix32((stream ^ 0x5bd1e995) >>> 0),
  );
  return new Xoshiro128(key);
}
