/**
 * Integration: every OHLCV and trade file in ../shared/data/real goes through the importer,
 * row counts match PROVENANCE.md, values match a pandas oracle, re-importing changes nothing and
 * the known bad rows of the real files are quarantined with reasons.
 *
 * Oracle: tests/oracles/ingest_oracle.py (pandas 1.5.3 from Debian: read_json / read_csv,
 * to_datetime, drop_duplicates(keep="first"), Series.sum) -> tests/oracles/ingest_oracle.json.
 * Sums are compared with a relative tolerance of 1e-12: pandas sums pairwise, SQLite left to
 * right, so the last bits of a sum of ~45k doubles may differ; counts and times are exact.
 *
 * Writing all ~3.1 M rows takes minutes on a loaded 2-core machine, so the whole tree is
 * checked with a dry run (parse + validate, no writes), and a subset of ~350k rows covering
 * every format and venue is written to the store.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { DatabaseSync } from "node:sqlite";
import { type FileReport, formatFileReport, importPaths } from "@lib/ingest/mod.ts";
import { readBars } from "@lib/store/bars.ts";
import { HAS_REAL_DATA, realDataTest, realPath } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";

interface BarOracle {
  rows: number;
  kept: number;
  first_ts: number;
  last_ts: number;
  sum_close: number;
  sum_volume: number;
}
interface TradeOracle {
  rows: number;
  kept: number;
  sum_qty: number;
  sells: number;
  first_ts: number;
}
const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/ingest_oracle.json", import.meta.url), "utf8"),
) as {
  bars: Record<string, BarOracle>;
  trades: Record<string, TradeOracle>;
  cdd: Record<string, {
    unix_date_disagree: number;
    duplicates_different_rows: number;
    duplicates_rounded_dropped: number;
    duplicates_near_dropped: number;
    duplicates_conflicting_rows: number;
  }>;
};

/** Row counts per file from the tables in PROVENANCE.md (`| \`file\` | ... | rows | ...`). */
function provenanceRows(): Map<string, number> {
  const out = new Map<string, number>();
  let folder = "";
  for (const line of readFileSync(realPath("PROVENANCE.md"), "utf8").split("\n")) {
    const h = /^## `([^`]+)`/.exec(line);
    if (h) folder = h[1]!;
    const cells = line.split("|").map((c) => c.trim());
    const file = /^`([^`]+)`$/.exec(cells[1] ?? "");
    if (file && /^\d+$/.test(cells[5] ?? "")) out.set(folder + file[1], Number(cells[5]));
  }
  return out;
}

const rel = (f: FileReport) => f.path.slice(realPath("").length).replace(/^\/+/, "");
const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${what}: ${a} vs ${b}`);

/**
 * Extra flags for the files whose path and contents name no venue (freqtrade test data).
 * XRP_OLD-trades.json.gz is not here: its records carry Binance's raw aggTrade payload.
 */
const NEEDS_FLAGS: Record<string, { venue: string; symbol?: string }> = {
  "trades/freqtrade_testdata/XRP_ETH-trades.json.gz": { venue: "binance" },
  "trades/freqtrade_testdata/orderflow_public_trades_list.csv": {
    venue: "binance",
    symbol: "ETHUSDT",
  },
};

realDataTest("every OHLCV and trade file parses with the row counts of PROVENANCE.md", async () => {
  const s = tempStore();
  try {
    // the jump rule is off here: pandas knows nothing of it (tested on its own below)
    const r = await importPaths(s.db, [realPath("ohlcv"), realPath("trades")], {
      dryRun: true,
      jump: false,
    });
    const expected = provenanceRows();
    const byRel = new Map(r.files.map((f) => [rel(f), f]));
    // files that name no venue fail with a request for --venue, and import with it
    const failed = r.files.filter((f) => f.status === "failed").map(rel).sort();
    assert.deepEqual(failed, Object.keys(NEEDS_FLAGS).sort());
    for (const [path, flags] of Object.entries(NEEDS_FLAGS)) {
      // the message gives the exact command to re-run
      assert.ok(
        byRel.get(path)!.message!.includes(
          `pass --venue (binance, binance_futures, kraken, ...)`,
        ),
        path,
      );
      assert.ok(
        byRel.get(path)!.message!.includes(`re-run: deno task import ${realPath(path)} --venue `),
        path,
      );
      const again = await importPaths(s.db, [realPath(path)], {
        ...flags,
        dryRun: true,
        jump: false,
      });
      assert.equal(again.files[0]!.status, "imported", path);
      byRel.set(path, again.files[0]!);
    }
    const old = byRel.get("trades/freqtrade_testdata/XRP_OLD-trades.json.gz")!;
    assert.deepEqual([old.status, old.venue, old.symbol], ["imported", "binance", "XRPETH"]);
    const skipped = r.files.filter((f) => f.status === "skipped").map((f) => [rel(f), f.message]);
    assert.deepEqual(skipped.map(([p]) => p), [
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/metadata_range_1m_20230301_20230321.csv",
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_720.csv",
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDT_720.csv",
      "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSD_720.csv",
      "trades/binance_spot_BTCUSDT_nautilus/btcusdt-quotes.parquet",
    ]);
    let checked = 0;
    for (const [path, f] of byRel) {
      if (f.status !== "imported") continue;
      const want = path.endsWith("btcusdt-trades.parquet") ? 2001 : expected.get(path);
      assert.ok(want !== undefined, `no row count for ${path} in PROVENANCE.md`);
      assert.equal(f.rowsRead, want, path);
      checked++;
    }
    // every data file of the two trees listed in PROVENANCE.md was imported or skipped on purpose
    const inTrees = [...expected.keys()].filter((k) => /^(ohlcv|trades)\//.test(k));
    for (const k of inTrees) assert.ok(byRel.has(k), `${k} was not reached`);
    assert.equal(checked, inTrees.length - 4 + 1); // minus metadata + three 720s, plus parquet
    // known bad rows of the real files
    const cdd = "ohlcv/cryptodatadownload_2017-2020_ingiorn";
    assert.deepEqual(byRel.get(`${cdd}/gemini_BTCUSD_1hr.csv`)!.quarantinedByReason, {
      "non-positive price": 1,
    });
    // the file repeats 2,649 hours; in 1,213 (BTC) and 903 (ETH) of them one row is the other
    // rounded to two decimals, in 1,432 and 1,743 more the rounded copy's open is also a tick or
    // a few cents off: the precise row is kept, not both refused (issue 8 item 7). Before,
    // 2,872 (BTC) and 3,492 (ETH) rows were refused; now only the 4 and 3 hours whose copies
    // disagree beyond the tolerances (a copy taken mid-hour, an open 0.05% or more off).
    for (const [sym, near, conflicting] of [["BTCUSDT", 1432, 8], ["ETHUSDT", 1743, 6]] as const) {
      const path = `${cdd}/Binance_${sym}_1h.csv`;
      const o = ORACLE.cdd[path]!;
      assert.equal(o.duplicates_different_rows, 5298);
      assert.deepEqual([o.duplicates_near_dropped, o.duplicates_conflicting_rows], [
        near,
        conflicting,
      ]);
      assert.equal(
        o.duplicates_rounded_dropped + o.duplicates_near_dropped +
          o.duplicates_conflicting_rows / 2,
        2649,
      );
      const f = byRel.get(path)!;
      assert.deepEqual(f.quarantinedByReason, {
        "duplicate timestamp with different values": o.duplicates_conflicting_rows,
        "near-duplicate": o.duplicates_near_dropped,
        "unix and date disagree": o.unix_date_disagree,
      });
      assert.equal(f.roundedDropped, o.duplicates_rounded_dropped);
      assert.equal(f.nearDropped, o.duplicates_near_dropped);
      assert.match(
        formatFileReport(f),
        new RegExp(
          ` rounded-duplicates=${o.duplicates_rounded_dropped} \\(kept the more precise row\\)` +
            ` near-duplicates=${o.duplicates_near_dropped} \\(kept the more precise row\\)`,
        ),
      );
    }
  } finally {
    s.cleanup();
  }
});

function changes(db: DatabaseSync): number {
  return Number(db.prepare("SELECT total_changes() AS n").get()?.n);
}

function counts(db: DatabaseSync): string {
  return JSON.stringify(
    ["bars", "trades", "quarantine", "instruments"].map((t) =>
      db.prepare(`SELECT count(*) AS n FROM ${t}`).get()?.n
    ),
  );
}

realDataTest(
  "real files import into a store, match pandas, and re-import changes nothing",
  async () => {
    const s = tempStore();
    try {
      const db = s.db;
      // 1. freqtrade BTC/USDT 1h first: the CryptoDataDownload copy must then conflict with it
      const djienne = "ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json";
      // jump rule off: the pandas oracle knows nothing of it (tested on its own below)
      const first = await importPaths(db, [realPath(djienne)], { jump: false });
      const o = ORACLE.bars[djienne]!;
      assert.equal(first.files[0]!.inserted, o.kept);
      const b = readBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" });
      assert.deepEqual([b.ts.length, b.ts[0], b.ts[b.ts.length - 1]], [
        o.kept,
        o.first_ts,
        o.last_ts,
      ]);
      close(b.close.reduce((a, x) => a + x, 0), o.sum_close, "djienne sum close");

      // 2. a subset covering every other format and venue
      const rest = [
        "ohlcv/cryptodatadownload_2017-2020_ingiorn",
        "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_60.csv",
        "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_720.csv",
        "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/BTCUSD_1m_20230301_20230321.csv",
        "ohlcv/ftx_btc-perp_1m_2022-01_nautilus",
        "trades",
      ].map((p) => realPath(p));
      const flagged = Object.keys(NEEDS_FLAGS).map((p) => realPath(p));
      const t0 = performance.now();
      const r = await importPaths(db, rest, { jump: false });
      for (const p of flagged) {
        await importPaths(db, [p], {
          ...NEEDS_FLAGS[p.slice(realPath("").length + 1)]!,
          jump: false,
        });
      }
      const secs = (performance.now() - t0) / 1000;
      console.log(`imported ${r.rowsRead} rows in ${secs.toFixed(1)} s`);
      assert.equal(r.failed, 2); // the two files that need --venue, imported just above

      const stored = (venue: string, symbol: string, freq: "1h" | "1m") =>
        readBars(db, { venue, symbol, freq });
      const checks: [string, string, string, "1h" | "1m"][] = [
        [
          "ohlcv/cryptodatadownload_2017-2020_ingiorn/gemini_BTCUSD_1hr.csv",
          "gemini",
          "BTCUSD",
          "1h",
        ],
        [
          "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_60.csv",
          "kraken",
          "XBTUSDC",
          "1h",
        ],
        [
          "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/BTCUSD_1m_20230301_20230321.csv",
          "binanceus",
          "BTCUSD",
          "1m",
        ],
        [
          "ohlcv/ftx_btc-perp_1m_2022-01_nautilus/ftx-btc-perp-20211231-20220201_1m.csv",
          "ftx",
          "BTC-PERP",
          "1m",
        ],
      ];
      for (const [path, venue, symbol, freq] of checks) {
        const want = ORACLE.bars[path]!;
        const got = stored(venue, symbol, freq);
        assert.deepEqual(
          [got.ts.length, got.ts[0], got.ts[got.ts.length - 1]],
          [want.kept, want.first_ts, want.last_ts],
          path,
        );
        close(got.close.reduce((a, x) => a + x, 0), want.sum_close, `${path} close`);
        close(got.volume.reduce((a, x) => a + x, 0), want.sum_volume, `${path} volume`);
      }
      for (const [path, want] of Object.entries(ORACLE.trades)) {
        // XRP_ETH holds the same trades as XRP_OLD, imported first: select by series, not source
        const row = path.endsWith("XRP_ETH-trades.json.gz")
          ? db.prepare(
            "SELECT count(*) AS n, total(qty) AS q, sum(side = -1) AS sells, min(ts) AS t0 FROM trades WHERE venue = 'binance' AND symbol = 'XRPETH'",
          ).get()!
          : db.prepare(
            "SELECT count(*) AS n, total(qty) AS q, sum(side = -1) AS sells, min(ts) AS t0 FROM trades WHERE source = ?",
          ).get(`file:${path}`)!;
        assert.deepEqual([row.n, row.sells, row.t0], [want.kept, want.sells, want.first_ts], path);
        close(Number(row.q), want.sum_qty, `${path} qty`);
      }

      // 2b. the CryptoDataDownload copy of Binance BTC/USDT 1h, imported after the freqtrade file
      // (which has no quote volume): an hour with the same prices and volume completes the
      // stored bar with its quote volume and trade count, and is not a conflict (issue 8 item 7)
      const cddBtc = r.files.find((f) => f.path.endsWith("/Binance_BTCUSDT_1h.csv"))!;
      assert.ok(cddBtc.completed > 2000, `completed ${cddBtc.completed}`);
      const onlyOptional = db.prepare(
        "SELECT reason FROM quarantine WHERE source LIKE '%Binance_BTCUSDT_1h.csv' AND reason LIKE 'conflicts%'",
      ).all().map((x) => String(x.reason).replace(/^[^:]*\): /, ""))
        .filter((d) => d.split(", ").every((c) => /^(quote_volume|trade_count|vwap) /.test(c)));
      assert.deepEqual(onlyOptional, [], "no conflict is only a missing quote volume or count");
      const completedBar = db.prepare(
        `SELECT count(*) AS n FROM bars WHERE venue = 'binance' AND symbol = 'BTCUSDT' AND
         freq = '1h' AND source LIKE '%BTC_USDT-1h.json' AND quote_volume IS NOT NULL`,
      ).get();
      assert.equal(completedBar?.n, cddBtc.completed);

      // 3. known bad rows are in quarantine with reasons
      const q = (like: string, reason: string) =>
        db.prepare("SELECT raw, reason FROM quarantine WHERE source LIKE ? AND reason LIKE ?")
          .all(like, reason);
      const zero = q("%gemini_BTCUSD_1hr.csv", "non-positive price%");
      assert.equal(zero.length, 1);
      assert.match(String(zero[0]!.raw), /,0\.0,245\.0,0\.0,245\.0,/);
      const bogus = q("%Binance_BTCUSDT_1h.csv", "conflicts with stored row%").filter((x) =>
        String(x.raw).startsWith("1502942400.0,2017-08-17 04-AM,BTC/USDT,16199.91,")
      );
      assert.equal(bogus.length, 1);
      assert.match(
        String(bogus[0]!.reason),
        /stored source file:BTC_USDT-1h\.json\): open 4261\.48 \(stored\) vs 16199\.91/,
      );
      const cddPath = "ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_BTCUSDT_1h.csv";
      assert.equal(
        q("%Binance_BTCUSDT_1h.csv", "unix and date disagree%").length,
        ORACLE.cdd[cddPath]!.unix_date_disagree,
      );

      // 4. importing everything again changes nothing: the only writes are the two new
      // ingest_runs rows (insert + finish each)
      const before = counts(db);
      const c0 = changes(db);
      const r2 = await importPaths(db, rest, { jump: false });
      assert.equal(r2.inserted, 0);
      assert.equal(changes(db) - c0, 2);
      assert.equal(counts(db), before);
    } finally {
      s.cleanup();
    }
  },
);

realDataTest(
  "import applies the jump rule: the 4 BTC/USDT hours the bar gate refuses are quarantined",
  async () => {
    const s = tempStore();
    try {
      const path = "ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json";
      const r = await importPaths(s.db, [realPath(path)]);
      const f = r.files[0]!;
      assert.equal(f.inserted, ORACLE.bars[path]!.kept - 4);
      assert.deepEqual(f.quarantinedByReason, { "price jump": 4 });
      // the same hours as tests/ingest/gates_test.ts BTC_REFUSED: one set of rules
      const refused = s.db.prepare("SELECT raw FROM quarantine ORDER BY id").all()
        .map((x) => new Date(JSON.parse(String(x.raw))[0]).toISOString());
      assert.deepEqual(refused, [
        "2018-06-10T17:00:00.000Z",
        "2018-06-10T18:00:00.000Z",
        "2019-10-26T01:00:00.000Z",
        "2020-06-11T16:00:00.000Z",
      ]);
    } finally {
      s.cleanup();
    }
  },
);

realDataTest(
  "the import's jump rule refuses about 1 real bar in 10,000 and no real trade",
  async () => {
    const s = tempStore();
    try {
      const r = await importPaths(s.db, [realPath("ohlcv"), realPath("trades")], {
        dryRun: true,
      });
      let bars = 0, barJumps = 0, trades = 0, tradeJumps = 0;
      for (const f of r.files) {
        if (f.status !== "imported") continue;
        const j = f.quarantinedByReason["price jump"] ?? 0;
        if (f.freq === undefined) {
          trades += f.rowsRead;
          tradeJumps += j;
        } else {
          bars += f.rowsRead;
          barJumps += j;
        }
      }
      console.log(`jump rule: ${barJumps} of ${bars} real bars, ${tradeJumps} of ${trades} trades`);
      assert.ok(bars > 3_000_000);
      assert.ok(barJumps / bars < 1.5e-4, `${barJumps} of ${bars}`);
      assert.equal(tradeJumps, 0);
    } finally {
      s.cleanup();
    }
  },
);

if (!HAS_REAL_DATA) console.log("import_real_test: real data absent, tests ignored");

realDataTest(
  "CryptoDataDownload BTCUSDT 1h: an hour whose rounded copy has its open a tick off is stored from the precise row",
  async () => {
    const s = tempStore();
    try {
      const path = "ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_BTCUSDT_1h.csv";
      const r = await importPaths(s.db, [realPath(path)], { jump: false });
      const f = r.files[0]!;
      // 2,649 repeated hours: 1,213 rounded copies + 1,432 near copies kept once, 4 refused
      assert.deepEqual([f.roundedDropped, f.nearDropped], [1213, 1432]);
      assert.equal(f.quarantinedByReason["duplicate timestamp with different values"], 8);
      // every hour of the file but the 91 with a bad date and the 4 that disagree is stored
      assert.equal(f.inserted, 32181 - 91 - 2649 - 4);
      // 2020-11-20 05:00: "18194.78000000,...,2816.69288100,...,52426" and
      // "18194.79,18225,18045.5,18129.99,2816.69,51043421.97,NULL" (the open is the prior close)
      const t = Date.UTC(2020, 10, 20, 5);
      const b = readBars(s.db, { venue: "binance", symbol: "BTCUSDT", freq: "1h" }, {
        from: t,
        to: t + 3_600_000,
      });
      assert.deepEqual(
        [b.ts[0], b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0], b.tradeCount[0]],
        [t, 18194.78, 18225, 18045.5, 18129.99, 2816.692881, 52426],
      );
      assert.equal(b.quoteVolume[0], 51043421.96913774);
      const q = s.db.prepare(
        "SELECT raw, reason FROM quarantine WHERE raw LIKE '1605848400.0,%'",
      ).all();
      assert.deepEqual(q.map((x) => [x.raw, x.reason]), [[
        "1605848400.0,2020-11-20 05-AM,BTC/USDT,18194.79,18225,18045.5,18129.99,2816.69," +
        "51043421.97,NULL",
        "near-duplicate: kept the more precise row (open 18194.78 vs 18194.79; kept line 955)",
      ]]);
    } finally {
      s.cleanup();
    }
  },
);
