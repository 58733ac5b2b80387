/**
 * What the format parsers return: columns of typed arrays plus the rows they refused.
 *
 * A parser is a pure function from file contents to {@link ParsedBars} or
 * {@link ParsedTrades}: no I/O, no store. Values it cannot read become NaN so that one place,
 * the validator, decides what is bad; rows whose shape is wrong (too few columns) are reported
 * as {@link RowProblem}s at once. A file that cannot be read at all throws
 * {@link FileParseError}, which names the line.
 *
 * @module
 */

/** One refused row: where it was, its raw text and why. */
export interface RowProblem {
  /** 1-based line number (CSV) or row number (JSON, parquet). */
  readonly ref: number;
  /** The row as it appeared in the file (JSON rows re-serialized). */
  readonly raw: string;
  /** Short category used for per-file counts, e.g. `high < low`. */
  readonly kind: string;
  /** Details, e.g. `high 3 < low 5`. */
  readonly detail: string;
}

/** How row references are counted in a format: text lines or array elements. */
export type RefKind = "line" | "row";

/** Bars read from one file, in file order (not yet validated, sorted or deduplicated). */
export interface ParsedBars {
  readonly kind: "bars";
  /** Number of parsed rows (columns have this length). */
  readonly n: number;
  /** Bar open time, UTC epoch ms (NaN when unreadable). */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  /** NaN where the format has no quote volume. */
  readonly quoteVolume: Float64Array;
  /** NaN where the format has no trade count. */
  readonly tradeCount: Float64Array;
  /** Line or row of each parsed row, for quarantine locators. */
  readonly ref: Int32Array;
  readonly refKind: RefKind;
  /** Raw text of parsed row `i` (built lazily: only refused rows need it). */
  readonly raw: (i: number) => string;
  /** Rows refused while parsing (wrong shape, cross-check failures). */
  readonly problems: RowProblem[];
  /** Data rows seen in the file, including refused ones. */
  readonly rowsRead: number;
  /** Symbol written inside the file (CDD `symbol` column), as found. */
  readonly symbol: string | undefined;
}

/** Trades read from one file, in file order (not yet validated or deduplicated). */
export interface ParsedTrades {
  readonly kind: "trades";
  readonly n: number;
  /** Venue trade ids: integers when the venue numbers trades, strings otherwise. */
  readonly tradeId: (number | string)[];
  /** Execution time, UTC epoch ms (fractional when the source has microseconds). */
  readonly ts: Float64Array;
  readonly price: Float64Array;
  readonly qty: Float64Array;
  /** Aggressor side: 1 buy, -1 sell, 0 unknown. */
  readonly side: Int8Array;
  readonly ref: Int32Array;
  readonly refKind: RefKind;
  readonly raw: (i: number) => string;
  readonly problems: RowProblem[];
  readonly rowsRead: number;
  /** Venue named inside the file (Tardis `exchange`), already mapped to a cryptolab venue id. */
  readonly venue: string | undefined;
  /** Symbol named inside the file (Tardis `symbol`, ccxt `symbol`), as found. */
  readonly symbol: string | undefined;
}

/** Either kind of parse result. */
export type Parsed = ParsedBars | ParsedTrades;

/**
 * A file that cannot be parsed at all (bad JSON, unknown header). Carries the 1-based line so
 * the user can open the file at the right place.
 *
 * @example Name the line
 * ```ts
 * import { FileParseError } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const e = new FileParseError(3, "expected 7 columns, got 2");
 * assert.equal(e.line, 3);
 * assert.match(e.message, /line 3: expected 7 columns/);
 * ```
 */
export class FileParseError extends Error {
  override name = "FileParseError";
  /** 1-based line where parsing failed. */
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

/**
 * Allocate the columns of a bar parse result for up to `cap` rows.
 *
 * @example Optional columns start as NaN
 * ```ts
 * import { barColumns } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const c = barColumns(2);
 * assert.ok(Number.isNaN(c.quoteVolume[0]!));
 * assert.equal(c.open[0], 0);
 * ```
 */
export function barColumns(cap: number): {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  quoteVolume: Float64Array;
  tradeCount: Float64Array;
  ref: Int32Array;
} {
  return {
    ts: new Float64Array(cap),
    open: new Float64Array(cap),
    high: new Float64Array(cap),
    low: new Float64Array(cap),
    close: new Float64Array(cap),
    volume: new Float64Array(cap),
    quoteVolume: new Float64Array(cap).fill(NaN),
    tradeCount: new Float64Array(cap).fill(NaN),
    ref: new Int32Array(cap),
  };
}

/**
 * Allocate the columns of a trade parse result for up to `cap` rows.
 *
 * @example Empty trade buffers
 * ```ts
 * import { tradeColumns } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tradeColumns(5).ts.length, 5);
 * ```
 */
export function tradeColumns(cap: number): {
  tradeId: (number | string)[];
  ts: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  side: Int8Array;
  ref: Int32Array;
} {
  return {
    tradeId: new Array<number | string>(cap),
    ts: new Float64Array(cap),
    price: new Float64Array(cap),
    qty: new Float64Array(cap),
    side: new Int8Array(cap),
    ref: new Int32Array(cap),
  };
}
