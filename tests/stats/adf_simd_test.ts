/**
 * The ADF lag search's WebAssembly SIMD kernel: its embedded bytes are exactly what wabt
 * 1.0.39 assembles from lib/stats/_adf_simd.wat (so the reviewed source is what runs), and its
 * sums are bit-identical to the one-column-at-a-time TypeScript loop they replace.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import initWabt from "wabt";
import { ADF_SIMD, ADF_SIMD_WASM_BASE64, simdBuffers } from "@lib/stats/_adf_simd.ts";
import { createRng } from "@lib/stats/rng.ts";

Deno.test("the embedded SIMD kernel is _adf_simd.wat as wabt 1.0.39 assembles it", async () => {
  const wabt = await initWabt();
  const source = readFileSync(new URL("../../lib/stats/_adf_simd.wat", import.meta.url), "utf8");
  const mod = wabt.parseWat("_adf_simd.wat", source, { simd: true });
  const { buffer } = mod.toBinary({});
  mod.destroy();
  const b64 = btoa(String.fromCharCode(...buffer));
  assert.equal(ADF_SIMD_WASM_BASE64, b64, "re-assemble _adf_simd.wat and paste the bytes");
});

Deno.test("rows8 sums equal the scalar column loop bit for bit", () => {
  assert.ok(ADF_SIMD !== null, "Deno 2.9 supports WebAssembly SIMD");
  const rng = createRng(4);
  const m = 997, p = 21, nobs = m - p;
  const buf = simdBuffers(ADF_SIMD!, m);
  for (let i = 0; i < m; i++) buf.dd[i] = 0.01 * rng.normal();
  for (let i = 0; i < nobs; i++) buf.lv[i] = rng.normal();
  for (const withSum of [0, 1]) {
    for (const c of [0, 5, p - 7]) {
      ADF_SIMD!.rows8(buf.lvBase, p - c, p, nobs, withSum, buf.out);
      for (let q = 0; q < 8; q++) {
        const off = p - c - q;
        let s = 0, u = 0, l = 0;
        for (let r = 0; r < nobs; r++) {
          const v = buf.dd[off + r]!;
          s += buf.dd[p + r]! * v;
          u += v;
          l += buf.lv[r]! * v;
        }
        assert.ok(Object.is(buf.sums[q], s), `s column ${c + q}`);
        if (withSum === 1) assert.ok(Object.is(buf.sums[8 + q], u), `u column ${c + q}`);
        assert.ok(Object.is(buf.sums[16 + q], l), `l column ${c + q}`);
      }
    }
  }
});

Deno.test("dots8 (regression n) sums equal the scalar products to rounding, odd and even rows", () => {
  assert.ok(ADF_SIMD !== null, "Deno 2.9 supports WebAssembly SIMD");
  const rng = createRng(5);
  const m = 998, p = 19;
  const buf = simdBuffers(ADF_SIMD!, m);
  for (let i = 0; i < m; i++) buf.dd[i] = 0.01 * rng.normal();
  for (const nobs of [m - p, m - p - 1, 1]) {
    for (const c of [0, 4, p - 7]) {
      buf.sums.fill(NaN);
      ADF_SIMD!.dots8(p - c, p, nobs, buf.out);
      for (let q = 0; q < 8; q++) {
        let s = 0, abs = 0;
        for (let r = 0; r < nobs; r++) {
          s += buf.dd[p + r]! * buf.dd[p - c - q + r]!;
          abs += Math.abs(buf.dd[p + r]! * buf.dd[p - c - q + r]!);
        }
        const got = buf.sums[q]!;
        assert.ok(Math.abs(got - s) <= 1e-14 * abs, `nobs ${nobs} column ${c + q}: ${got} vs ${s}`);
      }
    }
  }
});
