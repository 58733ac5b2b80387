/**
 * Turning raw cell values into display text, by a column's format hint. Deterministic: no
 * locale, no time zone (everything is UTC).
 *
 * @module
 */
import type { Cell, Column } from "./model.ts";

/** What a renderer shows for a value that is not defined (null, NaN, infinite). */
export const UNDEFINED_TEXT = "–";

/**
 * Format one cell for display (plain text, not escaped).
 *
 * @example One value per format
 * ```ts
 * import { formatCell } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatCell(0.12345, { key: "r", label: "R", format: "percent", digits: 1 }), "12.3%");
 * assert.equal(formatCell(1234567, { key: "n", label: "N", format: "integer", digits: 0 }), "1,234,567");
 * assert.equal(formatCell(0, { key: "t", label: "T", format: "datetime", digits: 0 }), "1970-01-01 00:00 UTC");
 * assert.equal(formatCell(NaN, { key: "x", label: "X", format: "number", digits: 2 }), "–");
 * ```
 */
export function formatCell(value: Cell, column: Column): string {
  if (typeof value === "string") return value;
  if (value === null || !Number.isFinite(value)) return UNDEFINED_TEXT;
  switch (column.format) {
    case "text":
      return String(value);
    case "integer":
      return group(Math.round(value).toString());
    case "number":
      return fixed(value, column.digits);
    case "percent":
      return `${fixed(value * 100, column.digits)}%`;
    case "datetime":
      return formatTime(value);
  }
}

/**
 * An epoch-ms time as `YYYY-MM-DD HH:MM UTC` (seconds shown only when not zero).
 *
 * @example Minutes, and seconds when present
 * ```ts
 * import { formatTime } from "@lib/report/format.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4)), "2024-01-02 03:04 UTC");
 * assert.equal(formatTime(1_500), "1970-01-01 00:00:01.500 UTC");
 * ```
 */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  const secs = iso.slice(16, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${secs === ":00.000" ? "" : secs} UTC`;
}

function fixed(v: number, digits: number): string {
  const s = v.toFixed(digits);
  // "-0.00" reads as a sign error: show zero without a sign.
  return /^-0\.?0*$/.test(s) ? s.slice(1) : group(s);
}

function group(s: string): string {
  const [int, frac] = s.split(".");
  const g = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return frac === undefined ? g : `${g}.${frac}`;
}
