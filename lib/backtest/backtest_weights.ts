import { COST_KERNEL, type CostBar, type CostKernel, type CostModel } from "./cost_model.ts";
import {
  describeRedenomination,
  detectRedenominations,
  type Redenomination,
  REDENOMINATION_DEFAULTS,
  rescaleBeforeEvents,
} from "../panel/redenominations.ts";
import { recordBacktestTrial } from "./ledger.ts";
import type {
  BacktestInput,
  BacktestOptions,
  BacktestResult,
  EndedAsset,
  PriceInput,
  Rebalance,
  ReturnsInput,
} from "./types.ts";

/** Defaults of {@link BacktestOptions}, stated once. */
export const BACKTEST_DEFAULTS = {
  /** Targets decided at bar `t`'s close fill at bar `t + 1`'s close. */
  lag: 1,
  /** Trade back to the targets at every bar. */
  rebalance: "every-bar" as Rebalance,
  /** $1m of quote currency, what size-dependent costs see. */
  initialEquity: 1_000_000,
  /** Redenominations are warned about, the data left as given. */
  redenominations: "warn" as "warn" | "adjust",
} as const;

/**
 * The rules of {@link backtestWeights}, one sentence each, as written into every result's
 * `metadata.rules` (the `{lag}` and rebalance sentences are filled in per run).
 */
export const BACKTEST_RULES: readonly string[] = [
  "Returns are simple returns of close prices; with price input the return of bar t is close[t] / (the asset's last existing close before t) - 1, so a return that spans a gap is earned at the first bar after the gap; a missing bar (NaN close or NaN return) is never a zero return.",
  "Target weights are fractions of equity (signed, shorts negative, no leverage limit); row t of the targets is the decision made with data up to bar t's close; a NaN target means flat (weight 0).",
  "Execution: the decision of row t is filled at the close of bar t + lag at that close price, and the filled weights earn the returns of bars t + lag + 1 onwards; the weights held over bar u (result row u) were therefore set at the close of bar u - 1, and nothing is held over bar 0.",
  "An order waits for a bar: an asset with no bar at the fill's close keeps its weight (drifting), and its order is filled at the asset's next existing close, unless a newer order (a later rebalance) replaces it first.",
  "A position held across a missing bar is marked at its last known close (its value does not move) and earns the return spanning the gap when the next bar arrives.",
  "End of data is only known at the backtest's end: until the last bar, an asset without a bar is treated the same whether its data resumes later or not (its position keeps its last value, earns nothing and drifts with the portfolio; its orders wait). At the close of the backtest's last bar, an asset whose data ends before the backtest's last bar (its last existing bar is earlier) is sold to 0 at its last existing close (not limited by a participation cap) and listed in metadata.endedEarly: in the last row its held weight is unchanged (it earns nothing, having no bar) and its traded weight is the whole change from its weight before that row's fill to 0 (the fill opening the last bar and this close are at the same price, so they are netted), whose costs are charged in the last row.",
  "Between rebalances weights drift with prices: the weight of asset a after bar u is held[a][u] * (1 + r[a][u]) / (1 + net[u]), with r = 0 for an asset with no bar at u.",
  "Costs: at each bar u every cost model sees the weight traded at the fill that opens bar u and the weights held over bar u, and returns a cost per asset as a fraction of the equity at the start of bar u; fees and other costs are paid from cash at the fill, so net[u] = gross[u] - total cost[u] exactly and equity[u] = equity[u - 1] * (1 + net[u]).",
  "Targets are fractions of the equity just before the fill (before its costs); the part of equity not in positions is cash earning 0.",
  "A cost model that limits fills (a participation cap, capTrade) is applied before the fill; the unfilled part of the order stays open and is chased at the asset's next bars.",
  "If equity falls to 0 or below, trading stops at that bar (metadata.ruinBar) and later rows are 0.",
  "Rankings (for cross-sectional targets built on this engine, e.g. rankFirst) order finite values ascending and break ties by asset column order, the lower column first (pandas rank(method='first')); NaN values are not ranked.",
  "Deterministic: the same inputs give the same result to the last bit (one pass in time order, assets in column order).",
  'Redenominations (a close ratio near a power of ten >= 100 across one bar or a gap, not made by the other assets, with the units volume moving inversely) are listed in metadata.redenominations and warned about; unless redenominations: "adjust" is given the data is used as given, so the jump is earned as a return.',
];

type Columns = readonly ArrayLike<number>[];

interface Normalized {
  readonly kind: "prices" | "returns";
  readonly cols: Columns;
  /** Last existing bar per asset, -1 for an asset without data. */
  readonly lastBar: Int32Array;
  readonly index: Float64Array;
  readonly assets: readonly string[];
  readonly bars: number;
}

function isColumns(x: BacktestInput): x is Columns {
  return Array.isArray(x);
}

/**
 * Bars per block. The engine walks bars in time order while inputs are columns per asset: the
 * targets of a block of bars are turned time-major in a buffer that stays in cache (256 rows x
 * 126 assets is 252 KiB), writing only the weights that are not 0 and listing them per row, so
 * every target column is read once, in order, in runs of 2 KiB (64 bars measured 1.7x slower
 * to scan: the hardware prefetcher follows long runs). Prices are checked in the same pass (an
 * invalid value is reported at the first block, then asset, where it is met), but their returns
 * are computed only for the assets the bar loop visits (see `Book`).
 */
const BLOCK = 256;
/** Words of a bitmap of the rows of a block (see `Book.RB`). */
const ROW_WORDS = BLOCK >>> 5;

/**
 * Returns beyond these are passed to `detectRedenominations` as candidates (looser than its
 * default thresholds, a close ratio of 10^1.75 = 56.2 or 1 / 56.2, so every bar it would flag
 * is among them): the scan that checks every price costs a comparison more per value.
 */
const CANDIDATE_HI = 0.9 * Math.pow(
      10,
      REDENOMINATION_DEFAULTS.minLog10 -
        REDENOMINATION_DEFAULTS.powerTolerance,
    ) - 1;
const CANDIDATE_LO = 1.1 / Math.pow(
      10,
      REDENOMINATION_DEFAULTS.minLog10 -
        REDENOMINATION_DEFAULTS.powerTolerance,
    ) - 1;
/**
 * A close ratio outside (1 / PREFILTER, PREFILTER) is looked at as a candidate (its return
 * computed and compared with the two bounds above, which lie outside it: ratios 50.6 and
 * 0.0196); a close strictly inside the bounds of the last close is valid (positive, finite)
 * and no candidate, one test for most values (the bounds move with each close).
 */
const PREFILTER = 40;

/**
 * Checks bars `t0..t1-1` of one price column (positive and finite, or NaN for no bar) and
 * lists the bars whose simple return from the asset's last close is a redenomination
 * candidate, carrying the last close across blocks. Returns the bar of an invalid price, or -1.
 */
function priceBlock(
  c: ArrayLike<number>,
  a: number,
  t0: number,
  t1: number,
  lastClose: Float64Array,
  cand: number[],
): number {
  let last = lastClose[a]!, hi = last * PREFILTER, lo = last * (1 / PREFILTER);
  for (let t = t0; t < t1; t++) {
    const x = c[t]!;
    if (x > lo && x < hi) { // valid, and no candidate: one test for most values
      last = x;
      hi = x * PREFILTER;
      lo = x * (1 / PREFILTER);
      continue;
    }
    if (x !== x) continue;
    if (!(x > 0) || x === Infinity) return t;
    if (last === last) {
      const r = x / last - 1;
      if (r > CANDIDATE_HI || r < CANDIDATE_LO) cand.push(a, t);
    }
    last = x;
    hi = x * PREFILTER;
    lo = x * (1 / PREFILTER);
  }
  lastClose[a] = last;
  return -1;
}

/** {@link priceBlock} for a column of simple returns (finite and >= -1, or NaN). */
function returnBlock(
  c: ArrayLike<number>,
  a: number,
  t0: number,
  t1: number,
  cand: number[],
): number {
  for (let t = t0; t < t1; t++) {
    const x = c[t]!;
    if (x > CANDIDATE_LO && x < CANDIDATE_HI) continue; // valid and no candidate: one test
    if (x === x && (!(x >= -1) || x === Infinity)) return t;
    if (x > CANDIDATE_HI || x < CANDIDATE_LO) cand.push(a, t);
  }
  return -1;
}

/**
 * Rows `d0..d1-1` of one target column at `rows[(d - base) * n + a]`, NaN and d < 0 -> 0,
 * into rows that are 0: only the weights that are not 0 are written (a portfolio holds few of
 * its assets, and each write lands on another cache line), and `a` is appended to the row's
 * list `lists[(d - base) * n ..]` (count in `counts[d - base]`; called in ascending `a`, so
 * each list is ascending). Returns the row of an infinite weight, or -1.
 */
function targetBlock(
  c: ArrayLike<number>,
  a: number,
  n: number,
  d0: number,
  d1: number,
  base: number,
  rows: Float64Array,
  lists: Int32Array,
  counts: Int32Array,
): number {
  for (let d = d0 < 0 ? 0 : d0; d < d1; d++) {
    const w = c[d]!;
    if (w !== 0 && w === w) {
      if (w === Infinity || w === -Infinity) return d;
      const j = d - base;
      rows[j * n + a] = w;
      lists[j * n + counts[j]!++] = a;
    }
  }
  return -1;
}

/** The last bar of a column with a number, or -1. */
function lastNumber(c: ArrayLike<number>): number {
  for (let t = c.length - 1; t >= 0; t--) if (c[t]! === c[t]!) return t;
  return -1;
}

function normalizeInput(input: BacktestInput): Normalized {
  let kind: "prices" | "returns";
  let cols: Columns;
  let index: ArrayLike<number> | undefined;
  let labels: readonly string[] | undefined;
  if (isColumns(input)) {
    kind = "returns";
    cols = input;
  } else if ("close" in input) {
    kind = "prices";
    cols = (input as PriceInput).close;
    index = input.index;
    labels = input.assets;
  } else if ("returns" in input) {
    kind = "returns";
    cols = (input as ReturnsInput).returns;
    index = input.index;
    labels = input.assets;
  } else {
    throw new TypeError(
      "Cannot run backtestWeights: give a Panel (or {close}), {returns} or an array of " +
        "return columns",
    );
  }
  const n = cols.length;
  if (n === 0) throw new RangeError("Cannot run backtestWeights: the input has no asset columns");
  const bars = cols[0]!.length;
  cols.forEach((c, a) => {
    if (c.length !== bars) {
      throw new RangeError(
        `Cannot run backtestWeights: every ${kind} column must have one value per bar, ` +
          `column ${a} has ${c.length}, column 0 has ${bars}`,
      );
    }
  });
  if (index !== undefined && index.length !== bars) {
    throw new RangeError(
      `Cannot run backtestWeights: index has ${index.length} times for ${bars} bars`,
    );
  }
  if (labels !== undefined && labels.length !== n) {
    throw new RangeError(
      `Cannot run backtestWeights: ${labels.length} asset labels for ${n} columns`,
    );
  }
  const lastBar = Int32Array.from(cols, lastNumber);
  const idx = index === undefined
    ? Float64Array.from({ length: bars }, (_, t) => t)
    : Float64Array.from(index);
  const assets = labels ?? Array.from({ length: n }, (_, a) => String(a));
  return { kind, cols, lastBar, index: idx, assets, bars };
}

function checkRebalance(r: Rebalance): void {
  if (r === "every-bar") return;
  if (typeof r === "object" && r !== null && "every" in r) {
    if (!Number.isInteger(r.every) || r.every < 1) {
      throw new RangeError(
        `Cannot run backtestWeights: rebalance.every must be an integer >= 1, got ${r.every}`,
      );
    }
    if (r.offset !== undefined && !Number.isInteger(r.offset)) {
      throw new RangeError(
        `Cannot run backtestWeights: rebalance.offset must be an integer, got ${r.offset}`,
      );
    }
    return;
  }
  if (typeof r === "object" && r !== null && "driftThreshold" in r) {
    if (!(r.driftThreshold >= 0) || !Number.isFinite(r.driftThreshold)) {
      throw new RangeError(
        `Cannot run backtestWeights: rebalance.driftThreshold must be a finite number >= 0, ` +
          `got ${r.driftThreshold}`,
      );
    }
    return;
  }
  throw new RangeError(
    `Cannot run backtestWeights: rebalance must be "every-bar", {every: k} or ` +
      `{driftThreshold: x}, got ${JSON.stringify(r)}`,
  );
}

function rebalanceRule(r: Rebalance): string {
  if (r === "every-bar") {
    return "Rebalancing: a new order to the target weights is issued at every bar's close.";
  }
  if ("every" in r) {
    return `Rebalancing: a new order to the target weights is issued at the close of bars s with (s - ${
      r.offset ?? 0
    }) a multiple of ${r.every} (grid rows); in between, weights drift with prices.`;
  }
  return `Rebalancing: a new order to the target weights is issued at the close of each bar where some asset that has a bar there holds a drifted weight more than ${r.driftThreshold} away from its current target (max absolute difference); in between, weights drift with prices.`;
}

interface FillLimit {
  capTrade(
    t: number,
    equity: number,
    desired: ArrayLike<number>,
    out: Float64Array,
    at?: Int32Array,
    count?: number,
  ): Float64Array;
}

function fillLimit(m: CostModel): FillLimit | undefined {
  const f = (m as Partial<FillLimit>).capTrade;
  return typeof f === "function" ? (m as unknown as FillLimit) : undefined;
}

/**
 * Backtest target weights on simple returns, with an execution lag, composable costs, gaps
 * handled by price and a stated rebalancing rule.
 *
 * `input` is close prices per asset (a `Panel` from `lib/panel`, or `{close, index?,
 * assets?}`) or simple returns (`{returns, index?, assets?}` or a plain array of columns;
 * see {@link ReturnsInput} for the gap convention). `targetWeights[a][t]` is the weight of
 * asset `a` (fraction of equity, signed) decided with data up to bar `t`'s close.
 *
 * The rules (also in every result's `metadata.rules`, see {@link BACKTEST_RULES}):
 * - Fill time and price: row `t`'s decision fills at the close of bar `t + lag` (default lag 1)
 *   and earns from bar `t + lag + 1` on. Lag 0 (fill at the decision's own close, the trap of
 *   vectorbt's default) must be passed explicitly and sets `metadata.lagZero` and a warning.
 * - Gaps: a missing bar is never a zero return. A position held across it is marked at its last
 *   close and earns the spanning return when the next bar arrives; an order for an asset
 *   without a bar waits for its next bar (a newer order replaces it).
 * - End of data: the engine cannot know at bar `t` that an asset's data will not resume, so
 *   until the last bar an asset without a bar is held at its last value (its orders wait), as
 *   at any gap. Only at the close of the backtest's last bar is an asset whose data ended
 *   earlier sold to 0 at its last close (costs charged in the last row, where its traded
 *   weight nets the fill and the close) and listed in `metadata.endedEarly`. Cutting the data
 *   at a bar where an asset merely has a gap therefore leaves every held weight unchanged.
 * - Costs: each {@link CostModel} is called once per bar with the weights traded at the fill
 *   opening the bar and the weights held over it; costs are fractions of the equity at the
 *   start of the bar, paid from cash at the fill: `net = gross - sum of costs` exactly. A
 *   model with a `capTrade` method (participation cap) limits the fill first; the rest of
 *   the order stays open.
 * - Rebalancing: every bar (default), every `k` bars, or when a weight drifts more than a
 *   threshold from its target; in between, weights drift with prices.
 *
 * Cost: O(T x N) to read and check every close and target once, then O(T x A x (1 + cost
 * models)) for the bars, with A the assets held, with an open order or a target that is not 0 at
 * a bar (the built-in cost models are computed in that pass; see `COST_KERNEL`); one pass in
 * time order; allocation O(T x N) (the weights and traded tables).
 *
 * @example Lag 1 on two bars of a 10% move: the decision of bar 0 earns bar 2's return
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(100, 100, 110, 121)];
 * const res = backtestWeights({ close }, [Float64Array.of(1, 1, 1, 1)]);
 * assert.deepEqual([...res.weights[0]!], [0, 0, 1, 1]);
 * assert.ok(Math.abs(res.net[2]! - 0.1) < 1e-15 && Math.abs(res.net[3]! - 0.1) < 1e-15);
 * assert.equal(res.metadata.lag, 1);
 * assert.equal(res.metadata.lagZero, false);
 * ```
 *
 * @example Proportional fees reduce equity at the fill
 * ```ts
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import { feeCost } from "@lib/backtest/costs/fee_cost.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(1, 1, 1)];
 * const res = backtestWeights({ close }, [Float64Array.of(0.5, 0.5, 0.5)], {
 *   costs: [feeCost({ venue: "binance" })], // 0.1% taker
 * });
 * assert.equal(res.turnover[2], 0.5);
 * assert.ok(Math.abs(res.costs.fees![2]! - 0.0005) < 1e-18);
 * assert.ok(Math.abs(res.equity[2]! - 1_000_000 * (1 - 0.0005)) < 1e-6);
 * ```
 */
export function backtestWeights(
  input: BacktestInput,
  targetWeights: readonly ArrayLike<number>[],
  options: BacktestOptions = {},
): BacktestResult {
  const data = normalizeInput(input);
  const { lastBar, index, assets, bars: T } = data;
  const N = lastBar.length;
  const lag = options.lag ?? BACKTEST_DEFAULTS.lag;
  if (!Number.isInteger(lag) || lag < 0) {
    throw new RangeError(
      `Cannot run backtestWeights: lag must be an integer >= 0 (bars between the decision ` +
        `and the fill), got ${lag}`,
    );
  }
  const rebalance = options.rebalance ?? BACKTEST_DEFAULTS.rebalance;
  checkRebalance(rebalance);
  const initialEquity = options.initialEquity ?? BACKTEST_DEFAULTS.initialEquity;
  if (!(initialEquity > 0) || !Number.isFinite(initialEquity)) {
    throw new RangeError(
      `Cannot run backtestWeights: initialEquity must be a positive amount of quote ` +
        `currency, got ${initialEquity}`,
    );
  }
  const redenom = options.redenominations ?? BACKTEST_DEFAULTS.redenominations;
  if (redenom !== "warn" && redenom !== "adjust") {
    throw new RangeError(
      `Cannot run backtestWeights: redenominations must be "warn" or "adjust", got ${redenom}`,
    );
  }
  const models = options.costs ?? [];
  const names = models.map((m) => m.name);
  const seenNames = new Set<string>();
  for (const name of names) {
    if (seenNames.has(name)) {
      throw new RangeError(
        `Cannot run backtestWeights: two cost models are named "${name}"; give each a ` +
          `distinct name (the option \`name\` of the model)`,
      );
    }
    seenNames.add(name);
  }
  if (targetWeights.length !== N) {
    throw new RangeError(
      `Cannot run backtestWeights: targetWeights has ${targetWeights.length} column` +
        `${targetWeights.length === 1 ? "" : "s"} for ${N} asset${N === 1 ? "" : "s"}; give ` +
        `one column per asset, in input order`,
    );
  }
  for (let a = 0; a < N; a++) {
    const col = targetWeights[a]!;
    if (col.length !== T) {
      throw new RangeError(
        `Cannot run backtestWeights: target column ${a} (${assets[a]}) has ${col.length} ` +
          `values for ${T} bars`,
      );
    }
  }

  // with "adjust" the events must be known before the run; else the run's own returns give
  // the candidates (see CANDIDATE_HI) and they are examined after it
  const upFront = redenom === "adjust" ? findRedenominations(data, input) : undefined;
  const adjust = upFront !== undefined && upFront.length > 0;
  const cols = adjust ? adjustColumns(data, upFront) : data.cols;
  const cand: number[] = [];

  // one allocation per output table, a column view per asset
  // written in place where not 0 (a portfolio holds and trades few of its assets at a bar)
  const weights = columnViews(N, T);
  const tradedCols = columnViews(N, T);
  const ended: EndedAsset[] = [];
  const prices = data.kind === "prices";
  const scratch = takeScratch(N);
  const book = new Book(N, T, lastBar, cols, prices, weights, tradedCols, scratch, (a, d) => {
    const last = lastBar[a]!;
    ended.push({
      asset: assets[a]!,
      column: a,
      lastBar: last,
      lastTs: index[last]!,
      closedWeight: d,
    });
  });
  const bars = new BarLoop(book, models, index, lag, rebalance, initialEquity);
  const { WB, lists, counts } = scratch;
  const lastClose = new Float64Array(N).fill(NaN);
  for (let t0 = 0; t0 < T; t0 += BLOCK) {
    const t1 = Math.min(T, t0 + BLOCK);
    const bad = loadBlock(
      cols,
      targetWeights,
      prices,
      lag,
      t0,
      t1,
      WB,
      lists,
      counts,
      lastClose,
      cand,
    );
    if (bad >= 0) {
      const a = bad % N, t = Math.floor(bad / N);
      if (bad < N * T) {
        throw new RangeError(
          `Cannot run backtestWeights: ${prices ? "close" : "return"} of asset ${assets[a]} at ` +
            `bar ${t} is ${cols[a]![t]}; ` +
            (prices
              ? "prices must be positive and finite (NaN for a missing bar)"
              : "simple returns must be finite and >= -1 (NaN for a missing bar)"),
        );
      }
      const row = Math.floor((bad - N * T) / N);
      throw new RangeError(
        `Cannot run backtestWeights: target weight of ${assets[a]} at bar ${row} is ` +
          `${targetWeights[a]![row]}; weights must be finite (NaN means flat)`,
      );
    }
    book.startBlock(t0, WB, lists, counts);
    for (let t = t0; t < t1; t++) bars.step(t);
    book.flush();
  }
  spare = scratch; // the run is over: its buffers serve the next one
  const found = upFront ??
    (cand.length === 0 ? [] : findRedenominations(data, input, pairsOf(cand)));
  const { gross, net, totalCost, turnover, grossExp, netExp, equity, ruinBar } = bars;
  const { costSeries, costByAsset } = bars;
  const { contribGross, contribTurnover, cappedFills } = book;

  const costs: Record<string, Float64Array> = {};
  const costContrib: Record<string, Float64Array> = {};
  const contribNet = Float64Array.from(contribGross);
  models.forEach((_, m) => {
    costs[names[m]!] = costSeries[m]!;
    costContrib[names[m]!] = costByAsset[m]!;
    const byAsset = costByAsset[m]!;
    for (let a = 0; a < N; a++) contribNet[a] = contribNet[a]! - byAsset[a]!;
  });

  const warnings: string[] = [];
  if (lag === 0) {
    warnings.push(
      "lag 0: targets are filled at the same close that was used to decide them, which " +
        "cannot be done live; results are optimistic (use lag >= 1 for a tradable backtest)",
    );
  }
  for (const e of ended) {
    warnings.push(
      `${e.asset}: data ends at bar ${e.lastBar} (${isoOrBar(e.lastTs, input)}) before the ` +
        `backtest's last bar; its position (${e.closedWeight}) was held at its last value ` +
        `and sold at its last close at the backtest's last bar`,
    );
  }
  for (let a = 0; a < N; a++) {
    if (lastBar[a] === -1) warnings.push(`${assets[a]}: no bars at all; never traded`);
  }
  if (cappedFills > 0) {
    warnings.push(
      `${cappedFills} fills were limited by a participation cap; the rest of each order was ` +
        `chased at later bars`,
    );
  }
  if (ruinBar >= 0) {
    warnings.push(`equity fell to ${equity[ruinBar]} at bar ${ruinBar}; trading stopped there`);
  }
  for (const e of found) {
    warnings.push(describeRedenomination(e, adjust, (ts) => isoOrBar(ts, input)));
  }
  const rules = [
    ...BACKTEST_RULES,
    `This run: lag ${lag}, so the decision of row t is filled at the close of bar t + ${lag} and earns from bar t + ${
      lag + 1
    } on${lag === 0 ? " (LAG 0: not achievable live)" : ""}.`,
    rebalanceRule(rebalance),
    `Input: ${
      data.kind === "prices"
        ? "close prices (spanning simple returns computed by the engine)"
        : "simple returns given by the caller (a bar exists where its return is a number)"
    }; starting equity ${initialEquity} quote currency; cost models: ${
      names.length ? names.join(", ") : "none"
    }.`,
  ];

  const result: BacktestResult = {
    index,
    assets,
    gross,
    costs,
    totalCost,
    net,
    turnover,
    grossExposure: grossExp,
    netExposure: netExp,
    equity,
    weights,
    traded: tradedCols,
    contribution: {
      gross: contribGross,
      costs: costContrib,
      net: contribNet,
      turnover: contribTurnover,
    },
    metadata: {
      engine: "backtestWeights",
      input: data.kind,
      lag,
      lagZero: lag === 0,
      rebalance,
      initialEquity,
      costNames: names,
      bars: T,
      assets: N,
      rules,
      warnings,
      endedEarly: ended,
      ruinBar,
      redenominations: found.map((e) => ({ ...e, adjusted: adjust })),
    },
  };
  if (options.ledger !== undefined) {
    recordBacktestTrial(options.ledger, options.trial, input, targetWeights, result);
  }
  return result;
}

/**
 * The block buffers of a run, kept for the next run of the same width (allocating and zeroing
 * their 0.9 MB at every run of a walk-forward or a parameter grid costs more than their use):
 * the decision rows due at the fills opening the block's bars, time-major (`WB`, 0 where not
 * listed), per row the assets whose target is not 0 (`lists`, `counts`), and the block's rows
 * of the result tables (`HB`, `XB`, `RB`, see `Book.HB`). A run gives them back only when it
 * ends normally (every block flushed, `WB` matching `lists`, which the next block load clears);
 * a run that throws drops them.
 */
class Scratch {
  readonly WB: Float64Array;
  readonly lists: Int32Array;
  readonly counts: Int32Array;
  readonly HB: Float64Array;
  readonly XB: Float64Array;
  readonly RB: Int32Array;
  constructor(readonly N: number) {
    this.WB = new Float64Array(BLOCK * N);
    this.lists = new Int32Array(BLOCK * N);
    this.counts = new Int32Array(BLOCK);
    this.HB = new Float64Array(BLOCK * N);
    this.XB = new Float64Array(BLOCK * N);
    this.RB = new Int32Array(N * ROW_WORDS);
  }
}

/** The spare {@link Scratch} (undefined while a run holds it: a nested run makes its own). */
let spare: Scratch | undefined;

function takeScratch(N: number): Scratch {
  const s = spare;
  spare = undefined;
  return s !== undefined && s.N === N ? s : new Scratch(N);
}

/** `n` zeroed columns of `T` values, views of one buffer (one allocation, not `n`). */
function columnViews(n: number, T: number): Float64Array[] {
  const buf = new Float64Array(n * T);
  return Array.from({ length: n }, (_, a) => buf.subarray(a * T, (a + 1) * T));
}

/**
 * Loads bars `t0..t1-1` of every asset into the block buffers (see {@link priceBlock},
 * {@link targetBlock}), after clearing the previous block's targets. Returns -1, or where a
 * value was invalid: `t * N + a` for a price or return, `N * T + row * N + a` for a target
 * weight.
 */
function loadBlock(
  cols: Columns,
  targets: readonly ArrayLike<number>[],
  prices: boolean,
  lag: number,
  t0: number,
  t1: number,
  WB: Float64Array,
  lists: Int32Array,
  counts: Int32Array,
  lastClose: Float64Array,
  cand: number[],
): number {
  const N = cols.length, T = cols[0]!.length;
  for (let j = 0; j < counts.length; j++) {
    const n = counts[j]!, row = j * N;
    for (let k = 0; k < n; k++) WB[row + lists[row + k]!] = 0;
    counts[j] = 0;
  }
  for (let a = 0; a < N; a++) {
    const c = cols[a]!;
    const bad = prices
      ? priceBlock(c, a, t0, t1, lastClose, cand)
      : returnBlock(c, a, t0, t1, cand);
    if (bad >= 0) return bad * N + a;
    const d0 = t0 - 1 - lag;
    const row = targetBlock(targets[a]!, a, N, d0, t1 - 1 - lag, d0, WB, lists, counts);
    if (row >= 0) return N * T + row * N + a;
  }
  return -1;
}

/**
 * One bar at a time: the fill, the cost models, the return, the equity. Its `step` is called
 * once per bar, so V8 optimizes it as a function rather than as a loop nest inside a long one.
 */
class BarLoop {
  readonly gross: Float64Array;
  readonly net: Float64Array;
  readonly totalCost: Float64Array;
  readonly turnover: Float64Array;
  readonly grossExp: Float64Array;
  readonly netExp: Float64Array;
  readonly equity: Float64Array;
  readonly costSeries: Float64Array[];
  readonly costByAsset: Float64Array[];
  readonly limiters: FillLimit[];
  readonly costBuf: Float64Array;
  readonly names: string[];
  readonly everyK: number;
  readonly offset: number;
  readonly threshold: number;
  readonly bar: {
    t: number;
    ts: number;
    traded: Float64Array;
    held: Float64Array;
    equity: number;
    active: Int32Array;
    activeCount: number;
  };
  /** Per model: its cost is 0 where nothing is traded or held (read only at the active assets). */
  readonly sparse: boolean[];
  /** The built-in models' arithmetic, done in the fill's pass (see {@link fusedCosts}). */
  readonly fused: Fused | undefined;
  eq: number;
  ruinBar = -1;

  constructor(
    readonly book: Book,
    readonly models: readonly CostModel[],
    readonly index: Float64Array,
    readonly lag: number,
    rebalance: Rebalance,
    initialEquity: number,
  ) {
    const { N, T } = book;
    this.gross = new Float64Array(T);
    this.net = new Float64Array(T);
    this.totalCost = new Float64Array(T);
    this.turnover = new Float64Array(T);
    this.grossExp = new Float64Array(T);
    this.netExp = new Float64Array(T);
    this.equity = new Float64Array(T);
    this.costSeries = models.map(() => new Float64Array(T));
    this.costByAsset = models.map(() => new Float64Array(N));
    this.limiters = models.map(fillLimit).filter((f): f is FillLimit => f !== undefined);
    // a fill limit may fill an asset with nothing desired unless it says it does not
    book.dense = models.some((m) => fillLimit(m) !== undefined && m.zeroWhenFlat !== true);
    this.costBuf = new Float64Array(N);
    this.names = models.map((m) => m.name);
    const every = typeof rebalance === "object" && "every" in rebalance;
    this.everyK = every ? rebalance.every : 0;
    this.offset = every ? rebalance.offset ?? 0 : 0;
    this.threshold = typeof rebalance === "object" && "driftThreshold" in rebalance
      ? rebalance.driftThreshold
      : -1;
    this.eq = initialEquity;
    this.bar = {
      t: 0,
      ts: 0,
      traded: book.traded,
      held: book.held,
      equity: initialEquity,
      active: book.active,
      activeCount: 0,
    };
    this.sparse = models.map((m) => m.zeroWhenFlat === true);
    this.fused = fusedCosts(models, N, T, this.costByAsset);
  }

  step(t: number): void {
    const { book, models } = this;
    if (this.ruinBar >= 0) {
      this.equity[t] = this.eq;
      book.flat(t);
      if (t === book.T - 1) book.closeEnded(t, 0); // lists the ended assets (nothing held)
      return;
    }
    // 1. the fill at the close of bar s = t - 1 (the open of bar t), and bar t's return
    const s = t - 1;
    let turn = 0, fused = false;
    if (s >= 0) {
      let issue = true;
      if (this.everyK > 0) {
        issue = (((s - this.offset) % this.everyK) + this.everyK) % this.everyK === 0;
        book.prepare(t, issue);
      } else if (this.threshold >= 0) {
        book.prepare(t, true);
        issue = book.maxDrift(t) > this.threshold;
      } else book.prepare(t, true);
      if (this.fused !== undefined && t < book.T - 1) {
        turn = book.fillFused(t, issue, this.eq, this.fused);
        fused = true;
      } else if (this.limiters.length === 0) turn = book.fillFused(t, issue, this.eq, NO_COSTS);
      else {
        turn = book.fillCapped(t, issue, this.limiters, this.eq);
      }
    } else {
      book.flat(t);
      book.earn(t);
    }
    if (t === book.T - 1) turn = book.closeEnded(t, turn);
    // 2. costs of that fill and of holding over bar t (the return did not need them: they
    // change equity, so the drift's scale, which applies at the next fill)
    let cost = 0;
    if (fused) {
      const c = this.fused!.c;
      for (let m = 0; m < models.length; m++) {
        if (!Number.isFinite(c[m]!)) this.nonFinite(m, c[m]!, t);
        this.costSeries[m]![t] = c[m]!;
        cost += c[m]!;
      }
    } else if (models.length > 0) {
      const bar = this.bar;
      bar.t = t;
      bar.ts = this.index[t]!;
      bar.equity = this.eq;
      bar.activeCount = book.activeCount;
      for (let m = 0; m < models.length; m++) {
        models[m]!.cost(bar as CostBar, this.costBuf); // all 0 here (addInto resets it)
        const c = this.sparse[m]
          ? addIntoAt(this.costBuf, this.costByAsset[m]!, book.active, book.activeCount)
          : addInto(this.costBuf, this.costByAsset[m]!);
        if (!Number.isFinite(c)) this.nonFinite(m, c, t);
        this.costSeries[m]![t] = c;
        cost += c;
      }
    }
    // 3. net and equity
    const n = book.g - cost;
    this.gross[t] = book.g;
    this.totalCost[t] = cost;
    this.net[t] = n;
    this.turnover[t] = turn;
    this.grossExp[t] = book.ge;
    this.netExp[t] = book.ne;
    const eq = this.eq * (1 + n);
    this.eq = eq;
    this.equity[t] = eq;
    if (!(eq > 0)) this.ruinBar = t;
    else book.scale = 1 / (1 + n);
  }

  nonFinite(m: number, c: number, t: number): never {
    throw new RangeError(
      `Cannot run backtestWeights: cost model "${this.names[m]}" returned a non-finite ` +
        `cost (${c}) at bar ${t}; check its inputs cover the backtest's grid`,
    );
  }
}

const NONE: Float64Array = new Float64Array(0);

/**
 * The built-in cost models of a run, as data for {@link Book.fillFused}: the model index of
 * each kind (-1: absent) and its inputs, the per-model costs of the current bar (`c`) and the
 * per-asset totals (`acc`, the engine's own tables).
 */
class Fused {
  fee = -1;
  /** The fee rate of each asset. */
  rates: Float64Array = NONE;
  spread = -1;
  charged: Float64Array = NONE;
  impact = -1;
  impactModel: CostModel | undefined = undefined;
  SA: Float64Array = NONE;
  k = 0;
  cap = 0;
  funding = -1;
  R: Float64Array = NONE;
  readonly c: Float64Array;
  constructor(readonly acc: Float64Array[], models: number) {
    this.c = new Float64Array(models);
  }
}

/** No built-in cost: {@link Book.fillFused} then fills and earns only. */
const NO_COSTS = new Fused([], 0);

/**
 * The models' arithmetic for the fill's pass when every model is a built-in one (fees, half
 * spread, square-root impact with its cap, funding; each at most once), built for `N` assets
 * and covering `T` bars, with its own methods (not a copy whose `cost` or `capTrade` was
 * replaced); else undefined and every model is called once per bar as the contract says.
 */
function fusedCosts(
  models: readonly CostModel[],
  N: number,
  T: number,
  acc: Float64Array[],
): Fused | undefined {
  if (models.length === 0) return undefined;
  const f = new Fused(acc, models.length);
  for (let m = 0; m < models.length; m++) {
    const model = models[m]!;
    const kern = (model as { [COST_KERNEL]?: CostKernel })[COST_KERNEL];
    if (kern === undefined || kern.cost !== model.cost) return undefined;
    if ((kern.width !== -1 && kern.width !== N) || !(kern.bars >= T)) return undefined;
    if (kern.kind !== "impact" && fillLimit(model) !== undefined) return undefined;
    if (kern.kind === "fee" && f.fee < 0) {
      f.fee = m;
      f.rates = kern.rates !== undefined ? kern.rates : new Float64Array(N).fill(kern.rate);
    } else if (kern.kind === "spread" && f.spread < 0) {
      f.spread = m;
      f.charged = kern.charged;
    } else if (
      kern.kind === "impact" && f.impact < 0 &&
      (model as Partial<FillLimit>).capTrade === kern.capTrade
    ) {
      f.impact = m;
      f.impactModel = model;
      f.SA = kern.SA;
      f.k = kern.k;
      f.cap = kern.cap;
    } else if (kern.kind === "funding" && f.funding < 0) {
      f.funding = m;
      f.R = kern.R;
    } else return undefined;
  }
  return f;
}

/**
 * `sum(x)`, `x` added into `acc` element-wise, and `x` reset to 0, in one pass touching only
 * the values that are not 0 (adding 0 changes no sum: the same bits as adding every value).
 */
function addInto(x: Float64Array, acc: Float64Array): number {
  let c = 0;
  for (let a = 0; a < x.length; a++) {
    const v = x[a]!;
    if (v !== 0) {
      c += v;
      acc[a] = acc[a]! + v;
      x[a] = 0;
    }
  }
  return c;
}

/** {@link addInto} at the assets `at[0 .. n - 1]` only (ascending; `x` is 0 elsewhere). */
function addIntoAt(x: Float64Array, acc: Float64Array, at: Int32Array, n: number): number {
  let c = 0;
  for (let k = 0; k < n; k++) {
    const a = at[k]!, v = x[a]!;
    if (v !== 0) {
      c += v;
      acc[a] = acc[a]! + v;
      x[a] = 0;
    }
  }
  return c;
}

/**
 * The per-asset state of a run and the passes over the assets at one bar. Kept out of the bar
 * loop so V8 optimizes each pass as a function called once per bar (a large loop nest compiled
 * by on-stack replacement deoptimizes at every exit of an inner loop).
 *
 * Each bar visits only the assets that can trade or hold there, in ascending column order: the
 * `live` ones (holding a weight, or with an open order for a weight that is not 0) and, at a
 * bar that issues orders, those with a target that is not 0 (the block's row list). Any other
 * asset holds nothing, has nothing to fill (its order is 0) and earns nothing, so its traded and
 * held weights are 0 and it adds nothing to any sum: the pass over every asset gave the same
 * result to the bit. A fill limit not marked `zeroWhenFlat` may fill any asset: every asset is
 * then visited (`dense`).
 */
class Book {
  /** Weights before the fill are `drifted[a] * scale` (the last bar's 1 / (1 + net)). */
  readonly drifted: Float64Array;
  scale = 1;
  /** The open order's target weight, and 1 while it is open. */
  readonly order: Float64Array;
  readonly pending: Uint8Array;
  /**
   * The block's rows of the result tables, time-major (`HB[j * N + a]` held, `XB` traded, for
   * bar `t0 + j`), valid where bit `j` of asset `a`'s row bitmap `RB[a * ROW_WORDS ..]` is set; written
   * to the asset's columns by {@link flush} at the end of each block, column by column in time
   * order. Writing each bar's few values straight into columns of T values touches a cache line
   * in a different column per asset and bar, measured 1.5 ms slower on 126 x 5,493.
   */
  readonly HB: Float64Array;
  readonly XB: Float64Array;
  readonly RB: Int32Array;
  /** Traded and held weights of the current bar; 0 at every asset not visited. */
  readonly traded: Float64Array;
  readonly held: Float64Array;
  readonly desired: Float64Array;
  readonly capBuf: Float64Array;
  readonly contribGross: Float64Array;
  readonly contribTurnover: Float64Array;
  /** The assets traded or held at the current bar, ascending, in `active[0 .. activeCount - 1]`. */
  readonly active: Int32Array;
  activeCount = 0;
  /** The assets visited at the current bar, ascending, in `visit[0 .. visitCount - 1]`. */
  readonly visit: Int32Array;
  visitCount = 0;
  /** Bitmap (bit `a & 31` of word `a >>> 5`) of the assets holding or with an open order that
   * is not 0 after the last bar. */
  readonly live: Int32Array;
  /** Words of a bitmap of the assets. */
  readonly words: number;
  /** Visit every asset at every bar. */
  dense = false;
  /** `traded` and `held` are all 0 (set by {@link flat}, cleared by {@link prepare}). */
  isFlat = false;
  /** Per asset, its last close before bar `known[a]` (NaN: none), for returns of prices. */
  readonly lastPx: Float64Array;
  readonly known: Int32Array;
  /** The block's due targets (bars t0 ..), time-major, and per row the assets listed there. */
  WB: Float64Array;
  lists: Int32Array;
  counts: Int32Array;
  t0 = 0;
  cappedFills = 0;
  g = 0;
  ge = 0;
  ne = 0;

  constructor(
    readonly N: number,
    readonly T: number,
    readonly lastBar: Int32Array,
    readonly cols: Columns,
    readonly prices: boolean,
    readonly weights: Float64Array[],
    readonly tradedCols: Float64Array[],
    scratch: Scratch,
    readonly onEnded: (a: number, closedWeight: number) => void,
  ) {
    this.HB = scratch.HB;
    this.XB = scratch.XB;
    this.RB = scratch.RB;
    this.drifted = new Float64Array(N);
    this.order = new Float64Array(N);
    this.pending = new Uint8Array(N);
    this.traded = new Float64Array(N);
    this.held = new Float64Array(N);
    this.desired = new Float64Array(N);
    this.capBuf = new Float64Array(N);
    this.contribGross = new Float64Array(N);
    this.contribTurnover = new Float64Array(N);
    this.active = new Int32Array(N);
    this.visit = new Int32Array(N);
    this.words = (N + 31) >>> 5;
    this.live = new Int32Array(this.words);
    this.lastPx = new Float64Array(N).fill(NaN);
    this.known = new Int32Array(N);
    this.WB = this.drifted;
    this.lists = this.counts = this.known;
  }

  startBlock(t0: number, WB: Float64Array, lists: Int32Array, counts: Int32Array): void {
    this.t0 = t0;
    this.WB = WB;
    this.lists = lists;
    this.counts = counts;
  }

  /** Asset `a`'s held weight `h` and traded weight `x` at bar `t` into the block's rows. */
  record(t: number, a: number, h: number, x: number): void {
    const j = t - this.t0, i = j * this.N + a;
    this.HB[i] = h;
    this.XB[i] = x;
    this.RB[a * ROW_WORDS + (j >>> 5)]! |= 1 << (j & 31);
  }

  /** The block's recorded rows into the weights and traded columns (see {@link HB}). */
  flush(): void {
    const { N, HB, XB, RB, weights, tradedCols, t0 } = this;
    for (let a = 0; a < N; a++) {
      const w = weights[a]!, x = tradedCols[a]!;
      for (let k = 0; k < ROW_WORDS; k++) {
        let b = RB[a * ROW_WORDS + k]!;
        if (b === 0) continue;
        RB[a * ROW_WORDS + k] = 0;
        while (b !== 0) {
          const low = b & -b, j = (k << 5) + 31 - Math.clz32(low), i = j * N + a;
          w[t0 + j] = HB[i]!;
          x[t0 + j] = XB[i]!;
          b ^= low;
        }
      }
    }
  }

  /** Nothing traded or held over bar `t` (before the first fill, after ruin). */
  flat(_t: number): void {
    if (!this.isFlat) { // after ruin, every later bar: zeroed once
      this.traded.fill(0);
      this.held.fill(0);
      this.isFlat = true;
    }
    this.activeCount = 0;
  }

  /**
   * Bar `t`'s simple return of asset `a` (NaN where it has no bar). For prices: from its last
   * close before `t`, 0 at its first bar; called at most once per asset and bar, in time order.
   */
  ret(a: number, t: number): number {
    const c = this.cols[a]!, x = c[t]!;
    if (!this.prices) return x;
    let p = NaN;
    for (let u = t - 1, k = this.known[a]!; u >= k; u--) {
      const y = c[u]!;
      if (y === y) {
        p = y;
        break;
      }
    }
    if (p !== p) p = this.lastPx[a]!;
    this.known[a] = t + 1;
    if (x !== x) {
      this.lastPx[a] = p;
      return NaN;
    }
    this.lastPx[a] = x;
    return p === p ? x / p - 1 : 0;
  }

  /** Whether asset `a` has a bar at `s` (a close, or a return, that is a number). */
  hasBar(a: number, s: number): boolean {
    const y = this.cols[a]![s]!;
    return y === y;
  }

  /**
   * The assets to visit at bar `t` (see the class): the live ones, with the assets whose due
   * target is not 0 when `withTargets`; first the last bar's traded, held and desired weights
   * are reset to 0.
   */
  prepare(t: number, withTargets: boolean): void {
    const { visit, traded, held, desired, live, N } = this;
    this.isFlat = false;
    for (let k = 0; k < this.visitCount; k++) {
      const a = visit[k]!;
      traded[a] = 0;
      held[a] = 0;
      desired[a] = 0;
    }
    if (this.dense) {
      for (let a = 0; a < N; a++) visit[a] = a;
      this.visitCount = N;
      return;
    }
    // the union of the live bitmap and the row's listed targets, its bits in ascending order
    if (withTargets) {
      const j = t - this.t0, base = j * N, m = this.counts[j]!, lists = this.lists;
      for (let q = 0; q < m; q++) {
        const a = lists[base + q]!;
        live[a >>> 5]! |= 1 << (a & 31);
      }
    }
    let n = 0;
    for (let w = 0; w < this.words; w++) {
      let b = live[w]!;
      live[w] = 0; // rebuilt by the fill pass
      while (b !== 0) {
        const low = b & -b;
        visit[n++] = (w << 5) + 31 - Math.clz32(low);
        b ^= low;
      }
    }
    this.visitCount = n;
  }

  /**
   * Largest |drifted weight - due target| over the assets with a bar at the fill (the close of
   * bar t - 1), among the visited ones (every other asset has both 0).
   */
  maxDrift(t: number): number {
    const { N, WB, drifted, scale, visit } = this;
    const s = t - 1, wI = (t - this.t0) * N;
    let maxDev = 0;
    for (let k = 0; k < this.visitCount; k++) {
      const a = visit[k]!;
      if (!this.hasBar(a, s)) continue;
      const dev = Math.abs(drifted[a]! * scale - WB[wI + a]!);
      if (dev > maxDev) maxDev = dev;
    }
    return maxDev;
  }

  /**
   * {@link fillFused} with the fill limits of cost models that are not built in applied first
   * (each model's `capTrade`, in the models' order), their costs left to the models.
   */
  fillCapped(t: number, issue: boolean, limiters: readonly FillLimit[], equity: number): number {
    const { N, WB, lastBar, drifted, scale, order, pending, traded, held, visit, live } = this;
    const { cols, prices } = this;
    const { desired, capBuf, contribTurnover, contribGross, active, HB, XB, RB } = this;
    const j = t - this.t0, jN = j * N; // the block row of bar t
    const s = t - 1, i = (t - this.t0) * N;
    const n = this.visitCount;
    let any = false;
    for (let k = 0; k < n; k++) {
      const a = visit[k]!;
      const d = drifted[a]! * scale;
      drifted[a] = d;
      desired[a] = 0;
      if (s > lastBar[a]!) continue; // no bar at s or later: nothing to fill
      if (issue) {
        order[a] = WB[i + a]!;
        pending[a] = 1;
      }
      const y = cols[a]![s]!;
      if (y !== y) continue; // no bar: the order waits
      if (pending[a]) {
        desired[a] = order[a]! - d;
        pending[a] = 0;
        any = true;
      }
    }
    if (any && this.dense) {
      limiters[0]!.capTrade(t, equity, desired, traded);
      for (let k = 1; k < limiters.length; k++) {
        limiters[k]!.capTrade(t, equity, traded, capBuf);
        traded.set(capBuf);
      }
    } else if (any) { // zeroWhenFlat limiters: only the visited assets can be filled
      limiters[0]!.capTrade(t, equity, desired, traded, visit, n);
      for (let k = 1; k < limiters.length; k++) {
        limiters[k]!.capTrade(t, equity, traded, capBuf, visit, n);
        for (let q = 0; q < n; q++) traded[visit[q]!] = capBuf[visit[q]!]!;
      }
    } else {
      for (let k = 0; k < n; k++) traded[visit[k]!] = 0;
    }
    // the fill as capped, then bar t's return (as earn)
    let turn = 0, g = 0, ge = 0, ne = 0, nAct = 0;
    for (let k = 0; k < n; k++) {
      const a = visit[k]!;
      const x = traded[a]!;
      if (x !== desired[a]) {
        pending[a] = 1; // the rest of the order stays open
        this.cappedFills++;
      }
      const h = drifted[a]! + x;
      held[a] = h;
      if (x !== 0 || h !== 0) {
        active[nAct++] = a;
        const i = jN + a;
        HB[i] = h;
        XB[i] = x;
        RB[a * ROW_WORDS + (j >>> 5)]! |= 1 << (j & 31);
        if (x !== 0) {
          const ax = Math.abs(x);
          turn += ax;
          contribTurnover[a] = contribTurnover[a]! + ax;
        }
      }
      if (h === 0) {
        drifted[a] = 0;
      } else {
        ge += Math.abs(h);
        ne += h;
        const c = cols[a]!, y = c[s]!;
        const r = !prices ? c[t]! : y === y ? c[t]! / y - 1 : this.ret(a, t); // as ret
        if (r === r) {
          const y = h * r;
          g += y;
          contribGross[a] = contribGross[a]! + y;
          drifted[a] = h + y;
        } else drifted[a] = h;
      }
      if (drifted[a] !== 0 || (pending[a] && order[a] !== 0)) live[a >>> 5]! |= 1 << (a & 31);
    }
    this.g = g;
    this.ge = ge;
    this.ne = ne;
    this.activeCount = nAct;
    return turn;
  }

  /**
   * The fill at the close of bar t - 1 (opening bar `t`) and bar `t`'s return on the weights
   * then held (as {@link earn}), in one pass over the visited assets, with the built-in cost
   * models' arithmetic (`f`): the same expressions as the models' `cost` and `capTrade`, each
   * model's cost summed over the active assets in ascending order as {@link addIntoAt} does, so
   * the same bits. With {@link NO_COSTS} it is the plain fill of a run without fill limits (at
   * any bar); with costs, not for the last bar (its close of ended assets changes the traded
   * weights after the fill). Returns the turnover.
   */
  fillFused(t: number, issue: boolean, equity: number, f: Fused): number {
    const { N, WB, lastBar, drifted, scale, order, pending, traded, held, visit, live } = this;
    const { cols, prices, known, lastPx } = this;
    const { contribTurnover, contribGross, active, HB, XB, RB } = this;
    const j = t - this.t0, jN = j * N; // the block row of bar t
    const s = t - 1, i = (t - this.t0) * N, row = t * N;
    const capped = f.impact >= 0, { cap, SA, k, charged, R, rates } = f;
    const okEquity = equity > 0 && Number.isFinite(equity);
    let nCapped = 0;
    const fee = f.fee >= 0, spread = f.spread >= 0, funding = f.funding >= 0;
    const accFee = fee ? f.acc[f.fee]! : NONE, accSpread = spread ? f.acc[f.spread]! : NONE;
    const accImpact = capped ? f.acc[f.impact]! : NONE;
    const accFunding = funding ? f.acc[f.funding]! : NONE;
    let cFee = 0, cSpread = 0, cImpact = 0, cFunding = 0;
    let turn = 0, g = 0, ge = 0, ne = 0, nAct = 0;
    const n = this.visitCount;
    for (let q = 0; q < n; q++) {
      const a = visit[q]!;
      const c = cols[a]!, y = c[s]!; // y: bar s exists when a number
      const d = drifted[a]! * scale;
      let want = 0;
      if (s <= lastBar[a]!) {
        if (issue) {
          order[a] = WB[i + a]!;
          pending[a] = 1;
        }
        if (pending[a] && y === y) { // else no bar: the order waits
          want = order[a]! - d;
          pending[a] = 0;
        }
      }
      let x = want;
      if (capped && want !== 0) { // capTrade of squareRootImpact
        const av = SA[2 * (row + a) + 1]!;
        const max = av > 0 ? (cap * av) / equity : 0;
        x = Math.abs(want) <= max ? want : Math.sign(want) * max;
        if (x !== want) {
          pending[a] = 1; // the rest of the order stays open
          nCapped++;
        }
      }
      const h = d + x;
      traded[a] = x;
      held[a] = h;
      if (x !== 0 || h !== 0) {
        active[nAct++] = a;
        const i = jN + a;
        HB[i] = h;
        XB[i] = x;
        RB[a * ROW_WORDS + (j >>> 5)]! |= 1 << (j & 31);
        const ax = Math.abs(x);
        if (x !== 0) {
          turn += ax;
          contribTurnover[a] = contribTurnover[a]! + ax;
        }
        // each model's cost, summed as addIntoAt does (adding a 0 changes no sum or total:
        // the same bits as skipping it)
        if (fee) {
          const v = rates[a]! * ax;
          cFee += v;
          accFee[a] = accFee[a]! + v;
        }
        if (x !== 0) {
          if (spread) {
            const v = (ax * charged[row + a]!) / 2;
            cSpread += v;
            accSpread[a] = accSpread[a]! + v;
          }
        }
        if (funding && h !== 0) {
          const v = h * R[row + a]!;
          cFunding += v;
          accFunding[a] = accFunding[a]! + v;
        }
      }
      if (h === 0) {
        drifted[a] = 0;
      } else {
        ge += Math.abs(h);
        ne += h;
        let r: number; // ret(a, t) written out: no call in the loop
        if (!prices) r = c[t]!;
        else if (y === y) r = c[t]! / y - 1;
        else { // no bar at t - 1: the last close before it, as ret
          const x = c[t]!;
          let p = NaN;
          for (let u = t - 2, k = known[a]!; u >= k; u--) {
            const z = c[u]!;
            if (z === z) {
              p = z;
              break;
            }
          }
          if (p !== p) p = lastPx[a]!;
          known[a] = t + 1;
          lastPx[a] = x === x ? x : p;
          r = x !== x ? NaN : p === p ? x / p - 1 : 0;
        }
        if (r === r) {
          const y = h * r;
          g += y;
          contribGross[a] = contribGross[a]! + y;
          drifted[a] = h + y;
        } else drifted[a] = h;
      }
      if (drifted[a] !== 0 || (pending[a] && order[a] !== 0)) live[a >>> 5]! |= 1 << (a & 31);
    }
    // the impact of each trade, in a pass of its own: its division and square root then
    // overlap from one asset to the next instead of waiting in the fill's longer chain
    for (let q = 0; capped && q < nAct; q++) {
      const a = active[q]!, x = traded[a]!;
      if (x === 0) continue;
      let j = row + a, av = SA[2 * j + 1]!;
      while (av !== av && j >= N) { // the latest row before t where both are known
        j -= N;
        av = SA[2 * j + 1]!;
      }
      if (av !== av || !okEquity) this.impactError(f, t, a, equity);
      const ax = Math.abs(x);
      const v = ax * k * SA[2 * j]! * Math.sqrt((ax * equity) / av);
      cImpact += v;
      accImpact[a] = accImpact[a]! + v;
    }
    this.cappedFills += nCapped;
    if (fee) f.c[f.fee] = cFee;
    if (spread) f.c[f.spread] = cSpread;
    if (capped) f.c[f.impact] = cImpact;
    if (funding) f.c[f.funding] = cFunding;
    this.g = g;
    this.ge = ge;
    this.ne = ne;
    this.activeCount = nAct;
    return turn;
  }

  /** The impact model's own error for asset `a` at bar `t` (liquidity never known). */
  impactError(f: Fused, t: number, a: number, equity: number): never {
    const at = Int32Array.of(a);
    f.impactModel!.cost({
      t,
      ts: t,
      traded: this.traded,
      held: this.held,
      equity,
      active: at,
      activeCount: 1,
    }, new Float64Array(this.N));
    throw new Error(`Cannot price the impact of a trade of asset ${a} at bar ${t}`);
  }

  /**
   * At the backtest's last bar `t`: every asset whose data ended earlier is sold to 0 at its
   * last close. Its held weight over `t` stays (no bar, no return); its traded weight becomes
   * `-(weight before the fill)`, netting the fill and the close (same price). Returns the
   * row's turnover `turn` adjusted.
   */
  closeEnded(t: number, turn: number): number {
    const { N, lastBar, traded, held, contribTurnover } = this;
    for (let a = 0; a < N; a++) {
      const last = lastBar[a]!;
      if (last < 0 || last >= t) continue;
      const h = held[a]!, x = traded[a]!;
      this.onEnded(a, h);
      if (h === 0) continue;
      const y = x - h;
      traded[a] = y;
      this.record(t, a, h, y);
      const dTurn = Math.abs(y) - Math.abs(x);
      turn += dTurn;
      contribTurnover[a] = contribTurnover[a]! + dTurn;
    }
    return turn;
  }

  /** Bar `t`'s gross return on the held weights (into g, ge, ne), and the unscaled drift. */
  earn(t: number): void {
    const { N, held, traded, drifted, contribGross } = this;
    let g = 0, ge = 0, ne = 0;
    for (let a = 0; a < N; a++) {
      const h = held[a]!;
      if (h === 0) {
        drifted[a] = 0;
        continue;
      }
      this.record(t, a, h, traded[a]!);
      ge += Math.abs(h);
      ne += h;
      const r = this.ret(a, t);
      if (r === r) {
        const x = h * r;
        g += x;
        contribGross[a] = contribGross[a]! + x;
        drifted[a] = h + x;
      } else drifted[a] = h;
    }
    this.g = g;
    this.ge = ge;
    this.ne = ne;
  }
}

/**
 * Redenominations in the engine's input: on close prices directly (with the input's `volume`
 * when it has one per asset column and bar); on returns, only when some return is large enough
 * to be one, on the levels the returns compound to.
 */
function findRedenominations(
  data: Normalized,
  input: BacktestInput,
  candidates?: readonly { column: number; bar: number }[],
): Redenomination[] {
  const { cols, index, assets, bars: T } = data;
  if (data.kind === "prices") {
    const v = (input as PriceInput).volume;
    const volume = Array.isArray(v) && v.length === cols.length && v.every((c) => c.length === T)
      ? v
      : undefined;
    return detectRedenominations({ close: cols, volume, index, assets }, {}, candidates);
  }
  const D = REDENOMINATION_DEFAULTS;
  const hi = Math.pow(10, D.minLog10 - D.powerTolerance) - 1;
  const lo = Math.pow(10, -(D.minLog10 - D.powerTolerance)) - 1;
  let any = false;
  for (const c of cols) {
    for (let t = 0; t < T && !any; t++) any = c[t]! >= hi || c[t]! <= lo;
    if (any) break;
  }
  if (!any) return [];
  const levels = cols.map((c) => {
    const out = new Float64Array(T).fill(NaN);
    let level = 1;
    for (let t = 0; t < T; t++) {
      const r = c[t]!;
      if (r !== r) continue;
      level *= 1 + r;
      out[t] = level;
    }
    return out;
  });
  return detectRedenominations({ close: levels, index, assets });
}

/** `[a0, t0, a1, t1, ...]` as `{column, bar}` pairs. */
function pairsOf(cand: readonly number[]): { column: number; bar: number }[] {
  const out: { column: number; bar: number }[] = [];
  for (let i = 0; i < cand.length; i += 2) out.push({ column: cand[i]!, bar: cand[i + 1]! });
  return out;
}

/** The input columns with each event undone (prices before it rescaled; its return divided). */
function adjustColumns(data: Normalized, events: readonly Redenomination[]): Columns {
  if (data.kind === "prices") return rescaleBeforeEvents(data.cols, events);
  const out: ArrayLike<number>[] = [...data.cols];
  for (const e of events) {
    const c = out[e.column] === data.cols[e.column]
      ? Float64Array.from(data.cols[e.column]!)
      : out[e.column] as Float64Array;
    c[e.bar] = (1 + c[e.bar]!) / e.factor - 1;
    out[e.column] = c;
  }
  return out;
}

function isoOrBar(ts: number, input: BacktestInput): string {
  const hasIndex = !Array.isArray(input) && (input as { index?: unknown }).index !== undefined;
  return hasIndex && Number.isFinite(ts) ? new Date(ts).toISOString() : `bar ${ts}`;
}
