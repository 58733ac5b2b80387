import assert from "node:assert/strict";
import { renderJson } from "@lib/report/json.ts";

Deno.test("renderJson: sorted keys at every depth, whatever the insertion order", () => {
  const a = renderJson({ z: 1, a: { y: [1, { d: 1, c: 2 }], b: true } });
  const b = renderJson({ a: { b: true, y: [1, { c: 2, d: 1 }] }, z: 1 });
  assert.equal(a, b);
  assert.equal(
    a,
    '{\n  "a": {\n    "b": true,\n    "y": [\n      1,\n      {\n        "c": 2,\n        "d": 1\n      }\n    ]\n  },\n  "z": 1\n}\n',
  );
});

Deno.test("renderJson: NaN and infinities are null, typed arrays are arrays, undefined dropped", () => {
  assert.equal(
    renderJson({ x: Float64Array.of(1.5, NaN, -Infinity), u: undefined, n: null }),
    '{\n  "n": null,\n  "x": [\n    1.5,\n    null,\n    null\n  ]\n}\n',
  );
});

Deno.test("renderJson: numbers stay numbers with full precision", () => {
  const v = 0.1 + 0.2;
  assert.equal(JSON.parse(renderJson({ v })).v, v);
  assert.ok(renderJson({ v }).endsWith("}\n"));
});
