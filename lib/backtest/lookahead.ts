/**
 * Lookahead check: recompute a signal's or strategy's output on the data truncated at bar `t`
 * (rows `0..t` only) and compare every value at or before `t` with the full-data run. A causal
 * function gives the same values; any difference means the full-data run used bars after `t` to
 * decide something at or before `t`. Unlike freqtrade's `lookahead-analysis`, which only looks
 * at bars where a trade was entered or exited, every checked bar compares every row and asset.
 *
 * @module
 */
import { createRng } from "../stats/rng.ts";

/** Which truncation bars {@link checkLookahead} checks. */
export type LookaheadSample =
  /** Every bar `0 .. T - 1`. */
  | "every-bar"
  /** Exactly these bars (duplicates and out-of-range bars are refused). */
  | readonly number[]
  /**
   * Every bar in `windows` windows of `windowBars` bars, ending at `T - 1` and at
   * `k / windows` of the series (k = 1 .. windows - 1), plus `random` bars drawn uniformly
   * (without replacement) from the rest with a seeded generator.
   */
  | {
    readonly windows?: number;
    readonly windowBars?: number;
    readonly random?: number;
    readonly seed?: number;
  };

/** Options of {@link checkLookahead}; defaults in {@link LOOKAHEAD_DEFAULTS}. */
export interface LookaheadOptions {
  /**
   * Bars to truncate at. The default checks every bar of a series up to `denseBars` long, and
   * on longer ones the dense sample `{windows: 4, windowBars: 50, random: 100, seed: 1}`
   * (every bar of four 50-bar windows, the last one ending at the last bar, plus 100 seeded
   * random bars).
   */
  readonly sample?: LookaheadSample;
  /** Series of at most this many bars are checked at every bar by default. @default 1000 */
  readonly denseBars?: number;
  /** Largest absolute difference still counted as equal (0: bit-for-bit, NaN equals NaN). @default 0 */
  readonly tolerance?: number;
  /** Violations kept in the result (all are counted). @default 100 */
  readonly maxViolations?: number;
  /** Column labels for the report. @default the data's `assets`, else "0", "1", ... */
  readonly assets?: readonly string[];
  /** The full-data output, when the caller already has it (saves one run). */
  readonly full?: readonly ArrayLike<number>[];
}

/** Defaults of {@link LookaheadOptions}, stated once. */
export const LOOKAHEAD_DEFAULTS = {
  denseBars: 1000,
  sample: { windows: 4, windowBars: 50, random: 100, seed: 1 },
  tolerance: 0,
  maxViolations: 100,
} as const;

/** One value that changed when data after `t` was added. */
export interface LookaheadViolation {
  /** The truncation bar: the data ended at bar `t`. */
  readonly t: number;
  /** The row (at or before `t`) whose value changed. */
  readonly row: number;
  readonly asset: string;
  /** Value at `row` computed with data up to bar `t` only (what was knowable at `t`). */
  readonly before: number;
  /** Value at `row` computed with all the data. */
  readonly after: number;
}

/** What {@link checkLookahead} found: print it in a tear sheet as it is. */
export interface LookaheadResult {
  /** Number of truncation bars checked. */
  readonly checkedBars: number;
  /** Bars of the full data. */
  readonly bars: number;
  /** How the bars were chosen, in words. */
  readonly sample: string;
  readonly tolerance: number;
  /** Up to `maxViolations` violations, by `t` then row then asset. */
  readonly violations: readonly LookaheadViolation[];
  /** All violations found (values). */
  readonly violationCount: number;
  /** The checked bars `t` where some value at or before `t` changed, ascending. */
  readonly violatingBars: readonly number[];
  /** True when nothing changed at any checked bar. */
  readonly passed: boolean;
}

type Columns = readonly ArrayLike<number>[];

function isArrayLikeOfNumbers(x: unknown): x is ArrayLike<number> {
  return ArrayBuffer.isView(x) ||
    (Array.isArray(x) && (x.length === 0 || typeof x[0] === "number"));
}

function isColumnList(x: unknown, bars: number): x is Columns {
  return Array.isArray(x) && x.length > 0 &&
    x.every((c) => isArrayLikeOfNumbers(c) && c.length === bars);
}

function sliceCol(c: ArrayLike<number>, n: number): ArrayLike<number> {
  if (ArrayBuffer.isView(c)) return (c as unknown as Float64Array).slice(0, n);
  return Array.prototype.slice.call(c, 0, n) as number[];
}

/**
 * Number of bars of a data object: the length of its `index` if it has one, of its first
 * column if it is an array of columns, else of the first column list or series among its
 * fields.
 */
export function dataBars(data: unknown): number {
  if (isArrayLikeOfNumbers(data)) return data.length;
  if (Array.isArray(data)) {
    const c = data[0];
    if (isArrayLikeOfNumbers(c)) return c.length;
  } else if (typeof data === "object" && data !== null) {
    const o = data as Record<string, unknown>;
    if (isArrayLikeOfNumbers(o.index)) return o.index.length;
    for (const v of Object.values(o)) {
      if (isArrayLikeOfNumbers(v)) return v.length;
      if (Array.isArray(v) && isArrayLikeOfNumbers(v[0])) return v[0].length;
    }
  }
  throw new TypeError(
    "Cannot find the number of bars: give a Panel, an object with an index or columns, or an " +
      "array of columns",
  );
}

/**
 * A copy of `data` holding rows `0 .. end - 1` only: every series of `bars` values (typed or
 * plain arrays) and every list of such columns, at the top level or one object below it, is
 * cut (copied, so nothing after the cut stays reachable through a shared buffer); every other
 * field is kept as it is. A {@link Panel}, `{close}`, `{returns}`, an array of columns and a
 * single series all work.
 *
 * @example Cut a panel-like object after bar 2
 * ```ts
 * import { truncateData } from "@lib/backtest/lookahead.ts";
 * import assert from "node:assert/strict";
 * const d = { freq: "1h", index: Float64Array.of(0, 1, 2, 3), close: [Float64Array.of(5, 6, 7, 8)] };
 * const cut = truncateData(d, 3, 4);
 * assert.deepEqual([...cut.close[0]!], [5, 6, 7]);
 * assert.equal(cut.freq, "1h");
 * ```
 */
export function truncateData<D>(data: D, end: number, bars: number = dataBars(data)): D {
  const cut = (v: unknown, depth: number): unknown => {
    if (isArrayLikeOfNumbers(v)) return v.length === bars ? sliceCol(v, end) : v;
    if (isColumnList(v, bars)) return v.map((c) => sliceCol(c, end));
    if (depth > 0 && typeof v === "object" && v !== null && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = cut(x, depth - 1);
      return out;
    }
    return v;
  };
  const out = cut(data, 2) as D;
  // data the cut cannot see into (a class instance) would be compared with itself and pass
  if (dataBars(out) !== end) {
    throw new TypeError(
      `Cannot cut the data at ${end} bars: its series are not plain arrays or typed arrays in ` +
        `a plain object (give a Panel, {close}, {returns} or an array of columns)`,
    );
  }
  return out;
}

/** The truncation bars of a sample, ascending, and its description. */
export function lookaheadBars(
  bars: number,
  sample: LookaheadSample | undefined,
  denseBars: number = LOOKAHEAD_DEFAULTS.denseBars,
): { bars: number[]; description: string } {
  const s = sample ?? (bars <= denseBars ? "every-bar" : LOOKAHEAD_DEFAULTS.sample);
  if (s === "every-bar") {
    return { bars: Array.from({ length: bars }, (_, t) => t), description: "every bar" };
  }
  if (Array.isArray(s)) {
    const seen = new Set<number>();
    for (const t of s as readonly number[]) {
      if (!Number.isInteger(t) || t < 0 || t >= bars || seen.has(t)) {
        throw new RangeError(
          `Cannot check lookahead: sample bar ${t} is not a distinct bar in 0..${bars - 1}`,
        );
      }
      seen.add(t);
    }
    return {
      bars: [...seen].sort((a, b) => a - b),
      description: `${seen.size} given bars`,
    };
  }
  const o = s as Exclude<LookaheadSample, "every-bar" | readonly number[]>;
  const d = LOOKAHEAD_DEFAULTS.sample;
  const windows = o.windows ?? d.windows, len = o.windowBars ?? d.windowBars;
  const random = o.random ?? d.random, seed = o.seed ?? d.seed;
  for (
    const [name, v] of [["windows", windows], ["windowBars", len], ["random", random]] as const
  ) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`Cannot check lookahead: sample.${name} must be an integer >= 0`);
    }
  }
  const pick = new Uint8Array(bars);
  for (let k = 1; k <= windows; k++) {
    const endAt = k === windows ? bars - 1 : Math.floor((k * bars) / windows);
    for (let t = Math.max(0, endAt - len + 1); t <= endAt; t++) pick[t] = 1;
  }
  const rest: number[] = [];
  for (let t = 0; t < bars; t++) if (!pick[t]) rest.push(t);
  const rng = createRng(seed);
  const take = Math.min(random, rest.length);
  for (let j = 0; j < take; j++) {
    const k = j + rng.int(rest.length - j); // partial Fisher-Yates
    [rest[j], rest[k]] = [rest[k]!, rest[j]!];
    pick[rest[j]!] = 1;
  }
  const out: number[] = [];
  for (let t = 0; t < bars; t++) if (pick[t]) out.push(t);
  return {
    bars: out,
    description: `every bar of ${windows} windows of ${len} bars (the last ending at the ` +
      `last bar) and ${take} random bars (seed ${seed}): ${out.length} of ${bars} bars`,
  };
}

function asColumns(out: unknown, what: string): Columns {
  if (isArrayLikeOfNumbers(out)) return [out];
  if (Array.isArray(out) && out.every(isArrayLikeOfNumbers)) return out as Columns;
  throw new TypeError(
    `Cannot check lookahead: ${what} must return columns [asset][t] (an array of ` +
      `Float64Array or number[]) or one series; use the select option to pick them from an object`,
  );
}

/**
 * Recompute `fn` on `data` truncated at each sampled bar `t` and report every value at rows
 * `0..t` that differs from the full-data run (see the module doc). `fn` returns columns
 * `[asset][t]` (positions, target weights or signal values) or one series; `select` picks them
 * from a richer result (a strategy's `{positions, trades}`).
 *
 * Cost: one call of `fn` per checked bar on data of `t + 1` bars, plus O(assets * t) to compare.
 *
 * @example A causal moving average passes, a centred one is caught
 * ```ts
 * import { checkLookahead } from "@lib/backtest/lookahead.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i))];
 * const trailing = (d: { close: Float64Array[] }) =>
 *   d.close.map((c) => c.map((_, t) => t < 2 ? NaN : (c[t]! + c[t - 1]! + c[t - 2]!) / 3));
 * const centred = (d: { close: Float64Array[] }) =>
 *   d.close.map((c) => c.map((_, t) => t < 1 || t + 1 >= c.length ? NaN : (c[t - 1]! + c[t]! + c[t + 1]!) / 3));
 * assert.equal(checkLookahead(trailing, { close }).passed, true);
 * const bad = checkLookahead(centred, { close });
 * assert.equal(bad.passed, false);
 * assert.equal(bad.checkedBars, 60);
 * assert.equal(bad.violations[0]!.t, 1); // cut at bar 1, row 1 had no value; with bar 2 it has
 * ```
 */
export function checkLookahead<D, R = unknown>(
  fn: (data: D) => R,
  data: D,
  options: LookaheadOptions & { readonly select?: (result: R) => unknown } = {},
): LookaheadResult {
  const bars = dataBars(data);
  const tol = options.tolerance ?? LOOKAHEAD_DEFAULTS.tolerance;
  const maxV = options.maxViolations ?? LOOKAHEAD_DEFAULTS.maxViolations;
  if (!(tol >= 0)) {
    throw new RangeError(`Cannot check lookahead: tolerance must be >= 0, got ${tol}`);
  }
  const select = options.select ?? ((r: R) => r as unknown);
  const full = options.full ?? asColumns(select(fn(data)), "the function");
  for (const c of full) {
    if (c.length !== bars) {
      throw new RangeError(
        `Cannot check lookahead: the full-data output has ${c.length} rows for ${bars} bars`,
      );
    }
  }
  const labels = options.assets ??
    ((data as { assets?: readonly string[] }).assets?.length === full.length
      ? (data as { assets: readonly string[] }).assets
      : full.map((_, a) => String(a)));
  const { bars: ts, description } = lookaheadBars(bars, options.sample, options.denseBars);
  const violations: LookaheadViolation[] = [];
  const violatingBars: number[] = [];
  let count = 0;
  for (const t of ts) {
    const cut = asColumns(select(fn(truncateData(data, t + 1, bars))), "the function");
    if (cut.length !== full.length) {
      throw new RangeError(
        `Cannot check lookahead: on data cut at bar ${t} the output has ${cut.length} ` +
          `columns, on the full data ${full.length}`,
      );
    }
    let bad = false;
    for (let a = 0; a < full.length; a++) {
      const f = full[a]!, c = cut[a]!;
      if (c.length < t + 1) {
        throw new RangeError(
          `Cannot check lookahead: on data cut at bar ${t} column ${a} has ${c.length} rows, ` +
            `expected ${t + 1}`,
        );
      }
      for (let s = 0; s <= t; s++) {
        const x = c[s]!, y = f[s]!;
        if (x === y || (x !== x && y !== y) || Math.abs(x - y) <= tol) continue;
        bad = true;
        count++;
        if (violations.length < maxV) {
          violations.push({ t, row: s, asset: labels[a] ?? String(a), before: x, after: y });
        }
      }
    }
    if (bad) violatingBars.push(t);
  }
  violations.sort((p, q) => p.t - q.t || p.row - q.row);
  return {
    checkedBars: ts.length,
    bars,
    sample: description,
    tolerance: tol,
    violations,
    violationCount: count,
    violatingBars,
    passed: count === 0,
  };
}

/**
 * One sentence for a report: what was checked and what, if anything, changed.
 *
 * @example A passing and a failing check
 * ```ts
 * import { checkLookahead, describeLookahead } from "@lib/backtest/lookahead.ts";
 * import assert from "node:assert/strict";
 * const close = [Float64Array.of(1, 2, 3, 4)];
 * assert.equal(
 *   describeLookahead(checkLookahead((d: { close: Float64Array[] }) => d.close, { close })),
 *   "Lookahead check passed: at each of 4 bars (every bar), the output on data cut there equals the full-data output at every earlier row and asset.",
 * );
 * const ahead = (d: { close: Float64Array[] }) => d.close.map((c) => c.map((_, t) => c[t + 1] ?? NaN));
 * assert.match(describeLookahead(checkLookahead(ahead, { close })), /^Lookahead check FAILED at 3 of 4 bars/);
 * ```
 */
export function describeLookahead(result: LookaheadResult): string {
  if (result.checkedBars === 0) return "Lookahead check: no bar was checked.";
  if (result.passed) {
    return `Lookahead check passed: at each of ${result.checkedBars} bars (${result.sample}), ` +
      `the output on data cut there equals the full-data output at every earlier row and asset.`;
  }
  const v = result.violations[0]!;
  return `Lookahead check FAILED at ${result.violatingBars.length} of ${result.checkedBars} ` +
    `bars (${result.sample}; ${result.violationCount} values changed): first, row ${v.row} of ` +
    `${v.asset} was ${v.before} with data up to bar ${v.t} and ${v.after} with all the data.`;
}
