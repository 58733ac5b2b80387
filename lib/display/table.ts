/**
 * Tables that render as escaped HTML in a notebook and as aligned text anywhere else.
 *
 * A danfo DataFrame shows only its internals in the Deno kernel, so notebooks render tables
 * with {@link table}. Cell text that came from data is escaped: a DEX token can be named
 * `<script>`.
 *
 * @module
 */
import { DISPLAY, type Displayable, type MimeBundle } from "./jupyter.ts";
import { escapeHtml } from "../core/escape_html.ts";
import type { ColumnFormat } from "../report/model.ts";
import { formatValue } from "../report/format.ts";

/**
 * How a column's values become text: the report's cell-format names (`formatValue` in
 * `lib/report/format.ts`, one vocabulary for reports and notebooks), `"auto"`, or a function.
 *
 * - `"auto"` (default): numbers as `"number"` (integers as they are, others to `digits`
 *   decimals or 6 significant digits), dates as `"datetime"`, everything else with `String`;
 * - `"integer"`: rounded to an integer;
 * - `"number"`: `digits` decimals (6 significant digits when `digits` is not set);
 * - `"percent"`: the value times 100 with `digits` decimals (default 2) and a `%`;
 * - `"datetime"`: UTC epoch milliseconds as ISO 8601, `2024-01-02T03:04Z` (seconds shown when
 *   not zero);
 * - `"date"`: UTC epoch milliseconds as `2024-01-02`;
 * - `"text"`: `String` of the value;
 * - a function of the raw value.
 */
export type TableColumnFormat = ColumnFormat | "auto" | ((value: unknown) => string);

/** Options for {@link table}. Every option is optional; defaults are stated per option. */
export interface TableOptions {
  /** Columns to show, in order. Default: every column, in order of first appearance. */
  readonly columns?: readonly string[];
  /** Header text per column. Default: the column name. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Format per column. Default `"auto"` for every column. */
  readonly formats?: Readonly<Record<string, TableColumnFormat>>;
  /** Decimals for non-integer numbers (and percents). Default: 6 significant digits (2 for %). */
  readonly digits?: number;
  /** Group thousands with `,` in numbers. Default false. */
  readonly thousands?: boolean;
  /** Rows shown before a `... N more rows` line. Default 50. */
  readonly maxRows?: number;
  /** Text for NaN, null and undefined. Default `""`. */
  readonly missing?: string;
  /** A caption above the table. Default none. */
  readonly caption?: string;
  /** Longest cell in the text form before it is cut with `…`. Default 40. */
  readonly maxCellWidth?: number;
}

/** Rows as objects, or columns as arrays (typed arrays welcome) of equal length. */
export type TableInput =
  | readonly Readonly<Record<string, unknown>>[]
  | Readonly<Record<string, ArrayLike<unknown>>>;

/** A rendered table: `html`, `text`, and a Jupyter MIME bundle with both. */
export interface Table extends Displayable {
  /** Column names shown, in order. */
  readonly columns: readonly string[];
  /** Rows in the input (shown or not). */
  readonly rowCount: number;
  /** Rows shown (at most `maxRows`). */
  readonly shownRows: number;
  /** The `text/html` form: a `<table>` with every data string escaped. */
  readonly html: string;
  /** The `text/plain` form: columns aligned with spaces. */
  readonly text: string;
  /** Same as `text`. */
  toString(): string;
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

function formatCell(
  v: unknown,
  fmt: TableColumnFormat,
  opts: TableOptions,
): string {
  if (isMissing(v)) return opts.missing ?? "";
  if (typeof fmt === "function") return fmt(v);
  const numeric = typeof v === "number" || typeof v === "bigint";
  const format: ColumnFormat | undefined = fmt !== "auto"
    ? fmt
    : numeric
    ? "number"
    : v instanceof Date
    ? "datetime"
    : undefined;
  if (format === undefined || (!numeric && !(v instanceof Date) && format !== "text")) {
    return String(v);
  }
  const value = typeof v === "number" && !Number.isFinite(v) ? String(v) : v;
  // "auto" shows whole numbers as they are (a count or a sign is not 1.000); `digits` is for
  // the others.
  const whole = fmt === "auto" && typeof v === "number" && Number.isInteger(v);
  return formatValue(value, format, {
    digits: whole ? undefined : opts.digits,
    thousands: opts.thousands ?? false,
    missing: opts.missing ?? "",
  });
}

/** Cut a cell for the text form and keep it on one line. */
function textCell(s: string, max: number): string {
  const flat = s.replace(/[\r\n\t]+/g, " ");
  const chars = [...flat];
  return chars.length > max ? chars.slice(0, Math.max(1, max - 1)).join("") + "…" : flat;
}

function width(s: string): number {
  return [...s].length;
}

/**
 * Build a table from rows (array of objects) or columns (object of equal-length arrays).
 *
 * The HTML form escapes every header and cell, right-aligns numeric columns and ends with a
 * `... N more rows` line when rows were cut; the text form aligns columns with spaces.
 * Cost: O(shown rows x columns) to render, plus one pass over the rows for column names.
 *
 * @example A small table from columns
 * ```ts
 * import { table } from "@lib/display/table.ts";
 * import assert from "node:assert/strict";
 * const t = table({ symbol: ["BTC", "<b>ETH</b>"], close: new Float64Array([42000.5, 2500]) });
 * assert.deepEqual(t.text.split("\n"), [
 *   "symbol        close",
 *   "----------  -------",
 *   "BTC         42000.5",
 *   "<b>ETH</b>     2500",
 * ]);
 * assert.ok(t.html.includes("&lt;b&gt;ETH&lt;/b&gt;"));
 * ```
 *
 * @example Rows as objects, cut after two rows
 * ```ts
 * import { table } from "@lib/display/table.ts";
 * import assert from "node:assert/strict";
 * const t = table([{ n: 1 }, { n: 2 }, { n: 3 }], { maxRows: 2 });
 * assert.ok(t.text.endsWith("... 1 more row"));
 * ```
 */
export function table(data: TableInput, options: TableOptions = {}): Table {
  const maxRows = options.maxRows ?? 50;
  if (!(Number.isInteger(maxRows) && maxRows >= 0)) {
    throw new RangeError(`Cannot build table: maxRows must be an integer >= 0, got ${maxRows}`);
  }
  let names: string[];
  let rowCount: number;
  let get: (r: number, c: string) => unknown;
  if (Array.isArray(data)) {
    const rows = data as readonly Readonly<Record<string, unknown>>[];
    if (options.columns !== undefined) names = [...options.columns];
    else {
      const seen = new Set<string>();
      for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
      names = [...seen];
    }
    rowCount = rows.length;
    get = (r, c) => rows[r]![c];
  } else {
    const cols = data as Readonly<Record<string, ArrayLike<unknown>>>;
    names = options.columns !== undefined ? [...options.columns] : Object.keys(cols);
    for (const c of names) {
      if (cols[c] === undefined) {
        throw new RangeError(
          `Cannot build table: no column "${c}" (columns are ${Object.keys(cols).join(", ")})`,
        );
      }
    }
    const lengths = names.map((c) => cols[c]!.length);
    rowCount = lengths[0] ?? 0;
    const bad = names.findIndex((_, i) => lengths[i] !== rowCount);
    if (bad >= 0) {
      throw new RangeError(
        `Cannot build table: columns must have equal lengths, but "${names[0]}" has ` +
          `${rowCount} and "${names[bad]}" has ${lengths[bad]}`,
      );
    }
    get = (r, c) => cols[c]![r];
  }

  const shown = Math.min(rowCount, maxRows);
  const numeric = names.map(() => true);
  const cells: string[][] = [];
  for (let r = 0; r < shown; r++) {
    const line: string[] = [];
    for (let c = 0; c < names.length; c++) {
      const name = names[c]!;
      const v = get(r, name);
      const fmt = options.formats?.[name] ?? "auto";
      if (!isMissing(v) && typeof v !== "number" && typeof v !== "bigint") numeric[c] = false;
      if (fmt === "datetime" || fmt === "date" || fmt === "text") numeric[c] = false;
      line.push(formatCell(v, fmt, options));
    }
    cells.push(line);
  }
  const headers = names.map((n) => options.labels?.[n] ?? n);
  const hidden = rowCount - shown;
  const more = hidden > 0 ? `... ${hidden} more row${hidden === 1 ? "" : "s"}` : "";

  // text/plain
  const maxCell = options.maxCellWidth ?? 40;
  const tHead = headers.map((h) => textCell(h, maxCell));
  const tCells = cells.map((line) => line.map((s) => textCell(s, maxCell)));
  const widths = tHead.map((h, c) => Math.max(width(h), ...tCells.map((l) => width(l[c]!))));
  const pad = (s: string, c: number) => {
    const gap = " ".repeat(widths[c]! - width(s));
    return numeric[c] ? gap + s : s + gap;
  };
  const joinLine = (parts: string[]) => parts.join("  ").trimEnd();
  const textLines: string[] = [];
  if (options.caption !== undefined) textLines.push(textCell(options.caption, 1000));
  if (names.length > 0) {
    textLines.push(joinLine(tHead.map((h, c) => pad(h, c))));
    textLines.push(joinLine(widths.map((w) => "-".repeat(w))));
    for (const line of tCells) textLines.push(joinLine(line.map((s, c) => pad(s, c))));
  } else {
    textLines.push(`(no columns, ${rowCount} row${rowCount === 1 ? "" : "s"})`);
  }
  if (more) textLines.push(more);
  const text = textLines.join("\n");

  // text/html
  const align = (c: number) => (numeric[c] ? "right" : "left");
  const h: string[] = ['<table class="cryptolab-table">'];
  if (options.caption !== undefined) h.push(`<caption>${escapeHtml(options.caption)}</caption>`);
  h.push("<thead><tr>");
  headers.forEach((hd, c) => h.push(`<th style="text-align:${align(c)}">${escapeHtml(hd)}</th>`));
  h.push("</tr></thead><tbody>");
  for (const line of cells) {
    h.push("<tr>");
    line.forEach((s, c) => h.push(`<td style="text-align:${align(c)}">${escapeHtml(s)}</td>`));
    h.push("</tr>");
  }
  h.push("</tbody>");
  if (more) {
    h.push(
      `<tfoot><tr><td colspan="${Math.max(1, names.length)}" style="text-align:left">` +
        `${escapeHtml(more)}</td></tr></tfoot>`,
    );
  }
  h.push("</table>");
  const html = h.join("");

  return {
    columns: names,
    rowCount,
    shownRows: shown,
    html,
    text,
    toString: () => text,
    [DISPLAY]: (): MimeBundle => ({ "text/html": html, "text/plain": text }),
  };
}
