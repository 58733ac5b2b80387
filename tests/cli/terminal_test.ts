/**
 * Control characters from file names and file contents never reach the terminal raw: an
 * import of a file whose name and first line hold `\x1b[31m` (turn the terminal red) and `\x07`
 * (bell) prints them as the escapes `\x1b[31m` and `\x07` (before: the ESC sequence was
 * printed and obeyed).
 */
import assert from "node:assert/strict";
import { forTerminal } from "@lib/core/for_terminal.ts";
import { allocBars } from "@lib/core/types.ts";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { runDeno, type TaskOutput } from "../_shared/run_task.ts";

/**
 * No control character but tab and newline in what the task printed. `deno task` itself echoes
 * its command line (`Task import deno run ... '<path>'`) with the arguments as given, before our
 * code runs: that line is Deno's, not ours (`deno task -q` leaves it out), and is skipped here.
 */
function assertNoControls(out: TaskOutput): void {
  // deno-lint-ignore no-control-regex
  const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
  const ours = out.stderr.split("\n").filter((l) => !l.startsWith("Task ")).join("\n");
  assert.doesNotMatch(out.stdout, raw, JSON.stringify(out.stdout));
  assert.doesNotMatch(ours, raw, JSON.stringify(ours));
}

Deno.test("import: a file name and a first line with ESC and BEL are shown as escapes", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-term-" });
  try {
    const name = `${dir}/\x1b[31mBTC\x07.csv`;
    Deno.writeTextFileSync(name, "\x1b[31mhello\x07,world\n1,2\n");
    const r = await runDeno(["task", "import", name, "--venue", "binance", "--db", `${dir}/t.db`]);
    assert.equal(r.code, 1, r.stderr);
    assertNoControls(r);
    assert.match(r.stderr, /\\x1b\[31mBTC\\x07\.csv: line 1: unknown layout/);
    assert.match(r.stderr, /"\\x1b\[31mhello\\x07,world"/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("check-dataset --json stays valid JSON with the same symbol when it holds DEL, C1 and ESC", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-term-" });
  try {
    const symbol = "BTC\x7f\x9b\x1b[31mUSDT";
    const s = openStore(`${dir}/t.db`);
    const b = allocBars({ venue: "binance", symbol, freq: "1h" }, 1);
    b.ts[0] = Date.UTC(2024, 0, 1);
    b.open[0] =
      b.high[0] =
      b.low[0] =
      b.close[0] =
        1;
    b.volume[0] = 1;
    withTransaction(s.db, () => writeBars(s.db, b, { source: "test" }));
    s.close();
    const r = await runDeno(["task", "check-dataset", "--json", "--db", `${dir}/t.db`]);
    assert.equal(r.code, 0, r.stderr);
    assertNoControls(r);
    assert.equal(JSON.parse(r.stdout).series[0].symbol, symbol);
    const text = await runDeno(["task", "check-dataset", "--db", `${dir}/t.db`]);
    assertNoControls(text);
    assert.match(text.stdout, /BTC\\u007f\\u009b\\x1b\[31mUSDT/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the backfill launcher shows a --db path with ESC and BEL as escapes", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-term-" });
  try {
    const db = `${dir}/\x1b[31mstore\x07.db`;
    const r = await runDeno([
      "task",
      "backfill",
      "--venue",
      "binance",
      "--symbols",
      "top:x",
      "--freq",
      "1h",
      "--since",
      "2024-01-01",
      "--db",
      db,
    ], { CRYPTOLAB_DEBUG: "1" });
    assert.equal(r.code, 2, r.stderr);
    assertNoControls(r);
    assert.match(r.stderr, /launch: .*\\x1b\[31mstore\\x07\.db/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("forTerminal: C0 and C1 controls and DEL become escapes; tab, newline and text stay", () => {
  assert.equal(forTerminal("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
  assert.equal(forTerminal("a\x9b31mb\x7fc"), "a\\u009b31mb\\u007fc");
  assert.equal(forTerminal("over\rwrite"), "over\\rwrite");
  assert.equal(forTerminal("a\tb\nc"), "a\tb\nc");
  assert.equal(forTerminal("a\nb", { keepNewlines: false }), "a\\nb");
  assert.equal(forTerminal("BTC/USDT ₿ 比特币"), "BTC/USDT ₿ 比特币");
});
