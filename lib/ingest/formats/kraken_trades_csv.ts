/**
 * Kraken's trade-history CSV: no header, `unix_seconds, price, volume` (seconds may carry a
 * fraction), no trade ids and no side.
 *
 * @module
 */
import { FileParseError, type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import { epochToMs, num, splitLines } from "../text.ts";
import { finishTrades, lineRaw } from "../build.ts";
import { eachCsvRow } from "../csv_rows.ts";

/**
 * Parse a Kraken trades CSV. Kraken gives no ids, so each trade gets one derived from its own
 * values: `<ts_ms>:<price>:<volume>:<k>`, where `k` counts earlier identical trades in the
 * file. The id depends only on the row, so re-importing the file, or an overlapping
 * incremental file, adds nothing twice. Side is 0 (unknown).
 *
 * @example Two identical trades get distinct ids
 * ```ts
 * import { parseKrakenTradesCsv } from "@lib/ingest/formats/kraken_trades_csv.ts";
 * import assert from "node:assert/strict";
 * const p = parseKrakenTradesCsv("1672531436,90.540000,1.10448420\n1672531436,90.540000,1.10448420\n");
 * assert.deepEqual(p.tradeId, ["1672531436000:90.54:1.1044842:0", "1672531436000:90.54:1.1044842:1"]);
 * ```
 */
export function parseKrakenTradesCsv(text: string): ParsedTrades {
  const lines = splitLines(text);
  if (lines.length > 0 && Number.isNaN(num(lines[0]!.split(",")[0]))) {
    throw new FileParseError(
      1,
      "Kraken trade CSVs have no header: expected unix_seconds,price,volume",
    );
  }
  const c = tradeColumns(lines.length);
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  let n = 0;
  const rowsRead = eachCsvRow(lines, 0, 3, problems, (f, ref) => {
    const ts = epochToMs(num(f[0])), price = num(f[1]), qty = num(f[2]);
    const key = `${ts}:${price}:${qty}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    c.tradeId[n] = `${key}:${k}`;
    c.ts[n] = ts;
    c.price[n] = price;
    c.qty[n] = qty;
    c.side[n] = 0;
    c.ref[n] = ref;
    n++;
  });
  return finishTrades(c, n, { refKind: "line", raw: lineRaw(lines, c.ref), problems, rowsRead });
}
