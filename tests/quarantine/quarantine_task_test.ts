/**
 * `deno task quarantine`, run exactly as deno.json runs it (its permissions), on a store filled
 * by `deno task import`: list with filters, show, summary, export (CSV and JSON, file and
 * stdout), release by id and by reason, and control characters from file names and rows shown
 * as escapes on every printed line.
 */
import assert from "node:assert/strict";
import { runDeno, type TaskOutput } from "../_shared/run_task.ts";

const ESC = "\x1b[31m";
const BEL = "\x07";

interface Fixture {
  readonly dir: string;
  readonly db: string;
  q(...args: string[]): Promise<TaskOutput>;
}

/** Two files, four quarantined rows: 2 off-grid/high<low (iso CSV), 1 with ESC and BEL in it, 1 freqtrade high<low. */
async function fixture(): Promise<Fixture> {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-quarantine-" });
  const db = `${dir}/q.db`;
  const evil = `${dir}/in/binance/${ESC}evil${BEL}`;
  Deno.mkdirSync(evil, { recursive: true });
  Deno.writeTextFileSync(
    `${evil}/BTCUSDT_1h_iso.csv`,
    [
      "open_time,open,high,low,close,volume",
      "2024-01-01 00:00:00,100,101,99,100.5,10",
      `2024-01-01 01:00:00,${ESC}100${BEL},101,99,100,10`,
      "2024-01-01 02:30:00,100,101,99,100,10",
      "2024-01-01 03:00:00,100,99,101,100,10",
      "2024-01-01 04:00:00,100,101,99,100,10",
    ].join("\n") + "\n",
  );
  Deno.mkdirSync(`${dir}/in/kraken`, { recursive: true });
  const t = Date.UTC(2024, 0, 1), h = 3_600_000;
  Deno.writeTextFileSync(
    `${dir}/in/kraken/ETH_USD-1h.json`,
    JSON.stringify([[t, 1, 2, 0.5, 1.5, 10], [t + h, 1.5, 1, 2, 1.8, 12]]),
  );
  const imp = await runDeno(["task", "import", `${dir}/in`, "--db", db]);
  assert.equal(imp.code, 0, imp.stderr);
  assertNoControls(imp);
  assert.match(imp.stdout, /\\x1b\[31mevil\\x07/);
  return { dir, db, q: (...args) => runDeno(["task", "quarantine", ...args, "--db", db]) };
}

function assertNoControls(out: TaskOutput): void {
  for (const [name, text] of [["stdout", out.stdout], ["stderr", out.stderr]]) {
    assert.ok(!text!.includes("\x1b"), `${name} holds a raw ESC: ${JSON.stringify(text)}`);
    assert.ok(!text!.includes("\x07"), `${name} holds a raw BEL: ${JSON.stringify(text)}`);
  }
}

const lines = (s: string) => s.split("\n").filter((l) => l !== "");

Deno.test("quarantine list, show and summary: filters, full rows, counts; controls shown as escapes", async () => {
  const f = await fixture();
  try {
    const all = await f.q("list");
    assert.equal(all.code, 0, all.stderr);
    assertNoControls(all);
    assert.equal(lines(all.stdout).length, 4);
    assert.match(all.stderr, /4 of 4 quarantined row\(s\)/);

    const hl = await f.q("list", "--reason", "HIGH < LOW");
    assert.equal(lines(hl.stdout).length, 2);
    const eth = await f.q("list", "--reason", "high < low", "--symbol", "ETHUSD");
    assert.deepEqual(lines(eth.stdout).map((l) => l.split("\t")[3]), ["kraken ETHUSD 1h"]);
    const byFile = await f.q("list", "--file", "BTCUSDT_1h_iso");
    assert.equal(lines(byFile.stdout).length, 3);
    const byVenue = await f.q("list", "--venue", "binance", "--limit", "1");
    assert.equal(lines(byVenue.stdout).length, 1);
    assert.match(byVenue.stderr, /1 of 3 quarantined row\(s\) matching \(--limit 1/);

    const nan = lines((await f.q("list", "--reason", "open NaN")).stdout);
    assert.equal(nan.length, 1);
    const id = nan[0]!.split("\t")[0]!;
    const show = await f.q("show", id);
    assert.equal(show.code, 0, show.stderr);
    assertNoControls(show);
    assert.match(show.stdout, /raw {9}2024-01-01 01:00:00,\\x1b\[31m100\\x07,101,99,100,10/);
    assert.match(show.stdout, /header {6}open_time,open,high,low,close,volume/);
    assert.match(show.stdout, /imported as binance BTCUSDT 1h/);
    assert.match(
      show.stdout,
      /source {6}file:in\/binance\/\\x1b\[31mevil\\x07\/BTCUSDT_1h_iso.csv line 3/,
    );

    const missing = await f.q("show", "999");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no quarantined row 999/);

    const sum = await f.q("summary");
    assert.equal(sum.code, 0, sum.stderr);
    assertNoControls(sum);
    assert.match(sum.stdout, /^4 quarantined row\(s\)/);
    assert.match(sum.stdout, /\n {8}2 {2}high < low\n/);
    assert.match(
      sum.stdout,
      /\n {8}3 {2}file:in\/binance\/\\x1b\[31mevil\\x07\/BTCUSDT_1h_iso.csv\n/,
    );
    assert.match(sum.stdout, /\n {8}1 {2}file:in\/kraken\/ETH_USD-1h.json\n/);
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("quarantine export: CSV and JSON, to a file and to stdout, raw rows byte-exact", async () => {
  const f = await fixture();
  try {
    const csv = await f.q("export");
    assert.equal(csv.code, 0, csv.stderr);
    const rows = csv.stdout.split("\r\n");
    assert.equal(rows[0], "id,quarantined_at,source,locator,format,venue,symbol,freq,reason,raw");
    assert.equal(rows.length, 6); // header, 4 rows, final empty
    // stdout is a pipe here: the data is exact, escapes and all
    assert.ok(csv.stdout.includes(`"2024-01-01 01:00:00,${ESC}100${BEL},101,99,100,10"`));

    const out = `${f.dir}/q.json`;
    const js = await f.q("export", "--out", out, "--reason", "high < low");
    assert.equal(js.code, 0, js.stderr);
    assert.match(js.stderr, /wrote 2 row\(s\) as json/);
    const doc = JSON.parse(Deno.readTextFileSync(out));
    assert.equal(doc.schema, "cryptolab.quarantine/1");
    assert.deepEqual(doc.rows.map((r: { symbol: string }) => r.symbol).sort(), [
      "BTCUSDT",
      "ETHUSD",
    ]);
    assert.equal(doc.rows[0].raw, "[1704070800000,1.5,1,2,1.8,12]");

    const bad = await f.q("export", "--format", "xlsx");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be csv or json, got "xlsx"/);
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("quarantine release: by id (kept, then forced), by reason with a corrected --freq; audit listed", async () => {
  const f = await fixture();
  try {
    const hl = lines((await f.q("list", "--reason", "high < low", "--file", "BTCUSDT")).stdout);
    const id = hl[0]!.split("\t")[0]!;
    const kept = await f.q("release", id);
    assert.equal(kept.code, 1, "a named row that stays quarantined is a failure");
    assert.match(
      kept.stdout,
      /\tkept\thigh < low: high 99 < low 101 \(--force accepts it as it is\)/,
    );

    const forced = await f.q("release", id, "--force");
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(
      forced.stdout,
      /released \(forced\)\tbars binance BTCUSDT 1h 2024-01-01T03:00:00.000Z: inserted/,
    );

    const grid = await f.q("release", "--reason", "off the bar grid", "--freq", "15m");
    assert.equal(grid.code, 0, grid.stderr);
    assert.match(
      grid.stdout,
      /released \(passed\)\tbars binance BTCUSDT 15m 2024-01-01T02:30:00.000Z: inserted/,
    );

    const left = await f.q("summary");
    assert.match(left.stdout, /^2 quarantined row\(s\)/);
    assert.match(left.stdout, /released so far: 1 passed the rules again, 1 by hand/);
    const audit = await f.q("released");
    assertNoControls(audit);
    assert.equal(lines(audit.stdout).length, 2);
    assert.match(audit.stdout, /\tforced\t.*\(was: high < low: high 99 < low 101\)/);

    const gone = await f.q("release", id);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, new RegExp(`no quarantined row ${id} \\(released already`));
    const none = await f.q("release");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /"release" needs ids or a selection/);
    const wrong = await f.q("list", "--force");
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--force does not apply to "list"/);
  } finally {
    Deno.removeSync(f.dir, { recursive: true });
  }
});

Deno.test("quarantine on a --db that does not exist says so and creates nothing", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-quarantine-" });
  try {
    const r = await runDeno(["task", "quarantine", "list", "--db", `${dir}/typo.db`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /typo\.db/);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
