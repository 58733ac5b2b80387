/**
 * Options of `simulateMarket`, their defaults (stated once, here) and validation.
 *
 * @module
 */

/** A cointegrated pair to plant: `log y = a + hedgeRatio * log x + OU spread`. */
export interface SimPairSpec {
  /** Symbol of the dependent leg: a `SIM*` symbol that is no other pair's `y`. */
  readonly y: string;
  /** Symbol of the independent leg: any symbol that is not a pair's `y`. */
  readonly x: string;
  /** Hedge ratio `h` (> 0). */
  readonly hedgeRatio: number;
  /** Half-life of the spread's mean reversion in bars (> 0). */
  readonly halfLifeBars: number;
  /** Stationary standard deviation of the spread in log units (> 0). Default 0.01. */
  readonly spreadSd?: number;
}

/** A run of bars to delete from one series so that downstream code sees a gap. */
export interface SimGapSpec {
  readonly symbol: string;
  /** Index of the first missing bar on the full grid. */
  readonly startBar: number;
  /** Number of consecutive missing bars (>= 1). */
  readonly bars: number;
}

/** Options of `simulateMarket`; every field is optional. */
export interface SimOptions {
  /** Seed of every random draw; same seed, same market, byte for byte. Default 42. */
  readonly seed?: number;
  /**
   * Number of ordinary assets `SIMA`, `SIMB`, ..., `SIMZ`, `SIMAA`, ... besides the two
   * factors `BTCSIM` and `ETHSIM`. Default 18 (20 symbols in all).
   */
  readonly assets?: number;
  /** Bar length: "1m" (default) or "1h". */
  readonly freq?: "1m" | "1h";
  /** Number of bars per symbol on the full grid. Default 30 days (43,200 at 1m, 720 at 1h). */
  readonly bars?: number;
  /** Open time of the first bar, UTC ms on the `freq` grid. Default 2024-01-01T00:00:00Z. */
  readonly start?: number;
  /**
   * Cointegrated pairs. Default, when there are at least 4 assets: `SIMB` on `SIMA` (hedge 0.8,
   * half-life 1 hour) and `SIMD` on `SIMC` (hedge 1.5, half-life 6 hours), spread sd 0.01;
   * half-lives are converted to bars of `freq`. Pass `[]` for none.
   */
  readonly pairs?: readonly SimPairSpec[];
  /**
   * Gaps. Default: on the last asset not used by a pair, bars `[0.30 n, +n/240)` and
   * `[0.62 n, +n/2000)`; on the one before it, `[0.80 n, +n/500)` (each at least 1 bar: at 1m
   * over 30 days that is 3 hours, 22 minutes and 86 minutes). Pass `[]` for none.
   */
  readonly gaps?: readonly SimGapSpec[];
  /** Target IC of the planted signal (time-series Pearson, next bar). Default 0.05. */
  readonly signalIc?: number;
  /**
   * Half-life in bars of the planted signal's persistence. Default 0: each published value is
   * fresh, so it predicts the next bar only. With `h > 0` the signal is an AR(1) with
   * `phi = 2^(-1/h)` (still standard normal), so a value published at bar `t` predicts bar
   * `t + j` with IC `signalIc * phi^(j-1)`: it survives an execution lag.
   */
  readonly signalHalfLifeBars?: number;
  /** Degrees of freedom of the Student-t innovations (> 4 for a finite kurtosis). Default 5. */
  readonly tailDf?: number;
  /** GARCH(1,1) weights of the factors. Default `{ alpha: 0.04, beta: 0.95 }`. */
  readonly garch?: { readonly alpha: number; readonly beta: number };
}

/** {@link SimOptions} with every default filled in. */
export interface ResolvedSimOptions {
  readonly seed: number;
  readonly assets: number;
  readonly freq: "1m" | "1h";
  readonly barMs: number;
  readonly bars: number;
  readonly start: number;
  readonly pairs: readonly Required<SimPairSpec>[];
  readonly gaps: readonly SimGapSpec[];
  readonly signalIc: number;
  readonly signalHalfLifeBars: number;
  readonly tailDf: number;
  readonly garch: { readonly alpha: number; readonly beta: number };
  /** Symbols: `BTCSIM`, `ETHSIM`, then the assets. */
  readonly symbols: readonly string[];
}

/** Symbol of the factor standing for BTC. */
export const BTC_SYMBOL = "BTCSIM";
/** Symbol of the factor standing for ETH. */
export const ETH_SYMBOL = "ETHSIM";

/**
 * Name of ordinary asset `i` (0-based): `SIMA` ... `SIMZ`, then `SIMAA`, `SIMAB`, ...
 *
 * @example
 * ```ts
 * import { simAssetName } from "@lib/sim/options.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([0, 25, 26, 27].map(simAssetName), ["SIMA", "SIMZ", "SIMAA", "SIMAB"]);
 * ```
 */
export function simAssetName(i: number): string {
  let s = "";
  let k = i + 1; // bijective base 26
  while (k > 0) {
    k--;
    s = String.fromCharCode(65 + (k % 26)) + s;
    k = Math.floor(k / 26);
  }
  return `SIM${s}`;
}

const DAY_MS = 86_400_000;

/**
 * Fill in the defaults of {@link SimOptions} and check every field, throwing a `RangeError`
 * that names the field and what to pass.
 *
 * @example Defaults
 * ```ts
 * import { resolveSimOptions } from "@lib/sim/options.ts";
 * import assert from "node:assert/strict";
 * const o = resolveSimOptions({});
 * assert.equal(o.symbols.length, 20);
 * assert.equal(o.bars, 43_200);
 * assert.equal(o.pairs[0]!.halfLifeBars, 60);
 * assert.throws(() => resolveSimOptions({ freq: "1h", start: 1 }), /start must be on the 1h grid/);
 * ```
 */
export function resolveSimOptions(o: SimOptions): ResolvedSimOptions {
  const seed = o.seed ?? 42;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 53) {
    throw new RangeError(
      `Cannot simulate market: seed must be an integer in [0, 2^53), got ${seed}`,
    );
  }
  const assets = o.assets ?? 18;
  if (!Number.isInteger(assets) || assets < 0 || assets > 10_000) {
    throw new RangeError(
      `Cannot simulate market: assets must be an integer in [0, 10000], got ${assets}`,
    );
  }
  const freq = o.freq ?? "1m";
  if (freq !== "1m" && freq !== "1h") {
    throw new RangeError(
      `Cannot simulate market: freq must be "1m" or "1h", got "${String(freq)}"`,
    );
  }
  const barMs = freq === "1m" ? 60_000 : 3_600_000;
  const bars = o.bars ?? (30 * DAY_MS) / barMs;
  if (!Number.isInteger(bars) || bars < 2) {
    throw new RangeError(`Cannot simulate market: bars must be an integer >= 2, got ${bars}`);
  }
  const start = o.start ?? Date.UTC(2024, 0, 1);
  if (!Number.isInteger(start) || start % barMs !== 0) {
    throw new RangeError(
      `Cannot simulate market: start must be on the ${freq} grid (UTC ms divisible by ${barMs}), got ${start}`,
    );
  }
  const symbols = [
    BTC_SYMBOL,
    ETH_SYMBOL,
    ...Array.from({ length: assets }, (_, i) => simAssetName(i)),
  ];
  const known = new Set(symbols);
  const barsPerHour = 3_600_000 / barMs;
  const defaultPairs: Required<SimPairSpec>[] = assets >= 4
    ? [
      { y: "SIMB", x: "SIMA", hedgeRatio: 0.8, halfLifeBars: 1 * barsPerHour, spreadSd: 0.01 },
      { y: "SIMD", x: "SIMC", hedgeRatio: 1.5, halfLifeBars: 6 * barsPerHour, spreadSd: 0.01 },
    ]
    : [];
  const pairs = (o.pairs ?? defaultPairs).map((p) => ({ ...p, spreadSd: p.spreadSd ?? 0.01 }));
  const ys = new Set<string>();
  for (const p of pairs) {
    const tag = `Cannot simulate market: pair ${p.y}~${p.x}`;
    if (!known.has(p.y) || !known.has(p.x)) {
      throw new RangeError(`${tag} names an unknown symbol; use one of ${symbols.join(", ")}`);
    }
    if (p.y === BTC_SYMBOL || p.y === ETH_SYMBOL) {
      throw new RangeError(`${tag}: y must be a SIM* asset, not a factor`);
    }
    if (ys.has(p.y)) throw new RangeError(`${tag}: ${p.y} is already the y leg of another pair`);
    ys.add(p.y);
    if (!(p.hedgeRatio > 0 && Number.isFinite(p.hedgeRatio))) {
      throw new RangeError(`${tag}: hedgeRatio must be > 0, got ${p.hedgeRatio}`);
    }
    if (!(p.halfLifeBars > 0 && Number.isFinite(p.halfLifeBars))) {
      throw new RangeError(`${tag}: halfLifeBars must be > 0, got ${p.halfLifeBars}`);
    }
    if (!(p.spreadSd > 0 && Number.isFinite(p.spreadSd))) {
      throw new RangeError(`${tag}: spreadSd must be > 0, got ${p.spreadSd}`);
    }
  }
  for (const p of pairs) {
    if (ys.has(p.x)) {
      throw new RangeError(
        `Cannot simulate market: pair ${p.y}~${p.x}: x must not be the y leg of a pair`,
      );
    }
  }
  const inPairs = new Set(pairs.flatMap((p) => [p.x, p.y]));
  const free = symbols.slice(2).filter((s) => !inPairs.has(s)).reverse();
  const g = (f: number, len: number) => ({
    startBar: Math.floor(f * bars),
    bars: Math.max(1, Math.round(len)),
  });
  const defaultGaps: SimGapSpec[] = [];
  if (free[0] !== undefined) {
    defaultGaps.push({ symbol: free[0], ...g(0.3, bars / 240) }, {
      symbol: free[0],
      ...g(0.62, bars / 2000),
    });
  }
  if (free[1] !== undefined) defaultGaps.push({ symbol: free[1], ...g(0.8, bars / 500) });
  const gaps = o.gaps ?? defaultGaps;
  for (const gp of gaps) {
    if (!known.has(gp.symbol)) {
      throw new RangeError(`Cannot simulate market: gap on unknown symbol ${gp.symbol}`);
    }
    if (
      !Number.isInteger(gp.startBar) || !Number.isInteger(gp.bars) || gp.bars < 1 ||
      gp.startBar < 0 || gp.startBar + gp.bars > bars
    ) {
      throw new RangeError(
        `Cannot simulate market: gap on ${gp.symbol} must be integer bars inside [0, ${bars}), got start ${gp.startBar} length ${gp.bars}`,
      );
    }
  }
  const signalIc = o.signalIc ?? 0.05;
  if (!(signalIc >= 0 && signalIc < 0.3)) {
    throw new RangeError(`Cannot simulate market: signalIc must be in [0, 0.3), got ${signalIc}`);
  }
  const signalHalfLifeBars = o.signalHalfLifeBars ?? 0;
  if (!(signalHalfLifeBars >= 0 && Number.isFinite(signalHalfLifeBars))) {
    throw new RangeError(
      `Cannot simulate market: signalHalfLifeBars must be a finite number >= 0 (0 = next bar only), got ${signalHalfLifeBars}`,
    );
  }
  const tailDf = o.tailDf ?? 5;
  if (!(tailDf > 2 && Number.isFinite(tailDf))) {
    throw new RangeError(
      `Cannot simulate market: tailDf must be > 2 (finite variance), got ${tailDf}`,
    );
  }
  const garch = o.garch ?? { alpha: 0.04, beta: 0.95 };
  return {
    seed,
    assets,
    freq,
    barMs,
    bars,
    start,
    pairs,
    gaps,
    signalIc,
    signalHalfLifeBars,
    tailDf,
    garch,
    symbols,
  };
}
