/**
 * `deno task backtest` / `walkforward` flags, run as users run them (deno.json's permissions
 * through tasks/_launch.ts): every value is checked before any data is read (a store that does
 * not exist is never reached: exit 2 naming the flag; a walk-forward's every parameter set of its
 * grid too), long-short refuses `--assets` and a
 * universe smaller than its `minAssets`, `--lag -1` says to write `--lag=-1`, and your own fee
 * rates (`--fees taker=R,maker=R`, also `costs.fees` in --config) are charged: the report's
 * total return is the engine's with those rates, on real Binance hourly bars.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { ReportSchema } from "@lib/report/schema.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { maCrossover } from "@lib/backtest/strategies/ma_crossover.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

Deno.test("bad values exit 2 naming the flag before the store is opened", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-strategy-flags-" });
  try {
    // the store does not exist: reading data first would say so instead
    const common = ["--db", join(tmp, "absent", "none.db"), "--out", join(tmp, "out")];
    const ma = ["--strategy", "ma-crossover", "--assets", "BTCUSDT"];
    const ls = ["--strategy", "long-short", "--signal", "momentum_24"];
    const cfg = join(tmp, "ls.json");
    await Deno.writeTextFile(
      cfg,
      JSON.stringify({ strategy: "long-short", signal: "momentum_24", assets: ["BTCUSDT"] }),
    );
    const cases: [string, string[], RegExp][] = [
      [
        "backtest",
        [...ma, "--param", "fast=200", "--param", "slow=100"],
        /--param: .*slow \(100\) must be above fast \(200\)/,
      ],
      ["backtest", [...ma, "--param", "fast=0"], /--param: .*fast must be an integer >= 1, got 0/],
      [
        "backtest",
        [...ma, "--fees", "NaN"],
        /--fees must be none, a venue \(binance.*taker=0\.0005,maker=0\.0002; got "NaN"/,
      ],
      [
        "backtest",
        [...ma, "--fees", "taker=0.5"],
        /--fees taker rate must be .* between -0\.01 \(a rebate\) and 0\.1, got 0\.5/,
      ],
      ["backtest", [...ma, "--fees", "taker=1e-4,taker=2e-4"], /--fees gives the taker rate twice/],
      [
        "backtest",
        [...ma, "--lag", "-1"],
        /--lag -1: a value starting with a dash must be attached to its flag: --lag=-1/,
      ],
      ["backtest", [...ma, "--lag=-1"], /--lag must be an integer >= 0, got "-1"/],
      [
        "backtest",
        [...ls, "--assets", "BTCUSDT,ETHUSDT"],
        /long-short trades every asset of the universe and takes no --assets .*--universe BTCUSDT,ETHUSDT/,
      ],
      ["backtest", ["--config", cfg], /long-short .* takes no --assets/],
      [
        "backtest",
        [...ls, "--universe", "BTCUSDT"],
        /long-short needs at least 2 assets .* the universe holds 1: give more with --universe/,
      ],
      [
        "backtest",
        [...ls, "--universe", "BTCUSDT,ETHUSDT,ADAUSDT", "--param", "minAssets=4"],
        /needs at least 4 assets/,
      ],
      [
        "backtest",
        [...ls, "--param", "quantile=0.9"],
        /--param: .*quantile must be in \(0, 0\.5\], got 0\.9/,
      ],
      [
        "walkforward",
        [...ma, "--param", "fast=0", "--grid", "slow=50,100"],
        /--param: .*fast must be an integer >= 1/,
      ],
      ["walkforward", [...ma, "--fees", "NaN", "--grid", "slow=50,100"], /--fees must be/],
      [
        "walkforward",
        [...ma, "--grid", "fast=0,12"],
        /--grid fast: .*fast must be an integer >= 1, got 0/,
      ],
      [
        "walkforward",
        [...ma, "--grid", "fast=50,200", "--grid", "slow=100,300"],
        /--grid fast,slow \(fast 200, slow 100\): .*slow \(100\) must be above fast \(200\)/,
      ],
      [
        "backtest",
        [...ls, "--weighting", "optimize", "--param", "turnoverPenalty=-1"],
        /--param: .*optimize\.turnoverPenalty must be a finite number >= 0, got -1/,
      ],
    ];
    for (const [task, args, want] of cases) {
      const run = await runDeno(["task", task, ...args, ...common]);
      const line = run.stderr.split("\n").find((l) => l.startsWith("error:")) ?? run.stderr;
      assert.equal(run.code, 2, `${task} ${args.join(" ")}: ${run.stderr}`);
      assert.match(line, want, `${task} ${args.join(" ")}`);
      assert.doesNotMatch(run.stderr, /Store .* does not exist/);
    }
    // a walk-forward whose grid completes the parameters passes the checks (--param slow=10
    // with the default fast 20 alone would fail; fast 2 or 3 from the grid is below slow): the
    // run goes on to the store, which does not exist
    const ok = await runDeno([
      "task",
      "walkforward",
      ...ma,
      "--param",
      "slow=10",
      "--grid",
      "fast=2,3",
      ...common,
    ]);
    assert.match(ok.stderr, /Store .* does not exist/, ok.stderr);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const FROM = "2021-01-01", TO = "2021-02-01";

function totalReturn(stdout: string): { total: number; model: ReportModel } {
  const dir = stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
  const model = ReportSchema.parse(
    JSON.parse(readFileSync(join(dir, "report.json"), "utf8")),
  ) as ReportModel;
  const t = model.sections.flatMap((s) => s.blocks).find((b) =>
    b.type === "table" && b.id === "strategy-metrics-returns"
  );
  assert.ok(t !== undefined && t.type === "table");
  return { total: Number(t.rows.find((r) => r[0] === "Total return")![1]), model };
}

realDataTest(
  "--fees taker=R,maker=R (and costs.fees in --config) charges your own rates",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-strategy-fees-" });
    try {
      const db = join(tmp, "store", "real.db");
      await Deno.mkdir(join(tmp, "store"));
      const store = openStore(db);
      let close: Float64Array, index: Float64Array;
      try {
        await importPaths(store.db, [join(NFI, "BTC_USDT-1h.json")], {
          venue: "binance",
          freq: "1h",
        });
        const d = loadDataset(store.db, {
          venue: "binance",
          freq: "1h",
          symbols: undefined,
          from: Date.parse(FROM),
          to: Date.parse(TO),
        });
        close = d.panel.close[0]!;
        index = d.panel.index;
      } finally {
        store.close();
      }
      const common = ["--db", db, "--out", join(tmp, "out"), "--from", FROM, "--to", TO];
      const ma = [
        "--strategy",
        "ma-crossover",
        "--assets",
        "BTCUSDT",
        "--param",
        "fast=12",
        "--param",
        "slow=48",
      ];
      const w = maCrossover(close, { fast: 12, slow: 48 }).weights;
      const engine = (taker: number, maker: number, liquidity: "taker" | "maker") => {
        const fees = feeCost({ venue: "x", liquidity, overrides: { x: { taker, maker } } });
        const res = backtestWeights({ close: [close], index }, w, { costs: [fees] });
        return res.net.reduce((g, r) => g * (1 + r), 1) - 1;
      };
      const taker = await runDeno([
        "task",
        "backtest",
        ...ma,
        "--fees",
        "taker=0.0005,maker=-0.0001",
        ...common,
        "--run-id",
        "t",
      ]);
      assert.equal(taker.code, 0, taker.stderr);
      const t = totalReturn(taker.stdout);
      assert.ok(Math.abs(t.total - engine(0.0005, -0.0001, "taker")) < 1e-9, `${t.total}`);
      assert.equal(t.model.manifest.params.fees, "taker=0.0005,maker=-0.0001");
      const note = t.model.sections.flatMap((x) => x.blocks).find((b) =>
        b.type === "paragraph" && /^Costs: /.test(b.text)
      );
      assert.ok(note !== undefined && note.type === "paragraph");
      assert.match(note.text, /fees: your own taker rate, 5\.0 bp of the traded value/);
      // a maker rebate from a config file, with --liquidity maker
      const cfg = join(tmp, "c.json");
      await Deno.writeTextFile(
        cfg,
        JSON.stringify({ costs: { fees: "taker=0.0005,maker=-0.0001", liquidity: "maker" } }),
      );
      const maker = await runDeno([
        "task",
        "backtest",
        ...ma,
        "--config",
        cfg,
        ...common,
        "--run-id",
        "m",
      ]);
      assert.equal(maker.code, 0, maker.stderr);
      const m = totalReturn(maker.stdout);
      assert.ok(Math.abs(m.total - engine(0.0005, -0.0001, "maker")) < 1e-9, `${m.total}`);
      // the rates matter: the rebate run earns more than the taker run, which is below fee-free
      assert.ok(m.total > t.total && t.total < engine(0, 0, "taker"));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
