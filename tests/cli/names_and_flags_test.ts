/**
 * Names and flags on the command line, run the way deno.json runs the tasks: an unknown
 * `--symbols`, `--venue` or `--factors` is an error that lists what the store holds (before:
 * materialize built nothing and exited 0), and library errors name the flag the user typed
 * (`--min-obs`), not the option inside (`minObs`, `options.factors`).
 */
import assert from "node:assert/strict";
import { openStore, withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { flagNames } from "../../tasks/_cli.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;

/** A store with 200 hourly bars of BTCUSDT, ETHUSDT and SOLUSDT on binance. */
function seed(db: string): void {
  const s = openStore(db);
  try {
    for (const [sym, p0] of [["BTCUSDT", 100], ["ETHUSDT", 50], ["SOLUSDT", 10]] as const) {
      const b = allocBars({ venue: "binance", symbol: sym, freq: "1h" }, 200);
      let p: number = p0;
      for (let i = 0; i < 200; i++) {
        const q = p * (1 + 0.01 * Math.sin(i * (sym.length + 1.3) + p0));
        b.ts[i] = Date.UTC(2024, 0, 1) + i * H;
        b.open[i] = p;
        b.close[i] = q;
        b.high[i] = Math.max(p, q) * 1.001;
        b.low[i] = Math.min(p, q) * 0.999;
        b.volume[i] = 1;
        p = q;
      }
      withTransaction(s.db, () => writeBars(s.db, b, { source: "test" }));
    }
  } finally {
    s.close();
  }
}

async function withStore(f: (db: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-names-" });
  try {
    seed(`${dir}/t.db`);
    await f(`${dir}/t.db`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("materialize: unknown --symbols and --venue are errors that list the known ones", async () => {
  await withStore(async (db) => {
    const sym = await runDeno([
      "task",
      "materialize",
      "--db",
      db,
      "--freq",
      "4h",
      "--symbols",
      "FOO,BTCUSDT",
    ]);
    assert.equal(sym.code, 2, sym.stderr);
    assert.match(
      sym.stderr,
      /error: --symbols: FOO is not in the store; known symbols \(3\): BTCUSDT, ETHUSDT, SOLUSDT/,
    );
    const both = await runDeno([
      "task",
      "materialize",
      "--db",
      db,
      "--freq",
      "4h",
      "--venue",
      "binance",
      "--symbols",
      "XRPUSDT,ADAUSDT",
    ]);
    assert.equal(both.code, 2);
    assert.match(
      both.stderr,
      /--symbols: XRPUSDT, ADAUSDT are not stored for venue binance; known symbols \(3\)/,
    );
    const venue = await runDeno([
      "task",
      "materialize",
      "--db",
      db,
      "--freq",
      "4h",
      "--venue",
      "krakn",
    ]);
    assert.equal(venue.code, 2);
    assert.match(venue.stderr, /--venue: krakn is not in the store; known venues \(1\): binance/);
    const ok = await runDeno([
      "task",
      "materialize",
      "--db",
      db,
      "--freq",
      "4h",
      "--symbols",
      "BTCUSDT",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /binance BTCUSDT 1h -> 4h: 50 bars/);
  });
});

Deno.test("factors: unknown --factors, --venue or --freq are errors that list what the store holds", async () => {
  await withStore(async (db) => {
    const base = ["task", "factors", "--db", db, "--venue", "binance", "--freq", "1h"];
    const f = await runDeno([...base, "--factors", "BTC,DOGE"]);
    assert.equal(f.code, 2, f.stderr);
    assert.match(f.stderr, /error: --factors: cannot resolve "DOGE": no stored symbol is DOGE/);
    assert.match(f.stderr, /one of the 3 symbols of binance 1h: BTCUSDT, ETHUSDT, SOLUSDT/);
    assert.doesNotMatch(f.stderr, /options\.factors/);
    const v = await runDeno(["task", "factors", "--db", db, "--venue", "kraken", "--freq", "1h"]);
    assert.equal(v.code, 2);
    assert.match(
      v.stderr,
      /--venue kraken --freq 1h: no such bars in the store; it holds bars of \(venue freq\): binance 1h/,
    );
    const q = await runDeno([...base, "--freq", "4h"]);
    assert.equal(q.code, 2);
    assert.match(q.stderr, /--venue binance --freq 4h: no such bars/);
  });
});

Deno.test("factors: option errors name the flags (--min-obs, --window), not minObs or window", async () => {
  await withStore(async (db) => {
    const base = ["task", "factors", "--db", db, "--venue", "binance", "--freq", "1h"];
    const m = await runDeno([...base, "--window", "10", "--min-obs", "11"]);
    assert.equal(m.code, 1, m.stderr);
    assert.match(m.stderr, /--min-obs must be an integer in \[3, --window = 10\], got 11/);
    assert.doesNotMatch(m.stderr, /minObs/);
    const w = await runDeno([...base, "--window", "2"]);
    assert.match(w.stderr, /--window must be an integer >= 3, got 2/);
  });
});

Deno.test("check-dataset --venue and backfill --symbols top:N refuse what cannot be meant", async () => {
  await withStore(async (db) => {
    const c = await runDeno(["task", "check-dataset", "--venue", "binanse", "--db", db]);
    assert.equal(c.code, 2, c.stderr);
    assert.match(c.stderr, /--venue: binanse is not in the store; known venues \(1\): binance/);
    for (const bad of ["top:x", "top:0"]) {
      const b = await runDeno([
        "task",
        "backfill",
        "--venue",
        "binance",
        "--symbols",
        bad,
        "--freq",
        "1h",
        "--since",
        "2024-01-01",
        "--db",
        "data/never.db",
      ]);
      assert.equal(b.code, 2, b.stderr);
      assert.match(b.stderr, /--symbols top:N needs/);
    }
    assert.ok(!(await exists("data/never.db")), "a refused backfill creates no store");
  });
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(`../../${path}`, import.meta.url));
    return true;
  } catch {
    return false;
  }
}

Deno.test("flag errors of import, materialize, quarantine and poll name the flag", async () => {
  await withStore(async (db) => {
    const cases: [string[], RegExp][] = [
      [["import", "x.csv", "--freq", "7m", "--db", db], /error: --freq: Unknown frequency "7m"/],
      [
        ["materialize", "--freq", "all", "--from", "3m", "--db", db],
        /error: --from: Unknown frequency "3m"/,
      ],
      [["materialize", "--freq", "2h", "--db", db], /error: --freq: Unknown frequency "2h"/],
      [
        ["factors", "--venue", "binance", "--freq", "1w", "--db", db],
        /error: --freq: Unknown frequency "1w"/,
      ],
      [
        ["quarantine", "release", "1", "--freq", "9m", "--db", db],
        /error: --freq: Unknown frequency "9m"/,
      ],
      [["check-dataset", "--freq", "1y", "--db", db], /error: --freq: Unknown frequency "1y"/],
      [
        ["poll", "--symbols", "FOO", "--once", "--db", "data/never.db"],
        /error: --symbols: Unknown symbol "FOO"/,
      ],
    ];
    for (const [args, want] of cases) {
      const r = await runDeno(["task", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, want, args.join(" "));
    }
  });
});

Deno.test("flagNames: internal option names become the flags; prose is left alone", () => {
  const report = ["from", "to", "horizons", "pairs-top", "universe"];
  assert.equal(
    flagNames("Cannot load a panel: from (2024-02-01) must be before to (2024-01-01)", report),
    "Cannot load a panel: --from (2024-02-01) must be before --to (2024-01-01)",
  );
  assert.equal(
    flagNames("pairsTop must be a positive integer", report),
    "--pairs-top must be a positive integer",
  );
  assert.equal(
    flagNames("bars from the store to the report", report),
    "bars from the store to the report",
  );
  const backfill = ["since", "until", "symbols"];
  assert.equal(
    flagNames(
      "Cannot backfill binance: until (2024-01-01) must be after since (2024-02-01)",
      backfill,
    ),
    "Cannot backfill binance: --until (2024-01-01) must be after --since (2024-02-01)",
  );
  assert.equal(flagNames("pass --since (a date)", backfill), "pass --since (a date)");
});
