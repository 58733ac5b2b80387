/**
 * A task that works on existing data, given a `--db` that does not exist (a typo), says so and how
 * to create a store, exits 1, and creates nothing: run as users run it (`deno task <name>`).
 *
 * Before: `materialize` and `factors` opened the path read-write, created an empty store there,
 * migrated it and reported nothing to do (exit 0).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { runDeno } from "../_shared/run_task.ts";

/** Each task and its flags; `out` is a folder report and export may write to. */
const CASES = (out: string): readonly (readonly string[])[] => [
  ["materialize", "--freq", "4h"],
  ["factors", "--venue", "binance", "--freq", "1h"],
  ["regimes", "--method", "vol"],
  ["scan", "--venue", "binance"],
  ["daily", "--out", out],
  ["report", "--out", out],
  ["events", "--out", out],
  ["check-dataset"],
  ["export", "--formats", "csv", "--out", out],
  ["quarantine", "summary"],
];

Deno.test("tasks on existing data refuse a --db that does not exist and create nothing", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-missing-" });
  try {
    for (const [task, ...args] of CASES(join(dir, "out"))) {
      const db = join(dir, "sub", `typo-${task}.db`);
      const out = await runDeno(["task", task!, ...args, "--db", db]);
      assert.equal(out.code, 1, `${task}: ${out.stderr}`);
      assert.match(out.stderr, new RegExp(`Store "${db}" does not exist`), task);
      assert.match(out.stderr, /Create it with data first \(deno task import/, task);
      assert.ok(!existsSync(db), `${task} created ${db}`);
    }
    assert.deepEqual(readdirSync(dir), [], "nothing was created");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
