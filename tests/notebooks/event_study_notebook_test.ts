/**
 * Executes notebooks/10_event_study.ipynb with the Deno kernel through `deno task notebooks` on a
 * fresh temporary store and checks what it showed: events per bar-based definition, event
 * studies with BMP / Kolari-Pynnonen / bootstrap p-values, the CAAR chart with its band, the
 * hypothesis table with BH <= BY adjusted p-values and gate results, and the perp section on the
 * real USDT-M futures and funding files (funding definitions available, the rest named as
 * missing).
 *
 * Ignored, with the reason printed, when Jupyter is not installed (CI installs it). With the real
 * data present (always in CI) the notebook must have used it.
 */
import assert from "node:assert/strict";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";
import { HAS_REAL_DATA } from "../_shared/real_data.ts";

const HAS_JUPYTER = jupyterInstalled("event study notebook test");
const NOTEBOOK = "10_event_study.ipynb";

function rows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.trim())
  );
}

Deno.test({
  name: "deno task notebooks executes 10 event study: registry, studies, hypotheses, perp data",
  ignore: !HAS_JUPYTER,
  fn: async () => {
    const { code, stdout, stderr } = await runNotebooksTask([NOTEBOOK]);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /^ok 10_event_study\.ipynb/m);
    const outputs = await executedOutputs(NOTEBOOK);
    const text = outputs.filter((o) => o.data?.["image/svg+xml"] === undefined)
      .map((o) => joined(o.data?.["text/plain"])).join("\n");
    const html = outputs.map((o) => joined(o.data?.["text/html"]))
      .filter((h) => h.startsWith('<table class="cryptolab-table">'));
    if (HAS_REAL_DATA) {
      assert.match(text, /real data: (imported 24 files|the store already holds all 24 series)/);
      assert.match(text, /panel: 24 assets x 5493 hourly bars \(binance\)/);
    }
    // the registry: the 10 bar-based definitions, up + down = events
    const reg = rows(html[0]!);
    assert.equal(reg.length, 10);
    for (const r of reg) assert.equal(Number(r[2]) + Number(r[3]), Number(r[1]), r.join(" "));
    // studies: p-values in [0, 1]
    const st = rows(html[1]!);
    assert.ok(st.length >= 10);
    for (const r of st) {
      for (const j of [4, 6, 7]) assert.ok(Number(r[j]) >= 0 && Number(r[j]) <= 1);
    }
    // the CAAR chart with its band
    assert.ok(
      outputs.some((o) => /Cumulative average abnormal return/.test(joined(o.data?.["text/html"]))),
    );
    // hypotheses: sorted by raw p, BH <= BY, adjusted >= raw
    const hy = rows(html[3]!);
    assert.equal(hy.length, 10);
    for (const r of hy) {
      assert.ok(Number(r[6]) >= Number(r[5]) - 1e-9 && Number(r[7]) >= Number(r[6]) - 1e-9);
    }
    assert.match(text, /raw p < 0\.05: \d+ of \d+; BH q <= 0\.05: \d+; promoted: \d+/);
    if (HAS_REAL_DATA) {
      const perp = rows(html[5]!);
      const status = new Map(perp.map((r) => [r[0], r[2]]));
      assert.equal(status.get("funding-high-2z"), "available");
      assert.match(status.get("oi-shock-4z")!, /no open interest/);
      assert.match(text, /perp run: \d+ hypotheses, \d+ promoted/);
    }
  },
});
