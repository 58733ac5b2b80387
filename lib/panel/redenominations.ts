/**
 * Redenominations: a token swapped for new units at a fixed ratio (1 new COCOS for 1,000 old on
 * Binance in January 2021), which shows in a price series as one bar whose close is a power of
 * ten times the last close, usually across a trading halt, while the value held did not move.
 * A backtest that takes it for a return books a gain (or loss) of 99,900%: found here so that
 * every result can say so, and adjusted only when asked.
 *
 * @module
 */
import { logReturns } from "./log_returns.ts";
import type { Panel } from "./types.ts";

/** Thresholds of {@link detectRedenominations}, stated once. */
export const REDENOMINATION_DEFAULTS = {
  /** Smallest |log10(close ratio)| looked at: a move of at least 100x (or to 1/100). */
  minLog10: 2,
  /** Largest distance of log10(ratio) from its nearest integer k: within a factor 10^0.25 = 1.78 of 10^k. */
  powerTolerance: 0.25,
  /** Largest |log10| of the other assets' median move over the same span: less than 2x. */
  marketTolerance: 0.3,
  /** Largest |log10(units volume ratio) + k|: units volume moved inversely, within 10x of 10^-k. */
  volumeTolerance: 1,
  /** Bars of volume on each side of the event compared (medians of the positive volumes). */
  volumeBars: 24,
  /** Fewest other assets with a move over the span for the market check to apply. */
  minMarketAssets: 3,
} as const;

/** Options of {@link detectRedenominations}; defaults in {@link REDENOMINATION_DEFAULTS}. */
export interface RedenominationOptions {
  /** @default 2 (a 100x move) */
  readonly minLog10?: number;
  /** @default 0.25 */
  readonly powerTolerance?: number;
  /** @default 0.3 */
  readonly marketTolerance?: number;
  /** @default 1 */
  readonly volumeTolerance?: number;
  /** @default 24 */
  readonly volumeBars?: number;
  /** @default 3 */
  readonly minMarketAssets?: number;
}

/** What {@link detectRedenominations} reads: close columns, and volume in units when known. */
export interface RedenominationInput {
  readonly close: readonly ArrayLike<number>[];
  /** Traded volume in units of the asset per bar (a Panel's `volume`). @default none */
  readonly volume?: readonly ArrayLike<number>[] | undefined;
  /** Bar open times, UTC ms. @default bar numbers */
  readonly index?: ArrayLike<number> | undefined;
  /** Column labels. @default "0", "1", ... */
  readonly assets?: readonly string[] | undefined;
}

/** One detected redenomination. */
export interface Redenomination {
  readonly asset: string;
  readonly column: number;
  /** The first bar in new units (its close is `ratio` times the last close before it). */
  readonly bar: number;
  /** Its open time (UTC ms; the bar number without an index). */
  readonly ts: number;
  /** The last bar with a close before it (earlier than `bar - 1` when the event spans a gap). */
  readonly prevBar: number;
  readonly prevTs: number;
  /** `close[bar] / close[prevBar]`. */
  readonly ratio: number;
  /** The power of ten nearest to `ratio` (1000 for 1 new = 1,000 old; 0.001 for a split). */
  readonly factor: number;
  /** `ratio / factor`: the move left once the units are the same. */
  readonly residual: number;
  /** Median units volume of up to `volumeBars` bars from `bar` over those up to `prevBar` (NaN: not checked). */
  readonly volumeRatio: number;
  /** Median close ratio of the other assets over the same span (NaN: not checked). */
  readonly marketRatio: number;
}

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

/** The last bar at or before `t` with a finite close, or -1. */
function lastCloseAt(c: ArrayLike<number>, t: number): number {
  for (let u = t; u >= 0; u--) if (Number.isFinite(c[u]!)) return u;
  return -1;
}

/** Median units volume over up to `n` positive volumes from `from` stepping by `step`. */
function volumeMedian(v: ArrayLike<number>, from: number, step: 1 | -1, n: number): number {
  const xs: number[] = [];
  for (let u = from; u >= 0 && u < v.length && xs.length < n; u += step) {
    const x = v[u]!;
    if (x > 0 && Number.isFinite(x)) xs.push(x);
  }
  return xs.length >= 3 ? median(xs) : NaN;
}

/**
 * Find redenominations in close columns. A bar `t` of asset `a` (with `p` the asset's last bar
 * with a close before `t`, so a move across a gap counts at the bar after it) is one when ALL of:
 *
 * 1. the close ratio `R = close[t] / close[p]` is near a power of ten of at least 100:
 *    `k = round(log10 R)` with `|k| >= minLog10` (2) and `|log10 R - k| <= powerTolerance`
 *    (0.25, so within a factor 1.78 of `10^k`: the price may move during the halt);
 * 2. the market did not make the move: the median over the other assets of their close ratio
 *    over the same span (their last close at or before `t` over their last close at or before
 *    `p`) is within a factor 2 of 1 (`|log10| <= marketTolerance`); checked when at least
 *    `minMarketAssets` (3) other assets have both closes, else skipped (NaN);
 * 3. the volume in units moved inversely: with `V` the median positive volume of up to
 *    `volumeBars` (24) bars from `t` on over that of up to 24 bars up to `p`,
 *    `|log10 V + k| <= volumeTolerance` (1: within 10x of `10^-k`, i.e. the value traded
 *    stayed within 10x); checked when volume is given and both sides have 3 positive volumes,
 *    else skipped (NaN).
 *
 * A genuine pump is not one: the largest bar-to-bar moves of the 126 NFI hourly pairs other
 * than COCOS are +141% (PNT) and -88% (BTCST, across a 97-hour halt), far from 100x, and a
 * real 100x jump would also have to see its units volume fall about 100x. A move of the whole market (a change of the quote unit) fails
 * rule 2. Volume is read after the event, so this is for flagging and for an explicit
 * adjustment of the data, never a trading input. O(T x N) to find candidates, then O(N + w)
 * per candidate; with `candidates` (bars whose close ratio the caller already found to be
 * beyond a looser threshold) only those bars are examined.
 *
 * @example COCOS's 1:1000 swap across a 97-hour halt, and a +60% pump that is not one
 * ```ts
 * import { detectRedenominations } from "@lib/panel/redenominations.ts";
 * import assert from "node:assert/strict";
 * const close = [
 *   Float64Array.of(0.0006, 0.0007, NaN, NaN, 0.68, 0.62),
 *   Float64Array.of(10, 10.1, 10.2, 10.1, 10.3, 10.2),
 *   Float64Array.of(5, 5, 5.1, 5.2, 5.1, 5),
 *   Float64Array.of(2, 2.1, 2, 2.05, 3.3, 3.2), // +61%: a pump
 * ];
 * const [e, ...rest] = detectRedenominations({ close, assets: ["COCOS", "A", "B", "PUMP"] });
 * assert.equal(rest.length, 0);
 * assert.equal(e!.asset, "COCOS");
 * assert.equal(e!.bar, 4);
 * assert.equal(e!.prevBar, 1);
 * assert.equal(e!.factor, 1000);
 * assert.ok(Math.abs(e!.residual - 0.68 / 0.7) < 1e-12);
 * ```
 */
export function detectRedenominations(
  input: RedenominationInput,
  options: RedenominationOptions = {},
  candidates?: readonly { readonly column: number; readonly bar: number }[],
): Redenomination[] {
  const D = REDENOMINATION_DEFAULTS;
  const minLog10 = options.minLog10 ?? D.minLog10;
  const tol = options.powerTolerance ?? D.powerTolerance;
  const mTol = options.marketTolerance ?? D.marketTolerance;
  const vTol = options.volumeTolerance ?? D.volumeTolerance;
  const vBars = options.volumeBars ?? D.volumeBars;
  const minMarket = options.minMarketAssets ?? D.minMarketAssets;
  if (!(minLog10 >= 1) || !(tol >= 0 && tol < 0.5) || !(vBars >= 3)) {
    throw new RangeError(
      `Cannot detect redenominations: need minLog10 >= 1, 0 <= powerTolerance < 0.5 and ` +
        `volumeBars >= 3, got ${minLog10}, ${tol}, ${vBars}`,
    );
  }
  const { close, volume, index, assets } = input;
  const hi = Math.pow(10, minLog10 - tol), lo = 1 / hi;
  const out: Redenomination[] = [];
  if (candidates !== undefined) {
    // only these bars (a caller that already computed every close ratio, e.g. the backtest
    // engine, passes the bars whose ratio passed a looser threshold), in column then bar order
    const sorted = [...candidates].sort((x, y) => x.column - y.column || x.bar - y.bar);
    for (const { column: a, bar: t } of sorted) {
      const c = close[a]!, x = c[t]!;
      if (!(x > 0) || x === Infinity) continue;
      let p = t - 1;
      while (p >= 0 && !(c[p]! > 0 && c[p]! !== Infinity)) p--;
      if (p < 0) continue;
      const r = x / c[p]!;
      if (r >= hi || r <= lo) {
        const e = confirm(a, p, t, r);
        if (e !== undefined) out.push(e);
      }
    }
    return out;
  }
  for (let a = 0; a < close.length; a++) {
    const c = close[a]!;
    let p = -1, last = NaN;
    for (let t = 0; t < c.length; t++) {
      const x = c[t]!;
      if (!(x > 0) || x === Infinity) continue;
      if (p >= 0) {
        const r = x / last;
        if (r >= hi || r <= lo) {
          const e = confirm(a, p, t, r);
          if (e !== undefined) out.push(e);
        }
      }
      p = t;
      last = x;
    }
  }
  return out;

  function confirm(a: number, p: number, t: number, r: number): Redenomination | undefined {
    const l = Math.log10(r), k = Math.round(l);
    if (Math.abs(k) < minLog10 || Math.abs(l - k) > tol) return undefined;
    const moves: number[] = [];
    for (let b = 0; b < close.length; b++) {
      if (b === a) continue;
      const cb = close[b]!;
      // its last close at or before t, looked for down to p + 1 only: without one there, its
      // last close at or before p is the same bar and it made no move over the span (a pair
      // listed later than t is not scanned back to bar 0)
      let u1 = t;
      while (u1 > p && !Number.isFinite(cb[u1]!)) u1--;
      if (u1 <= p) continue;
      const u0 = lastCloseAt(cb, p);
      if (u0 < 0) continue;
      const m = Math.log10(cb[u1]! / cb[u0]!);
      if (Number.isFinite(m)) moves.push(m);
    }
    const market = moves.length >= minMarket ? median(moves) : NaN;
    if (Math.abs(market) > mTol) return undefined;
    let vr = NaN;
    if (volume !== undefined && volume[a] !== undefined) {
      vr = volumeMedian(volume[a]!, t, 1, vBars) / volumeMedian(volume[a]!, p, -1, vBars);
      if (Math.abs(Math.log10(vr) + k) > vTol) return undefined;
    }
    const factor = Math.pow(10, k);
    return {
      asset: assets?.[a] ?? String(a),
      column: a,
      bar: t,
      ts: index === undefined ? t : index[t]!,
      prevBar: p,
      prevTs: index === undefined ? p : index[p]!,
      ratio: r,
      factor,
      residual: r / factor,
      volumeRatio: vr,
      marketRatio: Number.isFinite(market) ? Math.pow(10, market) : NaN,
    };
  }
}

/**
 * Close columns with the prices before each event multiplied by its `factor` (so they are in
 * the new units and the return across the event is `residual - 1`; with `invert`, divided, as
 * for volumes in units). Only the columns of the
 * events are copied; the others are returned as they are. Several events of one asset compose
 * (bars before the first get the product of all factors).
 *
 * @example
 * ```ts
 * import { rescaleBeforeEvents } from "@lib/panel/redenominations.ts";
 * import assert from "node:assert/strict";
 * const c = [Float64Array.of(0.001, 0.002, 1.9)];
 * const [out] = rescaleBeforeEvents(c, [{ column: 0, bar: 2, factor: 1000 }]);
 * assert.deepEqual(Array.from(out!), [1, 2, 1.9]);
 * ```
 */
export function rescaleBeforeEvents(
  cols: readonly ArrayLike<number>[],
  events: readonly RescaleEvent[],
  invert = false,
): ArrayLike<number>[] {
  const out: ArrayLike<number>[] = [...cols];
  const byCol = new Map<number, RescaleEvent[]>();
  for (const e of events) byCol.set(e.column, [...(byCol.get(e.column) ?? []), e]);
  for (const [a, es] of byCol) {
    const c = Float64Array.from(cols[a]!);
    for (const e of es) {
      const f = invert ? 1 / e.factor : e.factor;
      for (let t = 0; t < e.bar && t < c.length; t++) c[t] = c[t]! * f;
    }
    out[a] = c;
  }
  return out;
}

/** What a rescaling needs to know of an event. */
export type RescaleEvent = Pick<Redenomination, "column" | "bar" | "factor">;

/** A panel with its redenominations undone, and the events undone. */
export interface AdjustedPanel {
  readonly panel: Panel;
  readonly events: readonly RescaleEvent[];
}

/**
 * The panel in each asset's latest units: open, high, low and close before each event
 * multiplied by its factor, volume divided by it (the value traded is unchanged), and the log
 * returns of the changed assets recomputed. `events` default to
 * {@link detectRedenominations} on the panel. Assets without an event keep their arrays.
 *
 * @example
 * ```ts
 * import { adjustRedenominations } from "@lib/panel/redenominations.ts";
 * import { fromColumns } from "@lib/panel/from_columns.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(0.001, 0.001, 1.01)];
 * const p = fromColumns({ freq: "1h", venue: "x", assets: ["T"], index: Float64Array.of(0, 36e5, 72e5),
 *   open: close, high: close, low: close, close, volume: [Float64Array.of(5e6, 5e6, 5e3)] });
 * const { panel } = adjustRedenominations(p, [{ column: 0, bar: 2, factor: 1000 }]);
 * assert.deepEqual([...panel.close[0]!], [1, 1, 1.01]);
 * assert.deepEqual([...panel.volume[0]!], [5e3, 5e3, 5e3]);
 * ```
 */
export function adjustRedenominations(
  panel: Panel,
  events?: readonly RescaleEvent[],
): AdjustedPanel {
  const es = events ?? detectRedenominations(panel);
  if (es.length === 0) return { panel, events: es };
  const f = (cols: readonly Float64Array[], invert = false) =>
    rescaleBeforeEvents(cols, es, invert) as Float64Array[];
  const close = f(panel.close);
  const changed = new Set(es.map((e) => e.column));
  const lr = panel.logReturns.map((c, a) => (changed.has(a) ? logReturns(close[a]!) : c));
  return {
    panel: {
      ...panel,
      open: f(panel.open),
      high: f(panel.high),
      low: f(panel.low),
      close,
      volume: f(panel.volume, true),
      logReturns: lr,
    },
    events: es,
  };
}

/**
 * `x` with at most `digits` decimals and its integer digits grouped by commas, as
 * `toLocaleString("en-US", {maximumFractionDigits})` prints it (the shortest decimal of `x`
 * rounded half away from zero, trailing zeros dropped), without the cost of a locale lookup
 * (tens of microseconds a call, and every backtest describes its redenominations).
 */
function grouped(x: number, digits: number): string {
  const s = String(Math.abs(x));
  if (s.includes("e") || !Number.isFinite(x)) {
    return x.toLocaleString("en-US", { maximumFractionDigits: digits });
  }
  const dot = s.indexOf(".");
  let int = dot < 0 ? s : s.slice(0, dot), frac = dot < 0 ? "" : s.slice(dot + 1);
  if (frac.length > digits) {
    const up = frac.charCodeAt(digits) >= 53; // "5"
    frac = frac.slice(0, digits);
    if (up) { // add one unit in the last kept place, carrying into the integer digits
      const ds = (int + frac).split("").map(Number);
      let k = ds.length - 1;
      while (k >= 0 && ds[k] === 9) ds[k--] = 0;
      if (k >= 0) ds[k]! += 1;
      else ds.unshift(1);
      const all = ds.join("");
      int = all.slice(0, all.length - frac.length);
      frac = all.slice(all.length - frac.length);
    }
  }
  frac = frac.replace(/0+$/, "");
  const text = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (frac === "" ? "" : "." + frac);
  return (x < 0 && text !== "0" ? "-" : "") + text;
}

/**
 * One sentence on an event for a result's warnings: asset, time, ratio and what to do.
 * `adjusted`: the prices before it were rescaled.
 */
export function describeRedenomination(
  e: Redenomination,
  adjusted: boolean,
  when: (ts: number) => string,
): string {
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${grouped(x * 100, 1)}%`;
  const gap = e.bar - e.prevBar > 1 ? ` across a gap of ${e.bar - e.prevBar - 1} bars` : "";
  const units = e.factor >= 1
    ? `1 new unit for ${grouped(e.factor, 3)} old`
    : `${grouped(1 / e.factor, 3)} new units for 1 old`;
  const evidence = [
    Number.isFinite(e.volumeRatio) ? `units volume x${e.volumeRatio.toPrecision(2)}` : "",
    Number.isFinite(e.marketRatio) ? `other assets x${e.marketRatio.toPrecision(3)}` : "",
  ].filter((s) => s !== "").join(", ");
  const head = `${e.asset}: a redenomination (${units}) between ${when(e.prevTs)} and ` +
    `${when(e.ts)}${gap}: close ratio ${e.ratio.toPrecision(4)}` +
    (evidence === "" ? "" : ` (${evidence})`);
  return adjusted
    ? `${head}; prices before it were rescaled by ${e.factor} (adjusted on request), so its return ` +
      `there is ${pct(e.residual - 1)}`
    : `${head}; its return there, ${pct(e.ratio - 1)}, is not a real move: adjust with ` +
      `redenominations: "adjust" (deno task backtest --adjust-redenominations) to rescale its ` +
      `prices before the event`;
}
