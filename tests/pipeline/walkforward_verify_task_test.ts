/**
 * Every report `deno task walkforward` writes passes `deno task verify-report` (byte-for-byte
 * re-render), run as users run them (`deno task`, deno.json's permissions through
 * tasks/_launch.ts) on real Binance hourly bars imported into a temporary store: the README's
 * grid examples (two grid keys with --train-bars/--test-bars/--embargo; --param beside
 * --grid; a pairs grid; a long-short signal grid) and a walk-forward of a signal file.
 * Before, the task completed the base spec with the grid's first values and verify-report did
 * not, so every re-render lost the overfitting verdict's ledgerUpTo and the setup paragraph
 * differed; and the label named the first grid values ("fast 12, slow 168") as if the run had
 * used them. The re-render also dropped --adjust-redenominations of a walk-forward and read a
 * parameter of Infinity (`--param stop=Infinity`, recorded as text: JSON has no Infinity) as
 * text, in walk-forward and backtest reports alike.
 *
 * `walkforward --strategy long-short --signal-file PATH` (refused before: "long-short needs a
 * signal") is checked against its oracle: a file holding exactly the library's momentum_24
 * values gives the same folds, choices and out-of-sample Sharpe as `--signal momentum_24`.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSignalName } from "@lib/research/signals/mod.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP"];
const FROM = "2021-01-01", TO = "2021-03-01";

interface Report {
  sections: {
    id: string;
    blocks: { type: string; id?: string; text?: string; rows?: unknown[][] }[];
  }[];
}

function reportDir(stdout: string): string {
  return stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
}

function setupText(r: Report): string {
  const setup = r.sections.find((s) => s.id === "setup")!;
  return setup.blocks.find((b) => b.type === "paragraph")!.text!;
}

function folds(r: Report): unknown[][] {
  const wf = r.sections.find((s) => s.id === "walkforward")!;
  return wf.blocks.find((b) => b.id === "walkforward-folds")!.rows!;
}

realDataTest("deno task walkforward: every report passes deno task verify-report", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-wf-verify-" });
  try {
    const { db, dataset } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
    const out = join(tmp, "out");
    const common = ["--db", db, "--out", out, "--from", FROM, "--to", TO, "--null-runs", "2"];
    const walk = async (args: string[]) => {
      const run = await runDeno(["task", "walkforward", ...args, ...common]);
      assert.equal(run.code, 0, run.stderr);
      return reportDir(run.stdout);
    };
    const verify = async (dir: string, ...extra: string[]) => {
      const v = await runDeno(["task", "verify-report", dir, "--db", db, ...extra]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /^re-render: OK$/m);
      assert.match(v.stdout, /report\.json: \d+ bytes, identical/);
      assert.match(v.stdout, /report\.html: \d+ bytes, identical/);
      assert.match(v.stdout, /manifest\.json: \d+ bytes, identical/);
      // the verdict counts the ledger's trials up to the report's: recorded and re-rendered
      const m = readJson<{ params: Record<string, unknown> }>(dir, "manifest.json");
      assert.equal(typeof m.params.ledgerUpTo, "number");
    };

    await t.step("two grid keys (README), no fixed parameter", async () => {
      const dir = await walk([
        "--strategy",
        "ma-crossover",
        "--assets",
        "BTCUSDT",
        "--grid",
        "fast=12,24,48",
        "--grid",
        "slow=168,336",
        "--train-bars",
        "480",
        "--test-bars",
        "240",
        "--embargo",
        "24",
      ]);
      await verify(dir);
      const r = readJson<Report>(dir, "report.json");
      const text = setupText(r);
      // the label does not name the grid's first set as if the run used it
      assert.match(text, /^ma-crossover BTCUSDT, on 1h bars of binance/);
      assert.doesNotMatch(text, /fast 12|slow 168/);
      assert.match(
        text,
        /Parameters chosen per fold: fast and slow, on each training window from a grid of 6 parameter sets, fast in \{12, 24, 48\} and slow in \{168, 336\}; each fold's choice is in the folds table/,
      );
      assert.ok(folds(r).length >= 3);
    });

    await t.step("--param beside --grid (README)", async () => {
      const dir = await walk([
        "--strategy",
        "ma-crossover",
        "--assets",
        "ETHUSDT",
        "--grid",
        "fast=12,24,48",
        "--param",
        "slow=168",
        "--folds",
        "3",
        // recorded in the manifest; the re-render dropped it
        "--adjust-redenominations",
      ]);
      await verify(dir);
      const text = setupText(readJson<Report>(dir, "report.json"));
      assert.match(text, /^ma-crossover ETHUSDT \(slow 168\), on 1h bars/);
      assert.match(
        text,
        /Parameter chosen per fold: fast, on each training window from a grid of 3/,
      );
    });

    await t.step("a pairs grid", async () => {
      const dir = await walk([
        "--strategy",
        "pairs",
        "--assets",
        "ETHUSDT,BTCUSDT",
        "--grid",
        "entry=1.5,2,2.5",
        "--param",
        "zWindow=48",
        // JSON has no Infinity: the manifest records the text, the re-render read it as text
        "--param",
        "stop=Infinity",
        "--folds",
        "3",
      ]);
      await verify(dir);
      assert.match(
        setupText(readJson<Report>(dir, "report.json")),
        /^pairs ETHUSDT\/BTCUSDT \(zWindow 48, stop Infinity\), on 1h bars/,
      );
      // the same parameter in a backtest report
      const bt = await runDeno([
        "task",
        "backtest",
        "--strategy",
        "pairs",
        "--assets",
        "ETHUSDT,BTCUSDT",
        "--param",
        "stop=Infinity",
        ...common,
      ]);
      assert.equal(bt.code, 0, bt.stderr);
      await verify(reportDir(bt.stdout));
    });

    await t.step("an event strategy's action grid", async () => {
      const dir = await walk([
        "--strategy",
        "event",
        "--assets",
        "BTCUSDT",
        "--grid",
        "action=long,fade",
        "--param",
        "holding=12",
        "--folds",
        "3",
      ]);
      await verify(dir);
      // not "event jump-4sd long": the action is chosen per fold
      assert.match(
        setupText(readJson<Report>(dir, "report.json")),
        /^event jump-4sd per-fold action on BTCUSDT \(holding 12\), on 1h bars/,
      );
    });

    await t.step("a long-short signal grid (README)", async () => {
      const dir = await walk([
        "--strategy",
        "long-short",
        "--grid",
        "signal=momentum,reversal",
        "--grid",
        "lookback=24,72",
        "--grid",
        "quantile=0.2,0.4",
        "--folds",
        "3",
      ]);
      await verify(dir);
      // not "long-short on momentum_24": the signal is chosen per fold
      assert.match(
        setupText(readJson<Report>(dir, "report.json")),
        /^long-short on a signal chosen per fold, on 1h bars/,
      );
    });

    await t.step("--signal-file: the library's momentum_24 as a file equals --signal", async () => {
      // the library's values, written at full precision (a missing value is a missing row)
      const sig = parseSignalName("momentum_24").compute(dataset.panel);
      const lines = ["ts,asset,value"];
      dataset.panel.assets.forEach((asset, a) => {
        dataset.panel.index.forEach((ts, i) => {
          const v = sig[a]![i]!;
          if (Number.isFinite(v)) lines.push(`${new Date(ts).toISOString()},${asset},${v}`);
        });
      });
      await Deno.mkdir(join(tmp, "signals"));
      const path = join(tmp, "signals", "momentum_24.csv");
      writeFileSync(path, lines.join("\n") + "\n");
      const grid = ["--grid", "quantile=0.2,0.4", "--folds", "3", "--fees", "binance"];
      const fromFile = await walk(["--strategy", "long-short", "--signal-file", path, ...grid]);
      const library = await walk([
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        ...grid,
      ]);
      const a = readJson<Report>(fromFile, "report.json");
      const b = readJson<Report>(library, "report.json");
      // same folds, choices, in-sample and out-of-sample Sharpe ratios
      assert.deepEqual(folds(a), folds(b));
      const m = readJson<{ params: Record<string, unknown> }>(fromFile, "manifest.json");
      assert.equal(m.params.signalFile, path);
      assert.equal(m.params.signal, null);
      const wf = a.sections.find((s) => s.id === "walkforward")!;
      assert.ok(
        wf.blocks.some((x) =>
          x.text === "Lookahead: not checked (the targets come from values given as a file)."
        ),
      );
      assert.match(setupText(a), /^long-short on a signal file, on 1h bars/);
      // re-rendered from the file the manifest names
      await verify(fromFile, "--signal-file", path);
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
