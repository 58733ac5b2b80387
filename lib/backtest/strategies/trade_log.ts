/**
 * Round-trip trades from the engine's held weights and the close prices it filled at.
 *
 * @module
 */
import type { CostBar, CostModel } from "../cost_model.ts";
import type { BacktestResult, PriceInput } from "../types.ts";
import type { Trade, TradeLeg, TradeLog, TradeSummary } from "./types.ts";

/** Options of {@link buildTradeLog}. */
export interface TradeLogOptions {
  /**
   * Asset columns that trade as one unit (the two legs of a pair): one round trip spans the
   * group from the fill that opens its first leg to the fill that closes its last.
   * @default each column on its own
   */
  readonly groups?: readonly (readonly number[])[];
  /**
   * The cost models the backtest ran with, in the same order (their names must equal
   * `result.metadata.costNames`). They are called again bar by bar with the engine's traded and
   * held weights to attribute each asset's cost to its trade; the replayed totals are checked
   * against the result's. Required when the backtest had costs.
   * @default []
   */
  readonly costs?: readonly CostModel[];
}

/** The rules of {@link buildTradeLog}, one sentence each (also in every log's `rules`). */
export const TRADE_LOG_RULES: readonly string[] = [
  "A round trip of an asset (or of a group such as a pair's two legs) opens at the fill that makes its held weight non-zero from flat and closes at the fill that brings every leg back to 0; a fill that flips a leg's sign closes the trade and opens a new one at the same fill; resizing in between stays in the trade.",
  "Fill time and price are the engine's: the weights held over bar u were filled at the close of bar u - 1, so entryBar / exitBar are the bars at whose close the opening / closing fill happened and the prices are those closes (for any lag: the lag only moves which decision is filled there).",
  "P&L: each bar the trade is held adds held weight times the asset's simple return of the bar (a return spanning a gap arrives at the first bar after it), as a fraction of the equity at the bar's start (grossReturn) and times that equity in quote currency (grossPnl).",
  "Costs: each cost model is replayed per bar and asset with the engine's traded and held weights; a bar's cost goes to the trade open over the bar, or to the trade its fill closes; at a flip the traded weight's cost is split between the closing and the opening trade in proportion to the weight closed and the weight opened.",
  "A leg built or unwound over several fills (an order limited by a participation cap, or resized) keeps the price of its opening fill as its entry price and of its closing fill as its exit price; its P&L counts every bar held, so every fill is in it.",
  "A trade still held over the last bar is open: its exit prices are the legs' last closes (marks) and it is counted but left out of the summary statistics; unless every leg it still holds is an asset whose data ended before the last bar, which the engine sells at its last close at the last bar (metadata.endedEarly): the trade is then closed there at those closes.",
];

function checkInputs(result: BacktestResult, prices: PriceInput): number {
  const N = result.assets.length, T = result.index.length;
  if (prices.close.length !== N) {
    throw new RangeError(
      `Cannot build a trade log: ${prices.close.length} close columns for ${N} backtest ` +
        `assets; pass the prices the backtest ran on`,
    );
  }
  prices.close.forEach((c, a) => {
    if (c.length !== T) {
      throw new RangeError(
        `Cannot build a trade log: close column ${a} has ${c.length} values for ${T} bars`,
      );
    }
  });
  return T;
}

function groupsOf(n: number, given: readonly (readonly number[])[] | undefined): number[][] {
  const seen = new Uint8Array(n);
  const out: number[][] = [];
  for (const g of given ?? []) {
    if (g.length === 0) throw new RangeError("Cannot build a trade log: a group is empty");
    for (const a of g) {
      if (!Number.isInteger(a) || a < 0 || a >= n || seen[a]) {
        throw new RangeError(
          `Cannot build a trade log: group column ${a} is not a distinct column in 0..${n - 1}`,
        );
      }
      seen[a] = 1;
    }
    out.push([...g]);
  }
  for (let a = 0; a < n; a++) if (!seen[a]) out.push([a]);
  // by first column, so trades bucketed by entry bar come out in (entry bar, column) order
  return out.sort((p, q) => p[0]! - q[0]!);
}

/** Per model, per asset, per bar cost (`[m][a * T + t]`), replayed and checked. */
function replayCosts(
  result: BacktestResult,
  models: readonly CostModel[],
): Float64Array[] {
  const names = result.metadata.costNames;
  const given = models.map((m) => m.name);
  if (given.length !== names.length || given.some((x, i) => x !== names[i])) {
    throw new RangeError(
      `Cannot build a trade log: the backtest ran with cost models [${names.join(", ")}], ` +
        `the options give [${given.join(", ")}]; pass the same models in the same order`,
    );
  }
  const N = result.assets.length, T = result.index.length;
  const traded = new Float64Array(N), held = new Float64Array(N), buf = new Float64Array(N);
  const bar = { t: 0, ts: 0, traded, held, equity: result.metadata.initialEquity };
  const out = models.map(() => new Float64Array(N * T));
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < N; a++) {
      traded[a] = result.traded[a]![t]!;
      held[a] = result.weights[a]![t]!;
    }
    bar.t = t;
    bar.ts = result.index[t]!;
    bar.equity = t === 0 ? result.metadata.initialEquity : result.equity[t - 1]!;
    models.forEach((m, k) => {
      buf.fill(0);
      m.cost(bar as CostBar, buf);
      let s = 0;
      for (let a = 0; a < N; a++) {
        out[k]![a * T + t] = buf[a]!;
        s += buf[a]!;
      }
      const want = result.costs[m.name]![t]!;
      if (Math.abs(s - want) > 1e-12 + 1e-9 * Math.abs(want)) {
        throw new RangeError(
          `Cannot build a trade log: cost model "${m.name}" gives ${s} at bar ${t} on replay, ` +
            `the backtest recorded ${want}; pass the models the backtest ran with (pure ones)`,
        );
      }
    });
  }
  return out;
}

interface LegState {
  entryWeight: number;
  entryPrice: number;
  exitPrice: number;
}

interface OpenTrade {
  legs: LegState[];
  side: "long" | "short";
  entryBar: number;
  grossReturn: number;
  grossPnl: number;
  costs: number[];
  costReturn: number;
  entryNotional: number;
}

/**
 * Round-trip trades of a backtest, per asset or per group of assets (a pair's two legs), with
 * fill prices per the engine's rule, P&L in return and quote units, bars held and costs
 * attributed, plus a summary (count, hit rate, average win and loss, profit factor, average bars
 * held) over the closed trades. The rules are in {@link TRADE_LOG_RULES}. `prices` must be the
 * close prices the backtest ran on (the fill prices come from them). O(T x N x cost models).
 *
 * @example One long round trip, lag 1: decided at bar 1, filled at bar 2's close, closed at bar 4's
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { buildTradeLog } from "@lib/backtest/strategies/trade_log.ts";
 * import assert from "node:assert/strict";
 * const prices = { close: [Float64Array.of(100, 100, 100, 110, 121, 121)] };
 * const res = backtestWeights(prices, [Float64Array.of(0, 1, 1, 0, 0, 0)]);
 * const { trades, summary } = buildTradeLog(res, prices);
 * assert.equal(trades.length, 1);
 * assert.equal(trades[0]!.entryBar, 2);
 * assert.equal(trades[0]!.exitBar, 4);
 * assert.equal(trades[0]!.legs[0]!.exitPrice, 121);
 * assert.ok(Math.abs(trades[0]!.returnOnEntry - 0.21) < 1e-12);
 * assert.equal(summary.hitRate, 1);
 * ```
 */
export function buildTradeLog(
  result: BacktestResult,
  prices: PriceInput,
  options: TradeLogOptions = {},
): TradeLog {
  const T = checkInputs(result, prices);
  const N = result.assets.length;
  const names = result.metadata.costNames;
  if (names.length > 0 && options.costs === undefined) {
    throw new RangeError(
      `Cannot build a trade log: the backtest had cost models [${names.join(", ")}]; pass ` +
        `them as options.costs to attribute costs to trades`,
    );
  }
  const costRows = replayCosts(result, options.costs ?? []);
  const M = costRows.length;
  // spanning simple returns, as the engine computes them (0 at an asset's first bar)
  const ret = prices.close.map((c) => {
    const r = new Float64Array(T).fill(NaN);
    let last = NaN;
    for (let t = 0; t < T; t++) {
      const x = c[t]!;
      if (x !== x) continue;
      r[t] = last === last ? x / last - 1 : 0;
      last = x;
    }
    return r;
  });
  const close = prices.close;
  const W = result.weights, X = result.traded;
  const endedCols = new Set(result.metadata.endedEarly.map((e) => e.column));
  const eqStart = (u: number) => u === 0 ? result.metadata.initialEquity : result.equity[u - 1]!;
  const trades: Trade[] = [];

  const finish = (o: OpenTrade, g: readonly number[], exitBar: number, open: boolean) => {
    const costs: Record<string, number> = {};
    let total = 0;
    for (let m = 0; m < M; m++) {
      costs[names[m]!] = o.costs[m]!;
      total += o.costs[m]!;
    }
    const legs: TradeLeg[] = g.map((a, i) => {
      const s = o.legs[i]!;
      let exitPrice = s.exitPrice;
      if (open || (exitBar === T - 1 && W[a]![T - 1]! !== 0)) {
        for (let t = T - 1; t >= 0; t--) {
          const x = close[a]![t]!;
          if (x === x) {
            exitPrice = x;
            break;
          }
        }
      }
      return {
        asset: result.assets[a]!,
        column: a,
        entryWeight: s.entryWeight,
        entryPrice: s.entryPrice,
        exitPrice,
      };
    });
    const netPnl = o.grossPnl - total;
    trades.push({
      legs,
      side: o.side,
      entryBar: o.entryBar,
      entryTs: result.index[o.entryBar]!,
      exitBar,
      exitTs: result.index[exitBar]!,
      open,
      barsHeld: exitBar - o.entryBar,
      grossReturn: o.grossReturn,
      grossPnl: o.grossPnl,
      costs,
      totalCost: total,
      costReturn: o.costReturn,
      netReturn: o.grossReturn - o.costReturn,
      netPnl,
      returnOnEntry: netPnl / o.entryNotional,
    });
  };

  const start = (g: readonly number[], u: number): OpenTrade => {
    const legs = g.map(() => ({ entryWeight: 0, entryPrice: NaN, exitPrice: NaN }));
    let side: "long" | "short" = "long";
    let notional = 0, sided = false;
    g.forEach((a, i) => {
      const h = W[a]![u]!;
      if (h !== 0) {
        legs[i] = { entryWeight: h, entryPrice: close[a]![u - 1]!, exitPrice: NaN };
        notional += Math.abs(h);
        if (!sided) {
          side = h > 0 ? "long" : "short";
          sided = true;
        }
      }
    });
    return {
      legs,
      side,
      entryBar: u - 1,
      grossReturn: 0,
      grossPnl: 0,
      costs: new Array<number>(M).fill(0),
      costReturn: 0,
      entryNotional: notional * eqStart(u),
    };
  };

  /** Add `share` of leg a's costs at bar u to trade o. */
  const addCost = (o: OpenTrade, a: number, u: number, share: number) => {
    if (share === 0) return;
    const e = eqStart(u);
    for (let m = 0; m < M; m++) {
      const c = costRows[m]![a * T + u]! * share;
      o.costs[m] = o.costs[m]! + c * e;
      o.costReturn += c;
    }
  };

  for (const g of groupsOf(N, options.groups)) {
    let cur: OpenTrade | undefined;
    for (let u = 1; u < T; u++) {
      let openNow = false, flip = false;
      for (const a of g) {
        const h = W[a]![u]!;
        if (h !== 0) openNow = true;
        if (h * W[a]![u - 1]! < 0) flip = true;
      }
      if (cur === undefined && !openNow) continue;
      if (cur !== undefined && (flip || !openNow)) {
        // the fill at bar u - 1's close closes cur
        const old: OpenTrade = cur;
        const next = openNow ? start(g, u) : undefined;
        g.forEach((a, i) => {
          const h = W[a]![u]!, x = X[a]![u]!;
          const before = h - x;
          if (before !== 0 && (h === 0 || h * before < 0)) {
            old.legs[i]!.exitPrice = close[a]![u - 1]!;
          }
          if (next === undefined || h === 0) addCost(old, a, u, 1);
          else if (h * before < 0) {
            const share = Math.abs(before) / (Math.abs(before) + Math.abs(h));
            addCost(old, a, u, share);
            addCost(next, a, u, 1 - share);
          } else addCost(next, a, u, 1);
        });
        finish(old, g, u - 1, false);
        cur = next;
        if (cur !== undefined) accrue(cur, g, u, false);
        continue;
      }
      if (cur === undefined) {
        cur = start(g, u);
        accrue(cur, g, u, true);
        continue;
      }
      // a continuing trade: legs that open or close inside it
      const c: OpenTrade = cur;
      g.forEach((a, i) => {
        const h = W[a]![u]!, x = X[a]![u]!;
        if (x === 0) return;
        const before = h - x, leg = c.legs[i]!;
        if (before === 0 && h !== 0 && leg.entryPrice !== leg.entryPrice) {
          c.legs[i] = { entryWeight: h, entryPrice: close[a]![u - 1]!, exitPrice: NaN };
          c.entryNotional += Math.abs(h) * eqStart(u);
        } else if (h === 0) leg.exitPrice = close[a]![u - 1]!;
      });
      accrue(c, g, u, true);
    }
    if (cur !== undefined) {
      // legs whose data ended were sold at their last close at the last bar (the engine's rule)
      finish(cur, g, T - 1, g.some((a) => W[a]![T - 1]! !== 0 && !endedCols.has(a)));
    }
  }

  /** The return of bar u on the trade's legs, and (withCosts) the bar's costs. */
  function accrue(o: OpenTrade, g: readonly number[], u: number, withCosts: boolean) {
    const e = eqStart(u);
    for (const a of g) {
      const h = W[a]![u]!, r = ret[a]![u]!;
      if (h !== 0 && r === r) {
        o.grossReturn += h * r;
        o.grossPnl += h * r * e;
      }
      if (withCosts) addCost(o, a, u, 1);
    }
  }

  // each group's trades are in entry order and groups in column order: a stable counting sort
  // by entry bar gives (entry bar, first column) order in O(trades + T)
  const counts = new Int32Array(T + 1);
  for (const t of trades) counts[t.entryBar + 1]!++;
  for (let u = 0; u < T; u++) counts[u + 1] = counts[u + 1]! + counts[u]!;
  const sorted: Trade[] = new Array(trades.length);
  for (const t of trades) sorted[counts[t.entryBar]!++] = t;
  return { trades: sorted, summary: summarizeTrades(sorted), rules: TRADE_LOG_RULES };
}

/**
 * The summary of a list of trades: count, hit rate, average win and loss (quote currency and
 * return on entry), profit factor, average bars held, over the closed trades only.
 *
 * @example Two wins and a loss
 * ```ts
 * import { summarizeTrades } from "@lib/backtest/strategies/trade_log.ts";
 * import type { Trade } from "@lib/backtest/strategies/types.ts";
 * import assert from "node:assert/strict";
 * const t = (netPnl: number, barsHeld: number) =>
 *   ({ netPnl, barsHeld, returnOnEntry: netPnl / 100, totalCost: 0, open: false }) as Trade;
 * const s = summarizeTrades([t(10, 2), t(30, 4), t(-20, 6)]);
 * assert.equal(s.hitRate, 2 / 3);
 * assert.equal(s.profitFactor, 2);
 * assert.equal(s.averageWin, 20);
 * assert.equal(s.averageBarsHeld, 4);
 * ```
 */
export function summarizeTrades(trades: readonly Trade[]): TradeSummary {
  let count = 0, openCount = 0, wins = 0, losses = 0, winSum = 0, lossSum = 0;
  let winRet = 0, lossRet = 0, bars = 0, net = 0, cost = 0;
  for (const t of trades) {
    if (t.open) {
      openCount++;
      continue;
    }
    count++;
    bars += t.barsHeld;
    net += t.netPnl;
    cost += t.totalCost;
    if (t.netPnl > 0) {
      wins++;
      winSum += t.netPnl;
      winRet += t.returnOnEntry;
    } else if (t.netPnl < 0) {
      losses++;
      lossSum += t.netPnl;
      lossRet += t.returnOnEntry;
    }
  }
  return {
    count,
    openCount,
    wins,
    losses,
    hitRate: count > 0 ? wins / count : NaN,
    averageWin: wins > 0 ? winSum / wins : NaN,
    averageLoss: losses > 0 ? lossSum / losses : NaN,
    averageWinReturn: wins > 0 ? winRet / wins : NaN,
    averageLossReturn: losses > 0 ? lossRet / losses : NaN,
    profitFactor: losses > 0 ? winSum / -lossSum : wins > 0 ? Infinity : NaN,
    averageBarsHeld: count > 0 ? bars / count : NaN,
    totalNetPnl: net,
    totalCost: cost,
  };
}
