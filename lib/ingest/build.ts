/**
 * Assembling parse results from filled column buffers (shared by the format parsers).
 *
 * @module
 */
import {
  barColumns,
  type ParsedBars,
  type ParsedTrades,
  type RefKind,
  type RowProblem,
  tradeColumns,
} from "./types.ts";
import { shrink } from "./text.ts";

/** What a parser knows about its file besides the columns (see {@link finishBars}). */
export interface ParseMeta {
  refKind: RefKind;
  /** Raw text of parsed row `i` (see {@link lineRaw} and {@link jsonRaw}). */
  raw: (i: number) => string;
  problems: RowProblem[];
  rowsRead: number;
  symbol?: string | undefined;
}

/**
 * Trim bar buffers to `n` rows and wrap them as {@link ParsedBars}.
 *
 * @example Trim to the rows filled
 * ```ts
 * import { finishBars } from "@lib/ingest/build.ts";
 * import { barColumns } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const c = barColumns(4);
 * c.ts[0] = 60_000;
 * const p = finishBars(c, 1, { refKind: "line", raw: () => "", problems: [], rowsRead: 1 });
 * assert.equal(p.ts.length, 1);
 * ```
 */
export function finishBars(
  c: ReturnType<typeof barColumns>,
  n: number,
  meta: ParseMeta,
): ParsedBars {
  return {
    kind: "bars",
    n,
    ts: shrink(c.ts, n),
    open: shrink(c.open, n),
    high: shrink(c.high, n),
    low: shrink(c.low, n),
    close: shrink(c.close, n),
    volume: shrink(c.volume, n),
    quoteVolume: shrink(c.quoteVolume, n),
    tradeCount: shrink(c.tradeCount, n),
    ref: shrink(c.ref, n),
    refKind: meta.refKind,
    raw: meta.raw,
    problems: meta.problems,
    rowsRead: meta.rowsRead,
    symbol: meta.symbol,
  };
}

/**
 * Trim trade buffers to `n` rows and wrap them as {@link ParsedTrades}.
 *
 * @example Trim to the rows filled
 * ```ts
 * import { finishTrades } from "@lib/ingest/build.ts";
 * import { tradeColumns } from "@lib/ingest/types.ts";
 * import assert from "node:assert/strict";
 * const c = tradeColumns(3);
 * c.tradeId[0] = 7;
 * const p = finishTrades(c, 1, { refKind: "row", raw: () => "", problems: [], rowsRead: 1 });
 * assert.deepEqual(p.tradeId, [7]);
 * ```
 */
export function finishTrades(
  c: ReturnType<typeof tradeColumns>,
  n: number,
  meta: ParseMeta & { venue?: string | undefined },
): ParsedTrades {
  c.tradeId.length = n;
  return {
    kind: "trades",
    n,
    tradeId: c.tradeId,
    ts: shrink(c.ts, n),
    price: shrink(c.price, n),
    qty: shrink(c.qty, n),
    side: shrink(c.side, n),
    ref: shrink(c.ref, n),
    refKind: meta.refKind,
    raw: meta.raw,
    problems: meta.problems,
    rowsRead: meta.rowsRead,
    venue: meta.venue,
    symbol: meta.symbol,
  };
}

/**
 * A row-shape problem: the row has the wrong number of fields.
 *
 * @example A short row
 * ```ts
 * import { shapeProblem } from "@lib/ingest/build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shapeProblem(4, "1,2", "7", 2).detail, "expected 7 fields, got 2");
 * ```
 */
export function shapeProblem(ref: number, raw: string, want: string, got: number): RowProblem {
  return {
    ref,
    raw,
    kind: "malformed row",
    detail: `expected ${want} fields, got ${got}`,
  };
}

/**
 * Raw text lookup for CSV parsers: the original line of parsed row `i`.
 *
 * @example Row 0 came from line 2
 * ```ts
 * import { lineRaw } from "@lib/ingest/build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(lineRaw(["header", "1,2,3"], new Int32Array([2]))(0), "1,2,3");
 * ```
 */
export function lineRaw(lines: readonly string[], ref: Int32Array): (i: number) => string {
  return (i) => lines[ref[i]! - 1] ?? "";
}

/**
 * A trade row without an id (ids are how re-imports and overlaps are deduplicated).
 *
 * @example An empty id field
 * ```ts
 * import { missingIdProblem } from "@lib/ingest/build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(missingIdProblem(3, ",1,2").kind, "missing trade id");
 * ```
 */
export function missingIdProblem(ref: number, raw: string): RowProblem {
  return { ref, raw, kind: "missing trade id", detail: "empty id" };
}

/**
 * A JSON array element of the wrong shape, re-serialized as its raw text.
 *
 * @example A number where a row was expected
 * ```ts
 * import { jsonRowProblem } from "@lib/ingest/build.ts";
 * import assert from "node:assert/strict";
 * const p = jsonRowProblem(2, 5, "expected [ts, price]");
 * assert.deepEqual([p.raw, p.kind], ["5", "malformed row"]);
 * assert.equal(jsonRowProblem(1, undefined, "x").raw, "undefined");
 * ```
 */
export function jsonRowProblem(ref: number, row: unknown, detail: string): RowProblem {
  return { ref, raw: JSON.stringify(row) ?? "undefined", kind: "malformed row", detail };
}

/**
 * Raw text lookup for JSON parsers: parsed row `i` re-serialized from element `ref[i] - 1`.
 *
 * @example Row 0 came from element 2
 * ```ts
 * import { jsonRaw } from "@lib/ingest/build.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jsonRaw([[1], [2, 3]], new Int32Array([2]))(0), "[2,3]");
 * ```
 */
export function jsonRaw(data: readonly unknown[], ref: Int32Array): (i: number) => string {
  return (i) => JSON.stringify(data[ref[i]! - 1]);
}
