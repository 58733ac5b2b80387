/**
 * A table of plain typed columns with string metadata: what the exporters write to CSV,
 * Parquet and tidy JSON (`./csv.ts`, `./parquet.ts`, `./tidy_json.ts`). Knows nothing of
 * panels, factor runs or reports: the layers that own those turn them into tables.
 *
 * @module
 */

/** The kind of a column, and how each format stores it. */
export type ExportColumnType =
  /** UTC epoch ms. CSV and JSON: ISO 8601 (`2024-01-01T00:00:00.000Z`); Parquet: INT64
   * TIMESTAMP(MILLIS, UTC), which pandas, polars and DuckDB read as a UTC datetime. */
  | "timestamp"
  /** IEEE double. Non-finite values (NaN = undefined or missing) are written as missing:
   * an empty CSV field, JSON `null`, a Parquet null. */
  | "float"
  /** A safe integer. Parquet: INT64. */
  | "int"
  /** UTF-8 text; `null` is missing. */
  | "string"
  /** true / false; `null` is missing. */
  | "bool";

/** One column: a name and its values (all columns of a table have the same length). */
export interface ExportColumn {
  readonly name: string;
  readonly type: ExportColumnType;
  readonly values: ArrayLike<number> | readonly (string | number | boolean | null)[];
}

/** A named table with its columns and string key-value metadata (e.g. the dataset fingerprint). */
export interface ExportTable {
  /** File stem, `[a-z0-9_]+` (e.g. `panel`, `factor_betas`, `report_returns`). */
  readonly name: string;
  readonly columns: readonly ExportColumn[];
  /** Written to Parquet key-value metadata, the CSV sidecar and the tidy JSON. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The metadata key every exported table carries: the SHA-256 of the dataset it came from. */
export const FINGERPRINT_KEY = "cryptolab.dataset_fingerprint";

/**
 * Check a table: a file-safe name, unique column names, equal lengths, values of the stated
 * type. Returns the row count. Throws a RangeError saying which column is wrong.
 *
 * @example
 * ```ts
 * import { checkExportTable } from "@lib/core/export/table.ts";
 * import assert from "node:assert/strict";
 * const t = { name: "t", metadata: {}, columns: [
 *   { name: "ts", type: "timestamp", values: [0, 3_600_000] },
 *   { name: "x", type: "float", values: new Float64Array([1, NaN]) },
 * ] } as const;
 * assert.equal(checkExportTable(t), 2);
 * assert.throws(() => checkExportTable({ ...t, name: "a b" }), /name must match/);
 * ```
 */
export function checkExportTable(table: ExportTable): number {
  const what = `Cannot export table ${JSON.stringify(table.name)}`;
  if (!/^[a-z0-9_]+$/.test(table.name)) {
    throw new RangeError(`${what}: its name must match [a-z0-9_]+ (it names the files)`);
  }
  if (table.columns.length === 0) throw new RangeError(`${what}: it has no column`);
  const n = table.columns[0]!.values.length;
  const seen = new Set<string>();
  for (const c of table.columns) {
    if (seen.has(c.name)) throw new RangeError(`${what}: column ${c.name} appears twice`);
    seen.add(c.name);
    if (c.values.length !== n) {
      throw new RangeError(
        `${what}: column ${c.name} has ${c.values.length} values, ${table.columns[0]!.name} ${n}`,
      );
    }
    for (let i = 0; i < n; i++) {
      const v = c.values[i];
      const ok = v === null || v === undefined
        ? c.type === "string" || c.type === "bool" || c.type === "float"
        : c.type === "string"
        ? typeof v === "string"
        : c.type === "bool"
        ? typeof v === "boolean"
        : c.type === "int" || c.type === "timestamp"
        ? Number.isSafeInteger(v)
        : typeof v === "number";
      if (!ok) {
        throw new RangeError(
          `${what}: column ${c.name} (${c.type}) has ${JSON.stringify(v)} at row ${i}`,
        );
      }
    }
  }
  return n;
}

/** The value of row `i` as the JSON / CSV writers see it: missing is null. */
export function cellOf(c: ExportColumn, i: number): string | number | boolean | null {
  const v = c.values[i] ?? null;
  if (v === null) return null;
  if (c.type === "timestamp") return new Date(v as number).toISOString();
  if (c.type === "float") return Number.isFinite(v as number) ? (v as number) : null;
  return v as string | number | boolean;
}
