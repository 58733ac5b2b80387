/**
 * A tiny freqtrade-JSON loader for the panel tests and bench, so they do not depend on
 * lib/ingest: `[[open_ms, open, high, low, close, volume], ...]` -> BarColumns -> writeBars.
 *
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { allocBars, type BarColumns } from "@lib/core/types.ts";
import type { Freq } from "@lib/core/freq.ts";
import { withTransaction } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { realPath } from "../_shared/real_data.ts";

/** The 126-pair hourly NFI universe (Binance spot, 2020-12-01 -> 2021-07-17). */
export const NFI_1H_DIR: string = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");

/** `AAVE_USDT-1h.json` -> `AAVEUSDT` (Binance spells pairs without a separator). */
export function nfiSymbol(file: string): string {
  return file.replace(/-\w+\.json$/, "").replace("_", "");
}

/** The JSON files of the NFI hourly folder, sorted. */
export function nfiFiles(dir: string = NFI_1H_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
}

/** Parse one freqtrade JSON candle file into bar columns. */
export function readFreqtradeJson(
  path: string,
  venue: string,
  symbol: string,
  freq: Freq,
): BarColumns {
  const rows = JSON.parse(readFileSync(path, "utf8")) as number[][];
  const b = allocBars({ venue, symbol, freq }, rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    b.ts[i] = r[0]!;
    b.open[i] = r[1]!;
    b.high[i] = r[2]!;
    b.low[i] = r[3]!;
    b.close[i] = r[4]!;
    b.volume[i] = r[5]!;
  }
  return b;
}

/** Import the NFI hourly files (all, or the first `limit`) as venue `binance`; symbols back. */
export function importNfi(db: DatabaseSync, limit = Infinity): string[] {
  const files = nfiFiles().slice(0, limit);
  const symbols: string[] = [];
  for (const f of files) {
    const bars = readFreqtradeJson(join(NFI_1H_DIR, f), "binance", nfiSymbol(f), "1h");
    withTransaction(db, () => writeBars(db, bars, { source: `file:${f}` }));
    symbols.push(bars.symbol);
  }
  return symbols;
}
