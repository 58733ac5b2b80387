/**
 * The one cell-format vocabulary of cryptolab: how a raw value becomes text, by format name.
 * Report tables (`Column.format`), report HTML and notebook tables (`lib/display/table.ts`)
 * all format through {@link formatValue}, so a number reads the same everywhere.
 * Deterministic: no locale, no time zone (everything is UTC).
 *
 * | format     | value                  | text                                  |
 * | ---------- | ---------------------- | ------------------------------------- |
 * | `text`     | anything               | as is                                 |
 * | `integer`  | a count                | rounded, thousands grouped            |
 * | `number`   | a number               | `digits` decimals (or 6 significant)  |
 * | `percent`  | a fraction             | x 100, `digits` decimals, `%`         |
 * | `datetime` | UTC epoch milliseconds | ISO 8601, `2024-01-02T03:04Z`         |
 * | `date`     | UTC epoch milliseconds | ISO 8601 date, `2024-01-02`           |
 *
 * @module
 */
import type { Cell, Column, ColumnFormat } from "./model.ts";

/** What a renderer shows for a value that is not defined (null, NaN, infinite). */
export const UNDEFINED_TEXT = "–";

/** Options of {@link formatValue}; each has its default stated. */
export interface FormatValueOptions {
  /**
   * Decimals of `number` and `percent`. Default: `number` shows integers as they are and
   * other values to 6 significant digits; `percent` shows 2 decimals.
   */
  readonly digits?: number | undefined;
  /** Group thousands with `,` in `integer` and `number`. Default true. */
  readonly thousands?: boolean | undefined;
  /** Text for null, undefined, NaN and infinities. Default {@link UNDEFINED_TEXT}. */
  readonly missing?: string | undefined;
}

/**
 * Format one value for display (plain text, not escaped). A string is shown as is whatever
 * the format; a `Date` counts as its epoch milliseconds.
 *
 * @example One value per format
 * ```ts
 * import { formatValue } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatValue(0.12345, "percent", { digits: 1 }), "12.3%");
 * assert.equal(formatValue(1234567, "integer"), "1,234,567");
 * assert.equal(formatValue(1234.56789, "number"), "1,234.57");
 * assert.equal(formatValue(0.000123456789, "number"), "0.000123457");
 * assert.equal(formatValue(0, "datetime"), "1970-01-01T00:00Z");
 * assert.equal(formatValue(Date.UTC(2024, 0, 2, 3), "date"), "2024-01-02");
 * assert.equal(formatValue(NaN, "number", { missing: "" }), "");
 * ```
 */
export function formatValue(
  value: unknown,
  format: ColumnFormat,
  options: FormatValueOptions = {},
): string {
  const missing = options.missing ?? UNDEFINED_TEXT;
  if (value === null || value === undefined) return missing;
  if (typeof value === "string") return value;
  const num = typeof value === "number"
    ? value
    : typeof value === "bigint"
    ? Number(value)
    : value instanceof Date
    ? value.getTime()
    : undefined;
  if (num === undefined) return String(value);
  if (!Number.isFinite(num)) return missing;
  const thousands = options.thousands ?? true;
  switch (format) {
    case "text":
      return String(value);
    case "integer":
      return group(Math.round(num).toString(), thousands);
    case "number":
      if (options.digits !== undefined) return fixed(num, options.digits, thousands);
      if (Number.isInteger(num)) return group(String(num), thousands);
      return group(String(Number(num.toPrecision(6))), thousands);
    case "percent":
      return `${fixed(num * 100, options.digits ?? 2, false)}%`;
    case "datetime":
      return formatTime(num);
    case "date":
      return new Date(num).toISOString().slice(0, 10);
  }
}

/**
 * Format one report table cell by its column (see {@link formatValue}).
 *
 * @example A percent column
 * ```ts
 * import { formatCell } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatCell(0.12345, { key: "r", label: "R", format: "percent", digits: 1 }), "12.3%");
 * assert.equal(formatCell(NaN, { key: "x", label: "X", format: "number", digits: 2 }), "–");
 * ```
 */
export function formatCell(value: Cell, column: Column): string {
  return formatValue(value, column.format, { digits: column.digits });
}

/**
 * An epoch-ms time in ISO 8601 UTC: `YYYY-MM-DDTHH:MMZ`, with seconds (and milliseconds)
 * only when they are not zero.
 *
 * @example Minutes, and seconds when present
 * ```ts
 * import { formatTime } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4)), "2024-01-02T03:04Z");
 * assert.equal(formatTime(1_500), "1970-01-01T00:00:01.500Z");
 * assert.equal(formatTime(61_000), "1970-01-01T00:01:01Z");
 * ```
 */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.000Z
  if (iso.endsWith(":00.000Z")) return `${iso.slice(0, 16)}Z`;
  if (iso.endsWith(".000Z")) return `${iso.slice(0, 19)}Z`;
  return iso;
}

/**
 * A tick format for a logarithmic axis: plain decimal numbers (`0.2`, `0.001`, `50`), never
 * SI prefixes (`200m`, which reads as 200 metres, or minutes), labelling the 1, 2 and 5 of
 * each decade, or only the powers of ten when `domain` spans more than three decades;
 * the other ticks stay unlabelled, as d3 does.
 *
 * @example A p-value axis
 * ```ts
 * import { logTickFormat } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * const f = logTickFormat([0.01, 1]);
 * assert.deepEqual([0.01, 0.02, 0.03, 0.2, 0.5, 1].map(f), ["0.01", "0.02", "", "0.2", "0.5", "1"]);
 * assert.deepEqual([1e-6, 2e-6, 1e-3].map(logTickFormat([1e-6, 1])), ["0.000001", "", "0.001"]);
 * ```
 */
export function logTickFormat(domain?: readonly unknown[]): (d: number) => string {
  const lo = Number(domain?.[0]), hi = Number(domain?.[domain.length - 1]);
  const decades = lo > 0 && hi > 0 ? Math.abs(Math.log10(hi / lo)) : 0;
  const keep = decades > 3 ? [1] : [1, 2, 5];
  return (d: number) => {
    if (!(d > 0) || !Number.isFinite(d)) return "";
    const mantissa = Math.round(d / 10 ** Math.floor(Math.log10(d) + 1e-9) * 1e6) / 1e6;
    return keep.includes(mantissa) ? String(Number(d.toPrecision(12))) : "";
  };
}

function fixed(v: number, digits: number, thousands: boolean): string {
  const s = v.toFixed(digits);
  // "-0.00" reads as a sign error: show zero without a sign.
  return /^-0\.?0*$/.test(s) ? s.slice(1) : group(s, thousands);
}

function group(s: string, thousands: boolean): string {
  if (!thousands || /e/i.test(s)) return s;
  const [int, frac] = s.split(".");
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? g : `${g}.${frac}`;
}
