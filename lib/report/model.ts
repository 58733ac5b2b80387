/**
 * The report model: what a cryptolab report says, independent of how it is rendered.
 *
 * A report is a title, a note about where its data came from, a list of sections made of
 * blocks (paragraphs, metric tables, figures, notes) and a manifest that pins down exactly what
 * produced it. Renderers turn one model into `report.json` ({@link renderJson}), a
 * self-contained `report.html` ({@link renderHtml}) or notebook output; the JSON form is
 * validated by the zod schema in `schema.ts`.
 *
 * What a consumer of `report.json` can rely on (schema version "1"):
 * - `schemaVersion` is `"1"`; a field is only ever added in a new schema version, and a field's
 *   meaning never changes within one.
 * - Numbers are JSON numbers, never strings. `null` where a number is expected means "not
 *   defined": the value was NaN or infinite (e.g. a Sharpe ratio of a series with zero
 *   volatility) or the data was missing.
 * - Every time is UTC epoch milliseconds.
 * - Object keys are sorted, so two reports can be compared with a plain text diff.
 * - No value depends on the wall clock: the same inputs and run id give the same bytes.
 *
 * @module
 */

/** The version of the report structure described here. */
export const SCHEMA_VERSION = "1" as const;

/**
 * How a table column's numbers are meant to be shown. The value itself is always kept raw
 * (e.g. `0.153`, not `"15.3%"`), so a consumer can compute with it.
 *
 * - `text`: a string, shown as is (escaped);
 * - `integer`: a count, shown without decimals;
 * - `number`: shown with `digits` decimals;
 * - `percent`: a fraction, shown multiplied by 100 with `digits` decimals and a `%` sign;
 * - `datetime`: UTC epoch milliseconds, shown as an ISO-8601 UTC time (`2024-01-02T03:04Z`);
 * - `date`: UTC epoch milliseconds, shown as an ISO-8601 date (`2024-01-02`).
 *
 * The same names format notebook tables (`lib/display/table.ts`): see `formatValue` in
 * `format.ts`, the one place values become text.
 */
export type ColumnFormat = "text" | "integer" | "number" | "percent" | "datetime" | "date";

/** One column of a {@link TableBlock} or figure data summary. */
export interface Column {
  /** Stable machine name of the column, unique within its table (`ann_return`). */
  readonly key: string;
  /** Human label for the column header (`Annualized return`). */
  readonly label: string;
  /** How to show the values: see {@link ColumnFormat}. */
  readonly format: ColumnFormat;
  /** Decimals shown for `number` and `percent`; 0 for the other formats. */
  readonly digits: number;
}

/**
 * A {@link Column} from its parts; `digits` defaults to 0, which is what `text`, `integer`
 * and `datetime` columns take.
 *
 * @example A text and a percent column
 * ```ts
 * import { column } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(column("asset", "Asset", "text"), {
 *   key: "asset", label: "Asset", format: "text", digits: 0,
 * });
 * assert.equal(column("ret", "Return", "percent", 2).digits, 2);
 * ```
 */
export function column(key: string, label: string, format: ColumnFormat, digits = 0): Column {
  return { key, label, format, digits };
}

/** The first column of every per-asset table: the asset's name. */
export const ASSET_COLUMN: Column = column("asset", "Asset", "text");

/**
 * A cell: a string for `text` columns, a number otherwise. `null` means "not defined" (NaN,
 * infinite or missing). In the in-memory model a NaN number is allowed and becomes `null` in
 * JSON.
 */
export type Cell = string | number | null;

/** A small table of values: the body of a metric table or a figure's data summary. */
export interface DataTable {
  /** The columns, in display order. */
  readonly columns: readonly Column[];
  /** Rows, each with exactly one cell per column, in column order. */
  readonly rows: readonly (readonly Cell[])[];
}

/** A paragraph of plain text (no markup: renderers escape it). */
export interface ParagraphBlock {
  readonly type: "paragraph";
  /** The text. */
  readonly text: string;
}

/** A table of metrics. */
export interface TableBlock extends DataTable {
  readonly type: "table";
  /** Identifier unique within the report, `[a-z0-9-]+`; usable as an HTML id. */
  readonly id: string;
  /** Short title shown above the table. */
  readonly title: string;
  /** What the table shows and how its numbers were computed. */
  readonly caption: string;
}

/** A chart rendered to SVG, with a summary of the numbers it shows. */
export interface FigureBlock {
  readonly type: "figure";
  /** Identifier unique within the report, `[a-z0-9-]+`; usable as an HTML id. */
  readonly id: string;
  /** Short title shown above the figure. */
  readonly title: string;
  /** What the figure shows. */
  readonly caption: string;
  /**
   * The chart as markup from Observable Plot: an `<svg>` element, or a `<figure>` holding the
   * svg and its legend. Deterministic (no random ids; coordinates rounded to 2 decimals), free
   * of scripts and external references, with every data string escaped.
   */
  readonly svg: string;
  /** The numbers behind the figure in tabular form (e.g. one row per asset). */
  readonly data: DataTable;
  /**
   * The data the figure plots as a tidy table beside the layout (`svg`): for line charts the
   * thinned points the SVG draws (`time`, `series`, `y`, and `y_lo`/`y_hi` for a band), for
   * other figures `data` as tidy records; see {@link TidyTable}.
   */
  readonly tidy: TidyTable;
}

/**
 * A figure's data as tidy records for other tools: one object per observation keyed by column
 * key, times as ISO 8601 UTC, undefined numbers as null. In `report.json` each figure carries
 * one, so pandas (`pd.DataFrame(fig["tidy"]["rows"])`), polars or DuckDB rebuild the chart's
 * data without reading the SVG.
 */
export interface TidyTable {
  readonly columns: readonly {
    readonly name: string;
    readonly type: "string" | "number" | "timestamp";
  }[];
  readonly rows: readonly Readonly<Record<string, string | number | null>>[];
}

/** A remark the reader should see, e.g. a caveat about the data. */
export interface NoteBlock {
  readonly type: "note";
  /** `info` for context, `warning` for something that limits how results can be used. */
  readonly level: "info" | "warning";
  /** The text (plain, escaped by renderers). */
  readonly text: string;
}

/** Anything a section may hold. */
export type Block = ParagraphBlock | TableBlock | FigureBlock | NoteBlock;

/** A titled part of the report. */
export interface Section {
  /** Identifier unique within the report, `[a-z0-9-]+`; the HTML anchor of the section. */
  readonly id: string;
  /** Section heading. */
  readonly title: string;
  /** The content, in reading order. */
  readonly blocks: readonly Block[];
}

/** Which rows the dataset fingerprint covers. */
export interface DatasetScope {
  /** Venue of every series used (`sim` for the simulated market). */
  readonly venue: string;
  /** Bar frequency of the series used. */
  readonly freq: string;
  /** Symbols used, in the order the report lists them. */
  readonly symbols: readonly string[];
  /** First bar open time included, UTC epoch ms (inclusive). */
  readonly from: number;
  /** End of the window, UTC epoch ms (exclusive). */
  readonly to: number;
  /** Number of bar rows fingerprinted. */
  readonly rows: number;
}

/** The git state of the code that produced the report. */
export interface GitInfo {
  /** `git rev-parse HEAD`, or `"unknown"` when not run from a git checkout or git is absent. */
  readonly commit: string;
  /** True when tracked or untracked (non-ignored) files differ from the commit; null when unknown. */
  readonly dirty: boolean | null;
}

/** A scalar run parameter. */
export type ParamValue = string | number | boolean | null;

/** Everything needed to reproduce a report and check its files. */
export interface Manifest {
  /** Full 64-hex SHA-256 of the canonical encoding of exactly the bar rows used. */
  readonly datasetFingerprint: string;
  /** Which rows {@link Manifest.datasetFingerprint} covers. */
  readonly dataset: DatasetScope;
  /** The code version. */
  readonly git: GitInfo;
  /** `Deno.version.deno` of the run. */
  readonly deno: string;
  /** SHA-256 (64 hex) of `deno.lock`, or null when there is none. */
  readonly denoLockSha256: string | null;
  /** The run's parameters (flag values after defaults), keys sorted. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The random seed of the data generator, or null when the data was not simulated. */
  readonly seed: number | null;
  /**
   * SHA-256 of each output file by file name. Empty inside `report.json` (a file cannot hold
   * its own hash); `report.html` lists `report.json`; `manifest.json` lists both.
   */
  readonly outputs: Readonly<Record<string, string>>;
}

/** A complete report. */
export interface ReportModel {
  /** Always {@link SCHEMA_VERSION}. */
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** The run id, `[A-Za-z0-9._-]+`, also the name of the report's folder. */
  readonly runId: string;
  /** Report title. */
  readonly title: string;
  /** One line under the title. */
  readonly subtitle: string;
  /** Where the data came from, e.g. `simulated market (offline), seed 42`. */
  readonly dataNote: string;
  /** The body, in reading order. */
  readonly sections: readonly Section[];
  /** Provenance of the report. */
  readonly manifest: Manifest;
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * True when `s` is a usable run id: 1 to 128 of `A-Z a-z 0-9 . _ -`, not starting with a dot
 * or dash (so it is a safe folder name).
 *
 * @example Safe folder names only
 * ```ts
 * import { isRunId } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isRunId("demo-0123abcd"), true);
 * assert.equal(isRunId("../etc"), false);
 * ```
 */
export function isRunId(s: string): boolean {
  return RUN_ID.test(s);
}

/**
 * Check the invariants the types cannot express: ids well formed and unique, every row as
 * long as its columns. Throws a RangeError naming the first problem.
 *
 * @example Duplicate ids are refused
 * ```ts
 * import { checkModel, SCHEMA_VERSION } from "@lib/report/model.ts";
 * import assert from "node:assert/strict";
 * const manifest = {
 *   datasetFingerprint: "0".repeat(64),
 *   dataset: { venue: "sim", freq: "1h", symbols: [], from: 0, to: 0, rows: 0 },
 *   git: { commit: "unknown", dirty: null }, deno: "2.9.6", denoLockSha256: null,
 *   params: {}, seed: null, outputs: {},
 * };
 * const model = {
 *   schemaVersion: SCHEMA_VERSION, runId: "r1", title: "t", subtitle: "", dataNote: "",
 *   sections: [{ id: "a", title: "A", blocks: [] }, { id: "a", title: "B", blocks: [] }],
 *   manifest,
 * };
 * assert.throws(() => checkModel(model), /duplicate id "a"/);
 * ```
 */
export function checkModel(model: ReportModel): void {
  if (!isRunId(model.runId)) {
    throw new RangeError(
      `Invalid run id "${model.runId}": use 1-128 characters from A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit`,
    );
  }
  const seen = new Set<string>();
  const claim = (id: string, what: string) => {
    if (!ID.test(id)) {
      throw new RangeError(`Invalid ${what} id "${id}": use lower-case a-z, 0-9 and -`);
    }
    if (seen.has(id)) throw new RangeError(`Invalid report: duplicate id "${id}"`);
    seen.add(id);
  };
  for (const s of model.sections) {
    claim(s.id, "section");
    for (const b of s.blocks) {
      if (b.type === "table" || b.type === "figure") {
        claim(b.id, b.type);
        const t: DataTable = b.type === "table" ? b : b.data;
        t.rows.forEach((r, i) => {
          if (r.length !== t.columns.length) {
            throw new RangeError(
              `Invalid ${b.type} "${b.id}": row ${i} has ${r.length} cells, ` +
                `expected ${t.columns.length} (one per column)`,
            );
          }
        });
      }
    }
  }
}
