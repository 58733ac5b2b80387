/**
 * `deno task scan` as users run it (deno.json permissions through tasks/_launch.ts) on real
 * Binance hourly bars imported into a temporary store: the JSON (stdout and `--out`) equals
 * `runScan` in-process on the same store, with the dataset fingerprint and the closed-bar
 * rule; the table shows the same ranking; a symbol holding control characters is printed
 * harmlessly; bad flags exit 2 naming the flag and the known values.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { runScan } from "@lib/pipeline/scan_run.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { runDeno } from "../_shared/run_task.ts";
import { forTerminal } from "@lib/core/for_terminal.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP", "LINK"];
const NOW = "2021-03-01T00:30:00Z"; // the bar of 00:00 is forming; 23:00 is the last closed
const EVIL = "EVIL\x1b[2J\x07\x7f\x9bUSDT"; // ESC, BEL, DEL and C1 CSI

realDataTest("deno task scan on real bars", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-scan-task-" });
  try {
    const db = join(tmp, "real.db");
    const store = openStore(db);
    let direct;
    try {
      const r = await importPaths(store.db, BASES.map((b) => join(NFI, `${b}_USDT-1h.json`)), {
        venue: "binance",
        freq: "1h",
      });
      assert.ok(r.files.every((f) => f.status === "imported"));
      // a store symbol is outside data: one with terminal control characters
      const btc = store.db.prepare(
        "SELECT ts, open, high, low, close, volume FROM bars WHERE symbol = 'ADAUSDT' AND ts < ? ORDER BY ts",
      ).all(Date.parse(NOW)) as {
        ts: number;
        open: number;
        high: number;
        low: number;
        close: number;
        volume: number;
      }[];
      const bars = allocBars({ venue: "binance", symbol: EVIL, freq: "1h" }, btc.length);
      btc.forEach((b, i) => {
        bars.ts[i] = b.ts;
        bars.open[i] = b.open * 1.1;
        bars.high[i] = b.high * 1.1;
        bars.low[i] = b.low * 1.1;
        bars.close[i] = b.close * 1.1;
        bars.volume[i] = b.volume;
      });
      writeBars(store.db, bars, { source: "test" });
      direct = runScan(store.db, {
        freq: "1h",
        now: Date.parse(NOW),
        factorWindow: 240,
        pairsWindow: 400,
        zWindow: 72,
      });
    } finally {
      store.close();
    }
    const tuning = ["--factor-window", "240", "--pairs-window", "400", "--z-window", "72"];
    const common = ["--db", db, "--now", NOW, ...tuning];

    await t.step("--json and --out: the library's scan, fingerprint and rule", async () => {
      const out = join(tmp, "scan.json");
      const run = await runDeno(["task", "scan", ...common, "--json", "--top", "0", "--out", out]);
      assert.equal(run.code, 0, run.stderr);
      const json = JSON.parse(run.stdout);
      assert.deepEqual(JSON.parse(readFileSync(out, "utf8")), json);
      assert.equal(json.dataset.sha256, direct.fingerprint.sha256);
      assert.equal(json.dataset.rows, direct.fingerprint.rows);
      assert.equal(json.bar.open, "2021-02-28T23:00:00.000Z");
      assert.equal(json.bar.close, "2021-03-01T00:00:00.000Z");
      assert.match(json.rule, /open time \+ one bar <= now/);
      assert.deepEqual(json.assets, direct.assets);
      assert.ok(json.assets.includes(EVIL), "JSON keeps the symbol as stored");
      // deno-lint-ignore no-control-regex
      const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
      assert.ok(!control.test(run.stdout), "control characters escaped in the JSON text");
      assert.deepEqual(
        json.rankings.map((k: { signal: string; rows: unknown[] }) => [k.signal, k.rows]),
        direct.scan.rankings.map((k) => [k.signal, k.rows]),
      );
      assert.equal(json.rankings[3].rows.length, 10);
    });

    await t.step("the table: top N, fingerprint, control characters stripped", async () => {
      const run = await runDeno([
        "task",
        "scan",
        ...common,
        "--top",
        "3",
        "--signals",
        "momentum,vol-breakout",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`dataset ${direct.fingerprint.sha256}`));
      assert.match(run.stdout, /2021-02-28T23:00:00\.000Z - 2021-03-01T00:00:00\.000Z/);
      assert.ok(!run.stdout.includes("\x1b") && !run.stdout.includes("\x07"));
      assert.doesNotMatch(run.stdout, /^residual-momentum/m);
      const mom = direct.scan.rankings[0]!.rows.slice(0, 4);
      const lines = run.stdout.split("\n");
      const head = lines.findIndex((l) => l.startsWith("momentum:"));
      const rows = lines.slice(head + 2, head + 5).map((l) => l.trim().split(/\s+/));
      assert.deepEqual(rows.map((r) => r[0]), ["1", "2", "3"]);
      assert.deepEqual(rows.map((r) => r[1]), mom.slice(0, 3).map((r) => forTerminal(r.name)));
      assert.equal(lines[head + 5], "", "three rows, then a blank line");
    });

    await t.step("bad flags exit 2 naming the flag and the known values", async () => {
      const cases: [string[], RegExp][] = [
        [
          ["--signals", "momentum,nope"],
          /--signals: unknown ranking "nope"; known: momentum, residual-momentum, vol-breakout, pairs/,
        ],
        [["--freq", "2h"], /--freq must be a bar frequency/],
        [["--universe", "BTCUSDT,NOPEUSDT"], /--universe: .*NOPEUSDT.*stored: .*ADAUSDT/],
        [["--venue", "kraken"], /--venue: .*venues with 1h bars: binance/],
        [["--top", "x"], /--top must be an integer >= 0, got "x"/],
        [["--now", "yesterday"], /--now must be an ISO date/],
        [
          ["--now", "2000-01-01"],
          /--now: no 1h bar had closed by 2000-01-01T00:00:00.000Z: the cutoff/,
        ],
        [
          ["--universe", "ADAUSDT,LTCUSDT"],
          /--factors: residual-momentum: cannot resolve factor "BTC"/,
        ],
      ];
      for (const [args, want] of cases) {
        const run = await runDeno(["task", "scan", "--db", db, "--now", NOW, ...args]);
        assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
        assert.match(run.stderr, want, args.join(" "));
      }
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
