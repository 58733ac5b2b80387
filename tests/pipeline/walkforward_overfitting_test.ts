/**
 * The overfitting verdict of `deno task walkforward`, end to end as users run it (deno.json and
 * tasks/_launch.ts permissions), on real Binance BTC hourly bars: each candidate of the grid
 * (its backtest on the whole data) and the stitched out-of-sample returns are trials of family
 * `walkforward:ma-crossover`; the report says "trial 5 of 5" (4 candidates, then the stitched
 * run), has PBO over the 4 candidates on the out-of-sample rows (the stitched series is not a
 * candidate of the selection), SPA/StepM, and the null
 * suite of the stitched targets (19 block-shuffle runs, one asset). Run again with
 * --no-ledger, nothing is recorded and the same verdict is found in the ledger; --null-runs 0
 * runs no placebo.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { readTrials } from "@lib/store/trials.ts";
import type { ReportJson } from "@lib/report/schema.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

function verdictOf(stdout: string) {
  const dir = stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as ReportJson;
  const s = report.sections.find((x) => x.id === "overfitting");
  assert.ok(s !== undefined, "an overfitting section");
  const table = (id: string) => {
    const b = s.blocks.find((x) => x.type === "table" && x.id === id);
    assert.ok(b !== undefined && b.type === "table", `table ${id}`);
    return b;
  };
  return { s, table, report };
}

realDataTest(
  "deno task walkforward: the stitched run is trial N of the grid's family, with PBO and its null suite",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-walkforward-overfit-" });
    try {
      const db = join(tmp, "real.db");
      const store = openStore(db);
      try {
        const r = await importPaths(store.db, [join(NFI, "BTC_USDT-1h.json")], {
          venue: "binance",
          freq: "1h",
        });
        assert.ok(r.files.every((f) => f.status === "imported"));
      } finally {
        store.close();
      }
      const args = [
        "task",
        "walkforward",
        "--db",
        db,
        "--out",
        join(tmp, "out"),
        "--from",
        "2021-01-01",
        "--to",
        "2021-03-01",
        "--strategy",
        "ma-crossover",
        "--assets",
        "BTCUSDT",
        "--grid",
        "fast=12,24",
        "--grid",
        "slow=72,168",
        "--folds",
        "3",
      ];
      const first = await runDeno(args);
      assert.equal(first.code, 0, first.stderr);
      const v = verdictOf(first.stdout);
      assert.match(
        (v.s.blocks[0] as { text: string }).text,
        /stitched out-of-sample net return series/,
      );
      const verdict = v.table("overfitting-verdict");
      assert.match(
        String(verdict.rows[0]![2]),
        /^trial 5 of 5 in family walkforward:ma-crossover /,
      );
      const pbo = verdict.rows.find((r) => r[0] === "PBO")!;
      // the stitched series is counted in N but is no candidate of the selection
      assert.match(
        String(pbo[2]),
        /^PBO over 4 aligned trials, .*\(1 aligned trial left out: not candidates of the selection/,
      );
      const spaRow = verdict.rows.find((r) => r[0] === "SPA p-value (consistent)")!;
      assert.match(String(spaRow[2]), /no trial of the 4 aligned beats/);
      assert.match(
        String(verdict.rows.find((r) => r[0] === "Null-suite p-value")![2]),
        /against 19 block-shuffle placebo runs of the annualized net Sharpe \(each placebo charged the real run's costs bar by bar\) \(seed 0;/,
      );
      const hist = v.table("overfitting-null-histogram");
      assert.equal(hist.rows.reduce((a, r) => a + (r[2] as number), 0), 19);
      const ledger = openStore(db, { mustExist: true });
      try {
        const stored = readTrials(ledger.db, "walkforward:ma-crossover");
        assert.equal(stored.length, 5);
        assert.deepEqual(stored.map((t) => t.origin), [
          ...Array(4).fill("backtestWeights"),
          "runWalkForward",
        ]);
        assert.deepEqual(
          v.table("overfitting-trials").rows.map((r) => [r[0], r[1]]),
          stored.map((t) => [t.trialId, t.hash]),
        );
      } finally {
        ledger.close();
      }
      // again without recording and without placebos: the trial is found, nothing is added
      const quiet = await runDeno([...args, "--no-ledger", "--null-runs", "0"]);
      assert.equal(quiet.code, 0, quiet.stderr);
      const q = verdictOf(quiet.stdout);
      const qv = q.table("overfitting-verdict");
      assert.match(String(qv.rows[0]![2]), /^trial 5 of 5 in family walkforward:ma-crossover /);
      assert.deepEqual(qv.rows.find((r) => r[0] === "Null-suite p-value")!.slice(1), [
        null,
        "no null suite: none was run (--null-runs 0), or the statistic has no finite value on this data",
      ]);
      assert.equal(q.report.manifest.params.nullRuns, 0);
      const again = openStore(db, { mustExist: true });
      try {
        assert.equal(readTrials(again.db, "walkforward:ma-crossover").length, 5);
      } finally {
        again.close();
      }
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
