/**
 * Executes every notebook with the Deno kernel through `deno task notebooks` (nbconvert) and
 * checks what they showed. Ignored, with the reason printed, when Jupyter is not installed:
 * the README's test command must pass on a machine with only Node and npm; CI installs
 * Jupyter, so there it runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";

const HAS_JUPYTER = jupyterInstalled("notebook tests");

Deno.test({
  name: "deno task notebooks executes 01_getting_started and it shows table, figures, progress",
  ignore: !HAS_JUPYTER,
  fn: async () => {
    const { code, stdout, stderr } = await runNotebooksTask(["01_getting_started.ipynb"]);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /^ok 01_getting_started\.ipynb/m);
    assert.match(stdout, /1 of 1 notebooks ok/);
    // the run used a temporary store, never the user's data/cryptolab.db
    assert.match(stderr, /store for this run: .*cryptolab-notebooks-.*\(temporary\)/);

    const outputs = await executedOutputs("01_getting_started.ipynb");
    const html = outputs.map((o) => joined(o.data?.["text/html"]));
    const svgs = outputs.map((o) => joined(o.data?.["image/svg+xml"])).filter((s) => s !== "");

    // coverage table and panel table: escaped HTML tables with a caption for the panel
    const tables = html.filter((h) => h.startsWith('<table class="cryptolab-table">'));
    assert.ok(tables.length >= 2, `expected >= 2 HTML tables, got ${tables.length}`);
    assert.ok(tables.some((t) => /<th[^>]*>gaps<\/th>/.test(t)), "coverage table with gaps");
    assert.ok(tables.some((t) => t.includes("<caption>sim 1h close")), "panel table");
    // a bar chart (rects) and a price chart (line paths), as standalone SVG
    assert.ok(svgs.length >= 2, `expected >= 2 SVG figures, got ${svgs.length}`);
    assert.ok(svgs.every((s) => s.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')));
    assert.ok(svgs.some((s) => /<rect\b/.test(s)), "a bar chart");
    assert.ok(svgs.some((s) => /aria-label="line"/.test(s)), "a line chart");
    // the progress bar ended in its final state
    const bars = html.filter((h) => h.includes('class="cryptolab-progress"'));
    assert.equal(bars.length, 1, "one progress bar");
    assert.ok(bars[0]!.includes('data-state="done"'), String(bars[0]));
    assert.match(bars[0]!, /100\.0%/);
  },
});

Deno.test({
  name:
    "deno task notebooks fails with exit 1 naming the notebook and the error when a cell throws",
  ignore: !HAS_JUPYTER,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-bad-nb-" });
    try {
      const cell = (i: number, source: string) => ({
        cell_type: "code",
        execution_count: null,
        id: `c${i}`,
        metadata: {},
        outputs: [],
        source,
      });
      const nb = {
        cells: [cell(0, "const a = 1;"), cell(1, 'throw new RangeError("boom in cell two");')],
        metadata: { kernelspec: { name: "cryptolab-deno", display_name: "cryptolab (Deno)" } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      const path = join(dir, "broken.ipynb");
      await Deno.writeTextFile(path, JSON.stringify(nb));
      const { code, stdout, stderr } = await runNotebooksTask([path]);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /FAILED broken\.ipynb .*a cell threw/);
      assert.match(stderr, /RangeError: boom in cell two/);
      assert.match(stdout, /0 of 1 notebooks ok/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
