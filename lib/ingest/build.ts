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

/** Trim bar buffers to `n` rows and wrap them as {@link ParsedBars}. */
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

/** Trim trade buffers to `n` rows and wrap them as {@link ParsedTrades}. */
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

/** A row-shape problem: the row has the wrong number of fields. */
export function shapeProblem(ref: number, raw: string, want: string, got: number): RowProblem {
  return {
    ref,
    raw,
    kind: "malformed row",
    detail: `expected ${want} fields, got ${got}`,
  };
}

/** Raw text lookup for CSV parsers: the original line of parsed row `i`. */
export function lineRaw(lines: readonly string[], ref: Int32Array): (i: number) => string {
  return (i) => lines[ref[i]! - 1] ?? "";
}
