/**
 * An {@link ExportTable} as RFC 4180 CSV, and its sidecar of metadata.
 *
 * The CSV itself is plain (a header row, then one line per row, `\n` line ends), so
 * `pandas.read_csv`, `polars.read_csv` and DuckDB's `read_csv` take it with no option; the
 * metadata (dataset fingerprint, column types) goes to a sidecar `<name>.csv.meta.json` beside
 * it rather than a header comment, which DuckDB and polars would read as data.
 *
 * @module
 */
import { cellOf, checkExportTable, type ExportTable } from "./table.ts";

function field(v: string | number | boolean | null): string {
  if (v === null) return "";
  if (typeof v === "number") return String(v); // shortest round-trip decimal
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The table as CSV text: header of column names, timestamps as ISO 8601 UTC, floats as the
 * shortest decimal that reads back to the same double, missing values empty.
 *
 * @example
 * ```ts
 * import { tableToCsv } from "@lib/core/export/csv.ts";
 * import assert from "node:assert/strict";
 * const csv = tableToCsv({ name: "t", metadata: {}, columns: [
 *   { name: "ts", type: "timestamp", values: [0] },
 *   { name: "asset", type: "string", values: ['a,"b"'] },
 *   { name: "x", type: "float", values: new Float64Array([NaN]) },
 * ] });
 * assert.equal(csv, 'ts,asset,x\n1970-01-01T00:00:00.000Z,"a,""b""",\n');
 * ```
 */
export function tableToCsv(table: ExportTable): string {
  const n = checkExportTable(table);
  const lines = [table.columns.map((c) => field(c.name)).join(",")];
  for (let i = 0; i < n; i++) {
    lines.push(table.columns.map((c) => field(cellOf(c, i))).join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * The sidecar of a CSV file: `{table, metadata, columns: [{name, type}]}` as JSON text.
 *
 * @example
 * ```ts
 * import { csvSidecar } from "@lib/core/export/csv.ts";
 * import assert from "node:assert/strict";
 * const s = JSON.parse(csvSidecar({ name: "t", metadata: { k: "v" }, columns: [
 *   { name: "x", type: "float", values: [1] },
 * ] }));
 * assert.deepEqual(s, { table: "t", metadata: { k: "v" }, columns: [{ name: "x", type: "float" }] });
 * ```
 */
export function csvSidecar(table: ExportTable): string {
  checkExportTable(table);
  return JSON.stringify(
    {
      table: table.name,
      metadata: table.metadata,
      columns: table.columns.map((c) => ({ name: c.name, type: c.type })),
    },
    null,
    2,
  ) + "\n";
}
