/**
 * Quality gate for a batch of trades before it is written.
 *
 * @module
 */
import type { TradeColumns } from "../../core/types.ts";
import { type JumpOptions, markJumps, TRADE_JUMP_DEFAULTS } from "./jump.ts";
import {
  REASONS,
  reasonText,
  RULE_DEFAULTS,
  type RuleProblem,
  timeContext,
  tradeRule,
} from "./rules.ts";
import type { GateRejection, GateResult } from "./types.ts";

/** Options of {@link gateTrades}. */
export interface TradeGateOptions {
  /** The current time, UTC epoch ms (injected). */
  readonly now: number;
  /** How far past `now` a trade time may be, in ms (clock skew). Default `RULE_DEFAULTS.tradeFutureToleranceMs` (5,000). */
  readonly futureToleranceMs?: number;
  /** Earliest plausible trade time; default the venue's launch date. */
  readonly launchMs?: number;
  /** The jump rule (defaults {@link TRADE_JUMP_DEFAULTS}); `false` turns it off. */
  readonly jump?: JumpOptions | false;
}

/**
 * Split a batch of trades (in execution order) into the ones fit to store and the ones to
 * quarantine. A trade is refused when it breaks a row rule of lib/ingest/gates/rules.ts (price
 * or quantity not finite or <= 0, time not finite, in the future beyond
 * `now + futureToleranceMs`, before the venue's launch or before 2009-01-03), or its price jumps from the previous accepted trade by more than `k` robust sigmas of recent
 * trade-to-trade returns (lib/ingest/gates/jump.ts).
 *
 * Cost: O(n * W log W); pure, no I/O.
 *
 * @example A zero quantity is refused
 * ```ts
 * import { gateTrades } from "@lib/ingest/gates/trade_gates.ts";
 * import assert from "node:assert/strict";
 * const t0 = Date.UTC(2024, 0, 1);
 * const g = gateTrades({
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [1, 2],
 *   ts: Float64Array.of(t0, t0 + 1), price: Float64Array.of(42000, 42001),
 *   qty: Float64Array.of(0.1, 0), side: Int8Array.of(1, -1),
 * }, { now: t0 + 1000 });
 * assert.deepEqual(g.accepted.tradeId, [1]);
 * assert.deepEqual(g.rejected, [
 *   { index: 1, kind: "non-positive quantity", reason: "non-positive quantity: quantity 0 <= 0" },
 * ]);
 * ```
 */
export function gateTrades(
  trades: TradeColumns,
  opts: TradeGateOptions,
): GateResult<TradeColumns> {
  const n = trades.ts.length;
  const ctx = timeContext(
    trades.venue,
    opts.now,
    opts.futureToleranceMs ?? RULE_DEFAULTS.tradeFutureToleranceMs,
    opts.launchMs,
  );
  const problems: (RuleProblem | undefined)[] = new Array(n);
  const reasons: (string | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = tradeRule(trades.ts[i]!, trades.price[i]!, trades.qty[i]!, ctx);
    problems[i] = p;
    reasons[i] = p === undefined ? undefined : reasonText(p);
  }
  if (opts.jump !== false) {
    markJumps(trades.price, reasons, opts.jump ?? {}, "trades", TRADE_JUMP_DEFAULTS, trades.ts);
    for (let i = 0; i < n; i++) {
      if (reasons[i] !== undefined && problems[i] === undefined) {
        problems[i] = { kind: REASONS.jump, detail: reasons[i]! };
        reasons[i] = reasonText(problems[i]!);
      }
    }
  }
  const rejected: GateRejection[] = [];
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = reasons[i];
    if (r === undefined) keep.push(i);
    else rejected.push({ index: i, kind: problems[i]!.kind, reason: r });
  }
  const pick = <T extends Float64Array | Int8Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(keep.length);
    for (let j = 0; j < keep.length; j++) out[j] = a[keep[j]!]!;
    return out;
  };
  return {
    accepted: {
      venue: trades.venue,
      symbol: trades.symbol,
      tradeId: keep.map((i) => trades.tradeId[i]!),
      ts: pick(trades.ts),
      price: pick(trades.price),
      qty: pick(trades.qty),
      side: pick(trades.side),
    },
    rejected,
  };
}
