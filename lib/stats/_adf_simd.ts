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
  "AGFzbQEAAAABEQJgBn9/f39/fwBgBH9/f38AAwMCAAEFAwEAAQcaAwZtZW1vcnkCAAVyb3dzOAAABWRvdHM4AAEKuwcCiQQCBH8SeyABQQdrQQN0IQcgAkEDdCEIIAAhCQJAA0AgBiADTg0BIAgrAwD9FCEKIAkrAwD9FCELIAf9AAQAIQ8gB/0ABBAhDiAH/QAEICENIAf9AAQwIQwgECAKIAz98gH98AEhECARIAogDf3yAf3wASERIBIgCiAO/fIB/fABIRIgEyAKIA/98gH98AEhEyAUIAsgDP3yAf3wASEUIBUgCyAN/fIB/fABIRUgFiALIA798gH98AEhFiAXIAsgD/3yAf3wASEXIAQEQCAYIAz98AEhGCAZIA398AEhGSAaIA798AEhGiAbIA/98AEhGwsgB0EIaiEHIAhBCGohCCAJQQhqIQkgBkEBaiEGDAALCyAFIBD9IQE5AwAgBSAQ/SEAOQMIIAUgEf0hATkDECAFIBH9IQA5AxggBSAS/SEBOQMgIAUgEv0hADkDKCAFIBP9IQE5AzAgBSAT/SEAOQM4IAUgGP0hATkDQCAFIBj9IQA5A0ggBSAZ/SEBOQNQIAUgGf0hADkDWCAFIBr9IQE5A2AgBSAa/SEAOQNoIAUgG/0hATkDcCAFIBv9IQA5A3ggBSAU/SEBOQOAASAFIBT9IQA5A4gBIAUgFf0hATkDkAEgBSAV/SEAOQOYASAFIBb9IQE5A6ABIAUgFv0hADkDqAEgBSAX/SEBOQOwASAFIBf9IQA5A7gBC60DAgN/CnsgAEEHa0EDdCEFIAFBA3QhBgJAA0AgBEEBaiACTg0BIAYrAwD9FCEHIAYrAwj9FCEIIAwgByAF/QAEAP3yAf3wASEMIAsgByAF/QAEEP3yAf3wASELIAogByAF/QAEIP3yAf3wASEKIAkgByAF/QAEMP3yAf3wASEJIBAgCCAF/QAECP3yAf3wASEQIA8gCCAF/QAEGP3yAf3wASEPIA4gCCAF/QAEKP3yAf3wASEOIA0gCCAF/QAEOP3yAf3wASENIAVBEGohBSAGQRBqIQYgBEECaiEEDAALCyAEIAJIBEAgBisDAP0UIQcgDCAHIAX9AAQA/fIB/fABIQwgCyAHIAX9AAQQ/fIB/fABIQsgCiAHIAX9AAQg/fIB/fABIQogCSAHIAX9AAQw/fIB/fABIQkLIAkgDf3wASEJIAogDv3wASEKIAsgD/3wASELIAwgEP3wASEMIAMgCf0hATkDACADIAn9IQA5AwggAyAK/SEBOQMQIAMgCv0hADkDGCADIAv9IQE5AyAgAyAL/SEAOQMoIAMgDP0hATkDMCADIAz9IQA5AzgL";

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
  /**
   * Products of y with eight columns c..c+7 (off = p - c >= 7) over rows r < nobs:
   * s[q] = sum dd[p + r] dd[off - q + r], written as 8 numbers at byte `out` (regression "n",
   * two rows per iteration in two sets of sums: not the scalar loop's order).
   */
  readonly dots8: (off: number, p: number, nobs: number, out: number) => void;
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
