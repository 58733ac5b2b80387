/**
 * Quarantined rows as CSV or JSON, for spreadsheets, pandas or a bug report.
 *
 * @module
 */
import type { QuarantinedRow } from "../store/quarantine.ts";

/** Export formats of {@link formatQuarantine}. */
export type QuarantineExportFormat = "csv" | "json";

/** The columns of an export, in order. */
export const QUARANTINE_COLUMNS = [
  "id",
  "quarantined_at",
  "source",
  "locator",
  "format",
  "venue",
  "symbol",
  "freq",
  "reason",
  "raw",
] as const;

function record(
  r: QuarantinedRow,
): Record<(typeof QUARANTINE_COLUMNS)[number], string | number | null> {
  return {
    id: r.id,
    quarantined_at: new Date(r.at).toISOString(),
    source: r.source,
    locator: r.locator,
    format: r.format ?? null,
    venue: r.venue ?? null,
    symbol: r.symbol ?? null,
    freq: r.freq ?? null,
    reason: r.reason,
    raw: r.raw,
  };
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
function csvField(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * Rows as RFC 4180 CSV (header line, CRLF line ends, every field that needs it quoted, so a raw
 * row with commas and newlines survives; empty for a missing value) or as a JSON document
 * `{"schema": "cryptolab.quarantine/1", "rows": [...]}` with the same column names. Times are
 * ISO 8601 UTC.
 *
 * @example A raw CSV row with commas survives a CSV round trip
 * ```ts
 * import { formatQuarantine } from "@lib/ingest/quarantine_export.ts";
 * import assert from "node:assert/strict";
 * const row = {
 *   id: 7, source: "file:a.csv", locator: "line 3", raw: '1,"x",2', reason: "high < low: 1 < 2",
 *   at: 0, runId: 1, format: "iso_csv", venue: "binance", symbol: "BTCUSDT", freq: "1h",
 *   preamble: undefined,
 * };
 * assert.equal(formatQuarantine([row], "csv").split("\r\n")[1],
 *   '7,1970-01-01T00:00:00.000Z,file:a.csv,line 3,iso_csv,binance,BTCUSDT,1h,high < low: 1 < 2,"1,""x"",2"');
 * assert.equal(JSON.parse(formatQuarantine([row], "json")).rows[0].raw, '1,"x",2');
 * ```
 */
export function formatQuarantine(
  rows: readonly QuarantinedRow[],
  format: QuarantineExportFormat,
): string {
  if (format === "json") {
    return JSON.stringify({ schema: "cryptolab.quarantine/1", rows: rows.map(record) }, null, 1) +
      "\n";
  }
  const lines = [QUARANTINE_COLUMNS.join(",")];
  for (const r of rows) {
    const rec = record(r);
    lines.push(QUARANTINE_COLUMNS.map((c) => csvField(rec[c])).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}
