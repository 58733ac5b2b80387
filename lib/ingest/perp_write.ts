/**
 * The one write path of perpetual-futures rows: gate a batch with the perp rules
 * (lib/ingest/gates/perp_gates.ts), quarantine each refused row with its raw values and
 * reason, and upsert the rest (lib/store/perp_*.ts). Backfill, import and the liquidation
 * stream all call these, so every perp row in the store passed the same rules.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { quarantine } from "../store/quarantine.ts";
import { type FundingRow, writeFunding } from "../store/perp_funding.ts";
import { type PerpKlineColumns, writePerpKlines } from "../store/perp_price_klines.ts";
import {
  type OpenInterestPeriod,
  type OpenInterestRow,
  writeOpenInterest,
} from "../store/perp_open_interest.ts";
import { type LiquidationRow, writeLiquidations } from "../store/perp_liquidations.ts";
import type { UpsertResult } from "../store/_perp_upsert.ts";
import {
  type FundingGateOptions,
  gateFunding,
  gateLiquidations,
  gateOpenInterest,
  gatePerpKlines,
} from "./gates/perp_gates.ts";
import type { GateRejection } from "./gates/types.ts";

/** Where a batch comes from and goes to. */
export interface PerpWriteContext {
  readonly venue: string;
  /** Provenance: `file:...`, an endpoint URL, `ws:...`. */
  readonly source: string;
  readonly runId?: number | undefined;
  /** The current time, UTC epoch ms (the rules' clock). */
  readonly now: number;
}

/** What one gated write did. */
export interface PerpWriteResult {
  readonly inserted: number;
  readonly unchanged: number;
  readonly updated: number;
  /** Rows refused by the rules and sent to `quarantine`. */
  readonly quarantined: number;
  readonly rejected: readonly GateRejection[];
}

function sendToQuarantine(
  db: DatabaseSync,
  ctx: PerpWriteContext,
  symbol: string,
  what: string,
  rejected: readonly GateRejection[],
  raw: (index: number) => unknown,
  locator: (index: number) => string,
): void {
  for (const r of rejected) {
    quarantine(db, {
      source: ctx.source,
      locator: `${what} ${ctx.venue}:${symbol} ${locator(r.index)}`,
      raw: JSON.stringify(raw(r.index)),
      reason: r.reason,
      runId: ctx.runId,
      venue: ctx.venue,
      symbol,
    });
  }
}

function result(w: UpsertResult, rejected: readonly GateRejection[]): PerpWriteResult {
  return { ...w, quarantined: rejected.length, rejected };
}

/**
 * Gate and store funding events of one perp; refused rows go to quarantine.
 *
 * @example A rate of 5 (a percentage read as a fraction) is quarantined, the rest stored
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { storeFunding } from "@lib/ingest/perp_write.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const r = storeFunding(db, "XRPUSDT", [{ fundingTime: 1637193600017, rate: 0.0001 },
 *   { fundingTime: 1637222400007, rate: 5 }], { venue: "binance_futures", source: "doc", now: Date.UTC(2022, 0, 1) });
 * assert.equal(r.inserted, 1);
 * assert.equal(r.quarantined, 1);
 * ```
 */
export function storeFunding(
  db: DatabaseSync,
  symbol: string,
  rows: readonly FundingRow[],
  ctx: PerpWriteContext,
  grid: Omit<FundingGateOptions, "venue" | "now"> = {},
): PerpWriteResult {
  const g = gateFunding(rows, { ...grid, venue: ctx.venue, now: ctx.now });
  sendToQuarantine(
    db,
    ctx,
    symbol,
    "funding",
    g.rejected,
    (i) => rows[i],
    (i) => `time=${rows[i]!.fundingTime}`,
  );
  const w = writeFunding(db, g.accepted, {
    venue: ctx.venue,
    symbol,
    source: ctx.source,
    runId: ctx.runId,
  });
  return result(w, g.rejected);
}

/** Gate and store mark/index/premium klines of one perp; `stepMs` is the kline length. */
export function storePerpKlines(
  db: DatabaseSync,
  k: PerpKlineColumns,
  stepMs: number,
  ctx: PerpWriteContext,
): PerpWriteResult {
  const g = gatePerpKlines(k, stepMs, { venue: ctx.venue, now: ctx.now });
  sendToQuarantine(
    db,
    ctx,
    k.symbol,
    `${k.kind} kline ${k.freq}`,
    g.rejected,
    (i) => [k.ts[i], k.open[i], k.high[i], k.low[i], k.close[i]],
    (i) => `ts=${k.ts[i]}`,
  );
  const w = writePerpKlines(db, g.accepted, { source: ctx.source, runId: ctx.runId });
  return result(w, g.rejected);
}

/** Gate and store open-interest rows of one perp. */
export function storeOpenInterest(
  db: DatabaseSync,
  symbol: string,
  period: OpenInterestPeriod,
  rows: readonly OpenInterestRow[],
  ctx: PerpWriteContext,
): PerpWriteResult {
  const g = gateOpenInterest(rows, { venue: ctx.venue, now: ctx.now });
  sendToQuarantine(
    db,
    ctx,
    symbol,
    `open interest ${period}`,
    g.rejected,
    (i) => rows[i],
    (i) => `ts=${rows[i]!.ts}`,
  );
  const w = writeOpenInterest(db, g.accepted, {
    venue: ctx.venue,
    symbol,
    period,
    source: ctx.source,
    runId: ctx.runId,
  });
  return result(w, g.rejected);
}

/** Gate and store liquidation orders (any symbols). */
export function storeLiquidations(
  db: DatabaseSync,
  rows: readonly LiquidationRow[],
  ctx: PerpWriteContext,
): PerpWriteResult {
  const g = gateLiquidations(rows, { venue: ctx.venue, now: ctx.now });
  for (const r of g.rejected) {
    const row = rows[r.index]!;
    sendToQuarantine(db, ctx, row.symbol, "liquidation", [r], () => row, () => `ts=${row.ts}`);
  }
  const w = writeLiquidations(db, g.accepted, {
    venue: ctx.venue,
    source: ctx.source,
    runId: ctx.runId,
  });
  return result({ ...w, updated: 0 }, g.rejected);
}
