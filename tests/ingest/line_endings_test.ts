/**
 * CR-only (classic Mac OS) and CRLF line endings read like LF in every CSV format, and a CSV
 * with content but no data rows is a failure that says why, never a silent `0 rows, exit 0`.
 */
import assert from "node:assert/strict";
import { parseBytes } from "@lib/ingest/parse.ts";
import { detectFormat, type FormatName } from "@lib/ingest/detect.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { runDeno } from "../_shared/run_task.ts";

/** One small file per CSV format, LF endings, with the name detection expects. */
const SAMPLES: readonly { name: string; format: FormatName; lines: string[] }[] = [
  {
    name: "BTCUSDT-1h-2025-01.csv",
    format: "binance_kline_csv",
    lines: [
      "1735689600000,93576.00,94509.42,93489.03,94401.14,657.8,1735693199999,61650031.5,111926,351.4,32935343.1,0",
      "1735693200000,94401.14,94500.00,94300.00,94450.00,600.1,1735696799999,56650031.5,101926,301.4,30935343.1,0",
    ],
  },
  {
    name: "BTCUSDT-trades-2019-10.csv",
    format: "binance_trades_csv",
    lines: [
      "13519807,0.00141342,23.0,15373518,15373518,1570752011620,true,true",
      "13519808,0.00141343,2.0,15373519,15373519,1570752011621,false,true",
    ],
  },
  {
    name: "Binance_BTCUSDT_1h.csv",
    format: "cdd_csv",
    lines: [
      "https://www.CryptoDataDownload.com",
      "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
      "1609290000000,2020-12-30 01:00:00,BTC/USDT,27392.05,27400,27380,27390,30.5,835458.8,400",
      "1609286400000,2020-12-30 00:00:00,BTC/USDT,27385,27397.42,27384.46,27392.05,36.5,1000458.8,438",
    ],
  },
  {
    name: "ETHUSDT-orderflow.csv",
    format: "freqtrade_orderflow_csv",
    lines: [
      ",timestamp,id,type,side,price,amount,cost,date",
      "0,1675329600138,1206419187,,buy,1666.8,26.062,43440.1416,2023-02-02 09:20:00.138000+00:00",
      "1,1675329600139,1206419188,,sell,1666.7,1.0,1666.7,2023-02-02 09:20:00.139000+00:00",
    ],
  },
  {
    name: "BTCUSDT_1m_20230301_20230321.csv",
    format: "iso_csv",
    lines: [
      "open_time,open,high,low,close,volume",
      "2023-03-01 00:00:00+00:00,23143.82,23152.65,23140.02,23152.65,0.26395",
      "2023-03-01 00:01:00+00:00,23152.65,23160.00,23150.00,23155.00,0.1",
    ],
  },
  {
    name: "XBTUSDC_60.csv",
    format: "kraken_ohlcvt_csv",
    lines: [
      "1672531200,16535.97,16536.9,16505.54,16524.56,0.29319453,31",
      "1672534800,16524.56,16540.0,16520.0,16530.0,0.5,12",
    ],
  },
  {
    name: "XBTUSDC.csv",
    format: "kraken_trades_csv",
    lines: ["1672531436,90.540000,1.10448420", "1672531437,90.550000,2.0"],
  },
  {
    name: "binance-futures_trades.csv",
    format: "tardis_trades_csv",
    lines: [
      "exchange,symbol,timestamp,local_timestamp,id,side,price,amount",
      "binance-futures,BTCUSDT,1582329602111000,1582329602418379,42377944,buy,9682,0.132",
      "binance-futures,BTCUSDT,1582329602112000,1582329602418380,42377945,sell,9681,0.5",
    ],
  },
];

const enc = (s: string) => new TextEncoder().encode(s);

for (const sample of SAMPLES) {
  Deno.test(`${sample.format}: CR-only and CRLF files parse like LF`, async () => {
    const lf = sample.lines.join("\n") + "\n";
    const want = await parseBytes(sample.format, enc(lf));
    assert.equal(want.n, 2, "every sample holds two good rows");
    for (const eol of ["\r", "\r\n"]) {
      const text = sample.lines.join(eol) + eol;
      const d = detectFormat(sample.name, text);
      assert.deepEqual(d, { kind: "format", format: sample.format }, JSON.stringify(eol));
      const got = await parseBytes(sample.format, enc(text));
      assert.equal(got.n, want.n, JSON.stringify(eol));
      assert.deepEqual([...got.ts], [...want.ts]);
      assert.deepEqual(got.problems, want.problems);
    }
  });
}

Deno.test("import: a CR-only CSV stores its rows (before the fix: 0 rows, exit 0)", async () => {
  const s = tempStore();
  try {
    const sample = SAMPLES.find((x) => x.format === "iso_csv")!;
    const path = `${s.dir}/${sample.name}`;
    Deno.writeTextFileSync(path, sample.lines.join("\r") + "\r");
    const r = await importPaths(s.db, [path], { venue: "binance" });
    assert.equal(r.files[0]?.status, "imported", r.files[0]?.message);
    assert.equal(r.files[0]?.inserted, 2);
  } finally {
    s.cleanup();
  }
});

Deno.test("import: a CSV with a header and no rows fails and says why", async () => {
  const s = tempStore();
  try {
    const path = `${s.dir}/BTCUSDT_1m_20230301_20230321.csv`;
    Deno.writeTextFileSync(path, "open_time,open,high,low,close,volume\n");
    const r = await importPaths(s.db, [path], { venue: "binance" });
    assert.equal(r.files[0]?.status, "failed");
    assert.match(r.files[0]!.message!, /no data rows: the file holds only 1 line\(s\)/);
    // an empty file stays a quiet no-op: nothing in it could have been a row
    Deno.writeTextFileSync(path, "");
    const e = await importPaths(s.db, [path], { venue: "binance" });
    assert.doesNotMatch(e.files[0]?.message ?? "", /no data rows/);
  } finally {
    s.cleanup();
  }
});

Deno.test("deno task import (deno.json permissions): CR-only rows stored, header-only exits 1", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-eol-" });
  try {
    const sample = SAMPLES.find((x) => x.format === "kraken_ohlcvt_csv")!;
    const good = `${dir}/in/kraken/${sample.name}`;
    Deno.mkdirSync(`${dir}/in/kraken`, { recursive: true });
    Deno.writeTextFileSync(good, sample.lines.join("\r") + "\r");
    const db = `${dir}/t.db`;
    const ok = await runDeno(["task", "import", good, "--db", db]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /rows=2 inserted=2/);

    const empty = `${dir}/in/BTCUSDT_1m_20230301_20230321.csv`;
    Deno.writeTextFileSync(empty, "open_time,open,high,low,close,volume\r");
    const bad = await runDeno(["task", "import", empty, "--venue", "binance", "--db", db]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /no data rows/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
