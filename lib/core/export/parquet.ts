/**
 * An {@link ExportTable} as an Apache Parquet file, written with `hyparquet-writer` (pure
 * JavaScript, no native or WebAssembly code, so it runs under every task's permissions).
 * The table's metadata becomes the file's key-value metadata (`pyarrow.parquet.read_metadata`,
 * `polars.read_parquet_metadata`, DuckDB `parquet_kv_metadata('file')`). Columns are nullable;
 * timestamps are INT64 TIMESTAMP(MILLIS) adjusted to UTC, ints INT64, floats DOUBLE (non-finite
 * written as null), strings UTF-8, bools BOOLEAN; snappy-compressed.
 *
 * Tested against an independent reader: the Rust `parquet` crate through `parquet-wasm` and
 * `apache-arrow` (tests/export/). `parquet-wasm` is not used to write: its WebAssembly module
 * is 5 MB and needs the Arrow IPC round trip for every table.
 *
 * @module
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { checkExportTable, type ExportColumn, type ExportTable } from "./table.ts";

type Basic = "TIMESTAMP" | "INT64" | "DOUBLE" | "STRING" | "BOOLEAN";
const BASIC: Readonly<Record<ExportColumn["type"], Basic>> = {
  timestamp: "TIMESTAMP",
  int: "INT64",
  float: "DOUBLE",
  string: "STRING",
  bool: "BOOLEAN",
};

function columnData(c: ExportColumn, n: number): unknown[] {
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = c.values[i] ?? null;
    if (v === null) out[i] = null;
    else if (c.type === "timestamp") out[i] = new Date(v as number);
    else if (c.type === "int") out[i] = BigInt(v as number);
    else if (c.type === "float") out[i] = Number.isFinite(v as number) ? v : null;
    else out[i] = v;
  }
  return out;
}

/**
 * The table as Parquet bytes.
 *
 * @example
 * ```ts
 * import { tableToParquet } from "@lib/core/export/parquet.ts";
 * import assert from "node:assert/strict";
 * const bytes = tableToParquet({ name: "t", metadata: { k: "v" }, columns: [
 *   { name: "x", type: "float", values: new Float64Array([1, 2]) },
 * ] });
 * assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "PAR1");
 * ```
 */
export function tableToParquet(table: ExportTable): Uint8Array {
  const n = checkExportTable(table);
  const buf = parquetWriteBuffer({
    columnData: table.columns.map((c) => ({
      name: c.name,
      data: columnData(c, n),
      type: BASIC[c.type],
      nullable: true,
    })),
    kvMetadata: Object.entries(table.metadata).map(([key, value]) => ({ key, value })),
  });
  return new Uint8Array(buf);
}
