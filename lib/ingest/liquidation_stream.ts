/**
 * The liquidation stream into the store: each batch of `forceOrder` events from a
 * {@link LiquidationStream} goes through the one gated perp write path
 * (lib/ingest/perp_write.ts): refused orders are quarantined with the frame's raw text, the
 * rest inserted (a replayed frame changes nothing). Ends when `signal` aborts.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { LiquidationStream } from "../providers/binance_futures_ws.ts";
import type { LiquidationRow } from "../store/perp_liquidations.ts";
import { storeLiquidations } from "./perp_write.ts";

/** Counts so far. */
export interface LiquidationProgress {
  readonly received: number;
  readonly inserted: number;
  readonly unchanged: number;
  readonly quarantined: number;
}

/** Options of {@link runLiquidationStream}. */
export interface LiquidationStreamRunOptions {
  /** The venue id the rows are stored under, e.g. `binance_futures`. */
  readonly venue: string;
  readonly stream: LiquidationStream;
  readonly runId?: number | undefined;
  /** Stop: the stream is closed, the batches received are stored, then it returns. */
  readonly signal: AbortSignal;
  /** @default Date.now */
  readonly now?: (() => number) | undefined;
  readonly onProgress?: ((p: LiquidationProgress) => void) | undefined;
  /** Each refused order, with its reason. */
  readonly onQuarantine?: ((q: { symbol: string; reason: string }) => void) | undefined;
}

/**
 * Store every batch of the stream, gated, until `signal` aborts; returns the counts.
 *
 * @example Two frames, one refused
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { runLiquidationStream } from "@lib/ingest/liquidation_stream.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const t = Date.UTC(2024, 0, 1);
 * const ev = { symbol: "BTCUSDT", ts: t, side: "sell", orderType: "LIMIT", timeInForce: "IOC", price: 42000,
 *   avgPrice: 42000, qty: 0.5, lastFilledQty: 0.5, filledQty: 0.5, status: "FILLED", eventTime: t, raw: "{}" };
 * const ctrl = new AbortController();
 * const stream = { url: "ws://x", stats: { connections: 1, frames: 2, parseErrors: 0 }, stop: () => Promise.resolve(),
 *   async *[Symbol.asyncIterator]() { yield [ev, { ...ev, qty: 0 }]; ctrl.abort(); } };
 * const r = await runLiquidationStream(db, { venue: "binance_futures", stream, signal: ctrl.signal, now: () => t });
 * assert.deepEqual(r, { received: 2, inserted: 1, unchanged: 0, quarantined: 1 });
 * ```
 */
export async function runLiquidationStream(
  db: DatabaseSync,
  options: LiquidationStreamRunOptions,
): Promise<LiquidationProgress> {
  const { stream, signal } = options;
  const now = options.now ?? Date.now;
  let received = 0, inserted = 0, unchanged = 0, quarantined = 0;
  const onAbort = () => void stream.stop();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const batch of stream) {
      received += batch.length;
      // `side` is checked by the rules (liquidationRule), which refuse anything but buy/sell
      const w = storeLiquidations(db, batch as unknown as LiquidationRow[], {
        venue: options.venue,
        source: `${options.venue}:${stream.url}`,
        runId: options.runId,
        now: now(),
      });
      inserted += w.inserted;
      unchanged += w.unchanged;
      quarantined += w.quarantined;
      for (const r of w.rejected) {
        options.onQuarantine?.({ symbol: batch[r.index]!.symbol, reason: r.reason });
      }
      options.onProgress?.({ received, inserted, unchanged, quarantined });
      if (signal.aborted) break;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    await stream.stop();
  }
  return { received, inserted, unchanged, quarantined };
}
