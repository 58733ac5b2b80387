/**
 * Issue 8 item 12: results other tools can read. Every Parquet file is read back with an
 * INDEPENDENT reader, the Rust `parquet` crate (apache/arrow-rs) compiled to WebAssembly in
 * `parquet-wasm`, through `apache-arrow`'s IPC reader, and must hold exactly the values and the
 * key-value metadata written by `hyparquet-writer`. CSV files are read by pandas (the Debian
 * python, /usr/bin/python3) and must give the same numbers bit for bit.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as arrow from "apache-arrow";
import { readParquet } from "parquet-wasm";
import {
  type ExportTable,
  FINGERPRINT_KEY,
  tableToCsv,
  tableToParquet,
  tableToTidyJson,
} from "@lib/core/export/mod.ts";
import { exportResults, panelTable, reportTables } from "@lib/pipeline/export_run.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { materializeFactors } from "@lib/research/factor_run.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { openStore } from "@lib/store/db.ts";
import { runTask } from "../_shared/run_task.ts";

/** The table read back by parquet-wasm + apache-arrow: rows of plain values, and metadata. */
function readBack(
  bytes: Uint8Array,
): { rows: Record<string, unknown>[]; meta: Map<string, string> } {
  const table = arrow.tableFromIPC(readParquet(bytes).intoIPCStream());
  const rows = table.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === "bigint") o[k] = Number(o[k]);
    return o;
  });
  return { rows, meta: table.schema.metadata };
}

/** What the writers should give back for row `i`: missing and non-finite as null. */
function expected(t: ExportTable, i: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of t.columns) {
    const v = c.values[i] ?? null;
    o[c.name] = typeof v === "number" && !Number.isFinite(v) ? null : v;
  }
  return o;
}

const EVERY_TYPE: ExportTable = {
  name: "every_type",
  metadata: { [FINGERPRINT_KEY]: "ab".repeat(32), "cryptolab.note": 'é, "quoted"\nnewline' },
  columns: [
    {
      name: "ts",
      type: "timestamp",
      values: [Date.UTC(2017, 7, 17), Date.UTC(2024, 1, 29, 23), 0],
    },
    { name: "asset", type: "string", values: ["BTCUSDT", 'a,"b"\nc', null] },
    { name: "x", type: "float", values: new Float64Array([0.1 + 0.2, NaN, -1.5e-300]) },
    { name: "n", type: "int", values: [0, -7, 2 ** 53 - 1] },
    { name: "ok", type: "bool", values: [true, null, false] },
  ],
};

Deno.test("Parquet written by hyparquet-writer reads back identically in parquet-wasm (arrow-rs)", () => {
  const back = readBack(tableToParquet(EVERY_TYPE));
  assert.equal(back.meta.get(FINGERPRINT_KEY), "ab".repeat(32));
  assert.equal(back.meta.get("cryptolab.note"), 'é, "quoted"\nnewline');
  assert.deepEqual(back.rows, [0, 1, 2].map((i) => expected(EVERY_TYPE, i)));
  // the time column is a UTC timestamp for pandas, polars and DuckDB, not a bare integer
  const schema = arrow.tableFromIPC(readParquet(tableToParquet(EVERY_TYPE)).intoIPCStream()).schema;
  assert.equal(String(schema.fields[0]!.type), "Timestamp<MILLISECOND, UTC>");
});

Deno.test("tidy JSON and CSV of the same table hold the same values", () => {
  const doc = JSON.parse(tableToTidyJson(EVERY_TYPE));
  assert.equal(doc.metadata[FINGERPRINT_KEY], "ab".repeat(32));
  assert.deepEqual(doc.rows[0], {
    ts: "2017-08-17T00:00:00.000Z",
    asset: "BTCUSDT",
    x: 0.30000000000000004,
    n: 0,
    ok: true,
  });
  assert.deepEqual(doc.rows[2].asset, null);
  const csv = tableToCsv(EVERY_TYPE);
  assert.equal(csv.split("\n")[0], "ts,asset,x,n,ok");
  assert.equal(csv.split("\n")[1], "2017-08-17T00:00:00.000Z,BTCUSDT,0.30000000000000004,0,true");
});

/** A store with the simulated market and one factor run. */
function simStore(dir: string): string {
  const path = join(dir, "sim.db");
  const { db, close } = openStore(path);
  try {
    writeSimMarket(db, simulateMarket({ seed: 8, assets: 6, freq: "1h", bars: 24 * 12 }));
    materializeFactors(db, { venue: "sim", freq: "1h", window: 48, factors: ["BTCSIM", "ETHSIM"] });
  } finally {
    close();
  }
  return path;
}

Deno.test("deno task export: every table in three formats, fingerprinted, readable by pandas and arrow-rs", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-export-" });
  try {
    const db = simStore(dir);
    // the permissions deno.json gives the task
    const r = await runTask("export", [
      "--db",
      db,
      "--out",
      join(dir, "out"),
      "--signals",
      "momentum_24,reversal_1",
      "--horizons",
      "1,4",
    ], {
      permissions: ["--allow-read", "--allow-write", "--allow-env"],
    });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim();
    const { db: sdb, close } = openStore(db);
    let dataset;
    try {
      dataset = loadDataset(sdb, { venue: "sim", freq: "1h" });
    } finally {
      close();
    }
    const fp = dataset.fingerprint.sha256;
    assert.ok(out.endsWith(`sim-1h-${fp.slice(0, 12)}`), out);
    const index = JSON.parse(Deno.readTextFileSync(join(out, "export.json")));
    const names: string[] = index.tables.map((t: { name: string }) => t.name);
    for (const n of ["panel", "factor_betas", "factor_residuals", "ic_series"]) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    assert.ok(names.filter((n) => n.startsWith("report_")).length >= 3, `${names}`);
    assert.ok(names.filter((n) => n.startsWith("figure_")).length >= 3, `${names}`);

    for (const name of names) {
      // every table, in every format, carries a dataset fingerprint
      const pq = readBack(Deno.readFileSync(join(out, `${name}.parquet`)));
      const meta = JSON.parse(Deno.readTextFileSync(join(out, `${name}.csv.meta.json`)));
      const doc = JSON.parse(Deno.readTextFileSync(join(out, `${name}.json`)));
      const f = pq.meta.get(FINGERPRINT_KEY);
      assert.match(f ?? "", /^[0-9a-f]{64}$/, name);
      assert.equal(meta.metadata[FINGERPRINT_KEY], f, name);
      assert.equal(doc.metadata[FINGERPRINT_KEY], f, name);
      if (!name.startsWith("factor_")) assert.equal(f, fp, name);
      assert.equal(pq.rows.length, doc.rows.length, name);
    }

    // the panel read back by arrow-rs is the dataset's panel, value for value
    const panel = panelTable(dataset);
    const back = readBack(Deno.readFileSync(join(out, "panel.parquet")));
    assert.equal(back.rows.length, dataset.panel.index.length * dataset.panel.assets.length);
    assert.deepEqual(back.rows, back.rows.map((_, i) => expected(panel, i)));

    // pandas (Debian python) reads the CSV to the same doubles (float_precision="round_trip":
    // the default C parser may land one ulp off, the README says so)
    const py = new Deno.Command("/usr/bin/python3", {
      args: [
        "-c",
        [
          "import sys, json, pandas as pd",
          "d = pd.read_csv(sys.argv[1], parse_dates=['ts'], float_precision='round_trip')",
          "print(json.dumps({'rows': len(d), 'tz': str(d['ts'].dt.tz), 'close': [None if x != x else x for x in d['close']], 'asset': list(d['asset'])}))",
        ].join("\n"),
        join(out, "panel.csv"),
      ],
      stdout: "piped",
      stderr: "piped",
    }).outputSync();
    assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
    const pd = JSON.parse(new TextDecoder().decode(py.stdout));
    assert.equal(pd.rows, back.rows.length);
    assert.equal(pd.tz, "UTC");
    assert.deepEqual(pd.close, back.rows.map((r) => r.close));
    assert.deepEqual(pd.asset, back.rows.map((r) => r.asset));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("exportResults on a universe without BTC leaves out the signals that need it, with a note", () => {
  // deno task export stopped with 'Cannot resolve factor "BTC" ... options.factors' on any
  // store without BTC (the default signals include residual_momentum_168), while deno task report on the
  // same store gave a note
  const { db, close } = openStore(":memory:");
  try {
    const n = 400;
    ["AAAUSDT", "BBBUSDT", "CCCUSDT", "DDDUSDT", "EEEUSDT"].forEach((symbol, k) => {
      const b = allocBars({ venue: "binance", symbol, freq: "1h" }, n);
      let state = 7 + k, price = 100;
      for (let i = 0; i < n; i++) {
        state = (state * 48271) % 2147483647;
        const open = price;
        price *= Math.exp(0.01 * (state / 2147483647 - 0.5));
        b.ts[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
        b.open[i] = open;
        b.close[i] = price;
        b.high[i] = Math.max(open, price);
        b.low[i] = Math.min(open, price);
        b.volume[i] = 1;
      }
      writeBars(db, b, { source: "test" });
    });
    const r = exportResults(db, { freq: "1h" });
    const ic = r.tables.find((t) => t.name === "ic_series")!;
    const signals = new Set(Array.from(ic.columns.find((c) => c.name === "signal")!.values));
    assert.ok(signals.has("momentum_24"), [...signals].join(","));
    assert.ok(!signals.has("residual_momentum_168"), [...signals].join(","));
    assert.ok(
      r.notes.some((x) =>
        /residual_momentum_168 could not be computed.*"BTC".*left out of ic_series/s.test(x)
      ),
      r.notes.join("\n"),
    );
  } finally {
    close();
  }
});

Deno.test("reportTables: a matrix figure's columns are named by their assets, not c0, c1", () => {
  // the correlation figure keys its columns c0..cN (labels: the assets); pandas users got
  // columns c0..c125 and had to decode cryptolab.labels to know which asset each one was
  const model = {
    runId: "r",
    manifest: { datasetFingerprint: "ab".repeat(32), dataset: { rows: 4, venue: "v", freq: "1h" } },
    sections: [{
      id: "co-movement",
      blocks: [{
        type: "figure",
        id: "correlation",
        title: "Correlation of returns",
        caption: "",
        data: {
          columns: [
            { key: "asset", label: "Asset", format: "text" },
            { key: "c0", label: "BTCUSDT", format: "number" },
            { key: "c1", label: "ETH/USDT", format: "number" },
          ],
          rows: [["BTCUSDT", 1, 0.8], ["ETH/USDT", 0.8, 1]],
        },
      }, {
        type: "table",
        id: "twins",
        title: "",
        caption: "",
        columns: [
          { key: "c0", label: "A B", format: "number" },
          { key: "c1", label: "A_B", format: "number" },
        ],
        rows: [[1, 2]],
      }],
    }],
  } as unknown as ReportModel;
  const [corr, twins] = reportTables(model);
  assert.deepEqual(corr!.columns.map((c) => c.name), ["asset", "BTCUSDT", "ETH_USDT"]);
  assert.deepEqual(JSON.parse(corr!.metadata["cryptolab.labels"]!), {
    asset: "Asset",
    BTCUSDT: "BTCUSDT",
    ETH_USDT: "ETH/USDT",
  });
  // labels that would collide once made column names keep the keys
  assert.deepEqual(twins!.columns.map((c) => c.name), ["c0", "c1"]);
});

Deno.test("deno task export: usage errors name the flag", async () => {
  const r = await runTask("export", ["--formats", "xlsx"], {
    permissions: ["--allow-read", "--allow-write", "--allow-env"],
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--formats: unknown format "xlsx"; use any of csv,parquet,json/);
});
