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
import { loadDataset } from "@lib/panel/load_dataset.ts";

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

Deno.test("deno task report --signal-file records the IC and the long-short book's returns", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-trials-sigfile-" });
  const db = join(dir, "store.db");
  const store = openStore(db);
  fillDemoStore(store.db, { seed: 7, assets: 6, days: 3 });
  const { panel, fingerprint } = loadDataset(store.db, { venue: "sim", freq: "1h" });
  store.close();
  const lines = ["ts,asset,value"];
  panel.assets.forEach((a, k) => {
    const c = panel.close[k]!;
    for (let t = 0; t < panel.index.length; t++) {
      const v = t >= 6 ? Math.log(c[t]! / c[t - 6]!) : NaN;
      lines.push(`${new Date(panel.index[t]!).toISOString()},${a},${Number.isFinite(v) ? v : ""}`);
    }
  });
  const csv = join(dir, "mom#6.csv");
  Deno.writeTextFileSync(csv, lines.join("\n") + "\n");
  const out = await runDeno([
    "task",
    "-q",
    "report",
    "--db",
    db,
    "--signal-file",
    csv,
    "--horizons",
    "1",
    "--out",
    join(dir, "reports"),
    "--run-id",
    "s",
  ]);
  assert.equal(out.code, 0, out.stderr);
  const check = openStore(db, { readOnly: true });
  // without --family, every signal file tried on the venue's bars at that frequency is one family
  // (issue 10: a new file name must not start a new count at 1)
  const trials = readTrials(check.db, "signal-file:sim-1h");
  const kinds = trials.map((t) => `${t.origin}:${t.kind}`);
  assert.ok(kinds.includes("backtestWeights:returns"), String(kinds));
  assert.ok(kinds.includes("icDecay:ic"), String(kinds));
  for (const t of trials) {
    assert.equal(t.dataset, fingerprint.sha256);
    assert.equal(t.freq, "1h");
  }
  const book = trials.find((t) => t.origin === "backtestWeights")!;
  assert.equal(JSON.parse(book.params).book, "long-short");
  assert.equal(book.series.length, panel.index.length);
  check.close();
  Deno.removeSync(dir, { recursive: true });
});
