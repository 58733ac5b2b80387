/**
 * The setup of the task tests that run `deno task backtest`, `walkforward` or `report` on real
 * data: a store at `<dir>/store/real.db` holding the Binance hourly bars of some NFI pairs (the
 * files of ../shared/data/real, imported as a user would), and the dataset of a window of it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { openStore } from "@lib/store/db.ts";
import { realPath } from "./real_data.ts";

/** The NFI hourly files (`<BASE>_USDT-1h.json`). */
export const NFI_1H = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

/**
 * Imports the pairs `bases` (e.g. `["BTC", "ETH"]`) into a new store under `dir` and loads the
 * dataset from `from` to `to` (ISO dates, the task flags' form). The store is closed again: the
 * tasks open it themselves.
 */
export async function nfiStore(
  dir: string,
  bases: readonly string[],
  window: { readonly from: string; readonly to: string },
): Promise<{ db: string; dataset: ReturnType<typeof loadDataset> }> {
  await Deno.mkdir(join(dir, "store"), { recursive: true });
  const db = join(dir, "store", "real.db");
  const store = openStore(db);
  try {
    const r = await importPaths(store.db, bases.map((b) => join(NFI_1H, `${b}_USDT-1h.json`)), {
      venue: "binance",
      freq: "1h",
    });
    assert.ok(
      r.files.every((f) => f.status === "imported"),
      `not every NFI file was imported: ${JSON.stringify(r.files.map((f) => f.status))}`,
    );
    const dataset = loadDataset(store.db, {
      venue: "binance",
      freq: "1h",
      symbols: undefined,
      from: Date.parse(window.from),
      to: Date.parse(window.to),
    });
    return { db, dataset };
  } finally {
    store.close();
  }
}
