/**
 * Live trades into the store: every frame through the row rules, batched transactions of the
 * trades that pass, bars materialized as their intervals close, and every trade id the stream
 * missed kept as a hole until the venue's REST API fills it.
 *
 * {@link runStream} reads a trade stream (normally a `BinanceTradeStream`, which emits strictly
 * increasing, contiguous ids per symbol and repairs short outages over REST itself), gates each
 * batch with the trade rules (`gateTrades` of lib/ingest/gates: price and quantity > 0, a time
 * after the venue's launch and not in the future, the robust price-jump rule primed with the
 * symbol's last stored prices), and writes the accepted trades in ONE transaction per flush
 * (every `flushEveryMs`, default 250 ms, or as soon as `flushEveryRows`, default 5,000, are
 * buffered), together with the bars whose interval has closed (lib/materialize/live_bars.ts).
 *
 * A refused trade goes to `quarantine` with the frame's raw text and the reason, and its id is
 * recorded as a hole: the frame is not the venue's trade, so the REST repair fetches the
 * genuine one. A range the stream reports as unrepairable (`onProblem` kind `gap`: REST was
 * down, or the task was stopped during a repair) is recorded as a hole too, in the same
 * transaction as the trades after it, so neither a restart nor a kill -9 can skip it. Holes
 * live in the `stream_holes` table (lib/store/stream_writes.ts) and are retried over `repair`
 * (REST trades by id) after each flush and on the next start, with a capped backoff per hole,
 * until REST fills them; ids the venue's history no longer has are marked `lost`. A bar over a
 * hole (open or lost) is `complete = 0`; when the hole is filled its bars are rebuilt.
 *
 * On start, stored trades no bar may be built from (written unchecked by an older version:
 * price or quantity <= 0, a time in the future or before the venue existed) are moved to
 * quarantine and their ids become holes, and a bar that still cannot be built is quarantined
 * with its reason instead of stopping the task: no stored row can make the stream exit.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Freq } from "../core/freq.ts";
import type { TradeColumns } from "../core/types.ts";
import { LiveBars, STREAM_BAR_SOURCE } from "../materialize/live_bars.ts";
import { withTransaction } from "../store/db.ts";
import { quarantine } from "../store/quarantine.ts";
import {
  deleteTradesById,
  lastBarTs,
  listStreamHoles,
  noteStreamHoleAttempt,
  recentTradePrices,
  recordStreamHole,
  refreshStreamHoleTimes,
  settleStreamHole,
  storedLastIds,
  type StreamHole,
  unfitStoredTrades,
} from "../store/stream_writes.ts";
import { writeTrades } from "../store/trades.ts";
import type { StreamProblem } from "../providers/binance_ws.ts";
import { backoffDelay } from "../providers/retry.ts";
import type { TradeSource } from "../providers/types.ts";
import { gateTrades } from "./gates/mod.ts";
import { venueLaunchMs } from "./gates/venue_launch.ts";

// The SQL and the bar builder moved to lib/store/stream_writes.ts and
// lib/materialize/live_bars.ts; these re-exports keep `@lib/ingest/stream.ts` imports working.
export { STREAM_BAR_SOURCE } from "../materialize/live_bars.ts";
export { storedLastIds } from "../store/stream_writes.ts";

/** What {@link runStream} needs from a trade stream (a `BinanceTradeStream` fits). */
export interface IngestTradeStream extends AsyncIterable<TradeColumns> {
  /** Venue id of the batches, e.g. `binance`. */
  readonly venue: string;
  /** Closes the connection and ends the iteration. */
  stop(): Promise<void>;
  /** Counters; `connections` is used for the reconnect count when present. */
  readonly stats?: { readonly connections: number };
  /**
   * False while trades the venue already sent may still arrive (disconnected, frames held for a
   * repair): intervals are then never closed by the wall clock. Absent means always true.
   */
  readonly caughtUp?: boolean;
}

/** Progress of {@link runStream}, reported after every flush. */
export interface StreamProgress {
  /** Trades newly inserted so far (repaired ones included). */
  readonly inserted: number;
  /** Trades received that were already stored with equal values. */
  readonly unchanged: number;
  /** Flush transactions committed. */
  readonly flushes: number;
  /** Bars written or replaced. */
  readonly barsWritten: number;
  /** Last trade id received per symbol. */
  readonly lastIds: Readonly<Record<string, number>>;
  /** Reconnects of the stream (connections - 1), when the stream counts them. */
  readonly reconnects: number;
  /** Ranges the stream reported as not repaired (each became a hole). */
  readonly gaps: number;
  /** Trades and bars refused by the row rules and sent to quarantine. */
  readonly quarantined: number;
  /** Trades fetched over REST into holes. */
  readonly repaired: number;
  /** Holes still open (ids to fetch), all symbols. */
  readonly openHoles: number;
  /** Trade ids missing in open holes, all symbols. */
  readonly missingIds: number;
  /** Duration of the last flush transaction, ms. */
  readonly lastFlushMs: number;
}

/** Options of {@link runStream}. */
export interface RunStreamOptions {
  /**
   * Opens the stream, resuming after `lastIds` (the largest stored trade id per symbol) and
   * reporting problems to `onProblem` (pass both to `BinanceVenue.openTradeStream`).
   */
  readonly openStream: (ctx: {
    readonly lastIds: Readonly<Record<string, number>>;
    readonly onProblem: (p: StreamProblem) => void;
  }) => IngestTradeStream;
  /** Venue id the stream will use (to look up `lastIds`), e.g. `binance`. */
  readonly venue: string;
  /** Symbols (upper case) of the stream. */
  readonly symbols: readonly string[];
  /**
   * REST trades by id of the stream's kind (raw trades for `trade`, aggregate trades for
   * `aggTrade`), to fill holes. Without it holes are recorded but not retried.
   */
  readonly repair?: TradeSource;
  /** First wait before a failed hole is retried; doubles per attempt. Default 1,000 ms. */
  readonly repairBackoffMs?: number;
  /** Longest wait between attempts of a hole. Default 30,000 ms. */
  readonly repairBackoffMaxMs?: number;
  /** Flush at least this often. Default 250 ms. */
  readonly flushEveryMs?: number;
  /** Flush as soon as this many trades are buffered. Default 5,000. */
  readonly flushEveryRows?: number;
  /** Bar frequencies to materialize. Default `["1m"]`. */
  readonly barFreqs?: readonly Freq[];
  /** Wall-clock grace after an interval's end before a quiet symbol's bar closes. Default 2,000 ms. */
  readonly graceMs?: number;
  /** Abort to stop: the buffer is flushed and committed, then the promise resolves. */
  readonly signal?: AbortSignal;
  /** Provenance of the trades. Default `stream:<venue>`. */
  readonly source?: string;
  /** `ingest_runs` row of the task. */
  readonly runId?: number;
  /** Clock, UTC ms. Default `Date.now`. */
  readonly now?: () => number;
  /** Called after every flush. */
  readonly onProgress?: (p: StreamProgress) => void;
  /** Called for every problem the stream reports (after it is recorded). */
  readonly onProblem?: (p: StreamProblem) => void;
  /** Called for every trade or bar sent to quarantine (after it is recorded). */
  readonly onQuarantine?: (q: { readonly symbol: string; readonly reason: string }) => void;
}

/** What {@link runStream} did. */
export interface RunStreamResult extends StreamProgress {
  /** Trades whose id was stored with different values (not written). */
  readonly conflicts: number;
  /** `aborted` when the signal stopped it, `ended` when the stream ended by itself. */
  readonly reason: "aborted" | "ended";
}

/** A batch as the Binance stream emits it: the frames' raw text beside the columns. */
type RawBatch = TradeColumns & { readonly raw?: readonly (string | undefined)[] };

/** Prices kept per symbol to prime the jump rule (more than its window of 100 returns). */
const JUMP_HISTORY = 256;
/** Refused trades carried into the next batch's gate, so a level shift can be confirmed. */
const MAX_SUSPECTS = 4;
/**
 * How far past this machine's clock a trade time may be: a venue's clock and ours differ by
 * seconds on a machine without NTP, and refusing every trade for that would turn the whole
 * stream into holes. A year-2100 time is still refused.
 */
const FUTURE_TOLERANCE_MS = 60_000;
/** Frames that are not trade frames quarantined per run, at most. */
const MAX_PARSE_QUARANTINE = 1_000;

interface PendingQuarantine {
  readonly symbol: string;
  readonly locator: string;
  readonly raw: string;
  readonly reason: string;
}

interface PendingHole {
  readonly symbol: string;
  readonly fromId: number;
  readonly toId: number;
  readonly reason: string;
}

interface SymbolState {
  readonly symbol: string;
  /** Gated trades not yet written. */
  batches: TradeColumns[];
  rows: number;
  /** Last id received. */
  lastId: number | undefined;
  /** A batch arrived since the previous flush. */
  active: boolean;
  /** Last accepted prices, oldest first (jump rule history). */
  history: Float64Array;
  /** Trailing refused trades of the last batch (jump rule context). */
  suspects: TradeColumns | undefined;
  /** Holes as stored (open and lost). */
  holes: StreamHole[];
  /** Per open hole (by first id): `performance.now()` of its next repair attempt. */
  readonly dueAt: Map<number, number>;
}

type RepairOutcome =
  | { readonly ok: true; readonly hole: StreamHole; readonly page: TradeColumns }
  | { readonly ok: false; readonly hole: StreamHole; readonly error: string };

function concatTrades(venue: string, symbol: string, parts: readonly TradeColumns[]): TradeColumns {
  if (parts.length === 1 && parts[0]!.venue === venue) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.ts.length;
  const out: TradeColumns = {
    venue,
    symbol,
    tradeId: new Array<number | string>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  let o = 0;
  for (const p of parts) {
    const m = p.ts.length;
    for (let i = 0; i < m; i++) out.tradeId[o + i] = p.tradeId[i] as number | string;
    out.ts.set(p.ts, o);
    out.price.set(p.price, o);
    out.qty.set(p.qty, o);
    out.side.set(p.side, o);
    o += m;
  }
  return out;
}

/** Rows `idx` of `t`, as columns. */
function pickRows(t: TradeColumns, idx: readonly number[]): TradeColumns {
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

function tail(a: Float64Array, b: Float64Array, n: number): Float64Array {
  if (b.length >= n) return b.slice(b.length - n);
  const keep = Math.min(a.length, n - b.length);
  const out = new Float64Array(keep + b.length);
  out.set(a.subarray(a.length - keep), 0);
  out.set(b, keep);
  return out;
}

/** The row as JSON, for quarantine when no raw frame text exists (REST, stored rows). */
function rowJson(t: TradeColumns, i: number): string {
  return JSON.stringify({
    id: t.tradeId[i],
    ts: t.ts[i],
    price: t.price[i],
    qty: t.qty[i],
    side: t.side[i],
  });
}

/**
 * Stream trades into the store until `signal` aborts (or the stream ends): one transaction per
 * flush holding the gated trades, the quarantined ones, new holes and the bars whose interval
 * closed (see the module notes). On abort the buffer is flushed and committed before the
 * promise resolves (a repair still in flight is abandoned: its hole stays in the store for the
 * next start); the caller finishes its run row.
 *
 * @example A price-0 frame is quarantined, its id becomes a hole, the bar over it is incomplete
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars } from "@lib/store/bars.ts";
 * import { listStreamHoles } from "@lib/store/stream_writes.ts";
 * import { runStream } from "@lib/ingest/stream.ts";
 * import type { TradeColumns } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const T0 = Date.UTC(2024, 0, 1);
 * const batch = (ids: number[], ts: number[], price = (i: number) => 100 + i): TradeColumns => ({
 *   venue: "binance", symbol: "BTCUSDT", tradeId: ids, ts: Float64Array.from(ts, (t) => T0 + t),
 *   price: Float64Array.from(ids, price), qty: Float64Array.from(ids, () => 1),
 *   side: Int8Array.from(ids, () => 1),
 * });
 * const batches = [
 *   batch([1, 2], [60_000, 61_000]), batch([3, 4], [120_000, 121_000]), // minutes 1 and 2
 *   batch([5], [180_000]), batch([6], [181_000], () => 0), batch([7], [182_000]), // minute 3
 *   batch([8], [240_500]), // minute 4, still open at the end
 * ];
 * const r = await runStream(db, {
 *   venue: "binance", symbols: ["BTCUSDT"], now: () => T0 + 241_000,
 *   openStream: () => ({
 *     venue: "binance", stop: () => Promise.resolve(),
 *     async *[Symbol.asyncIterator]() { yield* batches; },
 *   }),
 * });
 * assert.equal(r.inserted, 7);
 * assert.equal(r.quarantined, 1);
 * assert.deepEqual(listStreamHoles(db, "binance").map((h) => [h.fromId, h.toId]), [[6, 6]]);
 * const bars = readBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1m" });
 * assert.deepEqual([...bars.ts], [T0 + 60_000, T0 + 120_000, T0 + 180_000]);
 * // joined mid-way; complete; over the hole of id 6
 * assert.deepEqual([...bars.complete], [0, 1, 0]);
 * ```
 */
export async function runStream(
  db: DatabaseSync,
  options: RunStreamOptions,
): Promise<RunStreamResult> {
  const venue = options.venue;
  const flushMs = options.flushEveryMs ?? 250;
  const flushRows = options.flushEveryRows ?? 5_000;
  const freqs = options.barFreqs ?? ["1m"];
  const now = options.now ?? Date.now;
  const source = options.source ?? `stream:${venue}`;
  const backoffMs = options.repairBackoffMs ?? 1_000;
  const backoffMaxMs = options.repairBackoffMaxMs ?? 30_000;
  if (!(flushMs > 0) || !(Number.isInteger(flushRows) && flushRows >= 1)) {
    throw new RangeError(
      `Cannot run the stream: flushEveryMs must be > 0 and flushEveryRows an integer >= 1, ` +
        `got ${flushMs} and ${flushRows}`,
    );
  }
  if (options.symbols.length === 0) {
    throw new RangeError("Cannot run the stream: give at least one symbol");
  }

  let inserted = 0, unchanged = 0, conflicts = 0, flushes = 0, barsWritten = 0, gaps = 0;
  let quarantined = 0, repaired = 0;
  let lastFlushMs = 0;
  let buffered = 0;
  const pendingQuarantine: PendingQuarantine[] = [];
  const pendingHoles: PendingHole[] = [];
  let parseQuarantined = 0;

  const quarantineNow = (q: PendingQuarantine) => {
    if (
      quarantine(db, {
        source,
        locator: q.locator,
        raw: q.raw,
        reason: q.reason,
        runId: options.runId,
        venue,
        symbol: q.symbol === "" ? undefined : q.symbol,
      })
    ) quarantined++;
    try {
      options.onQuarantine?.({ symbol: q.symbol, reason: q.reason });
    } catch {
      // a faulty listener must not stop the stream
    }
  };

  // Start: no stored row may break a bar build. Rows an older version stored unchecked from
  // the bars still to be (re)built onward, or dated in the future, go to quarantine; their ids
  // become holes, so the REST repair fetches the venue's trade.
  const launchTs = venueLaunchMs(venue) ?? Date.UTC(2009, 0, 3);
  withTransaction(db, () => {
    const t = now();
    for (const symbol of options.symbols) {
      let fromTs = Infinity;
      for (const f of freqs) {
        fromTs = Math.min(fromTs, lastBarTs(db, venue, symbol, f, STREAM_BAR_SOURCE) ?? -Infinity);
      }
      if (freqs.length === 0) fromTs = -Infinity;
      const bad = unfitStoredTrades(db, venue, symbol, {
        fromTs,
        futureTs: t + FUTURE_TOLERANCE_MS,
        launchTs,
      });
      if (bad.ts.length === 0) continue;
      const g = gateTrades(bad, { now: t, futureToleranceMs: FUTURE_TOLERANCE_MS, jump: false });
      const reasons = new Map(g.rejected.map((r) => [r.index, r.reason]));
      const ids: number[] = [];
      for (let i = 0; i < bad.ts.length; i++) {
        const id = Number(bad.tradeId[i]);
        ids.push(id);
        quarantineNow({
          symbol,
          locator: `${symbol} trade ${id} (stored)`,
          raw: rowJson(bad, i),
          reason: reasons.get(i) ?? "no bar can be built from this stored trade",
        });
      }
      deleteTradesById(db, venue, symbol, ids);
      for (const id of ids) {
        recordStreamHole(db, {
          venue,
          symbol,
          fromId: id,
          toId: id,
          reason: `stored trade refused by the row rules: ${reasons.get(ids.indexOf(id)) ?? ""}`,
          runId: options.runId,
          at: t,
        });
      }
    }
  });

  const bars = new LiveBars(db, {
    venue,
    symbols: options.symbols,
    freqs,
    ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
    runId: options.runId,
    onBuildError: (e) =>
      quarantineNow({
        symbol: e.symbol,
        locator: `${e.symbol} ${e.freq} bars ${new Date(e.from).toISOString()}..${
          new Date(e.to).toISOString()
        }`,
        raw: JSON.stringify(e),
        reason: `bar build failed: ${e.message}`,
      }),
  });

  const states = new Map<string, SymbolState>();
  const lastIds = storedLastIds(db, venue, options.symbols);
  const spanOf = (h: StreamHole) => {
    const to = h.toTs ?? Infinity;
    return { fromTs: h.fromTs ?? to, toTs: to };
  };
  const loadHoles = (st: SymbolState) => {
    st.holes = listStreamHoles(db, venue, st.symbol);
    bars.setHoles(st.symbol, st.holes.map(spanOf));
    const open = new Set<number>();
    for (const h of st.holes) {
      if (h.status !== "open") continue;
      open.add(h.fromId);
      if (!st.dueAt.has(h.fromId)) st.dueAt.set(h.fromId, -Infinity);
    }
    for (const k of [...st.dueAt.keys()]) if (!open.has(k)) st.dueAt.delete(k);
  };
  for (const symbol of options.symbols) {
    const st: SymbolState = {
      symbol,
      batches: [],
      rows: 0,
      lastId: lastIds[symbol],
      active: false,
      history: recentTradePrices(db, venue, symbol, JUMP_HISTORY),
      suspects: undefined,
      holes: [],
      dueAt: new Map(),
    };
    loadHoles(st);
    states.set(symbol, st);
  }

  const onProblem = (p: StreamProblem) => {
    if (p.kind === "gap" && p.symbol !== undefined && states.has(p.symbol)) {
      gaps++;
      if (p.fromId !== undefined && p.toId !== undefined && p.fromId <= p.toId) {
        pendingHoles.push({
          symbol: p.symbol,
          fromId: p.fromId,
          toId: p.toId,
          reason: p.message,
        });
      }
    }
    // a frame that is not a trade frame: its raw text to quarantine (bounded per run: a venue
    // sending garbage must not fill the store)
    if (p.kind === "parse" && p.raw !== undefined && parseQuarantined < MAX_PARSE_QUARANTINE) {
      parseQuarantined++;
      pendingQuarantine.push({
        symbol: p.symbol ?? "",
        locator: `frame ${parseQuarantined} of run ${options.runId ?? "-"}`,
        raw: p.raw,
        reason: p.message,
      });
    }
    options.onProblem?.(p);
  };

  const stream = options.openStream({ lastIds, onProblem });

  // Repairs run one at a time, outside the transaction; their result is written at the next
  // flush. `closed` makes a repair that answers after the end a no-op.
  let repairing = false;
  let closed = false;
  const repairDone: RepairOutcome[] = [];

  const startRepair = () => {
    const rest = options.repair;
    if (rest === undefined || repairing || closed) return;
    const mono = performance.now(); // backoff runs on the monotonic clock, not the data clock
    let pick: { st: SymbolState; hole: StreamHole } | undefined;
    for (const st of states.values()) {
      for (const h of st.holes) {
        if (h.status !== "open") continue;
        if ((st.dueAt.get(h.fromId) ?? -Infinity) > mono) continue;
        if (pick === undefined || h.fromId < pick.hole.fromId) pick = { st, hole: h };
      }
    }
    if (pick === undefined) return;
    const { hole } = pick;
    repairing = true;
    rest.fetchTrades({ symbol: hole.symbol, from: hole.fromId }).then(
      (page) => repairDone.push({ ok: true, hole, page: page.trades }),
      (e) => repairDone.push({ ok: false, hole, error: (e as Error).message }),
    ).finally(() => (repairing = false));
  };

  /** Apply a finished repair inside the flush transaction. */
  const applyRepair = (r: RepairOutcome, t: number) => {
    const st = states.get(r.hole.symbol);
    if (st === undefined) return;
    const h = r.hole;
    if (!st.holes.some((x) => x.fromId === h.fromId && x.status === "open")) return;
    const attempts = h.attempts + 1;
    // the one backoff of lib/providers/retry.ts, without jitter (one repair runs at a time)
    const retryIn = backoffDelay(attempts - 1, 1, backoffMs, backoffMaxMs);
    if (!r.ok) {
      noteStreamHoleAttempt(db, venue, h.symbol, h.fromId, r.error, t);
      st.dueAt.set(h.fromId, performance.now() + retryIn);
      options.onProblem?.({
        kind: "repair",
        message: `REST repair of ${h.symbol} ids ${h.fromId}..${h.toId} failed: ${r.error}; ` +
          `retrying in ${(retryIn / 1000).toFixed(1)} s`,
        symbol: h.symbol,
        fromId: h.fromId,
        toId: h.toId,
      });
      loadHoles(st);
      return;
    }
    const page = r.page;
    // the page judged as a whole, primed with the stored prices before the hole: the trades
    // after the hole in the same page let a real level shift be confirmed
    const history = recentTradePrices(db, venue, h.symbol, JUMP_HISTORY, h.fromId);
    const g = gateTrades(page, {
      now: t,
      futureToleranceMs: FUTURE_TOLERANCE_MS,
      jump: { history },
    });
    const refused = new Map(g.rejected.map((x) => [x.index, x.reason]));
    // rows of the hole in id order (a venue page is ascending; sort defensively)
    const inHole: number[] = [];
    for (let i = 0; i < page.ts.length; i++) {
      const id = Number(page.tradeId[i]);
      if (id >= h.fromId && id <= h.toId) inHole.push(i);
    }
    inHole.sort((a, b) => Number(page.tradeId[a]) - Number(page.tradeId[b]));
    if (inHole.length === 0 && !(page.ts.length > 0 && Number(page.tradeId[0]) > h.toId)) {
      // nothing at or after the hole's first id yet: the venue may lag; try again later
      noteStreamHoleAttempt(db, venue, h.symbol, h.fromId, "REST returned no trades", t);
      st.dueAt.set(h.fromId, performance.now() + retryIn);
      loadHoles(st);
      return;
    }
    const firstId = inHole.length > 0 ? Number(page.tradeId[inHole[0]!]) : Infinity;
    let next = firstId === Infinity ? h.toId + 1 : firstId;
    const keep: number[] = [];
    for (const i of inHole) {
      const id = Number(page.tradeId[i]);
      if (id === next) next++;
      const reason = refused.get(i);
      if (reason === undefined) keep.push(i);
      else {
        // the venue's own copy is refused too: quarantined, the id is settled
        quarantineNow({
          symbol: h.symbol,
          locator: `${h.symbol} trade ${id} (REST repair)`,
          raw: rowJson(page, i),
          reason,
        });
      }
    }
    if (keep.length > 0) {
      const rows = pickRows(page, keep);
      const w = writeTrades(db, rows, {
        source: `${source}:repair`,
        runId: options.runId,
        fetchedAt: t,
      });
      inserted += w.inserted;
      unchanged += w.unchanged;
      conflicts += w.conflicts.length;
      repaired += w.inserted;
      bars.repaired(h.symbol, rows);
    }
    const lostTo = firstId > h.fromId ? Math.min(firstId - 1, h.toId) : undefined;
    const left = settleStreamHole(db, venue, h.symbol, h.fromId, {
      nextFromId: next,
      lostTo,
      lostReason: `the venue's REST history has no trades ${h.fromId}..${lostTo} (it answered ` +
        `from id ${firstId === Infinity ? Number(page.tradeId[0]) : firstId})`,
      at: t,
    });
    if (left !== undefined) st.dueAt.set(left.fromId, -Infinity);
    loadHoles(st);
    bars.rebuild(h.symbol, h.fromTs ?? h.toTs ?? Infinity, h.toTs ?? Infinity);
  };

  const flush = () => {
    const t0 = performance.now();
    const t = now();
    const done = repairDone.splice(0);
    withTransaction(db, () => {
      for (const st of states.values()) {
        if (st.rows === 0) continue;
        const all = concatTrades(venue, st.symbol, st.batches);
        st.batches = [];
        st.rows = 0;
        const r = writeTrades(db, all, {
          source,
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          fetchedAt: t,
        });
        inserted += r.inserted;
        unchanged += r.unchanged;
        conflicts += r.conflicts.length;
        bars.written(st.symbol, all, r.inserted === all.ts.length);
      }
      for (const q of pendingQuarantine.splice(0)) quarantineNow(q);
      const touched = new Set<SymbolState>();
      for (const h of pendingHoles.splice(0)) {
        const st = states.get(h.symbol)!;
        const rec = recordStreamHole(db, { venue, ...h, runId: options.runId, at: t });
        st.dueAt.set(rec.fromId, -Infinity);
        touched.add(st);
      }
      for (const st of states.values()) {
        if (!touched.has(st) && !st.holes.some((h) => h.toTs === undefined)) continue;
        const key = (h: StreamHole) => `${h.toId}:${h.fromTs}:${h.toTs}:${h.status}`;
        const before = new Map(st.holes.map((h) => [h.fromId, key(h)]));
        refreshStreamHoleTimes(db, venue, st.symbol);
        loadHoles(st);
        // bars already closed over a new (or newly bounded) hole are no longer complete
        for (const h of st.holes) {
          if (before.get(h.fromId) === key(h)) continue;
          bars.rebuild(st.symbol, h.fromTs ?? h.toTs ?? Infinity, h.toTs ?? Infinity);
        }
      }
      for (const r of done) applyRepair(r, t);
      // a quiet symbol's interval closes by the wall clock only while the stream is caught
      // up: during an outage or a repair its trades may still come
      const caughtUp = stream.caughtUp ?? true;
      for (const st of states.values()) {
        barsWritten += bars.materialize(st.symbol, !st.active && caughtUp, t);
        st.active = false;
      }
    });
    buffered = 0;
    flushes++;
    lastFlushMs = performance.now() - t0;
    startRepair();
    options.onProgress?.(progress());
  };

  const progress = (): StreamProgress => {
    const ids: Record<string, number> = {};
    let openHoles = 0, missingIds = 0;
    for (const st of states.values()) {
      if (st.lastId !== undefined) ids[st.symbol] = st.lastId;
      for (const h of st.holes) {
        if (h.status !== "open") continue;
        openHoles++;
        missingIds += h.toId - h.fromId + 1;
      }
    }
    const connections = stream.stats?.connections ?? 0;
    return {
      inserted,
      unchanged,
      flushes,
      barsWritten,
      lastIds: ids,
      reconnects: Math.max(0, connections - 1),
      gaps,
      quarantined,
      repaired,
      openHoles,
      missingIds,
      lastFlushMs,
    };
  };

  const accept = (b: RawBatch) => {
    const st = states.get(b.symbol);
    const n = b.ts.length;
    if (!st || n === 0) return;
    const last = Number(b.tradeId[n - 1]);
    st.lastId = st.lastId === undefined ? last : Math.max(st.lastId, last);
    // the trailing refusals of the previous batch lead this one, so that `confirm` trades in a
    // row at a new level are accepted as a real move even when they arrive one per batch
    const lead = st.suspects;
    const input = lead === undefined ? b : concatTrades(b.venue, b.symbol, [lead, b]);
    const off = lead === undefined ? 0 : lead.ts.length;
    const g = gateTrades(input, {
      now: now(),
      futureToleranceMs: FUTURE_TOLERANCE_MS,
      jump: { history: st.history },
    });
    let trailing = input.ts.length;
    if (g.rejected.length === 0) {
      st.batches.push(b);
      st.rows += n;
      buffered += n;
      st.history = tail(st.history, b.price, JUMP_HISTORY);
      st.suspects = undefined;
    } else {
      const refused = new Map(g.rejected.map((r) => [r.index, r.reason]));
      const keep: number[] = [];
      for (let i = 0; i < n; i++) {
        const reason = refused.get(i + off);
        if (reason === undefined) {
          keep.push(i);
          continue;
        }
        const id = Number(b.tradeId[i]);
        pendingQuarantine.push({
          symbol: b.symbol,
          locator: `${b.symbol} trade ${id}`,
          raw: b.raw?.[i] ?? rowJson(b, i),
          reason,
        });
        pendingHoles.push({
          symbol: b.symbol,
          fromId: id,
          toId: id,
          reason: `trade frame refused by the row rules: ${reason}`,
        });
      }
      if (keep.length > 0) {
        const acc = pickRows(b, keep);
        st.batches.push(acc);
        st.rows += acc.ts.length;
        buffered += acc.ts.length;
        st.history = tail(st.history, acc.price, JUMP_HISTORY);
      }
      while (trailing > 0 && refused.has(trailing - 1)) trailing--;
      const sus: number[] = [];
      for (let i = Math.max(trailing, input.ts.length - MAX_SUSPECTS); i < input.ts.length; i++) {
        sus.push(i);
      }
      st.suspects = sus.length > 0 ? pickRows(input, sus) : undefined;
    }
    st.active = true;
  };

  const iterator = stream[Symbol.asyncIterator]();
  let reason: "aborted" | "ended" = "ended";
  const signal = options.signal;
  let stopping: Promise<void> | undefined;
  const onAbort = () => {
    stopping ??= stream.stop();
  };
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let tick: Promise<"tick"> = Promise.resolve("tick");
  const armTimer = () => {
    tick = new Promise((resolve) => (timer = setTimeout(() => resolve("tick"), flushMs)));
  };
  try {
    startRepair(); // holes left by an earlier run
    armTimer();
    let next = iterator.next();
    for (;;) {
      const r = await Promise.race([next, tick]);
      if (r === "tick") {
        flush();
        armTimer();
        continue;
      }
      if (r.done) break;
      accept(r.value as RawBatch);
      if (buffered >= flushRows) flush();
      next = iterator.next();
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    if (signal?.aborted) reason = "aborted";
    await (stopping ?? stream.stop());
  }
  closed = true; // no new repair; finished ones are still written by the last flush
  flush();
  return { ...progress(), conflicts, reason };
}
