/**
 * Build a panel from columns already on a grid, checking every invariant a panel promises.
 *
 * @module
 */
import { type Freq, freqMs } from "../core/freq.ts";
import { logReturns } from "./log_returns.ts";
import type { Panel } from "./types.ts";

/** Input of {@link fromColumns}: any OHLCV field left out is all NaN. */
export interface PanelColumns {
  readonly freq: Freq;
  readonly venue: string;
  readonly assets: readonly string[];
  readonly index: Float64Array;
  readonly open?: readonly Float64Array[] | undefined;
  readonly high?: readonly Float64Array[] | undefined;
  readonly low?: readonly Float64Array[] | undefined;
  readonly close?: readonly Float64Array[] | undefined;
  readonly volume?: readonly Float64Array[] | undefined;
}

/**
 * Assemble a {@link Panel}: checks that `index` is every point of the `freq` grid between its
 * ends (strictly increasing by one bar, each time a multiple of the bar length), that labels
 * are unique and that every column has one value per row; computes `logReturns` from `close`.
 * Columns are used as given, not copied. O(rows x assets).
 *
 * @example
 * ```ts
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const p = fromColumns({ freq: "1d", venue: "sim", assets: ["A"],
 *   index: new Float64Array([0, 86_400_000]), close: [new Float64Array([1, Math.E])] });
 * assert.equal(p.logReturns[0]![1], 1);
 * assert.ok(Number.isNaN(p.open[0]![0]!));
 * assert.throws(() => fromColumns({ freq: "1d", venue: "sim", assets: [],
 *   index: new Float64Array([0, 2 * 86_400_000]) }), /every grid point/);
 * ```
 */
export function fromColumns(c: PanelColumns): Panel {
  const step = freqMs(c.freq);
  const n = c.index.length;
  for (let t = 0; t < n; t++) {
    const ts = c.index[t]!;
    if (ts % step !== 0 || (t > 0 && ts - c.index[t - 1]! !== step)) {
      throw new RangeError(
        `Cannot build a ${c.freq} panel: the index must hold every grid point (times that are ` +
          `multiples of ${step} ms, one bar apart) but row ${t} is ${ts}` +
          (t > 0 ? ` after ${c.index[t - 1]}` : "") +
          `; align the data with alignToGrid first`,
      );
    }
  }
  if (new Set(c.assets).size !== c.assets.length) {
    throw new RangeError(`Cannot build a panel: asset labels repeat in [${c.assets.join(", ")}]`);
  }
  const field = (name: string, cols: readonly Float64Array[] | undefined): Float64Array[] => {
    if (cols === undefined) return c.assets.map(() => new Float64Array(n).fill(NaN));
    if (cols.length !== c.assets.length) {
      throw new RangeError(
        `Cannot build a panel: ${name} has ${cols.length} columns for ${c.assets.length} assets`,
      );
    }
    cols.forEach((col, a) => {
      if (col.length !== n) {
        throw new RangeError(
          `Cannot build a panel: ${name} of ${c.assets[a]} has ${col.length} rows, index has ${n}`,
        );
      }
    });
    return [...cols];
  };
  const close = field("close", c.close);
  return {
    freq: c.freq,
    venue: c.venue,
    assets: [...c.assets],
    index: c.index,
    open: field("open", c.open),
    high: field("high", c.high),
    low: field("low", c.low),
    close,
    volume: field("volume", c.volume),
    logReturns: close.map(logReturns),
  };
}
