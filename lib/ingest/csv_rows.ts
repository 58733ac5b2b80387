/**
 * The row loop shared by the CSV format parsers: walk data lines, skip blank ones, split on
 * commas and refuse rows with the wrong number of fields as `malformed row`.
 *
 * @module
 */
import type { barColumns, RowProblem } from "./types.ts";
import { colIndex, num } from "./text.ts";
import { shapeProblem } from "./build.ts";

/** Accepted field counts of a row, and the count named in the problem when a row misses. */
export interface FieldRange {
  readonly min: number;
  readonly max: number;
  readonly expected: number;
}

/**
 * Visit every non-blank line of `lines` from index `start`, split on commas. A row whose field
 * count is not `width` (or outside `width.min..width.max`) is recorded in `problems` as a
 * `malformed row` and not visited. `ref` is the 1-based line number. Returns the number of
 * non-blank rows seen, refused ones included (the parsers' `rowsRead`).
 *
 * @example A header, a good row, a blank line and a short row
 * ```ts
 * import { eachCsvRow } from "@lib/ingest/csv_rows.ts";
 * import type { RowProblem } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const problems: RowProblem[] = [];
 * const seen: number[] = [];
 * const rows = eachCsvRow(["a,b", "1,2", "", "3"], 1, 2, problems, (f, ref) => {
 *   seen.push(ref, Number(f[1]));
 * });
 * assert.equal(rows, 2);
 * assert.deepEqual(seen, [2, 2]);
 * assert.equal(problems[0]?.detail, "expected 2 fields, got 1");
 * ```
 */
export function eachCsvRow(
  lines: readonly string[],
  start: number,
  width: number | FieldRange,
  problems: RowProblem[],
  visit: (f: string[], ref: number, line: string) => void,
): number {
  const min = typeof width === "number" ? width : width.min;
  const max = typeof width === "number" ? width : width.max;
  const expected = String(typeof width === "number" ? width : width.expected);
  let rowsRead = 0;
  for (let li = start; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === "") continue;
    rowsRead++;
    const f = line.split(",");
    if (f.length < min || f.length > max) {
      problems.push(shapeProblem(li + 1, line, expected, f.length));
      continue;
    }
    visit(f, li + 1, line);
  }
  return rowsRead;
}

/** Field positions of the bar values in a CSV row; -1 where the format lacks the column. */
export interface BarFieldIndex {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly quoteVolume: number;
  readonly tradeCount: number;
}

/**
 * Bar field positions from a lower-cased header (see `headerNames`): `open`, `high`, `low` and
 * `close` by name (-1 when absent), the volume columns as the format found them.
 *
 * @example A Binance.US header
 * ```ts
 * import { barFieldsFromHeader } from "@lib/ingest/csv_rows.ts";
 * import assert from "node:assert/strict";
 * const at = barFieldsFromHeader(["open_time", "open", "high", "low", "close", "volume"], 5, -1, -1);
 * assert.deepEqual([at.open, at.close, at.volume, at.tradeCount], [1, 4, 5, -1]);
 * ```
 */
export function barFieldsFromHeader(
  h: readonly string[],
  volume: number,
  quoteVolume: number,
  tradeCount: number,
): BarFieldIndex {
  const open = colIndex(h, "open"), high = colIndex(h, "high"), low = colIndex(h, "low");
  return { open, high, low, close: colIndex(h, "close"), volume, quoteVolume, tradeCount };
}

/**
 * Write bar `n`'s open, high, low, close and volume (and quote volume and trade count when their
 * index is not -1) from the fields `f`, each read with `num` (unreadable fields become NaN for
 * the validator). The time and `ref` are the caller's.
 *
 * @example A Kraken OHLCVT row without a quote volume
 * ```ts
 * import { setCsvBar } from "@lib/ingest/csv_rows.ts";
 * import { barColumns } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const c = barColumns(1);
 * const at = { open: 1, high: 2, low: 3, close: 4, volume: 5, quoteVolume: -1, tradeCount: 6 };
 * setCsvBar(c, 0, "1672531200,16535.97,16536.9,16505.54,16524.56,0.29,31".split(","), at);
 * assert.deepEqual([c.high[0], c.volume[0], c.tradeCount[0]], [16536.9, 0.29, 31]);
 * assert.ok(Number.isNaN(c.quoteVolume[0]!));
 * ```
 */
export function setCsvBar(
  c: ReturnType<typeof barColumns>,
  n: number,
  f: readonly string[],
  at: BarFieldIndex,
): void {
  c.open[n] = num(f[at.open]);
  c.high[n] = num(f[at.high]);
  c.low[n] = num(f[at.low]);
  c.close[n] = num(f[at.close]);
  c.volume[n] = num(f[at.volume]);
  if (at.quoteVolume >= 0) c.quoteVolume[n] = num(f[at.quoteVolume]);
  if (at.tradeCount >= 0) c.tradeCount[n] = num(f[at.tradeCount]);
}
