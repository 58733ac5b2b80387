/**
 * Loading the 126-asset hourly NFI panel (Binance spot, 126 pairs x 5,493 hours) from a store:
 * warm block cache, cold cache (blocks rebuilt from `bars`), and a row-by-row `readBars`
 * baseline that shows what the cache saves.
 *
 *   deno bench -A bench/panel_bench.ts
 *   /usr/bin/python3 bench/panel_peer.py   # the same, side by side with pandas, with ratios
 *
 * The store is `bench/.out/panel_bench.db` (or CRYPTOLAB_BENCH_DB), built on first use from
 * ../shared/data/real with `importPaths` (the same code as `deno task import`).
 *
 * @module
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readBars } from "@lib/store/bars.ts";
import { clearBlocks } from "@lib/store/blocks.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { importPaths } from "@lib/ingest/import_path.ts";

const NFI_1H = join(
  Deno.env.get("CRYPTOLAB_REAL_DATA") ??
    join(decodeURIComponent(new URL("../../", import.meta.url).pathname), "shared", "data", "real"),
  "ohlcv",
  "binance_spot_2020-12_2021-07_nfi",
  "1h",
);

const path = Deno.env.get("CRYPTOLAB_BENCH_DB") ??
  new URL("./.out/panel_bench.db", import.meta.url).pathname;
const fresh = !existsSync(path);
mkdirSync(dirname(path), { recursive: true });
const store = openStore(path);
const db = store.db;
if (fresh) {
  const t0 = performance.now();
  const r = await importPaths(db, [NFI_1H]);
  if (r.failed > 0) throw new Error(`could not import ${NFI_1H} for the bench`);
  console.error(`built ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const SPEC = { venue: "binance", freq: "1h" } as const;
const check = loadPanel(db, SPEC);
if (check.assets.length !== 126 || check.index.length !== 5493) {
  throw new Error(
    `${path} does not hold the 126 x 5,493 NFI hourly panel (got ${check.assets.length} x ` +
      `${check.index.length}); delete it so the bench rebuilds it`,
  );
}

Deno.bench({
  name: "loadPanel 126 x 5,493 1h, warm block cache",
  group: "panel",
  baseline: true,
  warmup: 3,
  n: 20,
  fn() {
    loadPanel(db, SPEC);
  },
});

Deno.bench({
  name: "loadPanel 126 x 5,493 1h, cold cache (rebuild blocks from bars)",
  group: "panel",
  warmup: 1,
  n: 5,
  fn(b) {
    clearBlocks(db);
    b.start();
    loadPanel(db, SPEC);
    b.end();
  },
});

Deno.bench({
  name: "readBars row by row, 126 series (no panel): what the cache avoids",
  group: "panel",
  warmup: 1,
  n: 5,
  fn() {
    for (const symbol of check.assets) readBars(db, { venue: "binance", symbol, freq: "1h" });
  },
});

globalThis.addEventListener("unload", () => {
  loadPanel(db, SPEC); // leave the cache warm for the next reader (bench/panel_peer.py)
  store.close();
});
