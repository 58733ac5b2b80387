/**
 * A WebAssembly SIMD kernel for the ADF lag search (internal to `_adf_core.ts`): the first-row
 * sums of eight adjacent lagged-difference columns in one pass, two columns per f64x2 lane
 * pair. Each lane adds the same products in the same row order as the scalar loop, and
 * WebAssembly never fuses a multiply and an add, so the sums are bit-identical to the
 * TypeScript loops; they are only 3-5x faster. The source is `_adf_simd.wat` beside this file
 * (tests/stats/adf_simd_test.ts assembles it with wabt and checks it equals the bytes below).
 *
 * The differences and the level live in the module's memory so the kernel reads them in
 * place: `simdBuffers(m)` returns views on it (valid until the next call that grows it).
 * Where WebAssembly SIMD is unavailable, `ADF_SIMD` is null and the caller uses its own loops.
 *
 * @module
 */

/** `_adf_simd.wat` assembled by wabt 1.0.39 (`parseWat(..., { simd: true }).toBinary({})`). */
export const ADF_SIMD_WASM_BASE64 =
  "AGFzbQEAAAABCgFgBn9/f39/fwADAgEABQMBAAEHEgIGbWVtb3J5AgAFcm93czgAAAqMBAGJBAIEfxJ7IAFBB2tBA3QhByACQQN0IQggACEJAkADQCAGIANODQEgCCsDAP0UIQogCSsDAP0UIQsgB/0ABAAhDyAH/QAEECEOIAf9AAQgIQ0gB/0ABDAhDCAQIAogDP3yAf3wASEQIBEgCiAN/fIB/fABIREgEiAKIA798gH98AEhEiATIAogD/3yAf3wASETIBQgCyAM/fIB/fABIRQgFSALIA398gH98AEhFSAWIAsgDv3yAf3wASEWIBcgCyAP/fIB/fABIRcgBARAIBggDP3wASEYIBkgDf3wASEZIBogDv3wASEaIBsgD/3wASEbCyAHQQhqIQcgCEEIaiEIIAlBCGohCSAGQQFqIQYMAAsLIAUgEP0hATkDACAFIBD9IQA5AwggBSAR/SEBOQMQIAUgEf0hADkDGCAFIBL9IQE5AyAgBSAS/SEAOQMoIAUgE/0hATkDMCAFIBP9IQA5AzggBSAY/SEBOQNAIAUgGP0hADkDSCAFIBn9IQE5A1AgBSAZ/SEAOQNYIAUgGv0hATkDYCAFIBr9IQA5A2ggBSAb/SEBOQNwIAUgG/0hADkDeCAFIBT9IQE5A4ABIAUgFP0hADkDiAEgBSAV/SEBOQOQASAFIBX9IQA5A5gBIAUgFv0hATkDoAEgBSAW/SEAOQOoASAFIBf9IQE5A7ABIAUgF/0hADkDuAEL";

/** The kernel and its memory. */
export interface AdfSimd {
  /**
   * Sums over rows r < nobs of eight columns c..c+7 (off = p - c >= 7): s[q] = sum y[r]
   * dd[off - q + r], u[q] = sum dd[off - q + r] (when withSum is 1), l[q] = sum lv[r]
   * dd[off - q + r], written as 24 numbers s0..s7, u0..u7, l0..l7 at byte `out`.
   */
  readonly rows8: (
    lvBase: number,
    off: number,
    p: number,
    nobs: number,
    withSum: number,
    out: number,
  ) => void;
  readonly memory: WebAssembly.Memory;
}

function load(): AdfSimd | null {
  try {
    const bytes = Uint8Array.from(atob(ADF_SIMD_WASM_BASE64), (ch) => ch.charCodeAt(0));
    if (!WebAssembly.validate(bytes)) return null;
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    return exports as unknown as AdfSimd;
  } catch {
    return null;
  }
}

/** The kernel, or null where WebAssembly SIMD is not available. */
export const ADF_SIMD: AdfSimd | null = load();

/** Views on the kernel's memory: differences at byte 0, level at `lvBase`, 24 sums at `out`. */
export interface SimdBuffers {
  readonly dd: Float64Array;
  readonly lv: Float64Array;
  readonly lvBase: number;
  readonly out: number;
  readonly sums: Float64Array;
}

/** Grow the kernel's memory to hold m differences and m levels; fresh views on it. */
export function simdBuffers(simd: AdfSimd, m: number): SimdBuffers {
  const lvBase = 8 * m;
  const out = lvBase + 8 * m;
  const need = out + 24 * 8;
  const have = simd.memory.buffer.byteLength;
  if (need > have) simd.memory.grow(Math.ceil((need - have) / 65536));
  const buf = simd.memory.buffer;
  return {
    dd: new Float64Array(buf, 0, m),
    lv: new Float64Array(buf, lvBase, m),
    lvBase,
    out,
    sums: new Float64Array(buf, out, 24),
  };
}
