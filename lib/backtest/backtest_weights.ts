import type { CostBar, CostModel } from "./cost_model.ts";
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
  "An asset whose data ends before the backtest's last bar is closed at its last existing close (target forced to 0, not limited by a participation cap) and listed in metadata.endedEarly; later targets for it are ignored.",
  "Between rebalances weights drift with prices: the weight of asset a after bar u is held[a][u] * (1 + r[a][u]) / (1 + net[u]), with r = 0 for an asset with no bar at u.",
  "Costs: at each bar u every cost model sees the weight traded at the fill that opens bar u and the weights held over bar u, and returns a cost per asset as a fraction of the equity at the start of bar u; fees and other costs are paid from cash at the fill, so net[u] = gross[u] - total cost[u] exactly and equity[u] = equity[u - 1] * (1 + net[u]).",
  "Targets are fractions of the equity just before the fill (before its costs); the part of equity not in positions is cash earning 0.",
  "A cost model that limits fills (a participation cap, capTrade) is applied before the fill; the unfilled part of the order stays open and is chased at the asset's next bars.",
  "If equity falls to 0 or below, trading stops at that bar (metadata.ruinBar) and later rows are 0.",
  "Rankings (for cross-sectional targets built on this engine, e.g. rankFirst) order finite values ascending and break ties by asset column order, the lower column first (pandas rank(method='first')); NaN values are not ranked.",
  "Deterministic: the same inputs give the same result to the last bit (one pass in time order, assets in column order).",
];

type Columns = readonly ArrayLike<number>[];

interface Normalized {
  readonly kind: "prices" | "returns";
  readonly returns: Float64Array[];
  /** 1 where the asset has a bar (it can trade at that close). */
  readonly exists: Uint8Array[];
  readonly index: Float64Array;
  readonly assets: readonly string[];
  readonly bars: number;
}

function isColumns(x: BacktestInput): x is Columns {
  return Array.isArray(x);
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
  const returns: Float64Array[] = new Array(n);
  const exists: Uint8Array[] = new Array(n);
  for (let a = 0; a < n; a++) {
    const c = cols[a]!;
    const r = new Float64Array(bars);
    const e = new Uint8Array(bars);
    if (kind === "prices") {
      let last = NaN;
      for (let t = 0; t < bars; t++) {
        const p = c[t]!;
        if (p !== p) {
          r[t] = NaN;
          continue;
        }
        if (!(p > 0) || p === Infinity) {
          throw new RangeError(
            `Cannot run backtestWeights: close of asset ${labels?.[a] ?? a} at bar ${t} is ` +
              `${p}; prices must be positive and finite (NaN for a missing bar)`,
          );
        }
        e[t] = 1;
        r[t] = p / last - 1; // NaN at the asset's first bar
        last = p;
      }
    } else {
      for (let t = 0; t < bars; t++) {
        const x = c[t]!;
        r[t] = x;
        if (x !== x) continue;
        if (!(x >= -1) || x === Infinity) {
          throw new RangeError(
            `Cannot run backtestWeights: return of asset ${labels?.[a] ?? a} at bar ${t} is ` +
              `${x}; simple returns must be finite and >= -1 (NaN for a missing bar)`,
          );
        }
        e[t] = 1;
      }
    }
    returns[a] = r;
    exists[a] = e;
  }
  const idx = index === undefined
    ? Float64Array.from({ length: bars }, (_, t) => t)
    : Float64Array.from(index);
  const assets = labels ?? Array.from({ length: n }, (_, a) => String(a));
  return { kind, returns, exists, index: idx, assets, bars };
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
  capTrade(t: number, equity: number, desired: ArrayLike<number>, out: Float64Array): Float64Array;
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
 * - End of data: an asset whose data ends before the last bar is closed at its last close and
 *   listed in `metadata.endedEarly`.
 * - Costs: each {@link CostModel} is called once per bar with the weights traded at the fill
 *   opening the bar and the weights held over it; costs are fractions of the equity at the
 *   start of the bar, paid from cash at the fill: `net = gross - sum of costs` exactly. A
 *   model with a `capTrade` method (participation cap) limits the fill first; the rest of
 *   the order stays open.
 * - Rebalancing: every bar (default), every `k` bars, or when a weight drifts more than a
 *   threshold from its target; in between, weights drift with prices.
 *
 * Cost: O(T x N x (1 + cost models)), one pass in time order; allocation O(T x N).
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
  const { returns: R, exists: E, index, assets, bars: T } = data;
  const N = R.length;
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
      `Cannot run backtestWeights: targetWeights has ${targetWeights.length} columns for ` +
        `${N} assets; give one column per asset, in input order`,
    );
  }
  const W: ArrayLike<number>[] = new Array(N);
  for (let a = 0; a < N; a++) {
    const col = targetWeights[a]!;
    if (col.length !== T) {
      throw new RangeError(
        `Cannot run backtestWeights: target column ${a} (${assets[a]}) has ${col.length} ` +
          `values for ${T} bars`,
      );
    }
    for (let t = 0; t < T; t++) {
      const w = col[t]!;
      if (w === Infinity || w === -Infinity) {
        throw new RangeError(
          `Cannot run backtestWeights: target weight of ${assets[a]} at bar ${t} is ${w}; ` +
            `weights must be finite (NaN means flat)`,
        );
      }
    }
    W[a] = col;
  }

  // last existing bar per asset (-1: no data at all)
  const lastBar = new Int32Array(N).fill(-1);
  for (let a = 0; a < N; a++) {
    const e = E[a]!;
    for (let t = T - 1; t >= 0; t--) {
      if (e[t]) {
        lastBar[a] = t;
        break;
      }
    }
  }

  const gross = new Float64Array(T), net = new Float64Array(T), totalCost = new Float64Array(T);
  const turnover = new Float64Array(T), grossExp = new Float64Array(T);
  const netExp = new Float64Array(T), equity = new Float64Array(T);
  const weights = Array.from({ length: N }, () => new Float64Array(T));
  const tradedCols = Array.from({ length: N }, () => new Float64Array(T));
  const costSeries = models.map(() => new Float64Array(T));
  const costByAsset = models.map(() => new Float64Array(N));
  const contribGross = new Float64Array(N), contribTurnover = new Float64Array(N);
  const limiters = models.map(fillLimit).filter((f): f is FillLimit => f !== undefined);

  const drifted = new Float64Array(N); // weights before the fill, fraction of equity
  const order = new Float64Array(N); // open order's target weight
  const pending = new Uint8Array(N); // 1 while an order is open
  const forced = new Uint8Array(N); // 1 at the fill that closes an ended asset
  const desired = new Float64Array(N);
  const traded = new Float64Array(N);
  const held = new Float64Array(N);
  const capBuf = new Float64Array(N);
  const costBuf = new Float64Array(N);
  const bar: { t: number; ts: number; traded: Float64Array; held: Float64Array; equity: number } = {
    t: 0,
    ts: 0,
    traded,
    held,
    equity: initialEquity,
  };
  const costBar = bar as CostBar;

  const everyK = typeof rebalance === "object" && "every" in rebalance ? rebalance.every : 0;
  const offset = typeof rebalance === "object" && "every" in rebalance ? rebalance.offset ?? 0 : 0;
  const threshold = typeof rebalance === "object" && "driftThreshold" in rebalance
    ? rebalance.driftThreshold
    : -1;

  let eq = initialEquity;
  let ruinBar = -1;
  let cappedFills = 0;
  const ended: EndedAsset[] = [];

  for (let t = 0; t < T; t++) {
    if (ruinBar >= 0) {
      equity[t] = eq;
      continue;
    }
    // 1. the fill at the close of bar s = t - 1 (the open of bar t)
    const s = t - 1;
    let turn = 0;
    if (s >= 0) {
      const row = s - lag; // decision row due at this fill
      let issue = false;
      if (everyK > 0) issue = (((s - offset) % everyK) + everyK) % everyK === 0;
      else if (threshold >= 0) {
        let maxDev = 0;
        for (let a = 0; a < N; a++) {
          if (!E[a]![s] || s >= lastBar[a]!) continue;
          const w = row >= 0 ? W[a]![row]! : 0;
          const dev = Math.abs(drifted[a]! - (w === w ? w : 0));
          if (dev > maxDev) maxDev = dev;
        }
        issue = maxDev > threshold;
      } else issue = true;
      let any = false;
      for (let a = 0; a < N; a++) {
        desired[a] = 0;
        forced[a] = 0;
        const last = lastBar[a]!;
        if (s > last) continue; // ended (already closed) or no data at all
        if (issue) {
          const w = row >= 0 ? W[a]![row]! : 0;
          order[a] = w === w ? w : 0;
          pending[a] = 1;
        }
        if (!E[a]![s]) continue; // no bar: the order waits
        if (s === last && last < T - 1) {
          // data ends here: close at this last price
          forced[a] = 1;
          desired[a] = -drifted[a]!;
          pending[a] = 0;
          ended.push({
            asset: assets[a]!,
            column: a,
            lastBar: last,
            lastTs: index[last]!,
            closedWeight: drifted[a]!,
          });
          any = true;
          continue;
        }
        if (pending[a]) {
          desired[a] = order[a]! - drifted[a]!;
          pending[a] = 0;
          any = true;
        }
      }
      if (any && limiters.length > 0) {
        traded.set(desired);
        for (const lim of limiters) {
          lim.capTrade(t, eq, traded, capBuf);
          traded.set(capBuf);
        }
        for (let a = 0; a < N; a++) {
          if (forced[a]) traded[a] = desired[a]!;
          else if (traded[a] !== desired[a]) {
            pending[a] = 1; // the rest of the order stays open
            cappedFills++;
          }
        }
      } else traded.set(desired);
      for (let a = 0; a < N; a++) {
        const x = traded[a]!;
        held[a] = drifted[a]! + x;
        if (x !== 0) {
          const ax = Math.abs(x);
          turn += ax;
          contribTurnover[a] = contribTurnover[a]! + ax;
          tradedCols[a]![t] = x;
        }
      }
    } else {
      traded.fill(0);
      held.fill(0);
    }
    // 2. costs of that fill and of holding over bar t
    let cost = 0;
    if (models.length > 0) {
      bar.t = t;
      bar.ts = index[t]!;
      bar.equity = eq;
      for (let m = 0; m < models.length; m++) {
        costBuf.fill(0);
        models[m]!.cost(costBar, costBuf);
        const byAsset = costByAsset[m]!;
        let c = 0;
        for (let a = 0; a < N; a++) {
          const x = costBuf[a]!;
          c += x;
          byAsset[a] = byAsset[a]! + x;
        }
        if (!Number.isFinite(c)) {
          throw new RangeError(
            `Cannot run backtestWeights: cost model "${names[m]}" returned a non-finite cost ` +
              `(${c}) at bar ${t}; check its inputs cover the backtest's grid`,
          );
        }
        costSeries[m]![t] = c;
        cost += c;
      }
    }
    // 3. the return of bar t on the weights held over it, then drift
    let g = 0, ge = 0, ne = 0;
    for (let a = 0; a < N; a++) {
      const h = held[a]!;
      weights[a]![t] = h;
      if (h === 0) {
        drifted[a] = 0;
        continue;
      }
      ge += Math.abs(h);
      ne += h;
      if (E[a]![t]) {
        const x = h * R[a]![t]!;
        g += x;
        contribGross[a] = contribGross[a]! + x;
        drifted[a] = h + x;
      } else drifted[a] = h;
    }
    const n = g - cost;
    gross[t] = g;
    totalCost[t] = cost;
    net[t] = n;
    turnover[t] = turn;
    grossExp[t] = ge;
    netExp[t] = ne;
    eq = eq * (1 + n);
    equity[t] = eq;
    if (!(eq > 0)) {
      ruinBar = t;
      continue;
    }
    const scale = 1 / (1 + n);
    for (let a = 0; a < N; a++) drifted[a] = drifted[a]! * scale;
  }

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
        `backtest's last bar; its position (${e.closedWeight}) was closed at its last close`,
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

  return {
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
    returns: R,
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
    },
  };
}

function isoOrBar(ts: number, input: BacktestInput): string {
  const hasIndex = !Array.isArray(input) && (input as { index?: unknown }).index !== undefined;
  return hasIndex && Number.isFinite(ts) ? new Date(ts).toISOString() : `bar ${ts}`;
}
