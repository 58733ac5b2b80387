/**
 * An {@link ExportTable} as tidy JSON: one object per row (one observation), one key per
 * column (one variable), beside the table's metadata and column types.
 *
 * ```json
 * { "table": "panel", "metadata": { "cryptolab.dataset_fingerprint": "..." },
 *   "columns": [{ "name": "ts", "type": "timestamp" }, ...],
 *   "rows": [{ "ts": "2024-01-01T00:00:00.000Z", "asset": "BTCUSDT", "close": 42000.5 }, ...] }
 * ```
 *
 * pandas: `pd.DataFrame(json.load(f)["rows"])`; polars: `pl.DataFrame(doc["rows"])`; DuckDB:
 * `SELECT unnest(rows, recursive := true) FROM read_json('panel.json')`.
 *
 * @module
 */
import { cellOf, checkExportTable, type ExportTable } from "./table.ts";

/**
 * The table as tidy JSON text (missing and non-finite values are `null`).
 *
 * @example
 * ```ts
 * import { tableToTidyJson } from "@lib/core/export/tidy_json.ts";
 * import assert from "node:assert/strict";
 * const doc = JSON.parse(tableToTidyJson({ name: "t", metadata: { k: "v" }, columns: [
 *   { name: "asset", type: "string", values: ["BTC", "ETH"] },
 *   { name: "x", type: "float", values: new Float64Array([1.5, NaN]) },
 * ] }));
 * assert.deepEqual(doc.rows, [{ asset: "BTC", x: 1.5 }, { asset: "ETH", x: null }]);
 * assert.equal(doc.metadata.k, "v");
 * ```
 */
export function tableToTidyJson(table: ExportTable): string {
  const n = checkExportTable(table);
  const rows: Record<string, string | number | boolean | null>[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r: Record<string, string | number | boolean | null> = {};
    for (const c of table.columns) r[c.name] = cellOf(c, i);
    rows[i] = r;
  }
  return JSON.stringify({
    table: table.name,
    metadata: table.metadata,
    columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    rows,
  }) + "\n";
}
