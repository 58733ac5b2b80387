/**
 * Reports on library signals (`deno task demo`, `deno task report` without --signal-file) keep
 * verifying after later runs record more trials in their signals' families (issue 9, second
 * review, item 1: the research side of the lookup). The demo's verdicts used to count every
 * trial of the family at verify time (its manifest had no `ledgerUpTo`), so a later report of
 * momentum_48 changed its momentum verdict and "FAILED: re-render"; a report's trial was the
 * newest match in any generation, so closing the family and recording the signal again made the
 * rebuild name the new generation's trial; a report without a verdict (built with --no-ledger)
 * gained one once the ledger held its signals' trials. Run as users run them (`deno task`, the permissions
 * of deno.json and tasks/_launch.ts) on the simulated market.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runDeno } from "../_shared/run_task.ts";

Deno.test("deno task verify-report: a demo and a research report verify after later trials in their families", async () => {
  const root = Deno.makeTempDirSync({ prefix: "cryptolab-research-reverify-" });
  try {
    const db = join(root, "s.db");
    const demoTo = async (out: string, ...more: string[]) => {
      const demo = await runDeno([
        "task",
        "demo",
        ...[
          "--source",
          "sim",
          "--assets",
          "6",
          "--days",
          "3",
          "--db",
          db,
          "--out",
          join(root, out),
        ],
        ...more,
      ]);
      assert.equal(demo.code, 0, demo.stderr);
      return join(root, out, readdirSync(join(root, out))[0]!);
    };
    const report = (out: string, ...more: string[]) =>
      runDeno([
        "task",
        "report",
        ...["--db", db, "--out", join(root, out), "--null-runs", "0", ...more],
      ]);
    // first without the ledger: no verdict (ledgerUpTo 0), and none may appear in a rebuild
    // once the ledger holds the trials
    const quietDemo = await demoTo("d0", "--no-ledger");
    const q = await report("r0", "--signals", "momentum_24", "--no-ledger");
    assert.equal(q.code, 0, q.stderr);
    const quietReport = join(root, "r0", readdirSync(join(root, "r0"))[0]!);
    assert.doesNotMatch(readFileSync(join(quietReport, "report.json"), "utf8"), /in the ledger/);
    const demoDir = await demoTo("d");
    const r = await report("r", "--signals", "momentum_24,reversal_1");
    assert.equal(r.code, 0, r.stderr);
    const reportDir = join(root, "r", readdirSync(join(root, "r"))[0]!);
    const verifies = async (dir: string) => {
      const v = await runDeno(["task", "verify-report", dir, "--db", db]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
      assert.match(v.stdout, /^re-render: OK$/m);
    };
    await verifies(demoDir);
    await verifies(reportDir);
    const before = readFileSync(join(reportDir, "report.json"), "utf8");
    assert.match(before, /its trial \d+ in the ledger/);

    // more momentum trials, then a new generation of the family with momentum_24 again
    assert.equal((await report("r2", "--signals", "momentum_48,momentum_12")).code, 0);
    const close = await runDeno([
      "task",
      "trials",
      "close",
      "signal:momentum",
      "--reason",
      "test",
      "--db",
      db,
    ]);
    assert.equal(close.code, 0, close.stderr);
    assert.equal((await report("r3", "--signals", "momentum_24")).code, 0);

    await verifies(demoDir);
    await verifies(reportDir);
    await verifies(quietDemo);
    await verifies(quietReport);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
