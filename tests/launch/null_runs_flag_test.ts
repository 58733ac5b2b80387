/**
 * `--null-runs -1` says what is wrong (an integer >= 0) in every task that takes the flag, with
 * the permissions in deno.json, exit 2; before, parseArgs' "argument is ambiguous" was all the
 * user got (then "attach it with =", then the real complaint).
 */
import assert from "node:assert/strict";
import { runDeno } from "../_shared/run_task.ts";

for (const task of ["report", "backtest", "walkforward"]) {
  Deno.test(`deno task ${task} --null-runs -1: must be an integer >= 0, exit 2`, async () => {
    const r = await runDeno(["task", task, "--null-runs", "-1"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--null-runs must be an integer >= 0, got "-1"/);
    assert.doesNotMatch(r.stderr, /ambiguous|attached/);
  });
}
