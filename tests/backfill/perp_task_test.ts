/**
 * Issue 12 item 4: `deno task backfill --kind funding|mark|index|premium|oi`, run as a user
 * runs it (deno.json permissions through tasks/_launch.ts) against the local exchange, which
 * replays the real freqtrade funding and mark files (index, premium and OI are synthetic
 * there, see tests/fake_exchange/perp.ts). Before this change `--kind` was an unknown flag.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readFunding } from "@lib/store/perp_funding.ts";
import { readPerpKlines } from "@lib/store/perp_price_klines.ts";
import { readOpenInterest } from "@lib/store/perp_open_interest.ts";
import { runDeno } from "../_shared/run_task.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const V = "binance_futures";

realDataTest(
  "backfill --kind funding stores the real funding file, resumes, and --kind mark/index/premium/oi fill their tables",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync();
    const db = join(dir, "perp.db");
    const env = { CRYPTOLAB_BINANCE_FUTURES_URL: ex.url, CRYPTOLAB_PROVIDERS: "" };
    const run = (...args: string[]) => runDeno(["task", "backfill", ...args, "--db", db], env);
    try {
      const a = await run(
        "--kind",
        "funding",
        "--symbols",
        "XRPUSDT,BTCUSDT",
        "--since",
        "2021-11-18",
        "--until",
        "2021-12-19",
      );
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stderr, /backfill funding ok: 91 rows written, 0 quarantined/);
      // per-symbol counts, not a running total: BTCUSDT has no funding in the window
      assert.match(a.stderr, /^backfill funding BTCUSDT: 0 rows \(91 all symbols\)/m);
      assert.match(
        a.stderr,
        /^ {2}XRPUSDT: 91 rows \(91 new, 0 updated, 0 unchanged, 0 quarantined\)$/m,
      );
      assert.match(
        a.stderr,
        /^ {2}BTCUSDT: 0 rows \(0 new, 0 updated, 0 unchanged, 0 quarantined\)$/m,
      );
      assert.doesNotMatch(a.stderr, /BTCUSDT: [1-9]\d* rows/);
      const file = JSON.parse(
        readFileSync(
          realPath(
            "funding_and_futures",
            "freqtrade_testdata_XRP_2021-11",
            "XRP_USDT-8h-funding_rate.json",
          ),
          "utf8",
        ),
      ) as number[][];
      {
        const s = openStore(db);
        const f = readFunding(s.db, V, "XRPUSDT");
        assert.deepEqual([...f.time], file.map((r) => r[0]));
        assert.deepEqual([...f.rate], file.map((r) => r[1]));
        const run = s.db.prepare("SELECT task, status, rows_written FROM ingest_runs").all();
        assert.deepEqual(run.map((r) => [r.task, r.status, r.rows_written]), [[
          "backfill",
          "ok",
          91,
        ]]);
        s.close();
      }
      // resume: nothing new is asked before the last stored funding time
      const before = ex.requests.length;
      const b = await run(
        "--kind",
        "funding",
        "--symbols",
        "XRPUSDT",
        "--since",
        "2021-11-18",
        "--until",
        "2021-12-19",
      );
      assert.equal(b.code, 0, b.stderr);
      assert.match(b.stderr, /0 rows written/);
      const q = ex.requests.slice(before).find((r) => r.path === "/fapi/v1/fundingRate")!;
      assert.match(q.query, new RegExp(`startTime=${file[file.length - 1]![0]! + 1}`));

      for (const kind of ["mark", "index", "premium"]) {
        const k = await run(
          "--kind",
          kind,
          "--symbols",
          "XRPUSDT",
          "--freq",
          "8h",
          "--since",
          "2021-11-18",
          "--until",
          "2021-12-19",
        );
        assert.equal(k.code, 0, k.stderr);
      }
      const o = await run(
        "--kind",
        "oi",
        "--symbols",
        "BTCUSDT",
        "--freq",
        "1h",
        "--since",
        "2025-09-01",
        "--until",
        "2025-09-03",
      );
      assert.equal(o.code, 0, o.stderr);
      const s = openStore(db);
      try {
        const key = { venue: V, symbol: "XRPUSDT", freq: "8h" as const };
        const mark = readPerpKlines(s.db, { ...key, kind: "mark" });
        const markFile = JSON.parse(
          readFileSync(
            realPath(
              "funding_and_futures",
              "freqtrade_testdata_XRP_2021-11",
              "XRP_USDT-8h-mark.json",
            ),
            "utf8",
          ),
        ) as number[][];
        assert.deepEqual([...mark.close], markFile.map((r) => r[4]));
        assert.equal(readPerpKlines(s.db, { ...key, kind: "index" }).ts.length, mark.ts.length);
        assert.equal(readPerpKlines(s.db, { ...key, kind: "premium" }).ts.length, mark.ts.length);
        assert.equal(
          readOpenInterest(s.db, { venue: V, symbol: "BTCUSDT", period: "1h" }).ts.length,
          48,
        );
      } finally {
        s.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

realDataTest(
  "backfill --kind mark: a venue that keeps failing ends the symbol failed (exit 1); the re-run resumes",
  async () => {
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync();
    const db = join(dir, "perp.db");
    const env = { CRYPTOLAB_BINANCE_FUTURES_URL: ex.url, CRYPTOLAB_PROVIDERS: "" };
    const args = [
      "--kind",
      "mark",
      "--symbols",
      "BTCUSDT",
      "--freq",
      "8h",
      "--since",
      "2025-09-01",
      "--until",
      "2025-10-27",
      "--db",
      db,
    ];
    try {
      ex.faults.add({ kind: "http_500", path: "/fapi/v1/markPriceKlines", times: 1000 });
      const failed = await runDeno(["task", "backfill", ...args], env);
      assert.equal(failed.code, 1, failed.stderr);
      assert.match(failed.stderr, /backfill mark failed: 0 rows written/);
      assert.match(failed.stderr, /BTCUSDT: .*500.*\(re-run to resume from the store\)/);
      // the chain retried before giving up (RETRY_DEFAULTS: 4 attempts)
      assert.equal(ex.requests.filter((r) => r.path === "/fapi/v1/markPriceKlines").length, 4);
      ex.faults.clear();
      const ok = await runDeno(["task", "backfill", ...args], env);
      assert.equal(ok.code, 0, ok.stderr);
      const s = openStore(db);
      try {
        const runs = s.db.prepare("SELECT status FROM ingest_runs ORDER BY run_id").all()
          .map((r) => r.status);
        assert.deepEqual(runs, ["failed", "ok"]);
        const mark = readPerpKlines(s.db, {
          venue: V,
          symbol: "BTCUSDT",
          kind: "mark",
          freq: "8h",
        });
        assert.ok(mark.ts.length > 100, `${mark.ts.length} mark klines`);
      } finally {
        s.close();
      }
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);

Deno.test("backfill --kind: usage errors exit 2 and name the flag", async () => {
  const bad = await runDeno([
    "task",
    "backfill",
    "--kind",
    "fundng",
    "--symbols",
    "BTCUSDT",
    "--since",
    "2024-01-01",
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--kind must be candles or one of funding, mark, index, premium, oi/);
  const freq = await runDeno([
    "task",
    "backfill",
    "--kind",
    "oi",
    "--symbols",
    "BTCUSDT",
    "--freq",
    "1m",
    "--since",
    "2024-01-01",
  ]);
  assert.equal(freq.code, 2);
  assert.match(freq.stderr, /--freq for --kind oi must be one of 5m/);
  const fi = await runDeno([
    "task",
    "backfill",
    "--kind",
    "funding",
    "--funding-interval",
    "3h",
    "--symbols",
    "BTCUSDT",
    "--since",
    "2024-01-01",
  ]);
  assert.equal(fi.code, 2);
  assert.match(fi.stderr, /--funding-interval must be 1h, 2h, 4h or 8h, got 3h/);
});
