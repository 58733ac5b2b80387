/**
 * `deno task trials` run as users run it (deno.json's line, through tasks/_launch.ts): list,
 * show, close and verify on a store with recorded trials; verify exits 1 naming the row edited
 * with the triggers dropped.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openStore } from "@lib/store/db.ts";
import { openLedger } from "@lib/research/ledger.ts";
import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
import { runDeno } from "../_shared/run_task.ts";

function trials(...args: string[]) {
  return runDeno(["task", "-q", "trials", ...args]);
}

Deno.test("deno task trials: list, show, close, verify with deno.json permissions", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-trials-" });
  const db = join(dir, "store.db");
  const store = openStore(db);
  const ledger = openLedger(store.db, { gitCommit: "0123456789abcdef" });
  const close = [
    Float64Array.of(100, 101, 99, 102, 104, 103),
    Float64Array.of(10, 11, 12, 11, 12, 13),
  ];
  for (const w of [0.25, 0.5, 1]) {
    backtestWeights({ close }, [new Float64Array(6).fill(w), new Float64Array(6).fill(-w)], {
      ledger,
      trial: { family: "hedged", params: { w } },
    });
  }
  store.close();

  const list = await trials("list", "--db", db);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^hedged\s+open\s+3\s+/m);
  assert.match(list.stdout, /1 families, 3 trials/);

  const show = await trials("show", "hedged", "--db", db);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /family hedged: 3 trials/);
  assert.match(show.stdout, /#3 .* backtestWeights .*"w":1/);

  const closed = await trials("close", "hedged", "--reason", "moved on", "--db", db);
  assert.equal(closed.code, 0, closed.stderr);
  assert.match(closed.stdout, /starts hedged#2/);
  const again = await trials("close", "hedged", "--db", db);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already closed/);

  const ok = await trials("verify", "--db", db);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /ledger intact: 5 rows/);

  // an edit made by a tool that drops the triggers
  const raw = new DatabaseSync(db);
  raw.exec("DROP TRIGGER trials_no_update");
  raw.exec("UPDATE trials SET sharpe = 5 WHERE trial_id = 2");
  raw.close();
  const bad = await trials("verify", "--db", db);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /BROKEN at seq 3 \(trials id 2\)/);

  const usage = await trials("show", "--db", db);
  assert.equal(usage.code, 2);
  const missing = await trials("list", "--db", join(dir, "nope.db"));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
  Deno.removeSync(dir, { recursive: true });
});
