/**
 * The monitor's paper trading: per pair two books kept in the store (lib/store/monitor_paper.ts),
 * the pairs z-score rule's (`advancePaperRule`: the rule of `deno task backtest --strategy pairs`
 * with the monitor's window, threshold and hedge method, filled at the next bar's close on both
 * legs with the venue's taker fees, `feeCost`, and half the bid-ask spread, `halfSpreadCost`, the
 * spread estimated causally from the bars' highs and lows by Corwin-Schultz,
 * `estimatedSpreads`: see {@link paperCosts}) and a manual one (orders from the page's buttons,
 * `POST /api/paper/orders`). Each closed bar advances both and appends their fills and marks in
 * one transaction per book, so a restart resumes from the last stored mark (`loadPaperState`)
 * and a kill -9 loses nothing that was committed. `summary()` is `/api/paper`: positions, P&L,
 * equity curves, trade history, and the backtest of the same rule on the same bars
 * (`paperVsBacktest`) beside the live paper equity.
 *
 * A book starts on the bars stored before the monitor first ran for it, back to the rule's
 * warm-up (`2 window` bars), so it can trade from the first live bar; a decision on those
 * earlier bars is filled on them, as the backtest of the same bars would.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import type { CostModel } from "@lib/backtest/cost_model.ts";
import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
import { halfSpreadCost } from "@lib/backtest/costs/half_spread_cost.ts";
import { estimatedSpreads } from "@lib/backtest/costs/estimated_spreads.ts";
import {
  advancePaperManual,
  advancePaperRule,
  manualOrder,
  PAPER_DEFAULTS,
  type PaperBars,
  type PaperMark,
  type PaperOptions,
  type PaperState,
  paperTrades,
  paperVsBacktest,
} from "@lib/monitor/mod.ts";
import {
  appendPaperStep,
  ensurePaperAccount,
  insertManualOrder,
  listPaperFills,
  listPaperMarks,
  listPaperOrders,
  loadPaperState,
  pendingManualOrders,
  type StoredPaperAccount,
} from "@lib/store/monitor_paper.ts";
import { latestBarTs } from "@lib/store/live_reads.ts";
import { num } from "./analytics_service.ts";
import { BadRequest } from "./params.ts";
import { pairClosesSince, type PairKey } from "./pair_closes.ts";
import { monitorExit, type MonitorHedge, monitorStop } from "./pair_analytics.ts";

/** Options of {@link PaperLoop}. */
export interface PaperLoopOptions {
  readonly venue: string;
  readonly pairs: readonly PairKey[];
  readonly freq: Freq;
  readonly window: number;
  readonly z: number;
  readonly hedge: MonitorHedge;
  /** Starting cash of each book. @default 1,000,000 (PAPER_DEFAULTS) */
  readonly initialEquity?: number;
}

/** `PaperBars` on typed arrays, with each leg's highs and lows (the spread estimates' input). */
export interface GridBars extends PaperBars {
  readonly ts: Float64Array;
  readonly y: Float64Array;
  readonly x: Float64Array;
  readonly yHigh: Float64Array;
  readonly yLow: Float64Array;
  readonly xHigh: Float64Array;
  readonly xLow: Float64Array;
}

/** What the page's cost line says of {@link paperCosts}. */
export function paperCostsLabel(venue: string): string {
  return `${venue} taker fees (feeCost) + half the bid-ask spread (halfSpreadCost), the spread ` +
    `estimated from the bars' highs and lows up to the bar before the fill (Corwin-Schultz, ` +
    `estimatedSpreads, 30 two-bar estimates; 20 bp until 15 are known)`;
}

/**
 * The cost models of every paper fill and of the backtest beside it, built on a book's grid:
 * `fee` (the venue's taker fee) and `halfSpreadCost` with `estimatedSpreads` (Corwin-Schultz,
 * its defaults) of each leg's high, low and close. The spread charged at the fill at the close
 * of row t (the model's row t + 1) uses bars up to t only, so it is causal: bars added later do
 * not move it, and a resumed book (same grid from its first bar) pays what an uninterrupted one
 * pays. The columns cover one row more than the bars (the fill at the last close is row n).
 * Cost: O(n) per call.
 *
 * @example Fees and half spreads, the spread unknown in the warm-up (20 bp charged)
 * ```ts
 * import { paperCosts } from "@lib/pipeline/monitor/paper_loop.ts";
 * import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
 * import assert from "node:assert/strict";
 * const c = Float64Array.of(100, 101, 100.5);
 * const h = c.map((v) => v * 1.002), l = c.map((v) => v * 0.998);
 * const bars = { ts: Float64Array.of(0, 60e3, 120e3), y: c, x: c, yHigh: h, yLow: l, xHigh: h, xLow: l, barMs: 60e3 };
 * const [fees, spread] = paperCosts(feeCost({ venue: "binance" }), bars);
 * assert.equal(fees!.name, "fees");
 * const out = new Float64Array(2);
 * spread!.cost({ t: 3, ts: 180e3, traded: Float64Array.of(0.5, -0.5), held: Float64Array.of(0.5, -0.5), equity: 1 }, out);
 * assert.equal(out[0], 0.5 * 0.002 / 2);
 * ```
 */
export function paperCosts(fee: CostModel, bars: GridBars): CostModel[] {
  const n = bars.ts.length;
  const ext = (a: Float64Array) => {
    const out = new Float64Array(n + 1).fill(NaN);
    out.set(a.subarray(0, n));
    return out;
  };
  const spreads = estimatedSpreads({
    high: [ext(bars.yHigh), ext(bars.xHigh)],
    low: [ext(bars.yLow), ext(bars.xLow)],
    close: [ext(bars.y), ext(bars.x)],
  }, { estimator: "corwin-schultz" });
  return [fee, halfSpreadCost({ spreads })];
}

interface Book {
  readonly account: StoredPaperAccount;
  state: PaperState;
  firstTs: number | null;
}

interface PairBooks {
  readonly pair: PairKey;
  readonly rule: Book;
  readonly manual: Book;
}

/** Points of an equity curve `/api/paper` returns (the newest; the store keeps them all). */
export const PAPER_CURVE_POINTS = 2_000;

function tail(t: number[], y: (number | null)[]): { t: number[]; y: (number | null)[] } {
  const k = Math.max(0, t.length - PAPER_CURVE_POINTS);
  return { t: t.slice(k), y: y.slice(k) };
}

/** Paper books of every pair, advanced on bar closes (see the module notes). */
export class PaperLoop {
  readonly #db: DatabaseSync;
  readonly #o: PaperLoopOptions;
  readonly #options: PaperOptions;
  readonly #books = new Map<string, PairBooks>();
  readonly #fee: CostModel;
  #orders = 0;

  constructor(db: DatabaseSync, o: PaperLoopOptions, now: number = Date.now()) {
    this.#db = db;
    this.#o = o;
    const initialEquity = o.initialEquity ?? PAPER_DEFAULTS.initialEquity;
    this.#options = {
      rule: {
        hedge: o.hedge,
        hedgeWindow: o.window,
        zWindow: o.window,
        entry: o.z,
        exit: monitorExit(o.z),
        stop: monitorStop(o.z),
      },
      costs: [feeCost({ venue: o.venue })],
      initialEquity,
    };
    this.#fee = this.#options.costs![0]!;
    for (const pair of o.pairs) {
      const spec = (book: "rule" | "manual") => ({
        book,
        venue: o.venue,
        ySymbol: pair.y,
        xSymbol: pair.x,
        freq: o.freq,
        params: { rule: this.#options.rule, costs: paperCostsLabel(o.venue) },
        initialEquity,
      });
      const load = (book: "rule" | "manual"): Book => {
        const account = ensurePaperAccount(db, spec(book), now);
        const l = loadPaperState(db, account.accountId);
        return { account, state: l.state as PaperState, firstTs: l.firstTs };
      };
      this.#books.set(`${pair.y}:${pair.x}`, { pair, rule: load("rule"), manual: load("manual") });
    }
  }

  /** The grid a book runs on: from its first bar (or the warm-up before now, for a new book). */
  #bars(pair: PairKey, book: Book): GridBars {
    const step = freqMs(this.#o.freq);
    let from = book.firstTs;
    if (from === null) {
      const k = (s: string) =>
        latestBarTs(this.#db, { venue: this.#o.venue, symbol: s, freq: this.#o.freq });
      const last = Math.min(k(pair.y) ?? Infinity, k(pair.x) ?? Infinity);
      if (!Number.isFinite(last)) {
        const none = new Float64Array(0);
        return {
          ts: none,
          y: none,
          x: none,
          yHigh: none,
          yLow: none,
          xHigh: none,
          xLow: none,
          barMs: step,
        };
      }
      from = last - 2 * this.#o.window * step;
    }
    const c = pairClosesSince(this.#db, this.#o.venue, pair, this.#o.freq, from);
    // a new book starts at its first bar where both legs are present
    let i = 0;
    if (book.firstTs === null) {
      while (i < c.ts.length && !(c.y[i]! > 0 && c.x[i]! > 0)) i++;
    }
    // the last row is stepped only once both legs have closed it
    let end = c.ts.length;
    while (end > i && !(c.y[end - 1]! > 0 && c.x[end - 1]! > 0)) end--;
    return {
      ts: c.ts.subarray(i, end),
      y: c.y.subarray(i, end),
      x: c.x.subarray(i, end),
      yHigh: c.yHigh.subarray(i, end),
      yLow: c.yLow.subarray(i, end),
      xHigh: c.xHigh.subarray(i, end),
      xLow: c.xLow.subarray(i, end),
      barMs: step,
    };
  }

  /** The paper options with the cost models built on `bars` (see {@link paperCosts}). */
  #optionsFor(bars: GridBars): PaperOptions {
    return { ...this.#options, costs: paperCosts(this.#fee, bars) };
  }

  /** Advance both books of `pair` over its newly closed bars; returns events to publish. */
  onPairBar(pair: PairKey, now: number = Date.now()): { type: string; data: unknown }[] {
    const b = this.#books.get(`${pair.y}:${pair.x}`);
    if (b === undefined) return [];
    const events: { type: string; data: unknown }[] = [];
    for (const kind of ["rule", "manual"] as const) {
      const book = b[kind];
      const bars = this.#bars(pair, book);
      if (bars.ts.length <= book.state.row) continue;
      const options = this.#optionsFor(bars);
      const step = kind === "rule"
        ? advancePaperRule(book.state, bars, options)
        : advancePaperManual(
          book.state,
          bars,
          pendingManualOrders(this.#db, book.account.accountId),
          options,
        );
      appendPaperStep(this.#db, book.account, step, now);
      book.state = step.state;
      if (book.firstTs === null && step.marks.length > 0) book.firstTs = step.marks[0]!.ts;
      for (const f of step.fills) {
        events.push({
          type: "paper",
          data: { pair: `${pair.y}:${pair.x}`, book: kind, fill: { ...f, costs: undefined } },
        });
      }
    }
    return events;
  }

  /**
   * A manual order from the page: `{pair, action: "open-long" | "open-short" | "close", id?}`,
   * decided at the last closed bar and filled at the next close. The same `id` twice stores one
   * order. Throws {@link BadRequest} saying what was wrong.
   */
  order(body: unknown, now: number = Date.now()): Record<string, unknown> {
    const o = (body ?? {}) as { pair?: unknown; action?: unknown; id?: unknown };
    const names = [...this.#books.keys()];
    if (typeof o.pair !== "string" || !this.#books.has(o.pair.toUpperCase())) {
      throw new BadRequest(
        `"pair" must be one of ${names.join(", ")}, got ${JSON.stringify(o.pair)}`,
      );
    }
    const action = o.action === "long"
      ? "open-long"
      : o.action === "short"
      ? "open-short"
      : o.action;
    if (action !== "open-long" && action !== "open-short" && action !== "close") {
      throw new BadRequest(
        `"action" must be open-long, open-short or close (or long, short), got ${
          JSON.stringify(o.action)
        }`,
      );
    }
    if (o.id !== undefined && (typeof o.id !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(o.id))) {
      throw new BadRequest(
        `"id" must be 1-64 letters, digits, _ or -, got ${JSON.stringify(o.id)}`,
      );
    }
    const b = this.#books.get(o.pair.toUpperCase())!;
    const bars = this.#bars(b.pair, b.manual);
    const id = (o.id as string | undefined) ?? `m${now}-${++this.#orders}`;
    let order;
    try {
      order = manualOrder(bars, { id, action }, this.#options);
    } catch (e) {
      throw new BadRequest((e as Error).message);
    }
    const stored = insertManualOrder(this.#db, b.manual.account.accountId, order, now);
    return { stored, order: { ...order, hedgeRatio: num(order.hedgeRatio), z: num(order.z) } };
  }

  /** `/api/paper`: every pair's books, trade history, equity and the backtest beside it. */
  summary(): Record<string, unknown> {
    const pairs = [...this.#books.values()].map((b) => {
      const book = (kind: "rule" | "manual") => {
        const bk = b[kind];
        const id = bk.account.accountId;
        const marks = listPaperMarks(this.#db, id);
        const fills = listPaperFills(this.#db, id);
        const s = bk.state;
        const trades = paperTrades(fills, s.priceY, s.priceX);
        return {
          accountId: id,
          position: s.position,
          unitsY: s.unitsY,
          unitsX: s.unitsX,
          cash: s.cash,
          equity: num(s.equity),
          pnl: num(s.equity - bk.account.initialEquity),
          halted: s.halted,
          lastBarTs: s.ts,
          equityCurve: tail(marks.map((m) => m.ts), marks.map((m) => num(m.equity))),
          /** Round trips in all; `trades` holds the last 50. */
          tradeCount: trades.length,
          trades: trades.slice(-50),
          orders: listPaperOrders(this.#db, id, { limit: 50 }).map((x) => ({
            ...x,
            hedgeRatio: num(x.hedgeRatio),
            z: num(x.z),
          })),
          marks,
        };
      };
      const rule = book("rule");
      let backtest: Record<string, unknown> | null = null;
      if (rule.marks.length > 0) {
        const bars = this.#bars(b.pair, b.rule);
        const n = Math.min(bars.ts.length, rule.marks.length);
        const sub = {
          barMs: bars.barMs,
          ts: bars.ts.subarray(0, n),
          y: bars.y.subarray(0, n),
          x: bars.x.subarray(0, n),
        };
        // the same cost models as the book's fills, on the same grid
        const c = paperVsBacktest(
          sub,
          this.#optionsFor(bars),
          rule.marks.slice(0, n) as PaperMark[],
        );
        backtest = {
          equity: tail(Array.from(c.ts), Array.from(c.backtestEquity, (v) => num(v))),
          maxAbsDifference: num(c.maxAbsDifference),
          trades: c.backtest.tradeLog.summary.count,
          notes: c.notes,
        };
      }
      const { marks: _m1, ...ruleOut } = rule;
      const { marks: _m2, ...manualOut } = book("manual");
      return { pair: `${b.pair.y}:${b.pair.x}`, rule: ruleOut, manual: manualOut, backtest };
    });
    const first = pairs[0];
    return {
      freq: this.#o.freq,
      rule: this.#options.rule,
      costs: paperCostsLabel(this.#o.venue),
      initialEquity: this.#options.initialEquity,
      pairs,
      // the page's chart: the first pair's rule book against its backtest
      equity: first?.rule.equityCurve ?? null,
      backtest: first?.backtest ?? null,
      summary: pairs.map((p) => ({
        pair: p.pair,
        rulePosition: p.rule.position,
        rulePnl: p.rule.pnl,
        manualPosition: p.manual.position,
        manualPnl: p.manual.pnl,
        backtestTrades: p.backtest?.trades ?? 0,
        paperVsBacktestMaxDiff: p.backtest?.maxAbsDifference ?? null,
      })),
    };
  }
}
