/**
 * releaseQuarantined: rows are parsed again by their file's parser and judged by import's row
 * rules, written when they pass (or by hand with force), and leave quarantine with an audit
 * record; rows that still fail stay, unchanged, with the reason.
 */
import assert from "node:assert/strict";
import { importPaths } from "@lib/ingest/import_path.ts";
import { releaseQuarantined } from "@lib/ingest/quarantine_release.ts";
import { listQuarantine, listReleases, summarizeQuarantine } from "@lib/store/quarantine.ts";
import { readBars } from "@lib/store/bars.ts";
import { readTrades } from "@lib/store/trades.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const H = 3_600_000;

function write(dir: string, rel: string, text: string): string {
  const path = `${dir}/${rel}`;
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(path, text);
  return path;
}

Deno.test("a CryptoDataDownload row quarantined under a venue that did not exist yet is released under the right --venue", async () => {
  const s = tempStore();
  try {
    // 2018: Binance spot existed, Binance futures (launched 2019-09-08) did not
    const path = write(
      s.dir,
      "in/Binance_BTCUSDT_1h.csv",
      [
        "https://www.CryptoDataDownload.com",
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
        "1546304400000,2019-01-01 01:00:00,BTC/USDT,3701,3713,3697,3700,686,2538000,7000",
        "1546300800000,2019-01-01 00:00:00,BTC/USDT,3690,3705,3688,3701,600,2215000,6500",
      ].join("\n"),
    );
    const r = await importPaths(s.db, [path], { venue: "binance_futures", freq: "1h" });
    assert.equal(r.files[0]?.quarantined, 2, r.files[0]?.message);
    const rows = listQuarantine(s.db);
    assert.match(rows[0]!.reason, /before binance_futures existed/);
    assert.equal(rows[0]!.format, "cdd_csv");
    assert.equal(
      rows[0]!.preamble,
      "https://www.CryptoDataDownload.com\n" +
        "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
    );

    // as imported: still refused, still quarantined, unchanged
    const again = await releaseQuarantined(s.db, rows);
    assert.deepEqual(again.outcomes.map((o) => o.status), ["kept", "kept"]);
    assert.match(again.outcomes[0]!.message, /before binance_futures existed/);
    assert.deepEqual(listQuarantine(s.db), rows);

    const ok = await releaseQuarantined(s.db, rows, { venue: "binance" });
    assert.deepEqual(ok.outcomes.map((o) => [o.status, o.mode]), [
      ["released", "passed"],
      ["released", "passed"],
    ]);
    assert.equal(listQuarantine(s.db).length, 0);
    const bars = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
    assert.deepEqual([...bars.ts], [1546300800000, 1546304400000]);
    assert.deepEqual([...bars.close], [3701, 3700]);
    assert.deepEqual([...bars.quoteVolume], [2215000, 2538000]);
    const src = s.db.prepare("SELECT DISTINCT source, run_id FROM bars").all().map((r) => ({
      ...r,
    }));
    assert.deepEqual(src, [{ source: "file:Binance_BTCUSDT_1h.csv", run_id: ok.runId }]);
    const audit = listReleases(s.db);
    assert.equal(audit.length, 2);
    assert.equal(audit[0]!.venue, "binance");
    assert.match(audit[0]!.reason, /before binance_futures existed/);
    assert.deepEqual(summarizeQuarantine(s.db).released, { passed: 2, forced: 0 });
    const run = s.db.prepare("SELECT task, status, rows_written FROM ingest_runs WHERE run_id = ?")
      .get(ok.runId);
    assert.deepEqual({ ...run }, { task: "quarantine-release", status: "ok", rows_written: 2 });
  } finally {
    s.cleanup();
  }
});

Deno.test("high < low stays quarantined unless forced; forced rows say so in their source", async () => {
  const s = tempStore();
  try {
    const t = Date.UTC(2024, 0, 1);
    const path = write(
      s.dir,
      "binance/BTC_USDT-1h.json",
      JSON.stringify([[t, 1, 2, 0.5, 1.5, 10], [t + H, 1.5, 1, 2, 1.8, 12], [
        t + 2 * H,
        1,
        2,
        1,
        1,
        1,
      ]]),
    );
    await importPaths(s.db, [path], {});
    const [row] = listQuarantine(s.db);
    assert.match(row!.reason, /^high < low/);
    assert.equal(row!.locator, "row 2");

    const kept = await releaseQuarantined(s.db, [row!]);
    assert.equal(kept.outcomes[0]?.status, "kept");
    assert.match(kept.outcomes[0]!.message, /high < low.*--force accepts it/);
    assert.equal(listQuarantine(s.db).length, 1);

    const forced = await releaseQuarantined(s.db, [row!], { force: true });
    assert.equal(forced.outcomes[0]?.mode, "forced");
    const stored = s.db.prepare("SELECT high, low, source FROM bars WHERE ts = ?").get(t + H);
    assert.deepEqual({ ...stored }, {
      high: 1,
      low: 2,
      source: "released-by-hand:file:BTC_USDT-1h.json row 2",
    });
    assert.equal(listReleases(s.db)[0]?.mode, "forced");
    // re-importing the file refuses the row again but does not quarantine it again
    const again = await importPaths(s.db, [path], {});
    assert.equal(again.files[0]?.quarantined, 1);
    assert.equal(listQuarantine(s.db).length, 0);
    assert.equal(
      s.db.prepare("SELECT source FROM bars WHERE ts = ?").get(t + H)?.source,
      "released-by-hand:file:BTC_USDT-1h.json row 2",
    );
    // the gap the refused bar left is closed
    const gaps = s.db.prepare("SELECT count(*) AS n FROM bar_gaps").get();
    assert.equal(Number(gaps?.n), 0);
  } finally {
    s.cleanup();
  }
});

Deno.test("force cannot store what the store cannot hold: a non-positive price stays", async () => {
  const s = tempStore();
  try {
    const t = Date.UTC(2024, 0, 1);
    const path = write(
      s.dir,
      "binance/BTC_USDT-1h.json",
      JSON.stringify([[t, 1, 2, 0.5, 1.5, 10], [t + H, -1, 2, 1, 1.8, 12]]),
    );
    await importPaths(s.db, [path], {});
    const rows = listQuarantine(s.db);
    const plain = await releaseQuarantined(s.db, rows);
    assert.match(plain.outcomes[0]!.message, /--force cannot store it either: open -1/);
    const r = await releaseQuarantined(s.db, rows, { force: true });
    assert.equal(r.outcomes[0]?.status, "kept");
    assert.match(
      r.outcomes[0]!.message,
      /--force cannot store it: open -1 is not a finite positive price/,
    );
    assert.equal(listQuarantine(s.db).length, 1);
  } finally {
    s.cleanup();
  }
});

Deno.test("a conflict with a stored bar stays a conflict; force replaces the stored bar", async () => {
  const s = tempStore();
  try {
    const t = Date.UTC(2024, 0, 1);
    const a = write(s.dir, "a/binance/BTC_USDT-1h.json", JSON.stringify([[t, 1, 2, 0.5, 1.5, 10]]));
    const b = write(s.dir, "b/binance/BTC_USDT-1h.json", JSON.stringify([[t, 1, 2, 0.5, 1.6, 10]]));
    await importPaths(s.db, [a], {});
    await importPaths(s.db, [b], {});
    const rows = listQuarantine(s.db);
    assert.match(rows[0]!.reason, /^conflicts with stored row/);
    const kept = await releaseQuarantined(s.db, rows);
    assert.match(kept.outcomes[0]!.message, /still conflicts with the stored bar.*close 1.5/);
    const forced = await releaseQuarantined(s.db, rows, { force: true });
    assert.match(forced.outcomes[0]!.message, /replaced the stored bar/);
    const bars = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
    assert.deepEqual([...bars.close], [1.6]);
  } finally {
    s.cleanup();
  }
});

Deno.test("a Kraken trade at price 0 stays quarantined, forced or not, and its file's other trades are stored", async () => {
  const s = tempStore();
  try {
    const path = write(
      s.dir,
      "kraken/XBTUSD.csv",
      "1672531436,16500.1,0.5\n1672531437,0,0.1\n1672531438,16500.2,0.3\n",
    );
    const r = await importPaths(s.db, [path], {});
    assert.equal(r.files[0]?.quarantined, 1, r.files[0]?.message);
    const rows = listQuarantine(s.db);
    assert.equal(rows[0]!.format, "kraken_trades_csv");
    assert.equal(rows[0]!.preamble, undefined);
    const kept = await releaseQuarantined(s.db, rows);
    assert.equal(kept.outcomes[0]?.status, "kept");
    assert.match(kept.outcomes[0]!.message, /price/);
    const forced = await releaseQuarantined(s.db, rows, { force: true });
    assert.match(forced.outcomes[0]!.message, /--force cannot store it: price 0/);
    assert.equal(readTrades(s.db, "kraken", "XBTUSD").ts.length, 2);
  } finally {
    s.cleanup();
  }
});

Deno.test("provider payloads and rows from before schema v5 are kept with a reason", async () => {
  const s = tempStore();
  try {
    s.db.prepare(
      "INSERT INTO quarantine (source, locator, raw, reason, at) VALUES (?, ?, ?, ?, ?)",
    ).run("binance:/api/v3/klines", "", "[[1,2", "truncated JSON", 0);
    const r = await releaseQuarantined(s.db, listQuarantine(s.db));
    assert.equal(r.outcomes[0]?.status, "kept");
    assert.match(r.outcomes[0]!.message, /no file format recorded \(quarantined by binance/);
  } finally {
    s.cleanup();
  }
});
