/**
 * Speed of importing freqtrade JSON: all 126 files of
 * `../shared/data/real/ohlcv/binance_spot_2020-12_2021-07_nfi/1h` (628,654 bars).
 *
 * - `deno bench --allow-all bench/import_bench.ts`: Deno's benchmark runner.
 * - `deno run --allow-all bench/import_bench.ts --once`: one timed run of each case, printed as
 *   JSON; `bench/import_peer.py` calls this and runs pandas on the same files in the same run.
 *
 * Cases: `parse` = detect + parse + validate every file into typed columns (a dry run, the peer
 * of pandas `read_json` + `concat`); `import` = the same into a fresh SQLite store, one
 * transaction per file (the peer of pandas `read_json` + `concat` + `to_sql`).
 *
 * @module
 */
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";

const REAL = Deno.env.get("CRYPTOLAB_REAL_DATA") ??
  join(decodeURIComponent(new URL("../../", import.meta.url).pathname), "shared", "data", "real");
/** The 126-file NFI hourly universe. */
export const NFI_1H = join(REAL, "ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

/** Import the NFI folder into a fresh store file (or only parse it) and time it. */
export async function runOnce(
  mode: "parse" | "import",
): Promise<{ seconds: number; rows: number; files: number }> {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-bench-" });
  const store = openStore(join(dir, "bench.db"));
  try {
    const t0 = performance.now();
    const r = await importPaths(store.db, [NFI_1H], { dryRun: mode === "parse" });
    const seconds = (performance.now() - t0) / 1000;
    if (r.failed > 0) {
      throw new Error(
        `bench import failed: ${r.files.find((f) => f.status === "failed")?.message}`,
      );
    }
    return { seconds, rows: r.rowsRead, files: r.imported };
  } finally {
    store.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

let available = true;
try {
  Deno.statSync(NFI_1H);
} catch {
  available = false;
  console.log(`import_bench: ${NFI_1H} not found; set CRYPTOLAB_REAL_DATA`);
}

Deno.bench({
  name: "parse + validate 126 freqtrade JSON files (NFI 1h, 628k bars)",
  ignore: !available,
  n: 3,
  warmup: 1,
  async fn() {
    await runOnce("parse");
  },
});

Deno.bench({
  name: "import 126 freqtrade JSON files (NFI 1h, 628k bars) into a fresh store",
  ignore: !available,
  n: 1,
  warmup: 0,
  async fn() {
    await runOnce("import");
  },
});

if (import.meta.main && Deno.args.includes("--once")) {
  await runOnce("parse"); // warm the JIT and the page cache
  const parse = await runOnce("parse");
  const imp = await runOnce("import");
  console.log(JSON.stringify({ parse, import: imp }));
}
