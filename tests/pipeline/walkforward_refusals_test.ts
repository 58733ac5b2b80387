/**
 * Absurd or mistyped inputs of `deno task walkforward` and `deno task backtest` exit 2 with a
 * message naming the flag or the --config key, run as users run them (`deno task`, deno.json's
 * permissions): before, `--train-bars 1` ran thousands of one-bar folds with a NaN Sharpe, a
 * lag longer than the data ran to a flat 0 with exit 0, `"fast": "24"` and `"assets":
 * "BTCUSDT"` in --config were accepted although the README says a wrong type exits 2, and a
 * fixed parameter also given as a grid was silently overridden (now said on stderr). A
 * training window shorter than the parameter sets' warm-up stays a warning, but a capped one
 * (it printed every fold: a line of tens of kilobytes). A one-asset report says "1 asset", not
 * "1 assets".
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000, BARS = 240;

function writeStore(path: string, symbols: readonly string[]): void {
  const { db } = openStore(path);
  try {
    symbols.forEach((symbol, k) => {
      const b = allocBars({ venue: "binance", symbol, freq: "1h" }, BARS);
      for (let i = 0; i < BARS; i++) {
        b.ts[i] = Date.UTC(2021, 0, 1) + i * H;
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            100 * Math.exp(0.05 * Math.sin(i / (20 + 5 * k)) + 0.0003 * i);
        b.volume[i] = 10;
      }
      writeBars(db, b, { source: "test" });
    });
  } finally {
    db.close();
  }
}

Deno.test("walkforward/backtest: absurd inputs and mistyped --config values exit 2 naming the flag", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-wf-refusals-" });
  try {
    const db = join(tmp, "s.db");
    writeStore(db, ["BTCUSDT", "ETHUSDT"]);
    const out = join(tmp, "out");
    const common = ["--db", db, "--out", out, "--no-ledger", "--null-runs", "0"];
    const ma = ["--strategy", "ma-crossover", "--assets", "BTCUSDT"];
    const config = async (name: string, value: unknown) => {
      const path = join(tmp, `${name}.json`);
      await Deno.writeTextFile(path, JSON.stringify(value));
      return path;
    };
    const refused = async (task: string, args: string[], message: RegExp) => {
      const r = await runDeno(["task", task, ...args, ...common]);
      assert.equal(r.code, 2, `${task} ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    };

    await t.step("--train-bars below 2, also from --config and from too little data", async () => {
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=3,5", "--train-bars", "1", "--test-bars", "1"],
        /--train-bars must be an integer >= 2, got "1"/,
      );
      const cfg = await config("train1", { folds: { trainBars: 1, testBars: 1 } });
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=3,5", "--config", cfg],
        /--config: folds\.trainBars \(--train-bars\) must be an integer >= 2, got 1/,
      );
      // 5 bars: a third is 1 training bar
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=1,2", "--param", "slow=3", "--to", "2021-01-01T05:00"],
        /--train-bars: the data holds 5 bars; a third of them \(1\) is too few to train on/,
      );
      const word = await config("folds-number", { folds: 5 });
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=3,5", "--config", word],
        /"folds" must be an object/,
      );
    });

    await t.step("a lag that leaves no bar to hold a position", async () => {
      await refused(
        "backtest",
        [...ma, "--lag", "6000"],
        /--lag 6000: the data holds 240 bars, so no order can be filled and then held for a bar/,
      );
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=3,5", "--lag", "239"],
        /--lag 239: the data holds 240 bars/,
      );
      // the longest lag that still holds a position for one bar runs
      const ok = await runDeno([
        "task",
        "backtest",
        ...ma,
        "--param",
        "fast=2",
        "--param",
        "slow=3",
        "--lag",
        "238",
        ...common,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
    });

    await t.step("--config: a string for a number or a list, per key", async () => {
      const fast = await config("fast", {
        strategy: "ma-crossover",
        assets: ["BTCUSDT"],
        params: { fast: "24" },
      });
      for (const task of ["backtest", "walkforward"]) {
        await refused(
          task,
          ["--config", fast, "--grid", "slow=100,200"].slice(0, task === "backtest" ? 2 : 4),
          /--config: params\.fast: ma-crossover parameter fast must be a number, got "24"/,
        );
      }
      const assets = await config("assets", { strategy: "ma-crossover", assets: "BTCUSDT" });
      await refused(
        "backtest",
        ["--config", assets],
        /--config: "assets" must be a non-empty list of strings, e.g. \["BTCUSDT"\], got "BTCUSDT"/,
      );
      const universe = await config("universe", { universe: "BTCUSDT,ETHUSDT" });
      await refused(
        "backtest",
        [...ma, "--config", universe],
        /--config: "universe" must be a non-empty list of strings/,
      );
      const lag = await config("lag", { lag: "1" });
      await refused(
        "backtest",
        [...ma, "--config", lag],
        /--config: "lag" \(--lag\) must be an integer >= 0, got "1"/,
      );
      const grid = await config("grid", { grid: { fast: ["12", "24"] } });
      await refused(
        "walkforward",
        [...ma, "--config", grid],
        /--config: grid\.fast: ma-crossover parameter fast must be a number, got "12"/,
      );
      const testBars = await config("testbars", { folds: { testBars: "24" } });
      await refused(
        "walkforward",
        [...ma, "--grid", "fast=3,5", "--config", testBars],
        /--config: folds\.testBars \(--test-bars\) must be an integer >= 1, got "24"/,
      );
      // the right types run; "universe": "all" is the word the flag takes too
      const good = await config("good", {
        strategy: "ma-crossover",
        assets: ["BTCUSDT"],
        universe: "all",
        params: { fast: 5, slow: 20, kind: "ema" },
        lag: 1,
      });
      const r = await runDeno(["task", "backtest", "--config", good, ...common]);
      assert.equal(r.code, 0, r.stderr);
    });

    await t.step(
      "a test period too short for the lag to fill its own choice is warned about",
      async () => {
        const wf = (testBars: string, lag: string) =>
          runDeno([
            "task",
            "walkforward",
            ...ma,
            "--grid",
            "fast=1,2",
            "--param",
            "slow=3",
            "--train-bars",
            "10",
            "--test-bars",
            testBars,
            "--lag",
            lag,
            ...common,
          ]);
        const warned =
          /warning: With a lag of 1 bar, a test period of 2 bars earns nothing from its own fold's choice .* Give at least 3 bars per test period/;
        let r = await wf("2", "1");
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, warned);
        r = await wf("3", "1");
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /earns nothing from its own fold's choice/);
        r = await wf("3", "2");
        assert.match(r.stderr, /With a lag of 2 bars, a test period of 3 bars earns nothing/);
      },
    );

    await t.step("a grid over the library signal with --signal-file", async () => {
      const path = join(tmp, "sig.csv");
      await Deno.writeTextFile(path, "ts,asset,value\n2021-01-01T00:00:00Z,BTCUSDT,1\n");
      await refused(
        "walkforward",
        ["--strategy", "long-short", "--signal-file", path, "--grid", "signal=momentum,reversal"],
        /--grid signal: these choose a library signal, but with --signal-file the file's values are the signal/,
      );
    });

    await t.step(
      "a parameter both fixed and a grid: the grid replaces it, and says so",
      async () => {
        const r = await runDeno([
          "task",
          "walkforward",
          ...ma,
          "--param",
          "fast=10",
          "--param",
          "slow=40",
          "--grid",
          "fast=3,5",
          ...common,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stderr,
          /warning: fast=10 \(--param, a portfolio flag or "params" in --config\) is replaced by --grid fast/,
        );
        const dir = r.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
        const json = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
        const setup = json.sections.find((s: { id: string }) => s.id === "setup");
        assert.match(setup.blocks[0].text, /^ma-crossover BTCUSDT \(slow 40\), on 1h bars/);
      },
    );

    await t.step(
      "a training window shorter than the warm-up: one capped warning per set",
      async () => {
        // 58 folds of 4 training bars; 7 parameter sets need 10 to 70 bars
        const r = await runDeno([
          "task",
          "walkforward",
          ...ma,
          "--param",
          "fast=2",
          "--grid",
          "slow=10,20,30,40,50,60,70",
          "--train-bars",
          "4",
          "--test-bars",
          "4",
          ...common,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning: "));
        const warmup = warnings.filter((l) =>
          /bars of warm-up|more parameter sets? of the grid/.test(l)
        );
        // five sets named, the other two counted in one line
        assert.equal(warmup.length, 6, warmup.join("\n"));
        assert.match(
          warmup[0]!,
          /slow 10 needs 10 bars of warm-up \(slow=10\), more than the training window of 59 of the 59 folds \(1 \(4 bars\), 2 \(4 bars\), 3 \(4 bars\), 4 \(4 bars\), 5 \(4 bars\) and 54 more\)/,
        );
        assert.match(
          warmup[5]!,
          /^warning: 2 more parameter sets of the grid need more warm-up than the training window of some folds \(up to 59 of 59\)/,
        );
        for (const l of warnings) assert.ok(l.length < 800, `a warning of ${l.length} characters`);
      },
    );

    await t.step("a one-asset report says 1 asset", async () => {
      const one = join(tmp, "one.db");
      writeStore(one, ["BTCUSDT"]);
      const r = await runDeno([
        "task",
        "backtest",
        ...ma,
        "--param",
        "fast=5",
        "--param",
        "slow=20",
        ...common.map((x) => (x === db ? one : x)),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const dir = r.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
      const json = readFileSync(join(dir, "report.json"), "utf8");
      const html = readFileSync(join(dir, "report.html"), "utf8");
      assert.match(JSON.parse(json).subtitle, /^1 asset, 1h bars/);
      assert.doesNotMatch(json, /\b1 assets\b/);
      assert.doesNotMatch(html, /\b1 assets\b/);
      assert.match(html, /1 asset, venue binance/);
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
