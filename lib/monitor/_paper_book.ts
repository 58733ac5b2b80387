/**
 * The bookkeeping shared by the rule and manual paper books: marks at a bar's close, fills to
 * target weights at that close with the backtest's cost models, in units and cash.
 *
 * @module
 */
import type { CostBar, CostModel } from "../backtest/cost_model.ts";
import { BACKTEST_DEFAULTS } from "../backtest/backtest_weights.ts";
import type { PaperBars, PaperFill, PaperMark, PaperOptions, PaperState } from "./paper_types.ts";

/** Defaults of {@link PaperOptions}, stated once. */
export const PAPER_DEFAULTS = {
  /** Starting cash: the backtest's default, so the comparison is on the same scale. */
  initialEquity: BACKTEST_DEFAULTS.initialEquity as number,
} as const;

const WHAT = "paper trading";

/** The state of a book that has processed nothing: all cash. */
export function initialPaperState(options: PaperOptions = {}): PaperState {
  const eq = options.initialEquity ?? PAPER_DEFAULTS.initialEquity;
  if (!(eq > 0) || !Number.isFinite(eq)) {
    throw new RangeError(
      `Cannot run ${WHAT}: initialEquity must be a positive amount of quote currency, got ${eq}`,
    );
  }
  return {
    row: 0,
    ts: null,
    cash: eq,
    unitsY: 0,
    unitsX: 0,
    priceY: NaN,
    priceX: NaN,
    equity: eq,
    position: 0,
    halted: false,
  };
}

/** Refuse bars the engine cannot walk, and a state that does not belong to them. */
export function checkPaperInput(bars: PaperBars, state: PaperState): void {
  const n = bars.ts.length;
  if (bars.y.length !== n || bars.x.length !== n) {
    throw new RangeError(
      `Cannot run ${WHAT}: ts has ${n} bars, y ${bars.y.length}, x ${bars.x.length}; align ` +
        `them on one grid (NaN for a missing bar)`,
    );
  }
  if (!(bars.barMs > 0) || !Number.isFinite(bars.barMs)) {
    throw new RangeError(`Cannot run ${WHAT}: barMs must be a positive number, got ${bars.barMs}`);
  }
  for (let t = 1; t < n; t++) {
    if (!(bars.ts[t]! > bars.ts[t - 1]!)) {
      throw new RangeError(
        `Cannot run ${WHAT}: bar times must increase, row ${t} (${bars.ts[t]}) follows ` +
          `${bars.ts[t - 1]}`,
      );
    }
  }
  if (!Number.isInteger(state.row) || state.row < 0 || state.row > n) {
    throw new RangeError(
      `Cannot run ${WHAT}: the state is at row ${state.row} but the bars have ${n} rows`,
    );
  }
  if (state.row > 0 && bars.ts[state.row - 1] !== state.ts) {
    throw new RangeError(
      `Cannot run ${WHAT}: the state's last bar is ${state.ts} but row ${state.row - 1} of the ` +
        `bars is ${bars.ts[state.row - 1]}; pass the same history the state was built on ` +
        `(the bars from the account's first bar)`,
    );
  }
}

/** A mutable copy of a {@link PaperState} walking rows. */
export class PaperBook {
  row: number;
  ts: number | null;
  cash: number;
  units: [number, number];
  price: [number, number];
  equity: number;
  position: -1 | 0 | 1;
  halted: boolean;
  readonly costs: readonly CostModel[];
  readonly names: readonly string[];
  private readonly traded = new Float64Array(2);
  private readonly held = new Float64Array(2);
  private readonly buf = new Float64Array(2);

  constructor(s: PaperState, options: PaperOptions) {
    this.row = s.row;
    this.ts = s.ts;
    this.cash = s.cash;
    this.units = [s.unitsY, s.unitsX];
    this.price = [s.priceY, s.priceX];
    this.equity = s.equity;
    this.position = s.position;
    this.halted = s.halted;
    this.costs = options.costs ?? [];
    this.names = this.costs.map((m) => m.name);
    if (new Set(this.names).size !== this.names.length) {
      throw new RangeError(`Cannot run ${WHAT}: two cost models share a name; give each its own`);
    }
  }

  /** Update the last known closes with row `t`'s and mark the equity (before any fill). */
  mark(bars: PaperBars, t: number): void {
    const cy = bars.y[t]!, cx = bars.x[t]!;
    for (const [leg, c] of [[0, cy], [1, cx]] as const) {
      if (c === c) {
        if (!(c > 0) || c === Infinity) {
          throw new RangeError(
            `Cannot run ${WHAT}: ${leg === 0 ? "y" : "x"} close at row ${t} is ${c}; pass ` +
              `positive closes (NaN for a missing bar)`,
          );
        }
        this.price[leg] = c;
      }
    }
    let eq = this.cash;
    for (let a = 0; a < 2; a++) if (this.units[a] !== 0) eq += this.units[a]! * this.price[a]!;
    this.equity = eq;
    this.ts = bars.ts[t]!;
    this.row = t + 1;
    if (!this.halted && !(eq > 0)) {
      // the backtest's ruin rule: trading stops and the equity stays where it fell
      this.halted = true;
      this.units = [0, 0];
      this.cash = eq;
    }
  }

  /**
   * Trade the legs that have a bar at row `t` to the target weights (fractions of the equity
   * just marked; `null`: keep the units, no trade), pay the cost models from cash, and return the
   * fills and the total cost. A leg without a bar keeps its units (its order waits for its next
   * bar, as in the backtest). The cost models are called at every row, as the backtest calls
   * them at every bar, so a cost of holding (funding) is paid without a trade too: such a leg
   * gets a fill row with `qty` 0.
   */
  fill(
    bars: PaperBars,
    t: number,
    targetY: number | null,
    targetX: number | null,
    orderId: string | null,
  ): { fills: PaperFill[]; cost: number } {
    if (this.halted) return { fills: [], cost: 0 };
    const E = this.equity;
    const keep = targetY === null || targetX === null;
    const target = keep
      ? [0, 0]
      : [targetY === targetY ? targetY : 0, targetX === targetX ? targetX : 0];
    const has = keep ? [false, false] : [bars.y[t]! === bars.y[t]!, bars.x[t]! === bars.x[t]!];
    const newUnits: [number, number] = [this.units[0], this.units[1]];
    for (let a = 0; a < 2; a++) {
      const p = this.price[a]!;
      const cur = this.units[a]!;
      if (has[a]) newUnits[a] = target[a]! === 0 ? 0 : (target[a]! * E) / p;
      const q = newUnits[a]! - cur;
      this.traded[a] = q === 0 ? 0 : (q * p) / E;
      this.held[a] = newUnits[a] === 0 ? 0 : (newUnits[a]! * p) / E;
    }
    const legCost = [0, 0];
    const legCosts: Record<string, number>[] = [{}, {}];
    if (this.costs.length > 0) {
      const bar: CostBar = {
        t: t + 1,
        ts: bars.ts[t]! + bars.barMs,
        traded: this.traded,
        held: this.held,
        equity: E,
      };
      for (let m = 0; m < this.costs.length; m++) {
        this.buf.fill(0);
        this.costs[m]!.cost(bar, this.buf);
        for (let a = 0; a < 2; a++) {
          const c = this.buf[a]! * E;
          if (!Number.isFinite(c)) {
            throw new RangeError(
              `Cannot run ${WHAT}: cost model "${this.names[m]}" returned a non-finite cost ` +
                `at row ${t}; check its inputs cover the bars`,
            );
          }
          legCost[a] = legCost[a]! + c;
          legCosts[a]![this.names[m]!] = (legCosts[a]![this.names[m]!] ?? 0) + c;
        }
      }
    }
    const fills: PaperFill[] = [];
    for (let a = 0; a < 2; a++) {
      const q = newUnits[a]! - this.units[a]!;
      if (q === 0 && legCost[a] === 0) continue;
      this.cash -= q * this.price[a]! + legCost[a]!;
      fills.push({
        ts: bars.ts[t]!,
        row: t,
        leg: a as 0 | 1,
        qty: q,
        price: this.price[a]!,
        tradedWeight: this.traded[a]!,
        cost: legCost[a]!,
        costs: legCosts[a]!,
        orderId,
      });
    }
    this.units = newUnits;
    return { fills, cost: legCost[0]! + legCost[1]! };
  }

  /** The mark of the row just processed. */
  toMark(t: number, cost: number, z: number, hedgeRatio: number): PaperMark {
    return {
      row: t,
      ts: this.ts!,
      priceY: this.price[0],
      priceX: this.price[1],
      equity: this.equity,
      cost,
      cash: this.cash,
      unitsY: this.units[0],
      unitsX: this.units[1],
      position: this.position,
      z,
      hedgeRatio,
      halted: this.halted,
    };
  }

  state(): PaperState {
    return {
      row: this.row,
      ts: this.ts,
      cash: this.cash,
      unitsY: this.units[0],
      unitsX: this.units[1],
      priceY: this.price[0],
      priceX: this.price[1],
      equity: this.equity,
      position: this.position,
      halted: this.halted,
    };
  }
}
