/**
 * Executes the research notebooks (02 factor decomposition, 03 signal validation, 04 pairs
 * trading) with the Deno kernel through `deno task notebooks`, in one run so they share one
 * fresh temporary store (the first imports the real universe, the others find it there), and
 * checks what each one showed: the figures by title and marks, the tables by header and by the
 * relations their numbers must satisfy.
 *
 * Ignored, with the reason printed, when Jupyter is not installed (CI installs it). With the
 * real data present (always in CI) the notebooks must have used it; without it they must say
 * that they fell back to the simulated market.
 */
import assert from "node:assert/strict";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";
import { HAS_REAL_DATA } from "../_shared/real_data.ts";

const HAS_JUPYTER = jupyterInstalled("research notebook tests");

const NOTEBOOKS = [
  "02_factor_decomposition.ipynb",
  "03_signal_validation.ipynb",
  "04_pairs_trading.ipynb",
] as const;

/** What an executed notebook showed: figures (title, svg, html), tables (html) and text. */
interface Shown {
  figures: { title: string; svg: string; html: string }[];
  tables: string[];
  texts: string[];
}

async function shown(name: string): Promise<Shown> {
  const outputs = await executedOutputs(name);
  const figures = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined).map((o) => ({
    title: joined(o.data?.["text/plain"]),
    svg: joined(o.data?.["image/svg+xml"]),
    html: joined(o.data?.["text/html"]),
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

/** Header cells and body rows (cell text, HTML entities left as they are) of a rendered table. */
function parseTable(html: string): { headers: string[]; rows: string[][] } {
  const cells = (row: string, tag: string) =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? "";
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return {
    headers: cells(head, "th"),
    rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]!, "td")),
  };
}

function tableWith(s: Shown, header: string): { headers: string[]; rows: string[][] } {
  const html = s.tables.find((t) => parseTable(t).headers.includes(header));
  assert.ok(html, `no table with a "${header}" column`);
  return parseTable(html);
}

const num = (s: string) => Number(s.replaceAll(",", ""));

function column(t: { headers: string[]; rows: string[][] }, header: string): string[] {
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
  name: "deno task notebooks executes the research notebooks 02, 03 and 04 and they show " +
    "betas, residuals, IC, decay, quantiles, screened pairs and a spread with bands",
  ignore: !HAS_JUPYTER,
  fn: async (t) => {
    const { code, stdout, stderr } = await runNotebooksTask(NOTEBOOKS);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    for (const nb of NOTEBOOKS) {
      assert.match(stdout, new RegExp(`^ok ${nb.replace(".", "\\.")}`, "m"));
    }
    assert.match(stdout, /3 of 3 notebooks ok/);
    assert.match(stderr, /store for this run: .*cryptolab-notebooks-.*\(temporary\)/);

    await t.step("02 factor decomposition", async () => {
      const s = await shown(NOTEBOOKS[0]);
      checkData(s, NOTEBOOKS[0]);
      if (HAS_REAL_DATA) {
        // the first notebook of the run found an empty store and imported the universe
        assert.match(s.texts.join("\n"), /real data: imported 24 files/);
      }
      const betas = figureTitled(s, "Rolling betas to BTC and ETH");
      assert.ok(/aria-label="line"/.test(betas.svg), "beta lines");
      assert.ok(
        betas.svg.includes("β to BTC") && betas.svg.includes("β to ETH"),
        "one facet per factor",
      );
      const cum = figureTitled(s, "Raw vs residual cumulative returns");
      assert.ok(/aria-label="line"/.test(cum.svg));
      assert.ok(
        cum.html.includes("raw") && cum.html.includes("residual (BTC/ETH hedged)"),
        "legend",
      );
      const r2 = figureTitled(s, "Distribution of rolling R²");
      assert.ok((r2.svg.match(/<rect\b/g) ?? []).length >= 10, "an R² histogram");

      const summary = tableWith(s, "mean β BTC");
      assert.ok(summary.rows.length >= 3, "one row per asset");
      for (const r2v of column(summary, "mean R²").map(num)) assert.ok(r2v >= 0 && r2v <= 1);
      // residual volatility is below raw volatility for every ordinary asset: the factors explain something
      const roles = column(summary, "role");
      const raw = column(summary, "raw vol (ann.)").map((v) => parseFloat(v));
      const res = column(summary, "residual vol (ann.)").map((v) => parseFloat(v));
      roles.forEach((role, i) => {
        if (role === "asset") assert.ok(res[i]! < raw[i]!, `row ${i}: ${res[i]} >= ${raw[i]}`);
      });

      const runs = tableWith(s, "run id (SHA-256)");
      assert.deepEqual(column(runs, "status"), ["created", "exists"]);
      const ids = column(runs, "run id (SHA-256)");
      assert.match(ids[0]!, /^[0-9a-f]{64}$/);
      assert.equal(ids[1], ids[0]);
      assert.ok(num(column(runs, "betaRows")[0]!) > 0);
      assert.equal(num(column(runs, "betaRows")[1]!), 0);
      assert.match(s.texts.join("\n"), /idempotent: the second call found the run by its id/);
    });

    await t.step("03 signal validation", async () => {
      const s = await shown(NOTEBOOKS[1]);
      checkData(s, NOTEBOOKS[1]);
      if (HAS_REAL_DATA) assert.match(s.texts.join("\n"), /already holds all 24 series/);
      // each IC series was recorded in the store's trial ledger (the notebook opens one)
      assert.match(s.texts.join("\n"), /trial ledger: nb03:\w+ [1-9]\d* trials/);
      const bars = figureTitled(s, "Mean Spearman IC by signal");
      assert.ok((bars.svg.match(/<rect\b/g) ?? []).length >= 12, "6 signals x 2 horizons of bars");
      const daily = figureTitled(s, "daily mean of the hourly IC");
      assert.ok(/<rect\b/.test(daily.svg) && /aria-label="line"/.test(daily.svg));
      const decay = figureTitled(s, "IC decay");
      assert.ok(/aria-label="line"/.test(decay.svg) && /aria-label="dot"/.test(decay.svg));
      const quint = figureTitled(s, "Mean next-hour return by signal quintile");
      assert.ok((quint.svg.match(/<rect\b/g) ?? []).length >= 30, "6 signals x 5 quintiles");
      figureTitled(s, "cumulative log return by quintile");

      const summary = tableWith(s, "t (Newey-West)");
      assert.ok(summary.headers.includes("t (naive)") && summary.headers.includes("NW lags"));
      assert.equal(summary.rows.length, 12, "6 signals x 2 horizons");
      const h = column(summary, "h (bars)").map(num);
      const lags = column(summary, "NW lags").map(num);
      const hit = column(summary, "hit rate").map((v) => parseFloat(v));
      h.forEach((hv, i) => {
        // overlapping h-bar returns: at least h - 1 Newey-West lags
        assert.ok(lags[i]! >= hv - 1, `row ${i}: ${lags[i]} lags at h = ${hv}`);
        assert.ok(hit[i]! >= 0 && hit[i]! <= 100);
      });
      const decayT = tableWith(s, "t NW h=48");
      assert.equal(decayT.rows.length, 6);
      tableWith(s, "long-short (bp/h)");
      tableWith(s, "top quintile turnover / h");
      const after = s.tables.find((x) => x.includes("<caption>AFTER sequential orthogonalization"));
      assert.ok(after, "the correlation matrix after orthogonalization");
      // off-diagonal correlations are ~0 after: every cell off the diagonal prints as (-)0.00
      parseTable(after).rows.forEach((r, i) =>
        r.slice(1).forEach((v, j) => {
          if (i !== j) assert.ok(Math.abs(num(v)) < 0.01, `after[${i}][${j}] = ${v}`);
        })
      );
      assert.ok(
        s.tables.some((x) => x.includes("<caption>Average cross-sectional correlation BEFORE")),
      );
    });

    await t.step("04 pairs trading", async () => {
      const s = await shown(NOTEBOOKS[2]);
      checkData(s, NOTEBOOKS[2]);
      const pairs = tableWith(s, "q (BH)");
      assert.ok(pairs.rows.length >= 5);
      const p = column(pairs, "p (raw)").map(num), q = column(pairs, "q (BH)").map(num);
      p.forEach((pv, i) => {
        // BH never lowers a p-value; rows are sorted by raw p-value
        assert.ok(q[i]! >= pv && q[i]! <= 1, `row ${i}: q ${q[i]} < p ${pv}`);
        if (i > 0) assert.ok(pv >= p[i - 1]!);
      });
      assert.match(
        s.texts.join("\n"),
        /\d+ pairs tested in .* remain after Benjamini-Hochberg at 5%/,
      );
      figureTitled(s, "Raw Engle-Granger p-values");

      const hedge = tableWith(s, "beta");
      assert.deepEqual(column(hedge, "method"), [
        "OLS (whole sample)",
        "TLS (whole sample)",
        "Kalman (last bar)",
      ]);
      figureTitled(s, "Kalman hedge ratio");

      const spread = figureTitled(s, "z-bands");
      assert.ok(spread.title.includes("entry/exit points"));
      assert.ok(
        (spread.svg.match(/aria-label="line"/g) ?? []).length >= 4,
        "spread, mean, 2 bands",
      );
      assert.ok(/stroke-dasharray="4,3"/.test(spread.svg), "dashed bands");
      assert.ok(/aria-label="dot"/.test(spread.svg), "entry/exit points");
      assert.ok(
        spread.html.includes("enter long spread") && spread.html.includes("exit"),
        "legend",
      );
      figureTitled(s, "Rolling z-score of the spread");

      const hl = tableWith(s, "half-life (h)");
      assert.ok(num(column(hl, "half-life (h)")[0]!) > 0);
      figureTitled(s, "Rolling Engle-Granger p-value");
      figureTitled(s, "Rolling hedge ratio");
      const jo = tableWith(s, "trace (r = 0)");
      assert.deepEqual(column(jo, "detOrder"), ["-1", "0", "1"]);
      assert.match(
        s.texts.join("\n"),
        /RangeError: Cannot compute Engle-Granger: .*stationary by construction/,
        "the test on returns is refused with the reason",
      );
    });
  },
});
