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

/**
 * The key of a built-in model's {@link CostKernel} (internal: the engine reads it, nothing
 * else should).
 */
export const COST_KERNEL: unique symbol = Symbol("cryptolab.costKernel");

/**
 * The arithmetic of a built-in cost model, as data, so that `backtestWeights` can compute it in
 * its own pass over the assets (the same expressions in the same order: the same bits) instead
 * of calling `cost` once per bar and reading `out` back. `cost` (and `capTrade`) are the
 * model's own methods: a copy of the model whose methods were replaced is not inlined. A user
 * model has no kernel and is called as the contract above says.
 */
export type CostKernel =
  & {
    /** The model's `cost` this kernel computes. */
    readonly cost: CostModel["cost"];
    /** Asset columns the model was built for; -1 for any number (one fee rate for all). */
    readonly width: number;
    /** Bars the model's inputs cover (rows 0 .. bars - 1); Infinity for no inputs. */
    readonly bars: number;
  }
  & (
    /** `rate_i * |traded_i|` at every active asset (`rates` per asset, else `rate`). */
    | { readonly kind: "fee"; readonly rate: number; readonly rates: Float64Array | undefined }
    /** `|traded_i| * charged[t * width + i] / 2` where traded. */
    | { readonly kind: "spread"; readonly charged: Float64Array }
    /**
     * `|x| * k * S[j] * sqrt(|x| * equity / A[j])` where traded, `j` the latest row at or before
     * `t` with `A` known; fills capped to `cap * A[t * width + i] / equity` (0 where unknown).
     * `S[j]` and `A[j]` are `SA[2 * j]` and `SA[2 * j + 1]`, side by side: the cap reads `A`
     * and brings `S` into cache with it.
     */
    | {
      readonly kind: "impact";
      readonly SA: Float64Array;
      readonly k: number;
      readonly cap: number;
      readonly capTrade: (...args: never[]) => unknown;
    }
    /** `held_i * R[t * width + i]` where both are not 0. */
    | { readonly kind: "funding"; readonly R: Float64Array }
  );
