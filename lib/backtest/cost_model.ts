/**
 * The contract between the backtest engine and the cost models.
 *
 * The engine (`backtestWeights`) walks bars in time order. At each bar `t` where it trades it
 * knows, per asset, the weight change it executes (`traded`, a fraction of equity, signed) and
 * the weights it holds over the bar (`held`). Each cost model is a small object, built once with
 * the data it needs (fees, spreads, volatility, ADV, funding history aligned to the engine's
 * grid), that turns one bar's trades and holdings into a cost per asset, as a fraction of
 * equity at the start of the bar (positive = money paid). The engine subtracts every model's
 * cost from the bar's gross return, reports each model's total per bar under the model's
 * `name`, and keeps the per-asset costs for the contribution table.
 *
 * Cost models are pure: no I/O, no clock. They must not read data after bar `t` (a test in
 * each model's suite perturbs data after `t` and checks the cost at `t` is unchanged).
 *
 * @module
 */

/** What the engine tells a cost model about one bar. */
export interface CostBar {
  /** Index of the bar on the engine's time grid. */
  readonly t: number;
  /** The bar's open time, UTC epoch ms. */
  readonly ts: number;
  /** Signed weight traded at this bar per asset (fraction of equity; 0 where nothing traded). */
  readonly traded: Float64Array;
  /** Weights held over this bar per asset, after this bar's trades (fraction of equity). */
  readonly held: Float64Array;
  /** Portfolio equity at the start of the bar in quote currency (for size-dependent costs). */
  readonly equity: number;
  /**
   * The assets with a trade or a holding at this bar, ascending column numbers, in
   * `active[0 .. activeCount - 1]` (the engine gives them; absent from other callers): a model
   * whose cost is 0 for every other asset may loop over these only.
   */
  readonly active?: Int32Array;
  /** How many entries of `active` are in use. */
  readonly activeCount?: number;
}

/** One composable cost model. */
export interface CostModel {
  /** Stable name used as the column of the per-bar cost decomposition, e.g. `"fees"`. */
  readonly name: string;
  /**
   * Writes this bar's cost per asset into `out` (fraction of equity, positive = paid; a
   * negative value is income, e.g. funding received by a short when the rate is positive).
   * `out` is zeroed by the engine before each call.
   */
  cost(bar: CostBar, out: Float64Array): void;
  /**
   * True when the cost is 0 for an asset with nothing traded and nothing held at the bar (every
   * built-in model): the engine then reads and resets `out` only at `bar.active`. A model that
   * may write elsewhere must leave this unset. On a model that limits fills (a `capTrade`
   * method, e.g. `squareRootImpact`) the mark also says that `capTrade` fills nothing where
   * nothing is desired and accepts the engine's list of assets `(t, equity, desired, out, at,
   * count)`: the engine then visits only the assets that hold, have an open order or a target
   * that is not 0; without it every asset is visited at every bar (same result, slower).
   * @default false
   */
  readonly zeroWhenFlat?: boolean;
}
