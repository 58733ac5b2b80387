/**
 * Writers of plain typed columns for other tools: CSV (with a metadata sidecar), Parquet (with
 * key-value metadata) and tidy JSON. The dataset-aware exports (panels, factor runs, IC series,
 * report tables) are `exportResults` in `@lib/pipeline/export_run.ts` and `deno task export`.
 *
 * @example One table in the three formats
 * ```ts
 * import { tableToCsv, tableToParquet, tableToTidyJson } from "@lib/core/export/mod.ts";
 * import assert from "node:assert/strict";
 * const t = { name: "t", metadata: {}, columns: [{ name: "x", type: "int", values: [1] }] } as const;
 * assert.equal(tableToCsv(t), "x\n1\n");
 * assert.equal(JSON.parse(tableToTidyJson(t)).rows[0].x, 1);
 * assert.ok(tableToParquet(t).length > 0);
 * ```
 *
 * @module
 */
export * from "./table.ts";
export * from "./csv.ts";
export * from "./tidy_json.ts";
export * from "./parquet.ts";
