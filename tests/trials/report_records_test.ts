/**
 * `deno task report` (deno.json's permissions, through the launcher) records each signal's IC
 * series in the trial ledger of its store; running it again adds no trial.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { fillDemoStore } from "@lib/pipeline/demo_fill.ts";
import { listTrialFamilies, readTrials, verifyLedger } from "@lib/store/trials.ts";
import { runDeno } from "../_shared/run_task.ts";

Deno.test("deno task report records the signals' IC trials once", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-trials-report-" });
  const db = join(dir, "store.db");
  const store = openStore(db);
  fillDemoStore(store.db, { seed: 7, assets: 6, days: 3 });
  store.close();
  const args = [
    "task",
    "-q",
    "report",
    "--db",
    db,
    "--freq",
    "1h",
    "--signals",
    "momentum_24,reversal_1",
    "--horizons",
    "1,4",
    "--out",
    join(dir, "reports"),
    "--run-id",
    "t",
  ];
  const first = await runDeno(args);
  assert.equal(first.code, 0, first.stderr);
  const second = await runDeno(args);
  assert.equal(second.code, 0, second.stderr);

  const check = openStore(db, { readOnly: true });
  const fams = listTrialFamilies(check.db);
  assert.deepEqual(fams.map((f) => f.label), ["signal:momentum", "signal:reversal"]);
  const mom = readTrials(check.db, "signal:momentum");
  // the table's horizons 1 and 4 and the decay chart's (SIGNAL_DEFAULTS.decayHorizons)
  const horizons = mom.map((t) => JSON.parse(t.params).horizon as number);
  assert.ok(horizons.includes(1) && horizons.includes(4), String(horizons));
  assert.equal(new Set(horizons).size, horizons.length, "each horizon once after two runs");
  for (const t of mom) {
    assert.equal(t.kind, "ic");
    assert.equal(t.freq, "1h");
    assert.match(t.dataset, /^[0-9a-f]{64}$/);
    assert.equal(JSON.parse(t.params).signal, "momentum_24");
    assert.match(t.sourceSha256 ?? "", /^[0-9a-f]{64}$/);
  }
  assert.equal(verifyLedger(check.db).ok, true);
  check.close();
  Deno.removeSync(dir, { recursive: true });
});
