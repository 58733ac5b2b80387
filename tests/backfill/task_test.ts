/**
 * `tasks/backfill.ts` as a subprocess against the local exchange (klines cut from the real
 * ohlcv/binance_spot_2017-2022_djienne hourly files): kill -9 at seeded random moments, then a
 * run to completion, must leave every real bar exactly once and an intact database; SIGTERM
 * must commit, mark the run interrupted and exit 0.
 */
import assert from "node:assert/strict";
import { openStore } from "@lib/store/db.ts";
import { createRng } from "@lib/stats/rng.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { type FakeExchange, startFakeExchange } from "../fake_exchange/mod.ts";
import { assertStoredEqual, realHourlyRows, rowsIn } from "./_real_rows.ts";
import { binanceBackfillArgs } from "./_task.ts";
import { runTask } from "../_shared/run_task.ts";

const SINCE = Date.UTC(2019, 0, 1);
const UNTIL = Date.UTC(2021, 0, 1);
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];

function spawn(ex: FakeExchange, db: string, extra: string[] = []): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tasks/backfill.ts",
      ...binanceBackfillArgs(SYMBOLS.join(","), "2019-01-01", "2021-01-01", db),
      ...extra,
    ],
    env: { CRYPTOLAB_BINANCE_URL: ex.url, NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
}

/** Every stored bar of each symbol is a real bar, at most once, forming a prefix of the range. */
function checkStore(path: string, complete: boolean): number {
  const { db, close } = openStore(path);
  try {
    assert.equal(db.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
    const dup = db.prepare(
      "SELECT count(*) AS n, count(DISTINCT venue || symbol || freq || ts) AS d FROM bars",
    ).get();
    assert.equal(dup?.n, dup?.d);
    let total = 0;
    for (const symbol of SYMBOLS) {
      const all = rowsIn(realHourlyRows(symbol), SINCE, UNTIL);
      const n = Number(
        db.prepare("SELECT count(*) AS n FROM bars WHERE symbol = ?").get(symbol)?.n ?? 0,
      );
      // pages are committed in order, so what is stored is the start of the real series
      assertStoredEqual(db, symbol, complete ? all : all.slice(0, n));
      total += n;
    }
    return total;
  } finally {
    close();
  }
}

async function stderrText(child: Deno.ChildProcess, onText?: (all: string) => void) {
  let all = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stderr) {
    all += dec.decode(chunk, { stream: true });
    onText?.(all);
  }
  return all;
}

realDataTest("backfill task survives kill -9 at random moments and finishes exactly", async () => {
  const ex = await startFakeExchange();
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-backfill-" });
  const db = `${dir}/kill.db`;
  try {
    // every klines page arrives in 4 chunks 30 ms apart, so a run lasts a few seconds and the
    // kills land at different points: before the store exists, between and during pages
    ex.faults.add({ kind: "slow_body", path: "/klines", chunks: 4, chunkDelayMs: 30 });
    const rng = createRng(20261122);
    const stored: number[] = [];
    for (let k = 0; k < 3; k++) {
      const child = spawn(ex, db);
      const text = stderrText(child);
      const waitMs = 400 + Math.floor(rng.next() * 2600);
      const ended = await Promise.race([
        child.status.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), waitMs)),
      ]);
      if (!ended) child.kill("SIGKILL");
      const st = await child.status;
      await text;
      if (!ended) assert.equal(st.signal, "SIGKILL");
      stored.push(checkStore(db, false));
    }
    const child = spawn(ex, db);
    const text = await stderrText(child);
    const st = await child.status;
    assert.equal(st.code, 0, text);
    assert.match(text, /backfill ok: \d+ bars written/);
    checkStore(db, true);
    // the kills left partial stores that grew (or stayed) from one restart to the next
    for (let i = 1; i < stored.length; i++) assert.ok(stored[i]! >= stored[i - 1]!);
    const { db: d, close } = openStore(db);
    const last = d.prepare("SELECT status FROM ingest_runs ORDER BY run_id DESC LIMIT 1").get();
    close();
    assert.equal(last?.status, "ok");
    console.log(`bars stored after each kill: ${stored.join(", ")}`);
  } finally {
    await ex.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

realDataTest(
  "backfill task on SIGTERM commits, marks the run interrupted and exits 0",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-backfill-" });
    const db = `${dir}/term.db`;
    try {
      ex.faults.add({ kind: "slow_body", path: "/klines", chunks: 4, chunkDelayMs: 30 });
      const child = spawn(ex, db);
      let sent = false;
      const text = await stderrText(child, (all) => {
        // after the first committed page shows in the progress bar
        if (!sent && /\] [1-9]\d*\/\d+ bars/.test(all)) {
          sent = true;
          child.kill("SIGTERM");
        }
      });
      const st = await child.status;
      assert.ok(sent, text);
      assert.equal(st.code, 0, text);
      assert.match(text, /backfill interrupted/);
      const n = checkStore(db, false);
      assert.ok(n >= 1000 && n < 2 * rowsIn(realHourlyRows("BTCUSDT"), SINCE, UNTIL).length);
      const { db: d, close } = openStore(db);
      const runs = d.prepare("SELECT status, rows_written FROM ingest_runs").all();
      close();
      assert.deepEqual(runs.map((r) => [r.status, r.rows_written]), [["interrupted", n]]);
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("backfill task names an unknown flag and refuses a bad date", async () => {
  for (
    const [args, re] of [
      [["--venue", "binance", "--bogus", "1"], /bogus/],
      [
        ["--venue", "binance", "--symbols", "X", "--freq", "1h", "--since", "yesterday"],
        /--since must be an ISO date/,
      ],
      [["--venue", "bitmex", "--symbols", "X"], /--venue must be one of binance/],
    ] as const
  ) {
    const out = await runTask("backfill", args, {
      env: { CRYPTOLAB_DB: "/nonexistent/never-opened.db" },
    });
    assert.equal(out.code, 2);
    assert.match(out.stderr, re);
  }
});

realDataTest("backfill task --symbols top:N picks the top pairs by 24h quote volume", async () => {
  // The fake exchange's whole-market ticker is built from the real hourly files at the captured
  // server time (2021-10-10); the expected ranking is computed here from the same files.
  const ex = await startFakeExchange({ wholeMarket: true });
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-backfill-top-" });
  try {
    const tickers = (await (await fetch(`${ex.url}/api/v3/ticker/24hr`)).json()) as Array<
      { symbol: string; quoteVolume: string }
    >;
    const expected = tickers
      .filter((t) => t.symbol.endsWith("USDT") && t.symbol !== "USDCUSDT")
      .sort((a, b) => Number(b.quoteVolume) - Number(a.quoteVolume))
      .slice(0, 3)
      .map((t) => t.symbol);
    assert.equal(expected.length, 3);
    const out = await runTask(
      "backfill",
      binanceBackfillArgs("top:3", "2021-10-01", "2021-10-03", `${dir}/top.db`),
      { env: { CRYPTOLAB_BINANCE_URL: ex.url } },
    );
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, new RegExp(`top:3 by 24h quote volume: ${expected.join(", ")}\\n`));
    const { db, close } = openStore(`${dir}/top.db`);
    try {
      for (const symbol of expected) {
        const all = rowsIn(realHourlyRows(symbol), Date.UTC(2021, 9, 1), Date.UTC(2021, 9, 3));
        assert.equal(all.length, 48);
        assertStoredEqual(db, symbol, all);
      }
    } finally {
      close();
    }
  } finally {
    await ex.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
