/**
 * Executes the portfolio and backtest notebooks (05 portfolio and costs, 06 backtest and
 * walk-forward) with the Deno kernel through `deno task notebooks`, in one run on one fresh
 * temporary store (05 imports the real universe, 06 finds it there), and checks what each one
 * showed: figures by title and marks, tables by header and by the relations their numbers must
 * satisfy (shrinkage lowers the condition number, minimum variance has the lower volatility,
 * costs make net below gross, capacity falls with capital, lag 0 is flagged, the peeking
 * strategy fails the lookahead check, CPCV gives 15 splits and 5 paths).
 *
 * Ignored, with the reason printed, when Jupyter is not installed (CI installs it). With the
 * real data present (always in CI) the notebooks must have used it; without it they must say
 * that they fell back to the simulated market.
 */
import assert from "node:assert/strict";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";
import { HAS_REAL_DATA } from "../_shared/real_data.ts";

const HAS_JUPYTER = jupyterInstalled("portfolio notebook tests");

const NOTEBOOKS = [
  "05_portfolio_and_costs.ipynb",
  "06_backtest_and_walk_forward.ipynb",
] as const;

interface Shown {
  figures: { title: string; svg: string }[];
  tables: string[];
  texts: string[];
}

async function shown(name: string): Promise<Shown> {
  const outputs = await executedOutputs(name);
  const figures = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined).map((o) => ({
    title: joined(o.data?.["text/plain"]),
    svg: joined(o.data?.["image/svg+xml"]),
  }));
  const tables = outputs.map((o) => joined(o.data?.["text/html"]))
    .filter((h) => h.startsWith('<table class="cryptolab-table">'));
  const texts = outputs.filter((o) => o.data?.["image/svg+xml"] === undefined)
    .map((o) => joined(o.data?.["text/plain"]));
  return { figures, tables, texts };
}

function figureTitled(s: Shown, title: string) {
  const f = s.figures.find((x) => x.title.includes(title));
  assert.ok(f, `no figure titled "${title}" among: ${s.figures.map((x) => x.title).join(" | ")}`);
  assert.ok(f.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), title);
  return f;
}

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

function tableWith(s: Shown, header: string): Parsed {
  const html = s.tables.find((t) => parseTable(t).headers.includes(header));
  assert.ok(html, `no table with a "${header}" column`);
  return parseTable(html);
}

/** A cell as a number: thousands separators and a trailing % removed (percent -> fraction). */
function num(cell: string): number {
  const t = cell.replaceAll(",", "").trim();
  return t.endsWith("%") ? Number(t.slice(0, -1)) / 100 : Number(t);
}

function column(t: Parsed, header: string): string[] {
  const i = t.headers.indexOf(header);
  assert.ok(i >= 0, `no column "${header}" in ${t.headers.join(", ")}`);
  return t.rows.map((r) => r[i]!);
}

function checkData(s: Shown, name: string) {
  const text = s.texts.join("\n");
  if (HAS_REAL_DATA) {
    assert.match(
      text,
      /real data: (imported 24 files|the store already holds all 24 series)/,
      name,
    );
    assert.match(
      text,
      /panel: 24 assets x \d{4} hourly bars, 2020-12-01 \.\. 2021-07-17 \(binance\)/,
    );
  } else {
    assert.match(text, /NOTE: .* uses the SIMULATED market/, name);
  }
}

Deno.test({
  name: "deno task notebooks executes 05 portfolio and costs and 06 backtest and walk-forward " +
    "and they show risk models, allocations, costs, capacity, trades, lag, lookahead, folds, CPCV",
  ignore: !HAS_JUPYTER,
  fn: async (t) => {
    const { code, stdout, stderr } = await runNotebooksTask(NOTEBOOKS);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    for (const nb of NOTEBOOKS) {
      assert.match(stdout, new RegExp(`^ok ${nb.replace(".", "\\.")}`, "m"));
    }
    assert.match(stdout, /2 of 2 notebooks ok/);

    await t.step("05 portfolio and costs", async () => {
      const s = await shown(NOTEBOOKS[0]);
      checkData(s, NOTEBOOKS[0]);
      const text = s.texts.join("\n");
      // the backtests were recorded in the store's trial ledger (the notebook opens one)
      assert.match(
        text,
        /trial ledger: nb05:allocation [2-9]\d* trials, nb05:momentum-long-short [1-9]\d* trials/,
      );
      // risk models: shrinkage in (0, 1) and a better-conditioned matrix than the sample one
      const risk = tableWith(s, "shrinkage δ");
      assert.deepEqual(column(risk, "estimator"), ["sample", "Ledoit-Wolf", "OAS"]);
      const delta = column(risk, "shrinkage δ").map(num);
      const cond = column(risk, "condition number").map(num);
      assert.equal(delta[0], 0);
      for (const i of [1, 2]) {
        assert.ok(delta[i]! > 0 && delta[i]! < 1, `shrinkage ${delta[i]}`);
        assert.ok(cond[i]! < cond[0]!, `condition ${cond[i]} < ${cond[0]}`);
      }
      // allocations: fully invested long-only weights
      assert.match(text, /minimum variance: optimal/);
      assert.match(text, /maximum Sharpe: (optimal|noPositiveExcessReturn)/);
      const alloc = tableWith(s, "min variance");
      assert.equal(alloc.rows.length, HAS_REAL_DATA ? 24 : alloc.rows.length);
      for (const h of ["min variance", "risk parity", "HRP", "inverse vol"]) {
        const w = column(alloc, h).map(num);
        assert.ok(w.every((x) => x >= -0.0005), `${h}: long-only`);
        const sum = w.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 0.01, `${h} sums to ${sum}`);
      }
      const bars = figureTitled(s, "Weights by method");
      assert.ok((bars.svg.match(/<rect\b/g) ?? []).length >= 20, "bars");
      // out of sample: minimum variance is the less volatile one
      const oos = tableWith(s, "volatility");
      assert.deepEqual(column(oos, "portfolio"), [
        "minimum variance (Ledoit-Wolf)",
        "equal weight",
      ]);
      const vol = column(oos, "volatility").map(num);
      assert.ok(vol[0]! < vol[1]!, `min variance vol ${vol[0]} < equal weight ${vol[1]}`);
      figureTitled(s, "Minimum variance vs equal weight");
      // costs
      assert.ok(column(tableWith(s, "taker"), "venue").includes("binance"));
      const spreads = tableWith(s, "Corwin-Schultz (bp)");
      assert.ok(column(spreads, "Corwin-Schultz (bp)").map(num).every((x) => x > 0));
      assert.match(text, /gives 1\.662497915624479 out/);
      assert.match(text, /lookahead check: passed at \d+ sampled bars/);
      const costs = tableWith(s, "net total return");
      assert.deepEqual(column(costs, "rebalance"), ["every bar", "every 24 bars"]);
      const gross = column(costs, "gross total return").map(num);
      const net = column(costs, "net total return").map(num);
      for (const i of [0, 1]) assert.ok(net[i]! < gross[i]!, `net ${net[i]} < gross ${gross[i]}`);
      for (const h of ["fees", "spread", "impact"]) {
        assert.ok(column(costs, h).map(num).every((x) => x > 0), `${h} charged`);
      }
      const turnover = column(costs, "mean turnover / bar").map(num);
      assert.ok(turnover[0]! > turnover[1]!, "rebalancing every bar trades more");
      figureTitled(s, "gross vs net growth of $1");
      // capacity: the net Sharpe falls as capital grows
      const cap = tableWith(s, "capital ($)");
      const sharpe = column(cap, "net Sharpe").map(num);
      assert.equal(sharpe.length, 5);
      assert.ok(sharpe[4]! < sharpe[0]!, `capacity ${sharpe.join(", ")}`);
      for (let i = 1; i < 5; i++) assert.ok(sharpe[i]! <= sharpe[i - 1]! + 1e-9, "non-increasing");
      figureTitled(s, "Capacity curve");
    });

    await t.step("06 backtest and walk-forward", async () => {
      const s = await shown(NOTEBOOKS[1]);
      checkData(s, NOTEBOOKS[1]);
      const text = s.texts.join("\n");
      assert.match(text, /\d+ closed trades \(\d+ open at the end\): hit rate/);
      const trades = tableWith(s, "entry price");
      assert.ok(trades.rows.length >= 1 && trades.rows.length <= 12);
      assert.ok(column(trades, "bars held").map(num).every((x) => x >= 1));
      assert.ok(column(trades, "side").every((x) => x === "long"), "a long-only crossover");
      // lag 0 is flagged, lag 1 and 2 are not
      const lag = tableWith(s, "lagZero flag");
      assert.deepEqual(column(lag, "lag"), ["0", "1", "2"]);
      assert.deepEqual(column(lag, "lagZero flag"), ["true", "false", "false"]);
      assert.ok(num(column(lag, "warnings")[0]!) >= 1);
      // lookahead: the crossover passes, the peeking strategy is caught
      assert.match(text, /crossover: Lookahead check passed: at each of \d+ bars/);
      assert.match(text, /peeking strategy: Lookahead check FAILED at \d+ of \d+ bars/);
      // the BTC benchmark keeps the return spanning each gap: compounded = last / first - 1
      const bench = text.match(
        /BTC benchmark: (\d+) missing bars, each gap's move taken at the next bar; compounded return (-?[\d.]+)% = last \/ first close - 1 (-?[\d.]+)%/,
      );
      assert.ok(bench, "the BTC benchmark line");
      if (HAS_REAL_DATA) assert.ok(Number(bench[1]) >= 1, "the real BTC hours have gaps");
      assert.ok(Math.abs(Number(bench[2]) - Number(bench[3])) < 1e-5, bench[0]);
      const metrics = tableWith(s, "BTC buy and hold");
      assert.ok(column(metrics, "metric").includes("sharpe"));
      assert.ok(column(metrics, "metric").includes("conditionalValueAtRisk"));
      figureTitled(s, "MA crossover 24/168 (net) against BTC");
      // walk-forward
      const folds = tableWith(s, "fast/slow chosen");
      assert.ok(folds.rows.length >= 3, `${folds.rows.length} folds`);
      for (const c of column(folds, "fast/slow chosen")) assert.match(c, /^(12|24|48)\/(168|336)$/);
      for (const c of column(folds, "in-sample Sharpe")) assert.ok(Number.isFinite(num(c)));
      assert.match(text, /with hindsight the best set on the whole sample is \d+\/\d+/);
      figureTitled(s, "Walk-forward: stitched out-of-sample growth");
      // CPCV: C(6, 2) = 15 splits, 5 paths
      assert.match(text, /CPCV: 15 splits, 5 paths/);
      const paths = tableWith(s, "path");
      assert.equal(paths.rows.length, 5);
      // every backtest was recorded in the store's trial ledger (issue 10, finding 7): the
      // single run, the walk-forward's and CPCV's six candidates, the hindsight runs
      const ledgerLine = text.match(/trial ledger: nb06:ma-crossover (\d+) trials/);
      assert.ok(ledgerLine, "the ledger line");
      assert.ok(Number(ledgerLine[1]) >= 13, ledgerLine[0]);
    });
  },
});
