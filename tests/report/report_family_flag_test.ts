/**
 * `deno task report --family NAME` names the ledger family of a --signal-file's trials (issue 10,
 * finding 1); misuse exits 2 naming the flag.
 */
import assert from "node:assert/strict";
import { runDeno } from "../_shared/run_task.ts";

Deno.test("deno task report --family: only with --signal-file, and no '#' in the name", async () => {
  const alone = await runDeno(["task", "report", "--family", "mine"]);
  assert.equal(alone.code, 2, alone.stderr);
  assert.match(
    alone.stderr,
    /--family names the ledger family of a --signal-file; give --signal-file too/,
  );
  const hash = await runDeno(["task", "report", "--family", "a#2", "--signal-file", "x.csv"]);
  assert.equal(hash.code, 2, hash.stderr);
  assert.match(hash.stderr, /--family must be 1 to 200 characters without "#"/);
  const help = await runDeno(["task", "report", "--help"]);
  assert.match(help.stdout + help.stderr, /--family NAME +ledger family a --signal-file's trials/);
});
