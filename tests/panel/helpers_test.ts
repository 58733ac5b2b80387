// The pure panel helpers on small hand-made inputs: behaviour at edges and error messages.
// Their numbers on real data are checked against pandas in load_panel_nfi_test.ts.
import assert from "node:assert/strict";
import {
  alignToGrid,
  coverage,
  fromColumns,
  logReturns,
  panelColumn,
  panelRow,
  subsetPanel,
} from "@lib/panel/mod.ts";

const H = 3_600_000;
const panel = () =>
  fromColumns({
    freq: "1h",
    venue: "sim",
    assets: ["A", "B", "C"],
    index: Float64Array.from([0, 1, 2, 3, 4], (k) => 10 * H + k * H),
    close: [
      new Float64Array([1, 2, 4, 8, 16]),
      new Float64Array([NaN, 5, NaN, 5, 5]),
      new Float64Array([3, 3, 3, NaN, NaN]),
    ],
    volume: [new Float64Array(5).fill(1), new Float64Array(5).fill(2), new Float64Array(5)],
  });

Deno.test("logReturns: NaN at the start and on both sides of a gap; flat is 0", () => {
  const r = logReturns(new Float64Array([10, 10, NaN, 20, 40]));
  assert.deepEqual([...r], [NaN, 0, NaN, NaN, Math.log(2)]);
  assert.deepEqual([...logReturns(new Float64Array(0))], []);
});

Deno.test("alignToGrid: gaps become NaN, contiguous input is placed at its offset", () => {
  const grid = { start: 0, stepMs: H, length: 5 };
  assert.deepEqual(
    [...alignToGrid(new Float64Array([H, 2 * H]), new Float64Array([7, 8]), grid)],
    [NaN, 7, 8, NaN, NaN],
  );
  const out = new Float64Array(5).fill(99);
  alignToGrid(new Float64Array([0, 4 * H]), new Float64Array([1, 2]), grid, out);
  assert.deepEqual([...out], [1, NaN, NaN, NaN, 2]);
  assert.throws(
    () => alignToGrid(new Float64Array([H / 2]), new Float64Array([1]), grid),
    /off the grid/,
  );
  assert.throws(
    () => alignToGrid(new Float64Array([5 * H]), new Float64Array([1]), grid),
    /outside the grid/,
  );
  assert.throws(
    () => alignToGrid(new Float64Array([0]), new Float64Array([1, 2]), grid),
    /ts has 1 points but values has 2/,
  );
});

Deno.test("fromColumns refuses a skipped row, an off-grid time and ragged columns", () => {
  const base = { freq: "1h", venue: "sim", assets: ["A"] } as const;
  assert.throws(
    () => fromColumns({ ...base, index: new Float64Array([0, 2 * H]) }),
    /every grid point/,
  );
  assert.throws(() => fromColumns({ ...base, index: new Float64Array([1]) }), /multiples of/);
  assert.throws(
    () => fromColumns({ ...base, index: new Float64Array([0, H]), close: [new Float64Array(3)] }),
    /close of A has 3 rows, index has 2/,
  );
  assert.throws(
    () => fromColumns({ ...base, assets: ["A", "A"], index: new Float64Array(0) }),
    /labels repeat/,
  );
});

Deno.test("panelColumn and panelRow read the same cells", () => {
  const p = panel();
  const out = new Float64Array(3);
  for (let t = 0; t < p.index.length; t++) {
    panelRow(p, "close", t, out);
    p.assets.forEach((asset, a) => assert.ok(Object.is(out[a], panelColumn(p, "close", asset)[t])));
  }
  assert.deepEqual([...panelRow(p, "logReturns", 1)], [Math.log(2), NaN, 0]);
  assert.throws(() => panelRow(p, "close", 5), /rows are integers in \[0, 5\)/);
  assert.throws(() => panelRow(p, "close", 0, new Float64Array(2)), /out has length 2/);
  assert.throws(() => panelColumn(p, "close", "Z"), /its assets are: A, B, C/);
});

Deno.test("coverage counts non-NaN closes per asset", () => {
  assert.deepEqual([...coverage(panel())], [1, 0.6, 0.6]);
});

Deno.test("subsetPanel: assets in the given order, [from, to), returns recomputed", () => {
  const p = panel();
  const s = subsetPanel(p, { assets: ["C", "A"], from: 11 * H, to: 13 * H });
  assert.deepEqual(s.assets, ["C", "A"]);
  assert.deepEqual([...s.index], [11 * H, 12 * H]);
  assert.deepEqual([...s.close[1]!], [2, 4]);
  assert.deepEqual([...s.volume[0]!], [0, 0]);
  assert.deepEqual([...s.logReturns[1]!], [NaN, Math.log(2)]);
  // a copy: writing into the subset leaves the source alone
  s.close[1]![0] = -1;
  assert.equal(p.close[0]![1], 2);
  assert.throws(() => subsetPanel(p, { assets: ["Z"] }), /its assets are: A, B, C/);
  assert.throws(() => subsetPanel(p, { from: 5, to: 5 }), /must be before/);
  assert.equal(subsetPanel(p, { from: 100 * H }).index.length, 0);
});
