/**
 * The overfitting verdict of `deno task backtest`, end to end as users run it (deno.json and
 * tasks/_launch.ts permissions): two backtests of one strategy with different parameters in the
 * same store are trials 1 and 2 of family `backtest:ma-crossover` in the ledger; the second
 * report says "trial 2 of 2", lists both trials by id and ledger hash, and `deno task
 * verify-report` passes on both reports (the first still says 1 of 1: verify-report counts the
 * ledger as it was when the report was built, its manifest's `ledgerUpTo`, also after the family
 * is closed). A repeated run adds no trial, keeps its k, and counts the whole family.
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

function section(dir: string) {
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as ReportJson;
  const s = report.sections.find((x) => x.id === "overfitting");
  assert.ok(s !== undefined, "an overfitting section");
  const table = (id: string) => {
    const b = s.blocks.find((x) => x.type === "table" && x.id === id);
    assert.ok(b !== undefined && b.type === "table", `table ${id}`);
    return b;
  };
  return { s, table };
}

realDataTest(
  "deno task backtest twice: trial 2 of 2 in the family, and verify-report passes",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-backtest-overfit-" });
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
      const common = [
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
        "--param",
        "fast=24",
      ];
      const run = async (slow: number) => {
        const out = await runDeno(["task", "backtest", ...common, "--param", `slow=${slow}`]);
        assert.equal(out.code, 0, out.stderr);
        return out.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
      };
      const first = await run(168);
      const second = await run(72);
      assert.notEqual(first, second);

      const two = section(second);
      const verdict = two.table("overfitting-verdict");
      assert.match(String(verdict.rows[0]![2]), /^trial 2 of 2 in family backtest:ma-crossover/);
      const trials = two.table("overfitting-trials");
      assert.deepEqual(trials.columns.slice(0, 2).map((c) => c.key), ["trial_id", "trial_hash"]);
      const ledger = openStore(db, { mustExist: true });
      try {
        const stored = readTrials(ledger.db, "backtest:ma-crossover");
        assert.equal(stored.length, 2);
        assert.deepEqual(
          trials.rows.map((r) => [r[0], r[1]]),
          stored.map((t) => [t.trialId, t.hash]),
        );
      } finally {
        ledger.close();
      }
      // PBO on the two aligned trials, with the logit histogram
      two.table("overfitting-pbo-logits");
      // the null-suite position: one asset, so the targets block-shuffled in time, 19 seeded runs
      const nullRow = verdict.rows.find((r) => r[0] === "Null-suite p-value")!;
      assert.match(
        String(nullRow[2]),
        /against 19 block-shuffle placebo runs of the annualized net Sharpe \(each placebo charged the real run's costs bar by bar\) \(seed 0;/,
      );
      const hist = two.table("overfitting-null-histogram");
      assert.equal(hist.rows.reduce((a, r) => a + (r[2] as number), 0), 19);
      assert.equal(hist.rows.filter((r) => r[4] === "<- here").length, 1);
      assert.ok(two.s.blocks[0]!.type === "paragraph" && /DSR/.test(two.s.blocks[0]!.text));

      const one = section(first);
      assert.match(String(one.table("overfitting-verdict").rows[0]![2]), /^trial 1 of 1 /);

      for (const dir of [second, first]) {
        const v = await runDeno(["task", "verify-report", dir, "--db", db]);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        // the report was rebuilt byte for byte and its trials were checked against the ledger
        assert.match(v.stdout, /^re-render: OK$/m);
        assert.match(v.stdout, /^ledger: OK$/m);
      }
      // --null-runs 9 --no-ledger: fewer placebo runs (in the manifest: verify-report re-renders
      // them), and nothing recorded (the identical trial is found in the ledger)
      const nine = await runDeno([
        "task",
        "backtest",
        ...common,
        "--param",
        "slow=72",
        "--null-runs",
        "9",
        "--no-ledger",
      ]);
      assert.equal(nine.code, 0, nine.stderr);
      const nineDir = nine.stdout.trim().split("\n")[0]!.replace(/\/report\.html$/, "");
      const h9 = section(nineDir).table("overfitting-null-histogram");
      assert.equal(h9.rows.reduce((a, r) => a + (r[2] as number), 0), 9);
      const v9 = await runDeno(["task", "verify-report", nineDir, "--db", db]);
      assert.equal(v9.code, 0, v9.stdout + v9.stderr);
      const bad = await runDeno(["task", "backtest", ...common, "--null-runs", "x"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--null-runs must be an integer >= 0, got "x"/);
      // the first variant run again is not a new trial: it keeps k = 1, and N counts the
      // family, also the trial recorded after it (issue 10, finding 1: it said 1 of 1)
      const rerun = await run(168);
      assert.equal(rerun, first);
      assert.match(
        String(section(rerun).table("overfitting-verdict").rows[0]![2]),
        /^trial 1 of 2 in family backtest:ma-crossover /,
      );
      const again = openStore(db, { mustExist: true });
      try {
        assert.equal(readTrials(again.db, "backtest:ma-crossover").length, 2);
      } finally {
        again.close();
      }
      // a closed family: the report still re-renders from the trial its build recorded
      const closed = await runDeno([
        "task",
        "trials",
        "close",
        "backtest:ma-crossover",
        "--reason",
        "test",
        "--db",
        db,
      ]);
      assert.equal(closed.code, 0, closed.stdout + closed.stderr);
      // a run after the closure opens generation 2, where it is trial 1 of 1
      const third = await run(168);
      assert.match(
        String(section(third).table("overfitting-verdict").rows[0]![2]),
        /^trial 1 of 1 in family backtest:ma-crossover#2 /,
      );
      // ... and names the closed generation in one line
      const closedNote = section(third).s.blocks.find((b) =>
        b.type === "note" && /previous generation 1/.test(b.text)
      );
      assert.ok(closedNote !== undefined && closedNote.type === "note");
      assert.match(
        closedNote.text,
        /the previous generation 1 \(backtest:ma-crossover\), closed, held 2 return trials, the best trial \d+ \(\{/,
      );
      const after = await runDeno(["task", "verify-report", second, "--db", db]);
      assert.equal(after.code, 0, after.stdout + after.stderr);
      assert.match(after.stdout, /^re-render: OK$/m);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
