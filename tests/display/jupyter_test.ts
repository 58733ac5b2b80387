import assert from "node:assert/strict";
import {
  DISPLAY,
  display,
  isDisplayable,
  isJupyter,
  jupyterTarget,
  table,
  toBundle,
  toText,
} from "@lib/display/mod.ts";

Deno.test("outside the kernel, isJupyter is false and there is no target", () => {
  assert.equal("jupyter" in Deno, true); // the property exists but reading it throws
  assert.equal(isJupyter(), false);
  assert.equal(jupyterTarget(), undefined);
});

Deno.test("DISPLAY is the symbol the Deno kernel looks for", () => {
  assert.equal(DISPLAY, Symbol.for("Jupyter.display"));
});

Deno.test("display prints the text form to stdout outside the kernel", async () => {
  const printed: unknown[][] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    await display(table({ a: [1, 2] }));
    await display("plain");
    await display({ k: [1, 2] });
  } finally {
    console.log = original;
  }
  assert.deepEqual(printed, [["a\n-\n1\n2"], ["plain"], ["{ k: [ 1, 2 ] }"]]);
});

Deno.test("toBundle uses a value's own bundle, else text", () => {
  const own = { [DISPLAY]: () => ({ "text/plain": "P", "text/html": "<b>H</b>" }) };
  assert.ok(isDisplayable(own));
  assert.ok(!isDisplayable(null));
  assert.ok(!isDisplayable({ [DISPLAY]: 1 }));
  assert.deepEqual(toBundle(own), { "text/plain": "P", "text/html": "<b>H</b>" });
  assert.equal(toText(own), "P");
  assert.equal(toText(new Float64Array([1.5])), "Float64Array(1) [ 1.5 ]");
});
