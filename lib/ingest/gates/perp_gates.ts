/**
 * Quality gates for perpetual-futures rows (funding, mark/index/premium klines, open interest,
 * liquidations) before they are written: each splits a batch into accepted rows and refused
 * rows with a `kind: detail` reason, using the perp rules of lib/ingest/gates/rules.ts. Pure:
 * no I/O, no clock (the caller passes `now`).
 *
 * @module
 */
import type { FundingRow } from "../../store/perp_funding.ts";
import type { PerpKlineColumns } from "../../store/perp_price_klines.ts";
import type { OpenInterestRow } from "../../store/perp_open_interest.ts";
import type { LiquidationRow } from "../../store/perp_liquidations.ts";
import {
  fundingRule,
  liquidationRule,
  openInterestRule,
  perpKlineRule,
  REASONS,
  reasonText,
  RULE_DEFAULTS,
  type RuleProblem,
  timeContext,
} from "./rules.ts";
import type { GateRejection, GateResult } from "./types.ts";

/** Options shared by the perp gates. */
export interface PerpGateOptions {
  /** The venue the rows come from (its launch date bounds their times). */
  readonly venue: string;
  /** The current time, UTC epoch ms (injected). */
  readonly now: number;
  /** How far past `now` a time may be, ms. @default RULE_DEFAULTS.tradeFutureToleranceMs (5,000) */
  readonly futureToleranceMs?: number | undefined;
}

/** Options of {@link gateFunding}: the funding grid and bound (defaults in `PERP_RULE_DEFAULTS`). */
export interface FundingGateOptions extends PerpGateOptions {
  readonly intervalMs?: number | undefined;
  readonly toleranceMs?: number | undefined;
  readonly maxAbsRate?: number | undefined;
}

function split<T>(
  rows: readonly T[],
  rule: (row: T) => RuleProblem | undefined,
  key?: (row: T) => string,
): GateResult<T[]> {
  const accepted: T[] = [];
  const rejected: GateRejection[] = [];
  const seen = new Map<string, T>();
  rows.forEach((row, index) => {
    const p = rule(row);
    if (p !== undefined) {
      rejected.push({ index, kind: p.kind, reason: reasonText(p) });
      return;
    }
    if (key !== undefined) {
      const k = key(row);
      const first = seen.get(k);
      if (first !== undefined) {
        if (JSON.stringify(first) !== JSON.stringify(row)) {
          const p2 = {
            kind: REASONS.duplicateTs,
            detail: `a second row at ${k} differs from the first`,
          };
          rejected.push({ index, kind: p2.kind, reason: reasonText(p2) });
        }
        return;
      }
      seen.set(k, row);
    }
    accepted.push(row);
  });
  return { accepted, rejected };
}

/**
 * Gate funding events: each must pass `fundingRule` (time plausible and on the funding grid,
 * finite rate within the bound). A second event at the same funding time with another rate is
 * refused (a duplicate would be charged twice); an identical repeat is dropped silently.
 *
 * @example
 * ```ts
 * import { gateFunding } from "@lib/ingest/gates/perp_gates.ts";
 * import assert from "node:assert/strict";
 * const g = gateFunding(
 *   [{ fundingTime: 1637193600017, rate: 0.0001 }, { fundingTime: 1637222400007, rate: NaN }],
 *   { venue: "binance_futures", now: Date.UTC(2022, 0, 1) },
 * );
 * assert.equal(g.accepted.length, 1);
 * assert.equal(g.rejected[0]!.kind, "funding rate is not a finite number");
 * ```
 */
export function gateFunding(
  rows: readonly FundingRow[],
  opts: FundingGateOptions,
): GateResult<FundingRow[]> {
  const c = timeContext(
    opts.venue,
    opts.now,
    opts.futureToleranceMs ?? RULE_DEFAULTS.tradeFutureToleranceMs,
  );
  return split(rows, (r) => fundingRule(r, c, opts), (r) => String(r.fundingTime));
}

/**
 * Gate mark/index/premium klines with `perpKlineRule` (time on the bar grid, OHLC order,
 * positive prices except the premium index). `stepMs` is the kline length. Returns the indexes
 * of the accepted rows and the refusals.
 *
 * @example
 * ```ts
 * import { gatePerpKlines } from "@lib/ingest/gates/perp_gates.ts";
 * import assert from "node:assert/strict";
 * const H = 3_600_000, t = Date.UTC(2024, 0, 1);
 * const k = { venue: "binance_futures", symbol: "BTCUSDT", kind: "mark" as const, freq: "1h" as const,
 *   ts: Float64Array.of(t, t + H), open: Float64Array.of(1, 1), high: Float64Array.of(2, 0.5),
 *   low: Float64Array.of(1, 1), close: Float64Array.of(2, 1), complete: Uint8Array.of(1, 1) };
 * const g = gatePerpKlines(k, H, { venue: "binance_futures", now: t + 2 * H });
 * assert.deepEqual([...g.accepted.ts], [t]);
 * assert.equal(g.rejected[0]!.kind, "high < low");
 * ```
 */
export function gatePerpKlines(
  k: PerpKlineColumns,
  stepMs: number,
  opts: PerpGateOptions,
): GateResult<PerpKlineColumns> {
  const c = timeContext(opts.venue, opts.now, opts.futureToleranceMs ?? stepMs);
  const kept: number[] = [];
  const rejected: GateRejection[] = [];
  const firstAt = new Map<number, number>();
  for (let i = 0; i < k.ts.length; i++) {
    const row = {
      ts: k.ts[i]!,
      open: k.open[i]!,
      high: k.high[i]!,
      low: k.low[i]!,
      close: k.close[i]!,
    };
    const p = perpKlineRule(row, k.kind, stepMs, c);
    if (p !== undefined) {
      rejected.push({ index: i, kind: p.kind, reason: reasonText(p) });
      continue;
    }
    const f = firstAt.get(row.ts);
    if (f === undefined) {
      firstAt.set(row.ts, i);
      kept.push(i);
    } else if (
      k.open[f] !== row.open || k.high[f] !== row.high || k.low[f] !== row.low ||
      k.close[f] !== row.close
    ) {
      const d = {
        kind: REASONS.duplicateTs,
        detail: `a second kline at ${row.ts} differs from the first`,
      };
      rejected.push({ index: i, kind: d.kind, reason: reasonText(d) });
    }
  }
  const pick = <A extends Float64Array | Uint8Array>(a: A): A => {
    const o = new (a.constructor as { new (n: number): A })(kept.length);
    kept.forEach((i, j) => (o[j] = a[i]!));
    return o;
  };
  return {
    accepted: {
      ...k,
      ts: pick(k.ts),
      open: pick(k.open),
      high: pick(k.high),
      low: pick(k.low),
      close: pick(k.close),
      complete: pick(k.complete),
    },
    rejected,
  };
}

/**
 * Gate open-interest rows with `openInterestRule` (time plausible, finite and >= 0); a second
 * row at the same time with other values is refused.
 *
 * @example
 * ```ts
 * import { gateOpenInterest } from "@lib/ingest/gates/perp_gates.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1);
 * const g = gateOpenInterest([{ ts: t, openInterest: 5 }, { ts: t + 1, openInterest: -5 }],
 *   { venue: "binance_futures", now: t + 10 });
 * assert.equal(g.accepted.length, 1);
 * assert.equal(g.rejected[0]!.reason, "negative open interest: open interest -5 < 0 at 2024-01-01T00:00:00.001Z");
 * ```
 */
export function gateOpenInterest(
  rows: readonly OpenInterestRow[],
  opts: PerpGateOptions,
): GateResult<OpenInterestRow[]> {
  const c = timeContext(
    opts.venue,
    opts.now,
    opts.futureToleranceMs ?? RULE_DEFAULTS.tradeFutureToleranceMs,
  );
  return split(rows, (r) => openInterestRule(r, c), (r) => String(r.ts));
}

/**
 * Gate liquidation orders with `liquidationRule` (side, price, quantities, time).
 *
 * @example
 * ```ts
 * import { gateLiquidations } from "@lib/ingest/gates/perp_gates.ts";
 * import assert from "node:assert/strict";
 * const t = Date.UTC(2024, 0, 1);
 * const o = { symbol: "BTCUSDT", ts: t, side: "sell" as const, orderType: "LIMIT", timeInForce: "IOC", price: 9910,
 *   avgPrice: 9910, qty: 0.014, lastFilledQty: 0.014, filledQty: 0.014, status: "FILLED", eventTime: t };
 * const g = gateLiquidations([o, { ...o, price: 0 }], { venue: "binance_futures", now: t });
 * assert.equal(g.accepted.length, 1);
 * assert.equal(g.rejected[0]!.kind, "non-positive price");
 * ```
 */
export function gateLiquidations(
  rows: readonly LiquidationRow[],
  opts: PerpGateOptions,
): GateResult<LiquidationRow[]> {
  const c = timeContext(
    opts.venue,
    opts.now,
    opts.futureToleranceMs ?? RULE_DEFAULTS.tradeFutureToleranceMs,
  );
  return split(rows, (r) => liquidationRule(r, c));
}
