/**
 * Canonical JSON: the form of `report.json` and `manifest.json`.
 *
 * @module
 */

/**
 * Serialize `value` as canonical JSON: object keys sorted (by UTF-16 code units, recursively),
 * numbers as JSON numbers, NaN and ±Infinity as `null` (meaning "not defined"), typed arrays
 * as arrays, 2-space indent and a trailing newline. `undefined` object members are dropped, as
 * `JSON.stringify` does. The same value always gives the same bytes, whatever order its keys
 * were created in.
 *
 * @example Keys sorted, NaN as null
 * ```ts
 * import { renderJson } from "@lib/report/json.ts";
 * import assert from "node:assert/strict";
 * assert.equal(renderJson({ b: NaN, a: [1, Infinity] }), '{\n  "a": [\n    1,\n    null\n  ],\n  "b": null\n}\n');
 * ```
 */
export function renderJson(value: unknown): string {
  return JSON.stringify(canonical(value), null, 2) + "\n";
}

function canonical(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (v === null || typeof v !== "object") return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return Array.from(v as unknown as ArrayLike<number>, (x) => canonical(x));
  }
  if (Array.isArray(v)) return v.map(canonical);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[k] = canonical(x);
  }
  return out;
}
