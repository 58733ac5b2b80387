/**
 * The NFI hourly universe for the panel tests: its folder, and an import through the product's
 * own importer (`importPaths`, the code behind `deno task import`), so the panels under test
 * are built from exactly what a user's import stores.
 *
 * Only paths are computed at module load; the files are read when {@link importNfi} runs,
 * i.e. inside a `realDataTest` body, so without ../shared the tests are ignored, not failed.
 *
 * @module
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { importPaths } from "@lib/ingest/import_path.ts";
import { realPath } from "../_shared/real_data.ts";

/** The 126-pair hourly NFI universe (Binance spot, 2020-12-01 -> 2021-07-17). */
export const NFI_1H_DIR: string = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

/**
 * Import the NFI hourly files (all, or the first `limit` by name) as venue `binance`, freq
 * `1h`; resolves to their symbols (`AAVE_USDT-1h.json` -> `AAVEUSDT`) in file order. Throws
 * when a file fails or a row is quarantined: the oracles read every raw row, so the store must
 * hold every row too.
 */
export async function importNfi(db: DatabaseSync, limit = Infinity): Promise<string[]> {
  const files = readdirSync(NFI_1H_DIR).filter((f) => f.endsWith(".json")).sort()
    .slice(0, limit).map((f) => join(NFI_1H_DIR, f));
  const r = await importPaths(db, files, {
    venue: "binance",
    freq: "1h",
    // compared with pandas, which keeps every real bar: no jump rule (59 of 628,654 NFI bars)
    jump: false,
  });
  const bad = r.files.filter((f) => f.status !== "imported" || f.quarantined > 0);
  if (bad.length > 0) {
    throw new Error(
      `Cannot import the NFI files cleanly: ${
        bad.map((f) => `${f.path}: ${f.status} ${f.message ?? ""} ${f.quarantined} quarantined`)
          .join("; ")
      }`,
    );
  }
  return r.files.map((f) => f.symbol!);
}
