/**
 * Types shared by the strategies and the trade log: target weights on the grid, round-trip
 * trades and their summary.
 *
 * @module
 */
import type { BacktestResult } from "../types.ts";

/**
 * What a strategy decides: target weights `weights[a][t]` (fraction of equity, signed) per asset
 * column, row `t` decided with data up to bar `t`'s close only; feed them to `backtestWeights`.
 */
export interface StrategyTargets {
  /** Target weight per asset column, one value per bar (0 = flat). */
  readonly weights: Float64Array[];
  /**
   * Asset columns that trade as one unit, e.g. `[[0, 1]]` for the two legs of a pair: the
   * trade log makes one round trip of the group from the fill that opens its first leg to the
   * fill that closes its last. Columns not in a group are their own group.
   */
  readonly groups?: readonly (readonly number[])[];
}

/** One leg (asset) of a round trip. */
export interface TradeLeg {
  readonly asset: string;
  /** Column of the asset in the backtest. */
  readonly column: number;
  /** Weight held right after the opening fill of this leg (signed fraction of equity). */
  readonly entryWeight: number;
  /**
   * Close of the bar whose close filled the leg's opening order (the engine's fill price); NaN
   * for a leg of a group that was never held during the trade (its order still waiting).
   */
  readonly entryPrice: number;
  /**
   * Close of the bar whose close filled the leg's closing order; for a trade still open at the
   * end, the leg's last existing close (the mark).
   */
  readonly exitPrice: number;
}

/**
 * One round trip of an asset or a group: from the fill that opens a position from flat (or
 * flips its side) to the fill that brings it back to flat (or flips it). Resizing in between
 * (rebalancing, a changed hedge ratio) stays inside the trade.
 */
export interface Trade {
  /** The legs, in the group's column order. */
  readonly legs: readonly TradeLeg[];
  /** Sign of the first leg's opening weight: "long" (long the asset, or long the spread). */
  readonly side: "long" | "short";
  /** The bar at whose close the opening fill happened (grid row). */
  readonly entryBar: number;
  /**
   * Open time of `entryBar` (UTC ms, or the bar number without an index); the fill itself was at
   * that bar's close, the open time of the next bar.
   */
  readonly entryTs: number;
  /** The bar at whose close the closing fill happened; the last bar for a trade still open. */
  readonly exitBar: number;
  /** Open time of `exitBar`. */
  readonly exitTs: number;
  /** True when the position was still held over the last bar (exit prices are marks). */
  readonly open: boolean;
  /** Bars that earned returns: `exitBar - entryBar`. */
  readonly barsHeld: number;
  /** Sum over the trade's bars and legs of `held * return` (fractions of the equity at each bar's start). */
  readonly grossReturn: number;
  /** The same in quote currency: each bar's part times the equity at the bar's start. */
  readonly grossPnl: number;
  /** Costs attributed to the trade, per cost model name, in quote currency. */
  readonly costs: Readonly<Record<string, number>>;
  /** Sum of `costs`, in quote currency. */
  readonly totalCost: number;
  /** Sum of `costs` as fractions of the equity at each bar's start. */
  readonly costReturn: number;
  /** `grossReturn - costReturn`. */
  readonly netReturn: number;
  /** `grossPnl - totalCost` (quote currency). */
  readonly netPnl: number;
  /**
   * `netPnl` over the gross value committed at entry (`sum |entryWeight|` times the equity at
   * the opening fill): the trade's own return, what freqtrade and vectorbt call a trade's profit
   * ratio. A full-weight long without costs gets exactly `exitPrice / entryPrice - 1`.
   */
  readonly returnOnEntry: number;
}

/** Statistics over the CLOSED trades of a {@link TradeLog} (open trades are only counted). */
export interface TradeSummary {
  /** Closed round trips. */
  readonly count: number;
  /** Trades still open at the last bar (not in the statistics). */
  readonly openCount: number;
  /** Closed trades with `netPnl > 0`. */
  readonly wins: number;
  /** Closed trades with `netPnl < 0` (a trade at exactly 0 is neither). */
  readonly losses: number;
  /** `wins / count` (NaN without closed trades). */
  readonly hitRate: number;
  /** Mean `netPnl` of the wins, quote currency (NaN without wins). */
  readonly averageWin: number;
  /** Mean `netPnl` of the losses, quote currency, negative (NaN without losses). */
  readonly averageLoss: number;
  /** Mean `returnOnEntry` of the wins (NaN without wins). */
  readonly averageWinReturn: number;
  /** Mean `returnOnEntry` of the losses (NaN without losses). */
  readonly averageLossReturn: number;
  /**
   * Sum of winning `netPnl` over the absolute sum of losing `netPnl`: Infinity with wins and no
   * losses, NaN with neither.
   */
  readonly profitFactor: number;
  /** Mean `barsHeld` (NaN without closed trades). */
  readonly averageBarsHeld: number;
  /** Sum of `netPnl` of the closed trades, quote currency. */
  readonly totalNetPnl: number;
  /** Sum of `totalCost` of the closed trades, quote currency. */
  readonly totalCost: number;
}

/** What `buildTradeLog` returns. */
export interface TradeLog {
  /** Round trips in order of entry (then of their first column). */
  readonly trades: readonly Trade[];
  readonly summary: TradeSummary;
  /** The rules used to cut and price the round trips, one sentence each. */
  readonly rules: readonly string[];
}

/** A strategy's targets run through the engine, with its trade log. */
export interface StrategyRun {
  readonly targets: StrategyTargets;
  readonly backtest: BacktestResult;
  readonly tradeLog: TradeLog;
}
