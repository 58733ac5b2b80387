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
  meta: {
    refKind: RefKind;
    raw: (i: number) => string;
    problems: RowProblem[];
    rowsRead: number;
    symbol?: string | undefined;
  },
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
  meta: {
    refKind: RefKind;
    raw: (i: number) => string;
    problems: RowProblem[];
    rowsRead: number;
    venue?: string | undefined;
    symbol?: string | undefined;
  },
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
