/**
 * A trade "stream" for a venue without one: REST trades polled every interval, emitted as
 * `runStream` expects them (lib/ingest/stream.ts: the same row rules, quarantine, bars as they
 * close), so `deno task monitor --venue kraken` works as it does over Binance's WebSocket.
 *
 * Each poll asks the venue, per symbol, for the trades after a cursor (Kraken's `since`: the
 * `next` of the previous page; on a start, the time of the newest stored trade less
 * {@link POLL_TRADES_DEFAULTS}`.overlapMs`, or the start time on an empty store) and emits those
 * with an id after the last one emitted (ids are integers: Kraken's `trade_id`). A full page is
 * followed at once by the next one, and `caughtUp` is false meanwhile (bars of the intervals it
 * covers are not closed by the wall clock). Numbered ids that jump past the last one are
 * reported as a `gap` problem (recorded as a hole by `runStream`) before the trades after it.
 * A failed request is reported as a `connection` problem (`url`, `retryInMs`, `everConnected`)
 * and retried with a doubling delay (from the interval to `maxBackoffMs`); the poll goes on
 * with the symbols that answer.
 *
 * @module
 */
import type { TradeColumns } from "../core/types.ts";
import type { StreamProblem } from "../providers/binance_ws.ts";
import type { TradeSource } from "../providers/types.ts";
import type { IngestTradeStream } from "./stream.ts";

/** Options of {@link pollTradeStream}; defaults in {@link POLL_TRADES_DEFAULTS}. */
export interface PollTradesOptions {
  /** REST trades after a cursor (e.g. `KrakenProvider`). */
  readonly source: TradeSource;
  /** Venue id of the batches (`source.id`). */
  readonly venue: string;
  readonly symbols: readonly string[];
  /** Largest stored trade id per symbol (`runStream`'s `lastIds`): only later ids are emitted. */
  readonly lastIds: Readonly<Record<string, number>>;
  /** Time of the newest stored trade per symbol (UTC ms): where the cursor starts. */
  readonly lastTs: Readonly<Record<string, number | undefined>>;
  /** Time between polls, ms. @default 2000 */
  readonly intervalMs?: number;
  /** Trades asked per request (Kraken's `count`, at most 1000). @default 1000 */
  readonly pageSize?: number;
  /** The cursor starts this long before the newest stored trade, ms. @default 1000 */
  readonly overlapMs?: number;
  /** Longest wait after failures, ms. @default 30000 */
  readonly maxBackoffMs?: number;
  /** Shown in `connection` problems (the venue's base URL). */
  readonly url?: string;
  readonly onProblem?: (p: StreamProblem) => void;
  /** Clock, UTC ms. @default Date.now */
  readonly now?: () => number;
}

/** Defaults of {@link PollTradesOptions}, stated once. */
export const POLL_TRADES_DEFAULTS = {
  intervalMs: 2_000,
  pageSize: 1_000,
  overlapMs: 1_000,
  maxBackoffMs: 30_000,
} as const;

/** The cursor of a time: Kraken's `since` in nanoseconds, as a decimal string. */
function sinceOf(ms: number): string {
  return (BigInt(Math.max(0, Math.floor(ms))) * 1_000_000n).toString();
}

/** Rows `idx` of `t`, as columns. */
function pick(t: TradeColumns, idx: readonly number[]): TradeColumns {
  return {
    venue: t.venue,
    symbol: t.symbol,
    tradeId: idx.map((i) => t.tradeId[i]!),
    ts: Float64Array.from(idx, (i) => t.ts[i]!),
    price: Float64Array.from(idx, (i) => t.price[i]!),
    qty: Float64Array.from(idx, (i) => t.qty[i]!),
    side: Int8Array.from(idx, (i) => t.side[i]!),
  };
}

/**
 * Poll `source` for the trades of `symbols` (see the module notes) until `stop()`.
 *
 * @example Two polls of an injected source: the second emits only the new trade
 * ```ts
 * import { pollTradeStream } from "@lib/ingest/poll_trades.ts";
 * import assert from "node:assert/strict";
 * let head = 2;
 * const source = {
 *   id: "kraken",
 *   fetchTrades: (req: { symbol: string; from?: number | string }) => {
 *     const ids = [1, 2, 3].filter((i) => i <= head);
 *     return Promise.resolve({
 *       trades: { venue: "kraken", symbol: req.symbol, tradeId: ids,
 *         ts: Float64Array.from(ids, (i) => 1000 * i), price: Float64Array.from(ids, () => 100),
 *         qty: Float64Array.from(ids, () => 1), side: Int8Array.from(ids, () => 1) },
 *       next: String(head * 1_000_000_000),
 *     });
 *   },
 * };
 * const s = pollTradeStream({ source, venue: "kraken", symbols: ["XBTUSDT"], lastIds: { XBTUSDT: 1 },
 *   lastTs: { XBTUSDT: 1000 }, intervalMs: 5 });
 * const got: (number | string)[][] = [];
 * for await (const b of s) {
 *   got.push(b.tradeId);
 *   head = 3;
 *   if (got.length === 2) await s.stop();
 * }
 * assert.deepEqual(got, [[2], [3]]);
 * ```
 */
export function pollTradeStream(o: PollTradesOptions): IngestTradeStream {
  const d = POLL_TRADES_DEFAULTS;
  const intervalMs = o.intervalMs ?? d.intervalMs;
  const pageSize = o.pageSize ?? d.pageSize;
  const overlapMs = o.overlapMs ?? d.overlapMs;
  const maxBackoffMs = o.maxBackoffMs ?? d.maxBackoffMs;
  const now = o.now ?? Date.now;
  if (!(intervalMs > 0)) {
    throw new RangeError(`Cannot poll trades: intervalMs must be > 0, got ${intervalMs}`);
  }
  const started = now();
  const cursor = new Map<string, string>();
  const lastId = new Map<string, number>();
  for (const s of o.symbols) {
    const ts = o.lastTs[s];
    cursor.set(s, sinceOf(ts === undefined ? started : ts - overlapMs));
    if (o.lastIds[s] !== undefined) lastId.set(s, o.lastIds[s]!);
  }
  const stats = { connections: 0 };
  let caughtUp = true;
  let stopped = false;
  let wake = () => {};
  let failures = 0;
  let connected = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => (wake = () => {}, resolve()), ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One page of `symbol`: the new trades, and whether more are waiting. */
  const page = async (symbol: string): Promise<{ batch?: TradeColumns; more: boolean }> => {
    const p = await o.source.fetchTrades({ symbol, from: cursor.get(symbol)!, limit: pageSize });
    const t = p.trades;
    const last = lastId.get(symbol);
    const keep: number[] = [];
    let top = last;
    for (let i = 0; i < t.ts.length; i++) {
      const id = t.tradeId[i]!;
      if (typeof id !== "number" || !Number.isInteger(id)) {
        throw new Error(
          `${o.venue} trade ids must be integers to poll trades; got "${String(id)}"`,
        );
      }
      if (top !== undefined && id <= top) continue; // already emitted (the cursor overlaps)
      if (top !== undefined && id > top + 1 && last !== undefined) {
        o.onProblem?.({
          kind: "gap",
          symbol,
          fromId: top + 1,
          toId: id - 1,
          message: `${symbol}: ids ${top + 1}..${id - 1} missing between polled pages`,
        });
      }
      keep.push(i);
      top = id;
    }
    if (p.next !== undefined) cursor.set(symbol, String(p.next));
    if (top !== undefined) lastId.set(symbol, top);
    const more = t.ts.length >= pageSize && p.next !== undefined;
    return keep.length === 0 ? { more } : { batch: pick(t, keep), more };
  };

  async function* run(): AsyncGenerator<TradeColumns> {
    while (!stopped) {
      let more = false, failed: unknown;
      for (const symbol of o.symbols) {
        if (stopped) return;
        try {
          const r = await page(symbol);
          more ||= r.more;
          if (!connected) {
            connected = true;
            stats.connections++;
          }
          if (r.batch !== undefined && !stopped) yield r.batch;
        } catch (e) {
          failed = e;
        }
      }
      if (failed !== undefined) {
        failures++;
        const retryInMs = Math.min(maxBackoffMs, intervalMs * 2 ** (failures - 1));
        o.onProblem?.({
          kind: "connection",
          message: (failed as Error).message,
          url: o.url,
          retryInMs,
          everConnected: stats.connections > 0,
        });
        connected = false;
        caughtUp = false;
        await sleep(retryInMs);
        continue;
      }
      failures = 0;
      caughtUp = !more;
      if (!more) await sleep(intervalMs);
    }
  }

  return {
    venue: o.venue,
    stats,
    get caughtUp() {
      return caughtUp;
    },
    stop() {
      stopped = true;
      wake();
      return Promise.resolve();
    },
    [Symbol.asyncIterator]: run,
  };
}
