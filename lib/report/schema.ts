/**
 * The zod schema of `report.json` (schema version "1"). It mirrors the types in `model.ts`,
 * whose JSDoc documents every field; the `.describe()` texts here repeat the essentials so a
 * JSON Schema generated from it (`z.toJSONSchema(ReportSchema)`) is documented too.
 *
 * In JSON, `null` where a number is expected means "not defined" (the value was NaN, infinite
 * or missing). Objects are strict: an unknown key is an error, so a file that validates holds
 * exactly what this schema describes.
 *
 * @module
 */
import { z } from "zod";
import { SCHEMA_VERSION } from "./model.ts";
import type { ReportModel } from "./model.ts";

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, "expected 64 lower-case hex digits (SHA-256)");
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "expected an id of a-z, 0-9 and -");
const num = z.number().nullable().describe("a number; null means not defined (NaN, infinite)");

/** Schema of a table column. */
export const ColumnSchema = z.strictObject({
  key: z.string().min(1).describe("stable machine name, unique within the table"),
  label: z.string().describe("human column header"),
  format: z.enum(["text", "integer", "number", "percent", "datetime", "date"]).describe(
    "display hint; values stay raw (a percent column holds fractions, datetime holds epoch ms)",
  ),
  digits: z.number().int().min(0).max(12).describe("decimals for number and percent columns"),
});

/** Schema of a table cell. */
export const CellSchema = z.union([z.string(), num]);

const dataTableShape = {
  columns: z.array(ColumnSchema).describe("columns in display order"),
  rows: z.array(z.array(CellSchema)).describe("rows, one cell per column, in column order"),
};

/** Schema of a figure's data summary. */
export const DataTableSchema = z.strictObject(dataTableShape);

/** Schema of every block type, discriminated by `type`. */
export const BlockSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("paragraph"),
    text: z.string().describe("plain text"),
  }),
  z.strictObject({
    type: z.literal("table"),
    id,
    title: z.string(),
    caption: z.string().describe("what the table shows and how it was computed"),
    ...dataTableShape,
  }),
  z.strictObject({
    type: z.literal("figure"),
    id,
    title: z.string(),
    caption: z.string(),
    svg: z.string().describe("deterministic Observable Plot markup (<svg> or <figure>)"),
    data: DataTableSchema.describe("the numbers behind the figure"),
    tidy: z.strictObject({
      columns: z.array(z.strictObject({
        name: z.string(),
        type: z.enum(["string", "number", "timestamp"]),
      })),
      rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
    }).describe("the figure's data as tidy records: one per observation, times ISO 8601 UTC"),
  }),
  z.strictObject({
    type: z.literal("note"),
    level: z.enum(["info", "warning"]),
    text: z.string(),
  }),
]);

/** Schema of a section. */
export const SectionSchema = z.strictObject({
  id: id.describe("HTML anchor of the section"),
  title: z.string(),
  blocks: z.array(BlockSchema),
});

/** Schema of the manifest. */
export const ManifestSchema = z.strictObject({
  datasetFingerprint: hex64.describe("SHA-256 of the canonical encoding of the rows used"),
  dataset: z.strictObject({
    venue: z.string(),
    freq: z.string(),
    symbols: z.array(z.string()),
    from: z.number().describe("first bar open time, UTC epoch ms, inclusive"),
    to: z.number().describe("end of window, UTC epoch ms, exclusive"),
    rows: z.number().int().min(0).describe("bar rows fingerprinted"),
  }).describe("which rows the fingerprint covers"),
  git: z.strictObject({
    commit: z.string().describe('git rev-parse HEAD, or "unknown"'),
    dirty: z.boolean().nullable().describe("working tree differs from the commit; null: unknown"),
  }),
  deno: z.string().describe("Deno.version.deno"),
  denoLockSha256: hex64.nullable().describe("SHA-256 of deno.lock; null when absent"),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .describe("run parameters after defaults"),
  seed: z.number().int().nullable().describe("data generator seed; null when not simulated"),
  outputs: z.record(z.string(), hex64).describe(
    "SHA-256 of output files by name; empty in report.json itself",
  ),
});

/**
 * Schema of `report.json`.
 *
 * @example Validate a parsed report.json
 * ```ts
 * import { ReportSchema } from "@lib/report/schema.ts";
 * import assert from "node:assert/strict";
 * const r = ReportSchema.safeParse({ schemaVersion: "2" });
 * assert.equal(r.success, false);
 * ```
 */
export const ReportSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION).describe("version of this structure"),
  runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/).describe("run id and folder name"),
  title: z.string(),
  subtitle: z.string(),
  dataNote: z.string().describe("where the data came from"),
  sections: z.array(SectionSchema),
  manifest: ManifestSchema,
});

/** The type of a validated `report.json`. */
export type ReportJson = z.infer<typeof ReportSchema>;

/** Schema of `manifest.json`: the manifest plus the schema version and run id. */
export const ManifestFileSchema = ManifestSchema.extend({
  schemaVersion: z.literal(SCHEMA_VERSION),
  runId: z.string(),
});

/** The type of a validated `manifest.json`. */
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

// Compile-time check that a validated report.json is a ReportModel.
const _sameShape = (r: ReportJson): ReportModel => r;
void _sameShape;
