/**
 * nautilus_trader trade parquet test files (pyarrow-written): columns `timestamp`
 * (TIMESTAMP_MILLIS, UTC), `trade_id` (int64), `price`, `quantity` (double), `buyer_maker`
 * (the strings `True`/`False`). Read with `hyparquet`; column chunks are copied straight into
 * typed arrays.
 *
 * @module
 */
import { parquetMetadata, parquetRead, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { FileParseError, type ParsedTrades, type RowProblem, tradeColumns } from "../types.ts";
import { parseBool, sideFromBuyerMaker, tradeIdOf } from "../text.ts";
import { finishTrades } from "../build.ts";

const NEEDED = ["timestamp", "trade_id", "price", "quantity", "buyer_maker"] as const;

/**
 * Parse a nautilus trades parquet file from its bytes.
 *
 * @example A file that is not parquet is refused
 * ```ts
 * import { parseNautilusTradesParquet } from "@lib/ingest/formats/nautilus_parquet.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(parseNautilusTradesParquet(new Uint8Array([1, 2, 3])), /line 1: not a parquet/);
 * ```
 */
export async function parseNautilusTradesParquet(bytes: Uint8Array): Promise<ParsedTrades> {
  const file = bytes.buffer.slice(
    bytes.byteOffset,
    bytes.byteOffset + bytes.byteLength,
  ) as ArrayBuffer;
  let names: string[];
  let rows: number;
  try {
    const md = parquetMetadata(file);
    names = parquetSchema(md).children.map((c) => c.element.name);
    rows = Number(md.num_rows);
  } catch (e) {
    throw new FileParseError(1, `not a parquet file (${(e as Error).message})`);
  }
  const missing = NEEDED.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new FileParseError(
      1,
      `parquet columns are [${names.join(", ")}]; a nautilus trades file needs ${
        missing.join(", ")
      }`,
    );
  }
  const cols: Record<string, unknown[]> = {};
  await parquetRead({
    file,
    compressors,
    columns: [...NEEDED],
    onChunk: (chunk) => {
      const dst = (cols[chunk.columnName] ??= new Array<unknown>(rows));
      const src = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < src.length && chunk.rowStart + i < rows; i++) {
        dst[chunk.rowStart + i] = src[i];
      }
    },
  });
  const c = tradeColumns(rows);
  const problems: RowProblem[] = [];
  const get = (name: string, i: number) => cols[name]?.[i];
  const raw = (i: number) =>
    JSON.stringify(
      Object.fromEntries(NEEDED.map((k) => [k, String(get(k, i))])),
    );
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const id = tradeIdOf(get("trade_id", i));
    if (id === undefined) {
      problems.push({ ref: i + 1, raw: raw(i), kind: "missing trade id", detail: "null trade_id" });
      continue;
    }
    const t = get("timestamp", i);
    c.tradeId[n] = id;
    c.ts[n] = t instanceof Date ? t.getTime() : Number(t ?? NaN);
    c.price[n] = Number(get("price", i) ?? NaN);
    c.qty[n] = Number(get("quantity", i) ?? NaN);
    c.side[n] = sideFromBuyerMaker(parseBool(String(get("buyer_maker", i))));
    c.ref[n] = i + 1;
    n++;
  }
  const ref = c.ref;
  return finishTrades(c, n, {
    refKind: "row",
    raw: (i) => raw(ref[i]! - 1),
    problems,
    rowsRead: rows,
  });
}
