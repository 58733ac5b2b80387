/**
 * What makes a backtest's figures meaningless is said at the top of the tear sheet's headline
 * and, from `deno task backtest`, on stderr (before, the CLI said only "done" and the report
 * had a note below the headline): an unadjusted redenomination (COCOS's 1:1000 of January
 * 2021, real Binance bars, ../shared/data/real PROVENANCE.md) and a net bar return above
 * +1000% (`extremeReturns`, rule: equity x11 in one bar), with the asset that made it.
 * Oracle for the rule: returns computed by hand on a three-bar series.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { extremeReturns } from "@lib/backtest/metrics/extreme_returns.ts";
import { strategyTearSheet } from "@lib/report/tears/strategy_tear_sheet.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

Deno.test("extremeReturns: above +1000% in one bar is flagged with its asset, +900% is not", () => {
  const H = 3_600_000;
  const index = Float64Array.from({ length: 4 }, (_, t) => Date.UTC(2021, 0, 1) + t * H);
  // A triples at bar 2 (+200%), B is flat; held 6 x A: net +1200% there, 4.5 x A: +900%
  const close = [Float64Array.of(1, 1, 3, 3), Float64Array.of(5, 5, 5, 5)];
  const big = backtestWeights({ close, index, assets: ["A", "B"] }, [
    new Float64Array(4).fill(6),
    new Float64Array(4).fill(0.5),
  ]);
  const x = extremeReturns(big, { close });
  assert.equal(x.length, 1);
  assert.equal(x[0]!.bar, 2);
  assert.ok(Math.abs(x[0]!.net - 12) < 1e-12);
  assert.equal(x[0]!.asset, "A");
  assert.equal(x[0]!.weight, 6);
  assert.ok(Math.abs(x[0]!.assetReturn - 2) < 1e-12);
  const sheet = strategyTearSheet(big, { barMs: H, close });
  assert.equal(sheet.alerts.length, 1);
  assert.match(
    sheet.alerts[0]!,
    /1 bar has a net return above \+1000% .*\+1200% on the bar of 2021-01-01 02:00 UTC \(A: held weight 6\.00, its return \+200%\)/,
  );
  const first = sheet.sections[0]!.blocks[0]!;
  assert.ok(first.type === "note" && first.level === "warning" && first.text === sheet.alerts[0]);
  const small = backtestWeights({ close, index, assets: ["A", "B"] }, [
    new Float64Array(4).fill(4.5),
    new Float64Array(4).fill(0),
  ]);
  assert.deepEqual(extremeReturns(small, { close }), []);
  assert.deepEqual(strategyTearSheet(small, { barMs: H }).alerts, []);
});

function model(stdout: string): ReportModel {
  const dir = stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
}

realDataTest(
  "deno task backtest: COCOS's unadjusted redenomination on stderr and first in the headline",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-alerts-" });
    try {
      const db = join(tmp, "real.db");
      const store = openStore(db);
      try {
        const r = await importPaths(
          store.db,
          ["COCOS", "BTC", "ETH"].map((b) => join(NFI, `${b}_USDT-1h.json`)),
          { venue: "binance", freq: "1h" },
        );
        assert.ok(r.files.every((f) => f.status === "imported"));
      } finally {
        store.close();
      }
      const args = [
        "task",
        "backtest",
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        "--from",
        "2021-01-10",
        "--to",
        "2021-02-10",
        "--db",
        db,
        "--out",
        join(tmp, "out"),
        "--no-ledger",
        "--null-runs",
        "0",
      ];
      const run = await runDeno(args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(
        run.stderr,
        /warning: These figures include COCOSUSDT's redenomination between 2021-01-19 01:00 UTC and 2021-01-23 02:00 UTC \(close ratio 978\.4\) as if it were a real move.*--adjust-redenominations/,
      );
      const m = model(run.stdout);
      const head = m.sections.find((s) => s.id === "strategy-summary")!.blocks[0]!;
      assert.ok(head.type === "note" && head.level === "warning");
      assert.match(head.text, /^These figures include COCOSUSDT's redenomination/);
      const adj = await runDeno([...args, "--adjust-redenominations"]);
      assert.equal(adj.code, 0, adj.stderr);
      assert.doesNotMatch(adj.stderr, /warning: These figures include/);
      const head2 = model(adj.stdout).sections.find((s) => s.id === "strategy-summary")!
        .blocks[0]!;
      assert.equal(head2.type, "paragraph");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
