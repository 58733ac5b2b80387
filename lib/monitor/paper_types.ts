/**
 * Types of paper trading: the bars it runs on, its options, its state (plain JSON, the last row
 * of `monitor_paper_marks`), and the orders, fills and marks each step appends.
 *
 * @module
 */
import type { CostModel } from "../backtest/cost_model.ts";
import type { PairsMeanReversionOptions } from "../backtest/strategies/pairs_mean_reversion.ts";

/**
 * A pair's closed bars on one time grid, oldest first, the whole history the monitor holds (the
 * rule's rolling windows and its position need it; the engine only acts on rows it has not
 * processed yet). A missing bar of one leg is NaN (the grid must have a row per bar time, as
 * `backtestWeights` does).
 */
export interface PaperBars {
  /** Bar open times, UTC epoch ms, increasing. */
  readonly ts: ArrayLike<number>;
  /** Closes of the regressed leg y (the first symbol of `Y:X`). */
  readonly y: ArrayLike<number>;
  /** Closes of the hedge leg x. */
  readonly x: ArrayLike<number>;
  /** Bar length in ms (a fill at the close of bar t happens at `ts[t] + barMs`). */
  readonly barMs: number;
}

/** Options of paper trading; defaults in `PAPER_DEFAULTS` and `PAIRS_MEAN_REVERSION_DEFAULTS`. */
export interface PaperOptions {
  /**
   * The z-score rule, exactly the options of `pairsMeanReversion` (lib/backtest/strategies):
   * hedge ratio, windows, entry/exit/stop bands, sizing, gross, hedgeUpdate.
   * @default {} (that function's defaults)
   */
  readonly rule?: PairsMeanReversionOptions;
  /**
   * Cost models of lib/backtest/costs applied to both legs at every fill, as `backtestWeights`
   * applies them (a model sees `t` = the grid row after the fill bar, `ts` = the fill time,
   * the traded and held weights and the equity before the fill). A model that reads per-bar
   * data by `t` (`halfSpreadCost`, `squareRootImpact`) must cover one row more than the bars:
   * the fill at the last close is row `n` (the backtest never charges that fill). `feeCost`
   * needs nothing per bar.
   * @default [] (no costs)
   */
  readonly costs?: readonly CostModel[];
  /** Starting cash in quote currency. @default 1_000_000 (the backtest's default) */
  readonly initialEquity?: number;
}

/**
 * The state of one paper book after a bar: where to resume. Plain JSON numbers (NaN only in
 * the prices before a leg's first bar). `loadPaperState` of lib/store rebuilds it from the last
 * stored mark.
 */
export interface PaperState {
  /** The next grid row to process (rows before it are done). */
  readonly row: number;
  /** Open time of the last processed bar, null before the first. */
  readonly ts: number | null;
  /** Cash in quote currency (after the last fill and its costs). */
  readonly cash: number;
  /** Units held of y and x (signed) after the last fill. */
  readonly unitsY: number;
  readonly unitsX: number;
  /** Last known close of each leg (the mark), NaN before its first bar. */
  readonly priceY: number;
  readonly priceX: number;
  /** Equity marked at the last bar's close, before its fill. */
  readonly equity: number;
  /** The position decided at the last bar (+1 long the spread, -1 short, 0 flat). */
  readonly position: -1 | 0 | 1;
  /** True once equity fell to 0 or below: no more trading (the backtest's ruin rule). */
  readonly halted: boolean;
}

/** Which decision an order carries. */
export type PaperAction = "open-long" | "open-short" | "exit" | "stop" | "close";

/** A decision waiting for (or filled at) the next bar's close. */
export interface PaperOrder {
  /** Rule orders: `rule/${decidedTs}`; manual orders: the id the caller gave. */
  readonly id: string;
  readonly source: "rule" | "manual";
  /** Rule: a position change at `decidedTs` (entry, exit band, stop); manual: open or close. */
  readonly action: PaperAction;
  /** Open time of the bar at whose close the decision was made; filled at the next bar's close. */
  readonly decidedTs: number;
  /** Target weights (fractions of the book's equity) of y and x. */
  readonly targetY: number;
  readonly targetX: number;
  /** The hedge ratio that sized it (NaN when unknown). */
  readonly hedgeRatio: number;
  /** The z-score at the decision (NaN when unknown). */
  readonly z: number;
}

/** One leg's fill at a bar's close. */
export interface PaperFill {
  /** Open time of the bar whose close filled it. */
  readonly ts: number;
  /** Its grid row. */
  readonly row: number;
  /** 0 = y, 1 = x. */
  readonly leg: 0 | 1;
  /** Units bought (+) or sold (-). */
  readonly qty: number;
  /** The bar's close. */
  readonly price: number;
  /** `qty * price / equity` before the fill (what the cost models saw). */
  readonly tradedWeight: number;
  /** This leg's cost in quote currency, all models. */
  readonly cost: number;
  /** Per cost model name, quote currency. */
  readonly costs: Readonly<Record<string, number>>;
  /** The order this fill executes; null for a rebalancing fill (weights drifted back to target). */
  readonly orderId: string | null;
}

/** The book at one bar's close. */
export interface PaperMark {
  readonly row: number;
  readonly ts: number;
  /** Last known closes (NaN before a leg's first bar). */
  readonly priceY: number;
  readonly priceX: number;
  /** Cash + units x closes, before this close's fill: equals the backtest's `equity[row]`. */
  readonly equity: number;
  /** Costs paid at this close's fill (quote). */
  readonly cost: number;
  /** After the fill. */
  readonly cash: number;
  readonly unitsY: number;
  readonly unitsX: number;
  /** The position decided at this close. */
  readonly position: -1 | 0 | 1;
  /** The rule's z-score and hedge ratio at this bar (NaN in the warm-up). */
  readonly z: number;
  readonly hedgeRatio: number;
  readonly halted: boolean;
}

/** What a paper step returns: append `orders`, `fills` and `marks` (one transaction). */
export interface PaperStep {
  readonly state: PaperState;
  readonly orders: readonly PaperOrder[];
  readonly fills: readonly PaperFill[];
  readonly marks: readonly PaperMark[];
}
