/**
 * Typed access to tests/oracles/signals.json (written by tests/oracles/signals.py: pandas
 * 1.5.3, scipy 1.10.1, statsmodels 0.13.5, numpy 1.24.2 on the NFI hourly universe).
 *
 * @module
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

/** A long per-timestamp series reduced to derived numbers. */
export interface Compact {
  count: number;
  sum: number;
  samples: [number, number | null][];
}

/** The summary row the oracle computes per IC series. */
export interface OracleSummary {
  n: number;
  mean: number;
  std: number;
  ir: number;
  hitRate: number;
  tStat: number;
  pValue: number;
  neweyWestLags: number;
  tStatNeweyWest: number;
  pValueNeweyWest: number;
}

/** One sampled signal cell; `value` null = NaN. */
export interface Cell {
  t: number;
  asset: string;
  value: number | null;
}

/** The oracle file. */
export interface SignalsOracle {
  oracle: string;
  gridStart: number;
  gridLength: number;
  assets: string[];
  signals: Record<string, {
    finiteCount?: number;
    finiteCountByAsset: number[];
    sumAbs?: number;
    assets?: string[];
    sumAbsByAsset?: number[];
    cells: Cell[];
  }>;
  ic: {
    h1: { ic: (number | null)[]; nAssets: Compact; summary: OracleSummary };
    h24: { ic: (number | null)[]; nAssets: Compact; summary: OracleSummary };
    pearson_h1: { ic: Compact };
  };
  decay: (OracleSummary & { horizon: number })[];
  quantiles: {
    meanByQuantile: number[];
    countByQuantile: number[];
    longShortMean: number;
    longShortTStat: number;
    nTimestamps: number;
    nTiedEdges: number;
    longShort: Compact;
  };
  turnover: Compact;
  rankAutocorrelation: Compact;
  rollingIc168: Compact;
}

/** The parsed oracle. */
export const ORACLE: SignalsOracle = JSON.parse(
  readFileSync(new URL("../oracles/signals.json", import.meta.url), "utf8"),
) as SignalsOracle;

/** Assert |actual - expected| <= tol, or both NaN (expected null). */
export function near(actual: number, expected: number | null, tol: number, what: string): void {
  if (expected === null) {
    assert.ok(Number.isNaN(actual), `${what}: ${actual}, oracle NaN`);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: ${actual} vs oracle ${expected} (diff ${actual - expected}, tol ${tol})`,
  );
}

/** Compare a series with a {@link Compact} oracle: count exact, sum and samples to `tol`. */
export function assertCompact(
  actual: ArrayLike<number>,
  o: Compact,
  tol: number,
  sumTol: number,
  what: string,
): void {
  let count = 0, sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const v = actual[i]!;
    if (Number.isFinite(v)) {
      count++;
      sum += v;
    }
  }
  assert.equal(count, o.count, `${what}: finite count`);
  near(sum, o.sum, sumTol, `${what}: sum`);
  for (const [t, v] of o.samples) near(actual[t]!, v, tol, `${what}[${t}]`);
}
