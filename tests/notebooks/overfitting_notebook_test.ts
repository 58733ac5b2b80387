/**
 * Executes notebooks/07_overfitting.ipynb with the Deno kernel through `deno task notebooks` on a
 * fresh temporary store and checks what it showed: the 40 momentum variants recorded as one
 * ledger family, the best one's verdict with N = 40 taken from the ledger (DSR below PSR, since
 * 40 tries raise the bar), PBO over every one of the 12,870 CSCV splits with its logit histogram,
 * SPA and StepM, the bootstrap intervals and the sentence.
 *
 * Ignored, with the reason printed, when Jupyter is not installed (CI installs it). With the real
 * data present (always in CI) the notebook must have used it; without it, it must say that it fell
 * back to the simulated market.
 */
import assert from "node:assert/strict";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";
import { HAS_REAL_DATA } from "../_shared/real_data.ts";

const HAS_JUPYTER = jupyterInstalled("overfitting notebook test");
const NOTEBOOK = "07_overfitting.ipynb";

type Parsed = { headers: string[]; rows: string[][] };

function parseTable(html: string): Parsed {
  const cells = (row: string, tag: string) =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? "";
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return {
    headers: cells(head, "th"),
    rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]!, "td")),
  };
}

function num(cell: string): number {
  const t = cell.replaceAll(",", "").trim();
  return t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : Number(t);
}

Deno.test({
  name: "deno task notebooks executes 07 overfitting: a ledger family of 40 momentum variants " +
    "with the best one's DSR, PBO, SPA and StepM",
  ignore: !HAS_JUPYTER,
  fn: async () => {
    const { code, stdout, stderr } = await runNotebooksTask([NOTEBOOK]);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /^ok 07_overfitting\.ipynb/m);
    const outputs = await executedOutputs(NOTEBOOK);
    const texts = outputs.filter((o) => o.data?.["image/svg+xml"] === undefined)
      .map((o) => joined(o.data?.["text/plain"]));
    const text = texts.join("\n");
    if (HAS_REAL_DATA) {
      assert.match(text, /real data: (imported 24 files|the store already holds all 24 series)/);
      assert.match(text, /family nb07-momentum-BTCUSDT: 40 trials in the ledger/);
    } else {
      assert.match(text, /NOTE: .* uses the SIMULATED market/);
      assert.match(text, /family nb07-momentum-BTCSIM: 40 trials in the ledger/);
    }
    const tables = outputs.map((o) => joined(o.data?.["text/html"]))
      .filter((h) => h.startsWith('<table class="cryptolab-table">')).map(parseTable);
    const verdict = tables.find((t) => t.headers.includes("statistic") && t.rows.length >= 10);
    assert.ok(verdict, "the verdict table");
    const stat = (name: string) => {
      const row = verdict.rows.find((r) => r[0]!.startsWith(name));
      assert.ok(row, `no row ${name}`);
      return num(row[1]!);
    };
    assert.equal(stat("trials in the family (N)"), 40);
    // 40 correlated lookbacks are far fewer independent tries; the raw N still decides the DSR
    const nEff = stat("effective independent trials (N_eff)");
    assert.ok(nEff >= 1 && nEff < 40, `N_eff ${nEff}`);
    assert.ok(stat("DSR with N_eff") >= stat("DSR"), "fewer independent trials deflate less");
    assert.match(text, /^trials: N = 40 raw, N_eff = \d+\.\d\d effective \(N_eff = rho/m);
    const psr = stat("PSR"), dsr = stat("DSR");
    assert.ok(dsr >= 0 && dsr < psr && psr <= 1, `DSR ${dsr} < PSR ${psr}`);
    // the expected best of 40 null trials is a positive bar to clear
    assert.ok(stat("expected max Sharpe") > 0);
    for (const name of ["PBO", "probability of loss", "SPA p-value (consistent)"]) {
      const x = stat(name);
      assert.ok(x >= 0 && x <= 1, `${name} ${x}`);
    }
    assert.ok(Number.isInteger(stat("StepM winners at 5%")));
    assert.match(text, /PBO over 40 aligned trials, 16 blocks, 12870 of 12870 splits/);
    assert.match(text, /^verdict: Counting all 40 trials of family nb07-momentum-\w+, /m);
    const intervals = tables.find((t) => t.headers.includes("lower"));
    assert.ok(intervals, "the bootstrap intervals table");
    for (const r of intervals.rows) {
      assert.ok(num(r[2]!) <= num(r[1]!) && num(r[1]!) <= num(r[3]!), r.join(" "));
    }
    const hist = outputs.find((o) =>
      o.data?.["image/svg+xml"] !== undefined &&
      joined(o.data?.["text/plain"]).includes("PBO logit histogram")
    );
    assert.ok(hist, "the logit histogram figure");
    assert.ok((joined(hist.data?.["image/svg+xml"]).match(/<rect\b/g) ?? []).length >= 5);
  },
});
