/**
 * The input, options and result types of the backtest engine ({@link backtestWeights}).
 *
 * Every per-bar series has one value per bar of the input grid (`T` bars, row `t` = the bar
 * whose open time is `index[t]`); every per-asset table has one column per input asset, in
 * input order. Weights are fractions of equity (signed: negative is short).
 *
 * @module
 */
import type { CostModel } from "./cost_model.ts";
import type { Redenomination } from "../panel/redenominations.ts";
import type { TrialLedger, TrialSpec } from "../research/ledger.ts";

/**
 * Close prices per asset on one time grid: a {@link Panel} from `lib/panel` fits, as does any
 * object with `close` columns. A missing bar is NaN.
 */
export interface PriceInput {
  /** Close price per asset column, one value per bar; NaN where the bar is missing. */
  readonly close: readonly ArrayLike<number>[];
  /** Bar open times, UTC epoch ms (one per bar). @default 0, 1, 2, ... (bar numbers) */
  readonly index?: ArrayLike<number>;
  /** Column labels. @default "0", "1", ... */
  readonly assets?: readonly string[];
  /**
   * Traded volume in units of the asset, per asset column (a Panel's `volume`): only read to
   * confirm a redenomination (units volume moving inversely to the price). @default none
   */
  readonly volume?: readonly ArrayLike<number>[];
}

/**
 * Simple returns per asset column, one value per bar: `returns[a][t]` is the return from the
 * asset's LAST EXISTING close before bar `t` to bar `t`'s close (a return spanning a gap is
 * given at the first bar after the gap); NaN means bar `t` does not exist for the asset. A plain
 * array of columns is accepted too (index and labels then default to bar numbers).
 */
export interface ReturnsInput {
  readonly returns: readonly ArrayLike<number>[];
  /** Bar open times, UTC epoch ms. @default 0, 1, 2, ... */
  readonly index?: ArrayLike<number>;
  /** Column labels. @default "0", "1", ... */
  readonly assets?: readonly string[];
}

/** What {@link backtestWeights} runs on. */
export type BacktestInput = PriceInput | ReturnsInput | readonly ArrayLike<number>[];

/** When the portfolio trades back to its targets. */
export type Rebalance =
  /** At every bar (a new order at every bar). */
  | "every-bar"
  /** At bars `t` with `(t - offset) % every === 0` (grid index of the fill bar). */
  | { readonly every: number; readonly offset?: number }
  /** At each bar where some asset's drifted weight is more than `threshold` from its target. */
  | { readonly driftThreshold: number };

/** Options of {@link backtestWeights}; defaults in {@link BACKTEST_DEFAULTS}. */
export interface BacktestOptions {
  /**
   * Execution lag in bars: targets decided with data up to bar `t`'s close (row `t` of the
   * target weights) are filled at bar `t + lag`'s close and earn returns from bar
   * `t + lag + 1` on. `0` fills at the same close the decision used (not achievable live) and
   * must be asked for explicitly: the result is flagged (`metadata.lagZero`, a warning).
   * @default 1
   */
  readonly lag?: number;
  /** Cost models (see `./cost_model.ts` and `./costs/`), each reported under its `name`. @default [] */
  readonly costs?: readonly CostModel[];
  /** When to trade back to the targets. @default "every-bar" */
  readonly rebalance?: Rebalance;
  /**
   * Redenominations found in the input (a close ratio near a power of ten >= 100 that the
   * other assets did not make and the units volume mirrors; `detectRedenominations` of
   * lib/panel/redenominations.ts) are always listed in `metadata.redenominations` and warned
   * about. `"warn"` leaves the data as given (the jump is earned as a return); `"adjust"`
   * rescales the asset's prices before each event by its factor (with returns input, the
   * event's return is divided by it), so the return there is only the move left once the
   * units are the same, and records that it did.
   * @default "warn"
   */
  readonly redenominations?: "warn" | "adjust";
  /**
   * Starting equity in quote currency (what size-dependent costs such as market impact and
   * participation caps see). @default 1_000_000
   */
  readonly initialEquity?: number;
  /**
   * The trial ledger to append this run to (`openLedger` of lib/research/ledger.ts): one trial
   * of kind `returns` with the per-bar `net` series, recorded after the run. @default none
   */
  readonly ledger?: TrialLedger | undefined;
  /** Names the trial when `ledger` is given: its family, params, source, dataset, freq. */
  readonly trial?: TrialSpec | undefined;
}

/**
 * An asset whose data ends before the backtest's last bar. Its position was held at its last
 * value until the backtest's last bar (the engine cannot know earlier that no bar will come) and
 * sold there at its last existing close; the costs of that sale are in the last row.
 */
export interface EndedAsset {
  readonly asset: string;
  /** Column of the asset. */
  readonly column: number;
  /** Its last existing bar (row), whose close is the price it was sold at. */
  readonly lastBar: number;
  /** Open time of that bar (UTC ms, or the bar number without an index). */
  readonly lastTs: number;
  /**
   * The weight sold at the close of the backtest's last bar (its weight held over that bar, a
   * fraction of the equity at the bar's start; 0 when nothing was held).
   */
  readonly closedWeight: number;
}

/** How the result was produced: every rule, in words, and what was flagged. */
export interface BacktestMetadata {
  readonly engine: "backtestWeights";
  /** `prices` (close columns, returns computed as spanning simple returns) or `returns`. */
  readonly input: "prices" | "returns";
  readonly lag: number;
  /** True when `lag` is 0: fills at the decision's own close, which cannot be done live. */
  readonly lagZero: boolean;
  readonly rebalance: Rebalance;
  readonly initialEquity: number;
  /** Names of the cost models, in the order given (the keys of `costs`). */
  readonly costNames: readonly string[];
  readonly bars: number;
  readonly assets: number;
  /** The rules the engine applied, one sentence each (fill time and price, gaps, fees, ...). */
  readonly rules: readonly string[];
  /** Things to look at: lag 0, assets closed early, targets that could not be filled, ... */
  readonly warnings: readonly string[];
  /** Assets whose data ended before the last bar (sold at their last price at the last bar). */
  readonly endedEarly: readonly EndedAsset[];
  /** First row where equity was <= 0 (trading stopped there), or -1. */
  readonly ruinBar: number;
  /**
   * Redenominations found in the input, each with `adjusted` true when its prices before the
   * event were rescaled (option `redenominations: "adjust"`); each is also in `warnings`.
   */
  readonly redenominations: readonly (Redenomination & { readonly adjusted: boolean })[];
}

/** Per-asset totals over the whole run. */
export interface BacktestContribution {
  /** `sum_t held[a][t] * r[a][t]`: asset `a`'s part of the summed gross returns. */
  readonly gross: Float64Array;
  /** Per cost model name, `sum_t cost[a][t]` (fraction of equity per bar, summed). */
  readonly costs: Readonly<Record<string, Float64Array>>;
  /** `gross - sum of costs`, per asset (sums to `sum_t net[t]`). */
  readonly net: Float64Array;
  /** `sum_t |traded[a][t]|`. */
  readonly turnover: Float64Array;
}

/**
 * The result of {@link backtestWeights}. Row `t` describes bar `t`: the weights held over it
 * (set at the fill at its open = the previous bar's close), the return they earned to its close,
 * and the costs of that fill and of holding over the bar. All series are fractions of the equity
 * at the start of bar `t` (before the bar's costs), so `net[t] = gross[t] - totalCost[t]`
 * exactly and `equity[t] = equity[t - 1] * (1 + net[t])`.
 */
export interface BacktestResult {
  /** Bar open times (UTC ms; bar numbers without an index). */
  readonly index: Float64Array;
  readonly assets: readonly string[];
  /** `sum_a held[a][t] * r[a][t]` over the assets with a bar at `t`. */
  readonly gross: Float64Array;
  /** Per cost model name, the bar's total cost (positive = paid). */
  readonly costs: Readonly<Record<string, Float64Array>>;
  /** Sum of all cost models per bar. */
  readonly totalCost: Float64Array;
  /** `gross - totalCost`. */
  readonly net: Float64Array;
  /** `sum_a |traded[a][t]|`: the weight traded at the fill that opens bar `t`. */
  readonly turnover: Float64Array;
  /** `sum_a |held[a][t]|`. */
  readonly grossExposure: Float64Array;
  /** `sum_a held[a][t]`. */
  readonly netExposure: Float64Array;
  /** Equity at the close of bar `t` in quote currency (`initialEquity` before bar 0). */
  readonly equity: Float64Array;
  /** Weights held over bar `t`, one Float64Array of `T` per asset (`weights[a][t]`). */
  readonly weights: readonly Float64Array[];
  /** Weight traded at the fill that opens bar `t`, per asset (`traded[a][t]`, signed). */
  readonly traded: readonly Float64Array[];
  readonly contribution: BacktestContribution;
  readonly metadata: BacktestMetadata;
}
