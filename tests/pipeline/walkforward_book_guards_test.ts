/**
 * `deno task walkforward --strategy long-short` applies the guards `deno task backtest` applies
 * to the same book, run as users run them (`deno task`, deno.json's permissions) on real
 * Binance hourly bars of 5 assets in a temporary store, and every report still passes
 * `deno task verify-report` byte for byte:
 *
 * - a signal file holding the next bar's return (known before it happens): the impossible-IC
 *   warning (`impossibleIc` at horizons 1, 4, 24, the function and horizons backtest uses) is
 *   the first alert of the headline and on stderr; the oracle is the definition of the rank
 *   IC: the next bar's return ranks the assets exactly as the next bar's return, IC 1 at h=1.
 *   Before, nothing was said although the setup text claimed the check.
 * - a constant signal file: "no book / fully tied" for the grid's parameter sets and for the
 *   stitched out-of-sample run (before: exit 0, Sharpe NaN, silent).
 * - a grid over `lookback` whose 5000 is longer than the data: that parameter set is named as
 *   never holding a book (the universe's 5 assets counted), the other is not.
 * - weighting "optimize", beta-neutral: the count of stitched out-of-sample bars that kept
 *   equal weights, in the headline, on stderr and in the setup note (before: never said); its
 *   oracle is `runBacktest` of the same parameter set on the same bars (its `fallbackBars` at or
 *   after the first test bar).
 *
 * Also `--config` naming: a bad value of `params` in a `--config` file names
 * `--config: params.K` (was `--param:`), and the subtitle of a BTC-only run counts the asset it
 * trades (was every asset of the store).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { runBacktest } from "@lib/pipeline/backtest_run.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP"];
const FROM = "2021-01-01", TO = "2021-02-15";

interface Block {
  type: string;
  id?: string;
  level?: string;
  text?: string;
  rows?: unknown[][];
}
interface Report {
  subtitle: string;
  sections: { id: string; blocks: Block[] }[];
}

function reportDir(stdout: string): string {
  return stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
}

function readReport(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
}

/** The warnings at the top of the tear sheet's headline (its performance section). */
function headline(r: Report): string[] {
  const s = r.sections.find((x) => x.id.endsWith("-summary"))!;
  return s.blocks.filter((b) => b.type === "note" && b.level === "warning").map((b) => b.text!);
}

function setupTexts(r: Report): string[] {
  return r.sections.find((s) => s.id === "setup")!.blocks.flatMap((b) =>
    b.text === undefined ? [] : [b.text]
  );
}

realDataTest("deno task walkforward: long-short gets backtest's guards", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-wf-guards-" });
  try {
    const { db, dataset: { panel } } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
    const out = join(tmp, "out");
    const common = ["--db", db, "--out", out, "--null-runs", "2"];
    const window = ["--from", FROM, "--to", TO];
    const task = (name: string, args: string[]) => runDeno(["task", name, ...args, ...common]);
    const verify = async (dir: string, ...extra: string[]) => {
      const v = await runDeno(["task", "verify-report", dir, "--db", db, ...extra]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /^re-render: OK$/m);
      assert.match(v.stdout, /report\.json: \d+ bytes, identical/);
      assert.match(v.stdout, /report\.html: \d+ bytes, identical/);
    };
    const writeSignal = (name: string, value: (a: number, t: number) => number) => {
      const lines = ["ts,asset,value"];
      panel.assets.forEach((asset, a) => {
        panel.index.forEach((ts, i) => {
          const v = value(a, i);
          if (Number.isFinite(v)) lines.push(`${new Date(ts).toISOString()},${asset},${v}`);
        });
      });
      const path = join(tmp, name);
      writeFileSync(path, lines.join("\n") + "\n");
      return path;
    };
    const grid = ["--grid", "quantile=0.2,0.4", "--folds", "3"];

    await t.step("a file of the next bar's return: the impossible-IC warning first", async () => {
      const path = writeSignal("cheat.csv", (a, i) => {
        const c = panel.close[a]!;
        return c[i + 1]! / c[i]! - 1;
      });
      const run = await task("walkforward", [
        "--strategy",
        "long-short",
        "--signal-file",
        path,
        ...grid,
        ...window,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /^warning: This signal looks like it uses future data: .*h=1: mean IC 1\.000/m,
      );
      const dir = reportDir(run.stdout);
      const r = readReport(dir);
      assert.match(headline(r)[0]!, /^This signal looks like it uses future data/);
      // the setup's claim is now true: the check ran
      assert.ok(setupTexts(r).some((x) => /impossibleIc at horizons 1, 4 and 24 bars/.test(x)));
      await verify(dir, "--signal-file", path);
      // the same file through backtest: the same sentence (one function, one set of horizons)
      const bt = await task("backtest", [
        "--strategy",
        "long-short",
        "--signal-file",
        path,
        ...window,
      ]);
      assert.equal(bt.code, 0, bt.stderr);
      const sentence = (s: string) =>
        /^warning: (This signal looks like it uses future data.*)$/m.exec(s)![1];
      assert.equal(sentence(run.stderr), sentence(bt.stderr));
    });

    await t.step("a constant file: no book, said for the grid and the stitched run", async () => {
      const path = writeSignal("const.csv", () => 1);
      const run = await task("walkforward", [
        "--strategy",
        "long-short",
        "--signal-file",
        path,
        ...grid,
        ...window,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /^warning: Every one of the 2 parameter sets of the grid, on the whole data: At every one of the \d+ bars with signal values the values were all equal \(no usable spread\)/m,
      );
      assert.match(
        run.stderr,
        /^warning: The stitched out-of-sample run held no book at any of its \d+ bars: the walk-forward traded nothing.*in 3 of the 3 folds no parameter set had a finite in-sample Sharpe ratio/m,
      );
      const dir = reportDir(run.stdout);
      const h = headline(readReport(dir));
      // a constant has no IC: the future-data check says it could not judge the file, first
      // (where a verdict would be), then the book's warnings
      assert.match(h[0]!, /^The impossible-IC check .* could not run/);
      assert.match(h[1]!, /^Every one of the 2 parameter sets/);
      assert.match(h[2]!, /^The stitched out-of-sample run held no book/);
      await verify(dir, "--signal-file", path);
    });

    await t.step("a grid set whose warm-up is longer than the data: named, no book", async () => {
      const run = await task("walkforward", [
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        "--grid",
        "lookback=24,5000",
        "--folds",
        "3",
        ...window,
      ]);
      assert.equal(run.code, 0, run.stderr);
      // 1,080 bars: momentum_5000 never has a value; momentum_24 trades
      assert.match(
        run.stderr,
        /^warning: Parameter set lookback 5000, on the whole data: No bar had at least 2 assets with a signal value \(minAssets 2; the universe holds 5\): the run traded nothing/m,
      );
      assert.doesNotMatch(run.stderr, /lookback 24, on the whole data/);
      assert.doesNotMatch(run.stderr, /stitched out-of-sample run held no book/);
      await verify(reportDir(run.stdout));
    });

    await t.step("weighting optimize, beta-neutral: the equal-weight bars counted", async () => {
      const opt = [
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        "--weighting",
        "optimize",
        "--beta-neutral",
        "BTC,ETH",
        "--max-weight",
        "0.3",
        "--param",
        "quantile=0.4",
        "--from",
        "2021-02-01",
        "--to",
        "2021-02-15",
      ];
      // one parameter set, so every fold chooses it and the oracle is its backtest
      const run = await task("walkforward", [
        ...opt,
        "--grid",
        "optimizeWindow=96",
        "--folds",
        "2",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const m =
        /^warning: Out of sample \(the stitched test bars\): (\d+) of (\d+) bars with a book kept equal weights instead of the optimized \(minimum-variance, beta-neutral\) book, so those bars are NOT beta-neutral/m
          .exec(run.stderr);
      assert.ok(m !== null, run.stderr);
      const fell = Number(m[1]);
      // the headline's alert comes before the training-window warning on stderr
      const lines = run.stderr.split("\n").filter((l) => l.startsWith("warning: "));
      assert.match(lines[0]!, /^warning: Out of sample \(the stitched test bars\)/);
      assert.ok(lines.some((l) => /needs \d+ bars of warm-up/.test(l)), run.stderr);
      const dir = reportDir(run.stdout);
      const r = readReport(dir);
      assert.ok(
        headline(r).some((x) => x.startsWith(`Out of sample (the stitched test bars): ${fell} of`)),
      );
      const note = setupTexts(r).find((x) => x.startsWith('Weighting "optimize"'))!;
      assert.match(note, new RegExp(` ${fell} of \\d+ bars kept equal weights`));
      await verify(dir);
      // oracle: the same parameter set's targets on the same bars, its fallbacks on test bars
      const wf = r.sections.find((s) => s.id === "walkforward")!;
      const folds = wf.blocks.find((b) => b.id === "walkforward-folds")!.rows!;
      const firstTest = folds[0]![4] as number;
      const s = openStore(db);
      try {
        const bt = runBacktest(s.db, {
          freq: "1h",
          venue: "binance",
          from: Date.parse("2021-02-01"),
          to: Date.parse("2021-02-15"),
          strategy: {
            strategy: "long-short",
            signal: "momentum_24",
            params: {
              weighting: "optimize",
              betaNeutral: "BTC,ETH",
              maxWeight: 0.3,
              quantile: 0.4,
              optimizeWindow: 96,
            },
          },
          nullRuns: 0,
          git: { commit: "unknown", dirty: null },
        });
        const fb = (bt.targets as { fallbackBars?: Int32Array }).fallbackBars!;
        const index = bt.backtest.index;
        const expected = Array.from(fb).filter((i) => index[i]! >= firstTest).length;
        assert.ok(expected > 0);
        assert.equal(fell, expected);
      } finally {
        s.close();
      }
    });

    await t.step(
      "--config params.slow Infinity names --config; subtitles count traded assets",
      async () => {
        const cfg = join(tmp, "c.json");
        writeFileSync(
          cfg,
          JSON.stringify({
            strategy: "ma-crossover",
            assets: ["BTCUSDT"],
            params: { slow: "Infinity" },
          }),
        );
        const bad = await task("backtest", ["--config", cfg, ...window]);
        assert.equal(bad.code, 2, bad.stderr);
        assert.match(
          bad.stderr,
          /^error: --config: params\.slow: .*slow must be an integer >= 2, got Infinity/m,
        );
        // the same value from --param still names --param
        const flag = await task("backtest", [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--param",
          "slow=Infinity",
          ...window,
        ]);
        assert.equal(flag.code, 2, flag.stderr);
        assert.match(flag.stderr, /^error: --param: /m);
        const ma = [
          "--strategy",
          "ma-crossover",
          "--assets",
          "BTCUSDT",
          "--param",
          "slow=48",
          ...window,
        ];
        const bt = await task("backtest", ma);
        assert.equal(bt.code, 0, bt.stderr);
        assert.match(readReport(reportDir(bt.stdout)).subtitle, /^1 asset, 1h bars/);
        const wf = await task("walkforward", [...ma, "--grid", "fast=12,24", "--folds", "2"]);
        assert.equal(wf.code, 0, wf.stderr);
        assert.match(readReport(reportDir(wf.stdout)).subtitle, /^1 asset, 1h bars/);
        // long-short ranks the whole universe
        const ls = await task("backtest", [
          "--strategy",
          "long-short",
          "--signal",
          "momentum_24",
          ...window,
        ]);
        assert.equal(ls.code, 0, ls.stderr);
        assert.match(readReport(reportDir(ls.stdout)).subtitle, /^5 assets, 1h bars/);
      },
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
