/**
 * The long-short optimizer and walk-forward grids from the command line, run as users run
 * them (`deno task backtest|walkforward`, with deno.json's permissions through
 * tasks/_launch.ts) on real Binance hourly bars imported into a temporary store:
 * `--weighting optimize` with `--beta-neutral`, `--turnover-penalty`, `--max-weight`, `--gross`
 * and `--risk-model` (and the same from a JSON config) gives the library's numbers on the same
 * dataset; a walk-forward grids the signal family and its lookback; bad values exit 2 with a
 * message naming the flag and listing what it accepts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReportSchema } from "@lib/report/schema.ts";
import { verifyReport } from "@lib/report/verify.ts";
import type { Block, ReportModel } from "@lib/report/model.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { longShort } from "@lib/backtest/strategies/long_short.ts";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import { subsetPanel } from "@lib/panel/subset_panel.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = [
  "BTC",
  "ETH",
  "ADA",
  "LTC",
  "XRP",
  "LINK",
  "DOGE",
  "DOT",
  "EOS",
  "TRX",
  "XLM",
  "BCH",
  "ATOM",
  "ALGO",
  "VET",
  "ETC",
];
const FROM = "2021-01-01", TO = "2021-03-01";
// the optimizer runs one QP per bar, and the lookahead check reruns the strategy on the data
// cut at 40 bars: a turnover penalty takes the solver's slower path (~15 ms a bar here), so the
// optimized runs use 2 days of bars
const OPT_TO = "2021-01-03";

const blocks = (m: ReportModel): Block[] => m.sections.flatMap((s) => s.blocks);

function readModel(stdout: string): ReportModel {
  const dir = stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
  assert.deepEqual(verifyReport(dir).problems, []);
  return ReportSchema.parse(
    JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
  ) as ReportModel;
}

function totalReturn(m: ReportModel): number {
  const t = blocks(m).find((b) => b.type === "table" && b.id === "strategy-metrics-returns");
  assert.ok(t !== undefined && t.type === "table");
  return Number(t.rows.find((r) => r[0] === "Total return")![1]);
}

realDataTest("deno task backtest/walkforward: long-short optimizer and signal grids", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-strategy-cli-" });
  try {
    const { db, dataset } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
    const out = join(tmp, "out");
    const common = ["--db", db, "--out", out, "--from", FROM, "--to", TO];
    const ls = ["--strategy", "long-short", "--signal", "momentum_12", "--param", "quantile=0.25"];
    const short = ["--db", db, "--out", out, "--from", FROM, "--to", OPT_TO];
    const opt = [
      "--weighting",
      "optimize",
      "--beta-neutral",
      "BTCUSDT,ETHUSDT",
      "--turnover-penalty",
      "0.0005",
      "--max-weight",
      "0.2",
      "--gross",
      "1",
      "--risk-model",
      "ledoit-wolf",
      "--optimize-window",
      "24",
    ];
    /** The same book computed here with the library, through the engine with Binance fees. */
    const library = (optimize: Record<string, unknown>) => {
      const panel = subsetPanel(dataset.panel, { to: Date.parse(OPT_TO) });
      const returns = panel.close.map((c) =>
        Float64Array.from(c, (x, i) => (i === 0 ? NaN : x / c[i - 1]! - 1))
      );
      const w = longShort(parseSignalName("momentum_12").compute(panel), {
        quantile: 0.25,
        gross: 1,
        optimize: { returns, ...optimize },
      }).weights;
      const res = backtestWeights(panel, w, { lag: 1, costs: [feeCost({ venue: "binance" })] });
      return res.net.reduce((g, r) => g * (1 + r), 1) - 1;
    };

    await t.step("backtest --weighting optimize: the library's numbers", async () => {
      const run = await runDeno(["task", "backtest", ...ls, ...opt, ...short]);
      assert.equal(run.code, 0, run.stderr);
      const model = readModel(run.stdout);
      const p = model.manifest.params;
      assert.equal(p["param.weighting"], "optimize");
      assert.equal(p["param.betaNeutral"], "BTCUSDT,ETHUSDT");
      assert.equal(p["param.riskModel"], "ledoit-wolf");
      assert.equal(p["param.turnoverPenalty"], 0.0005);
      assert.equal(p["param.maxWeight"], 0.2);
      assert.equal(p["param.optimizeWindow"], 24);
      const note = blocks(model).find((b) =>
        (b.type === "note" || b.type === "paragraph") && /^Weighting "optimize"/.test(b.text)
      ) as { text: string } | undefined;
      assert.ok(note !== undefined, "the optimizer is described");
      assert.match(note.text, /ledoit-wolf covariance of the last 24 bars/);
      assert.match(note.text, /neutral to the betas of BTCUSDT,ETHUSDT, paying 0.0005 per unit/);
      const m = /(\d+) of (\d+) bars kept equal weights/.exec(note.text)!;
      assert.ok(Number(m[1]) < Number(m[2]), note.text);
      const a = (s: string) => dataset.panel.assets.indexOf(s);
      const want = library({
        window: 24,
        maxWeight: 0.2,
        riskModel: "ledoit-wolf",
        betaNeutral: [a("BTCUSDT"), a("ETHUSDT")],
        turnoverPenalty: 0.0005,
      });
      const got = totalReturn(model);
      assert.ok(Math.abs(got - want) < 1e-9, `${got} vs ${want}`);
      // plain equal weights earn something else
      const eq = await runDeno(["task", "backtest", ...ls, ...short]);
      assert.equal(eq.code, 0, eq.stderr);
      assert.notEqual(totalReturn(readModel(eq.stdout)), got);
    });

    await t.step("the optimizer from a JSON config", async () => {
      const cfg = join(tmp, "ls.json");
      await Deno.writeTextFile(
        cfg,
        JSON.stringify({
          strategy: "long-short",
          signal: "momentum_12",
          params: {
            quantile: 0.25,
            weighting: "optimize",
            betaNeutral: ["BTC", "ETH"],
            riskModel: "oas",
            optimizeWindow: 24,
          },
        }),
      );
      const run = await runDeno(["task", "backtest", "--config", cfg, ...short]);
      assert.equal(run.code, 0, run.stderr);
      const model = readModel(run.stdout);
      assert.equal(model.manifest.params["param.betaNeutral"], "BTC,ETH");
      const a = (s: string) => dataset.panel.assets.indexOf(s);
      const want = library({
        window: 24,
        riskModel: "oas",
        betaNeutral: [a("BTCUSDT"), a("ETHUSDT")],
      });
      assert.ok(Math.abs(totalReturn(model) - want) < 1e-9, `${totalReturn(model)} vs ${want}`);
    });

    await t.step("walkforward grids the signal family and its lookback", async () => {
      const run = await runDeno([
        "task",
        "walkforward",
        "--strategy",
        "long-short",
        "--grid",
        "signal=momentum,reversal",
        "--grid",
        "lookback=24,72,168",
        "--folds",
        "3",
        ...common,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const model = readModel(run.stdout);
      assert.equal(model.manifest.params.grid, "signal=momentum,reversal;lookback=24,72,168");
      assert.ok(
        blocks(model).some((b) => b.type === "paragraph" && /6 parameter sets/.test(b.text)),
      );
      const folds = blocks(model).find((b) => b.type === "table" && b.id === "walkforward-folds");
      assert.ok(folds !== undefined && folds.type === "table");
      assert.equal(folds.rows.length, 3);
      for (const r of folds.rows) {
        assert.match(String(r[6]), /^signal (momentum|reversal), lookback (24|72|168)$/);
      }
    });

    await t.step("bad values exit 2 naming the flag and what it accepts", async () => {
      const families = "momentum, residual_momentum, reversal, low_vol, volume_surprise, " +
        "amihud, beta";
      const cases: [string, string[], RegExp][] = [
        [
          "backtest",
          [...ls, "--weighting", "best"],
          /--weighting must be one of equal, signal, optimize, got "best"/,
        ],
        [
          "backtest",
          [...ls, "--weighting", "optimize", "--risk-model", "pca"],
          /--risk-model must be one of sample, ledoit-wolf, oas, ewma, got "pca"/,
        ],
        [
          "backtest",
          [...ls, "--weighting", "optimize", "--turnover-penalty=-1"],
          /--turnover-penalty must be a number >= 0, got "-1"/,
        ],
        [
          "backtest",
          [...ls, "--weighting", "optimize", "--optimize-window", "1"],
          /--optimize-window must be an integer >= 2, got "1"/,
        ],
        [
          "backtest",
          [...ls, "--weighting", "optimize", "--beta-neutral", "SHIBUSDT"],
          /betaNeutral: SHIBUSDT is not in the dataset/,
        ],
        [
          "backtest",
          [...ls, "--beta-neutral", "BTCUSDT"],
          /betaNeutral apply to weighting=optimize only/,
        ],
        ["backtest", [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--weighting",
          "optimize",
        ], /--weighting is for --strategy long-short, not ma-crossover/],
        [
          "backtest",
          [...ls, "--param", "riskModel=pca"],
          /--param riskModel: .*must be one of sample, ledoit-wolf, oas, ewma/,
        ],
        [
          "backtest",
          [...ls, "--param", "quantile=0.9"],
          /--param: Cannot compute a long-short portfolio: quantile must be in \(0, 0.5\]/,
        ],
        [
          "walkforward",
          ["--strategy", "long-short", "--grid", "signal=momentum,magic", "--grid", "lookback=24"],
          new RegExp(
            `--grid signal: long-short parameter signal must be a signal family \\(${families}\\)`,
          ),
        ],
        ["walkforward", [
          "--strategy",
          "long-short",
          "--grid",
          "signal=momentum",
          "--grid",
          "lookback=0,24",
        ], /--grid lookback: long-short parameter lookback must be an integer >= 1/],
        [
          "walkforward",
          ["--strategy", "long-short", "--signal", "momentum_24", "--grid", "weighting=equal,best"],
          /--grid weighting: long-short parameter weighting must be one of equal, signal, optimize, got "best"/,
        ],
        [
          "walkforward",
          ["--strategy", "ma-crossover", "--assets", "BTCUSDT", "--grid", "fst=1,2"],
          /--grid fst: ma-crossover has no parameter "fst"; its parameters are fast, slow, kind, short, weight/,
        ],
        ["walkforward", [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--grid",
          "kind=sma,wma",
        ], /--grid kind: ma-crossover parameter kind must be one of sma, ema, got "wma"/],
        [
          "walkforward",
          ["--strategy", "ma-crossover", "--assets", "BTCUSDT", "--grid", "fast=0,12"],
          /--grid fast: Cannot compute a moving-average crossover: fast must be an integer >= 1, got 0/,
        ],
        [
          "walkforward",
          ["--strategy", "long-short", "--grid", "signal=momentum,reversal"],
          /long-short signal momentum needs a lookback: --param lookback=BARS/,
        ],
      ];
      for (const [task, args, re] of cases) {
        const run = await runDeno(["task", task, ...args, ...common]);
        assert.equal(run.code, 2, `${task} ${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, re, `${task} ${args.join(" ")}`);
      }
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
