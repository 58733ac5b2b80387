/**
 * Snapshot tests of every chart's SVG. Run with UPDATE_SNAPSHOTS=1 to rewrite the files in
 * __snapshots__/ after an intended change, then review the diff. The files end in `.svg.snap`
 * so that `deno fmt` (which formats `.svg`) leaves the exact bytes alone.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as Plot from "@observablehq/plot";
import { renderPlot } from "@lib/report/plot_svg.ts";
import { figures } from "./_fixture.ts";

const DIR = new URL("./__snapshots__/", import.meta.url);
const UPDATE = Deno.env.get("UPDATE_SNAPSHOTS") === "1";

function snapshot(name: string, actual: string) {
  const path = fileURLToPath(new URL(`${name}.svg.snap`, DIR));
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) throw new Error(`No snapshot ${path}: run with UPDATE_SNAPSHOTS=1 to create it`);
    writeFileSync(path, actual + "\n");
    return;
  }
  assert.equal(actual + "\n", readFileSync(path, "utf8"), `${name} differs from ${path}`);
}

const figs = figures();
for (const name of Object.keys(figs) as (keyof typeof figs)[]) {
  Deno.test(`chart snapshot: ${name}`, () => snapshot(name, figs[name].svg));
}

Deno.test("charts are identical when rendered again in the same process (no id counters)", () => {
  const again = figures();
  for (const name of Object.keys(figs) as (keyof typeof figs)[]) {
    assert.equal(again[name].svg, figs[name].svg, name);
  }
});

Deno.test("chart coordinates are rounded to at most 2 decimals", () => {
  for (const [name, f] of Object.entries(figs)) {
    for (const m of f.svg.matchAll(/ (?:d|transform|x|y|width|height)="([^"]*)"/g)) {
      assert.ok(!/\d\.\d{3}/.test(m[1]!), `${name}: ${m[0]}`);
    }
  }
});

Deno.test("Plot's counter ids are renamed after the figure and references still resolve", () => {
  const opts = {
    width: 200,
    height: 100,
    marks: [Plot.lineY([1, 3, 2], { clip: true }), Plot.dot([1, 2], { clip: true })],
  };
  const svg = renderPlot(opts, "clipped");
  const ids = [...svg.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!);
  assert.deepEqual(ids, ["clipped-clip-1"]); // both marks share the frame's clip path
  const refs = [...svg.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 1);
  for (const r of refs) assert.ok(ids.includes(r), r);
  // Plot's own counter has moved on, our ids have not.
  assert.equal(renderPlot(opts, "clipped"), svg);
});
