/**
 * `deno task backtest` and `deno task walkforward` end to end, as users run them (`deno task`,
 * so with the permissions of deno.json and tasks/_launch.ts), on real Binance hourly bars
 * imported into a temporary store: the report files verify, the manifest carries the
 * dataset's fingerprint (the same `loadDataset` computes), the lag defaults to 1, `--lag 0`
 * is flagged in the manifest, the report and on stderr, the results equal the library's on the
 * same dataset, and a bad request exits 2 with a message naming the flag.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ReportSchema } from "@lib/report/schema.ts";
import { verifyReport } from "@lib/report/verify.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";
import { checkPage, HAS_CHROMIUM } from "../demo/_chromium.ts";

const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP", "LINK"];
const FROM = "2021-01-01", TO = "2021-04-01";

function blocks(m: ReportModel) {
  return m.sections.flatMap((s) => s.blocks);
}

function readModel(stdout: string): { dir: string; model: ReportModel } {
  const html = stdout.trim().split("\n")[0]!;
  const dir = html.replace(/\/report\.html$/, "");
  assert.deepEqual(verifyReport(dir).problems, []);
  const model = ReportSchema.parse(
    JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
  ) as ReportModel;
  return { dir, model };
}

realDataTest("deno task backtest and walkforward on real bars", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-backtest-task-" });
  try {
    const { db, dataset } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
    const out = join(tmp, "out");
    const common = ["--db", db, "--out", out, "--from", FROM, "--to", TO];
    const ma = ["--strategy", "ma-crossover", "--assets", "BTCUSDT", "--param", "fast=24"];

    await t.step(
      "backtest: files, fingerprint, lag 1 by default, the engine's numbers",
      async () => {
        const run = await runDeno(["task", "backtest", ...ma, "--param", "slow=168", ...common]);
        assert.equal(run.code, 0, run.stderr);
        assert.doesNotMatch(run.stderr, /lag 0/i);
        const { dir, model } = readModel(run.stdout);
        assert.match(model.runId, /^backtest-[0-9a-f]{12}$/);
        const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
        assert.equal(manifest.datasetFingerprint, dataset.fingerprint.sha256);
        assert.equal(model.manifest.params.lag, 1);
        assert.equal(model.manifest.params.lagZero, false);
        assert.equal(model.manifest.params["param.slow"], 168);
        assert.ok(!blocks(model).some((b) => b.type === "note" && /Lag 0/.test(b.text)));
        // the lookahead result is printed: passed on the sampled bars
        assert.ok(
          blocks(model).some((b) =>
            b.type === "paragraph" && /^Lookahead check passed/.test(b.text)
          ),
        );
        // the headline numbers are the engine's on the same dataset with Binance taker fees
        const c = dataset.panel.close[dataset.panel.assets.indexOf("BTCUSDT")]!;
        const w = maCrossover(c, { fast: 24, slow: 168 }).weights;
        const res = backtestWeights({ close: [c], index: dataset.panel.index }, w, {
          lag: 1,
          costs: [feeCost({ venue: "binance" })],
        });
        const total = res.net.reduce((g, r) => g * (1 + r), 1) - 1;
        const metrics = blocks(model).find((b) =>
          b.type === "table" && b.id === "strategy-metrics-returns"
        );
        assert.ok(metrics !== undefined && metrics.type === "table", "metrics table");
        const totalRow = metrics.rows.find((r) => r[0] === "Total return");
        assert.ok(totalRow !== undefined, "a total return row");
        assert.ok(Math.abs(Number(totalRow[1]) - total) < 1e-9, `${totalRow[1]} vs ${total}`);
        assert.ok(Number.isFinite(total));
      },
    );

    await t.step("backtest --lag 0 is flagged everywhere", async () => {
      const run = await runDeno(["task", "backtest", ...ma, "--lag", "0", ...common]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /warning: --lag 0/);
      const { model } = readModel(run.stdout);
      assert.equal(model.manifest.params.lag, 0);
      assert.equal(model.manifest.params.lagZero, true);
      assert.match(model.subtitle ?? "", /LAG 0/);
      const notes = blocks(model).filter((b) => b.type === "note" && /[Ll]ag 0/.test(b.text));
      assert.ok(notes.length >= 2, "a setup note and the tear sheet's note");
    });

    await t.step(
      "backtest from a JSON config: pairs with spreads, long-short with impact",
      async () => {
        const cfg = join(tmp, "pairs.json");
        await Deno.writeTextFile(
          cfg,
          JSON.stringify({
            strategy: "pairs",
            assets: ["ETHUSDT", "BTCUSDT"],
            params: { hedgeWindow: 240, zWindow: 72 },
            costs: { spread: "corwin-schultz" },
          }),
        );
        const run = await runDeno(["task", "backtest", "--config", cfg, ...common]);
        assert.equal(run.code, 0, run.stderr);
        const { model } = readModel(run.stdout);
        assert.equal(model.manifest.params.strategy, "pairs");
        assert.equal(model.manifest.params["param.hedgeWindow"], 240);
        assert.equal(model.manifest.params.spread, "corwin-schultz");
        const ls = await runDeno([
          "task",
          "backtest",
          "--strategy",
          "long-short",
          "--signal",
          "momentum_24",
          "--impact",
          ...common,
        ]);
        assert.equal(ls.code, 0, ls.stderr);
        const lsModel = readModel(ls.stdout).model;
        assert.equal(lsModel.manifest.params.impact, true);
        assert.ok(lsModel.sections.some((s) => s.id === "strategy-costs-capacity"));
      },
    );

    await t.step("long-short on --signal-file equals the same library signal by name", async () => {
      // momentum_24 as the library computes it, written as a researcher's CSV file
      const { panel } = dataset;
      const values = parseSignalName("momentum_24").compute(panel);
      const lines = ["ts,asset,value"];
      panel.assets.forEach((a, k) => {
        for (let t = 0; t < panel.index.length; t++) {
          const v = values[k]![t]!;
          lines.push(`${panel.index[t]},${a},${Number.isFinite(v) ? v : ""}`);
        }
      });
      const path = join(tmp, "momentum.csv");
      await Deno.writeTextFile(path, lines.join("\n") + "\n");
      const byFile = await runDeno([
        "task",
        "backtest",
        "--strategy",
        "long-short",
        "--signal-file",
        path,
        ...common,
      ]);
      assert.equal(byFile.code, 0, byFile.stderr);
      assert.match(byFile.stderr, /lookahead not checked \(signal file\)/);
      const fileModel = readModel(byFile.stdout).model;
      assert.equal(fileModel.manifest.params.signalFile, path);
      assert.match(String(fileModel.manifest.params.signalSha256), /^[0-9a-f]{64}$/);
      assert.ok(
        blocks(fileModel).some((b) =>
          b.type === "paragraph" && /^Lookahead: not checked/.test(b.text)
        ),
      );
      const total = (m: ReportModel) => {
        const t = blocks(m).find((b) => b.type === "table" && b.id === "strategy-metrics-returns");
        assert.ok(t !== undefined && t.type === "table");
        return Number(t.rows.find((r) => r[0] === "Total return")![1]);
      };
      // the same values by name
      const byName = await runDeno([
        "task",
        "backtest",
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        ...common,
      ]);
      assert.equal(byName.code, 0, byName.stderr);
      const nameModel = readModel(byName.stdout).model;
      assert.ok(Math.abs(total(fileModel) - total(nameModel)) < 1e-9);
    });

    await t.step("bad requests exit 2 naming what to change", async () => {
      const cases: [string[], RegExp][] = [
        [["--strategy", "pairs", "--assets", "ETHUSDT"], /pairs trades two assets/],
        [[...ma, "--param", "fst=3"], /no parameter "fst"/],
        [[...ma, "--funding"], /--funding: the store holds no funding history for/],
        [["--strategy", "ma-crossover", "--assets", "DOGEUSDT"], /DOGEUSDT not in the dataset/],
        [["--strategy", "long-short"], /long-short needs a signal/],
        [[...ma, "--lag=-1"], /--lag must be an integer >= 0/],
      ];
      for (const [args, re] of cases) {
        const run = await runDeno(["task", "backtest", ...args, ...common]);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, re, args.join(" "));
      }
    });

    await t.step("walkforward: folds, their choices, stitched out-of-sample equity", async () => {
      const run = await runDeno([
        "task",
        "walkforward",
        ...ma.slice(0, 4),
        "--grid",
        "fast=12,24",
        "--grid",
        "slow=72,168",
        "--folds",
        "4",
        "--embargo",
        "24",
        ...common,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const { dir, model } = readModel(run.stdout);
      assert.match(model.runId, /^walkforward-[0-9a-f]{12}$/);
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
      assert.equal(manifest.datasetFingerprint, dataset.fingerprint.sha256);
      assert.equal(model.manifest.params.lag, 1);
      assert.equal(model.manifest.params.embargo, 24);
      assert.equal(model.manifest.params["param.fast"], null);
      const params = blocks(model).find((b) => b.type === "table" && b.id === "strategy-params");
      assert.ok(params !== undefined && params.type === "table");
      assert.deepEqual(params.rows.find((r) => r[0] === "fast"), ["fast", "grid: 12, 24"]);
      const folds = blocks(model).find((b) => b.type === "table" && b.id === "walkforward-folds");
      assert.ok(folds !== undefined && folds.type === "table");
      assert.equal(folds.rows.length, 4);
      for (const r of folds.rows) assert.match(String(r[6]), /^fast (12|24), slow (72|168)$/);
      assert.ok(blocks(model).some((b) => b.type === "figure" && b.id === "walkforward-equity"));
      if (HAS_CHROMIUM) {
        // the page opens with no console error and no request (no CDN, no fetch)
        const page = await checkPage(pathToFileURL(join(dir, "report.html")).href, {
          screenshot: join(tmp, "walkforward.png"),
        });
        assert.deepEqual(page.errors, []);
        assert.deepEqual(page.requests, []);
      }
      const lag0 = await runDeno([
        "task",
        "walkforward",
        ...ma.slice(0, 4),
        "--grid",
        "fast=12,24",
        "--lag",
        "0",
        ...common,
      ]);
      assert.equal(lag0.code, 0, lag0.stderr);
      assert.match(lag0.stderr, /warning: --lag 0/);
      assert.equal(readModel(lag0.stdout).model.manifest.params.lagZero, true);
      // the grid and the folds from a JSON file: expanding windows
      const cfg = join(tmp, "wf.json");
      await Deno.writeTextFile(
        cfg,
        JSON.stringify({
          strategy: "vol-breakout",
          assets: ["ETHUSDT"],
          grid: { entryWindow: [24, 48] },
          folds: { window: "expanding", folds: 3, embargo: 12 },
        }),
      );
      const fromFile = await runDeno(["task", "walkforward", "--config", cfg, ...common]);
      assert.equal(fromFile.code, 0, fromFile.stderr);
      const fm = readModel(fromFile.stdout).model;
      assert.equal(fm.manifest.params.window, "expanding");
      assert.equal(fm.manifest.params.folds, 3);
      assert.equal(fm.manifest.params.embargo, 12);
      const ff = blocks(fm).find((b) => b.type === "table" && b.id === "walkforward-folds");
      assert.ok(ff !== undefined && ff.type === "table");
      // expanding: every fold trains from the first bar, on more rows than the one before
      assert.equal(new Set(ff.rows.map((r) => r[1])).size, 1);
      const rows = ff.rows.map((r) => Number(r[3]));
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i]! > rows[i - 1]!);
      const noGrid = await runDeno(["task", "walkforward", ...ma.slice(0, 4), ...common]);
      assert.equal(noGrid.code, 2);
      assert.match(noGrid.stderr, /--grid is required/);
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
