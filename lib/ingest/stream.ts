/**
 * Live trades into the store: batched transactions of trades, and bars materialized as their
 * intervals close.
 *
 * {@link runStream} reads a trade stream (normally a `BinanceTradeStream`, which already
 * guarantees strictly increasing, contiguous ids per symbol with REST gap repair), buffers the
 * batches and writes them in ONE transaction per flush (every `flushEveryMs`, default 250 ms,
 * or as soon as `flushEveryRows`, default 5,000, are buffered), together with the bars whose
 * interval has closed.
 *
 * When an interval closes. A bar `[start, end)` of a symbol closes when a trade of that symbol
 * with `ts >= end` has been received, or, when the symbol received nothing since the previous
 * flush (a quiet market, or the end of a replay), when the wall clock passes `end + graceMs`.
 * The wall-clock rule only applies at quiet flushes so that a replay of old trades (whose
 * timestamps are far behind the clock) still closes bars by trade time and never rebuilds an
 * open interval on every flush.
 *
 * How a bar is built. `tradesToBars` of the STORED trades of the interval, written with
 * `writeBars(..., {onConflict: "replace", replaceSourcePrefix: "materialize:"})`, source
 * `materialize:stream`. The stored trades of the finest frequency's open interval are not read
 * back: each symbol keeps a window in memory holding exactly the stored trades with `ts >= from` (the
 * trades just written are appended when `writeTrades` inserted every one of them; on a
 * re-delivery, a conflict or string ids the window is reloaded from the store for the open
 * interval; on restart it is loaded from the store for the open interval). Intervals before
 * the window (a restart, a late gap repair) are read from the store. Trades of an interval
 * that arrive after it closed make it dirty again and it is rebuilt at the next flush, so a
 * stored bar always equals `tradesToBars` of the stored trades of its interval.
 *
 * What `complete` means. `tradesToBars` marks the first and last bar of any trade span 0
 * because it cannot know whether the span covers them. Here we know more: a closed bar is
 * `complete = 1` when the trades of its whole interval were received without a hole, i.e.
 * (a) the interval starts after the interval holding the first trade of the coverage (the
 * first trade received in this session, or, when the session resumed a stored id sequence,
 * the first stored trade of the symbol: resuming repairs the ids missed while the task was
 * down, so coverage continues), and (b) no hole the stream reported (`onProblem` kind `gap`:
 * ids it could not repair) overlaps the interval. The time span of a hole runs from the last
 * trade received before the report to the first trade received with an id past the hole;
 * every bar overlapping it is 0. Open intervals are never written.
 *
 * On restart, bars are rebuilt from the last stored bar of each series onward, so trades
 * committed just before a kill get their bars. Memory is bounded by the flush thresholds, by
 * the open interval of the finest frequency (the window, ~41 bytes per trade; coarser
 * intervals are read back from the store once when they close) and by one interval of trades
 * per store read (at most one hour of trades per read).
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import type { TradeColumns } from "../core/types.ts";
import { tradesToBars } from "../materialize/trades_to_bars.ts";
import { writeBars } from "../store/bars.ts";
import { withTransaction } from "../store/db.ts";
import { writeTrades } from "../store/trades.ts";
import { returnArrays } from "../store/sql.ts";
import type { StreamProblem } from "../providers/binance_ws.ts";

/** The bar source written by {@link runStream}. */
export const STREAM_BAR_SOURCE = "materialize:stream";

/** What {@link runStream} needs from a trade stream (a `BinanceTradeStream` fits). */
export interface IngestTradeStream extends AsyncIterable<TradeColumns> {
  /** Venue id of the batches, e.g. `binance`. */
  readonly venue: string;
  /** Closes the connection and ends the iteration. */
  stop(): Promise<void>;
  /** Counters; `connections` is used for the reconnect count when present. */
  readonly stats?: { readonly connections: number };
}

/** Progress of {@link runStream}, reported after every flush. */
export interface StreamProgress {
  /** Trades newly inserted so far. */
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
  /** Holes the stream reported as unrepairable. */
  readonly gaps: number;
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
}

/** What {@link runStream} did. */
export interface RunStreamResult extends StreamProgress {
  /** Trades whose id was stored with different values (not written). */
  readonly conflicts: number;
  /** `aborted` when the signal stopped it, `ended` when the stream ended by itself. */
  readonly reason: "aborted" | "ended";
}

interface Hole {
  readonly fromTs: number;
  toTs: number;
  readonly toId: number;
}

interface SymbolState {
  readonly symbol: string;
  /** Buffered batches (not yet written). */
  batches: TradeColumns[];
  rows: number;
  /** Largest ts received. */
  maxTs: number;
  /** Last id received. */
  lastId: number | undefined;
  /** Coverage start: bars of intervals after the one holding this ts can be complete. */
  coverFrom: number;
  /** Per frequency: start of the first interval with trades not yet materialized. */
  readonly dirty: Map<Freq, number>;
  /** Holes reported by the stream, oldest first (bounded). */
  readonly holes: Hole[];
  /** A batch arrived since the previous flush. */
  active: boolean;
  /** The stored trades with `ts >= window.from`, or `undefined` when it must be reloaded. */
  window: TradeWindow | undefined;
  /** Per frequency: end of the intervals materialized so far (when none is dirty). */
  readonly closedTo: Map<Freq, number>;
}

/**
 * The stored trades of one symbol with `ts >= from`, in growable columns (no object per
 * trade), kept in (ts, id) order when they arrive in it and sorted on demand otherwise.
 */
class TradeWindow {
  from: number;
  n = 0;
  id: Float64Array;
  ts: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  side: Int8Array;
  #sorted = true;

  constructor(from: number, capacity = 1024) {
    this.from = from;
    this.id = new Float64Array(capacity);
    this.ts = new Float64Array(capacity);
    this.price = new Float64Array(capacity);
    this.qty = new Float64Array(capacity);
    this.side = new Int8Array(capacity);
  }

  #reserve(extra: number): void {
    const need = this.n + extra;
    if (need <= this.ts.length) return;
    let cap = this.ts.length * 2;
    while (cap < need) cap *= 2;
    const grow = <T extends Float64Array | Int8Array>(a: T, b: T): T => (b.set(a), b);
    this.id = grow(this.id, new Float64Array(cap));
    this.ts = grow(this.ts, new Float64Array(cap));
    this.price = grow(this.price, new Float64Array(cap));
    this.qty = grow(this.qty, new Float64Array(cap));
    this.side = grow(this.side, new Int8Array(cap));
  }

  /** Append the trades of `t` with `ts >= from` (their ids must be numbers). */
  add(t: TradeColumns): void {
    const m = t.ts.length;
    this.#reserve(m);
    let k = this.n;
    for (let i = 0; i < m; i++) {
      const ts = t.ts[i] as number;
      if (!(ts >= this.from)) continue;
      const id = t.tradeId[i] as number;
      if (this.#sorted && k > 0) {
        const pt = this.ts[k - 1] as number;
        if (ts < pt || (ts === pt && id <= (this.id[k - 1] as number))) this.#sorted = false;
      }
      this.id[k] = id;
      this.ts[k] = ts;
      this.price[k] = t.price[i] as number;
      this.qty[k] = t.qty[i] as number;
      this.side[k] = t.side[i] as number;
      k++;
    }
    this.n = k;
  }

  #sort(): void {
    if (this.#sorted) return;
    const n = this.n;
    const { id, ts } = this;
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    idx.sort((a, b) =>
      (ts[a] as number) - (ts[b] as number) || (id[a] as number) - (id[b] as number)
    );
    const permute = <T extends Float64Array | Int8Array>(a: T): void => {
      const c = a.slice(0, n);
      for (let i = 0; i < n; i++) a[i] = c[idx[i] as number] as number;
    };
    permute(this.id);
    permute(this.ts);
    permute(this.price);
    permute(this.qty);
    permute(this.side);
    this.#sorted = true;
  }

  /** First index with `ts >= t` (sorted). */
  #lowerBound(t: number): number {
    let lo = 0, hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ts[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The trades of `[a, b)` in (ts, id) order; `a >= from`. */
  slice(venue: string, symbol: string, a: number, b: number): TradeColumns {
    this.#sort();
    const i = this.#lowerBound(a);
    const j = this.#lowerBound(b);
    const tradeId = new Array<number>(j - i);
    for (let k = i; k < j; k++) tradeId[k - i] = this.id[k] as number;
    return {
      venue,
      symbol,
      tradeId,
      ts: this.ts.slice(i, j),
      price: this.price.slice(i, j),
      qty: this.qty.slice(i, j),
      side: this.side.slice(i, j),
    };
  }

  /** Forget the trades before `t` (`t >= from`): the window then starts at `t`. */
  advance(t: number): void {
    if (!(t > this.from)) return;
    this.#sort();
    const i = this.#lowerBound(t);
    if (i > 0) {
      const n = this.n;
      this.id.copyWithin(0, i, n);
      this.ts.copyWithin(0, i, n);
      this.price.copyWithin(0, i, n);
      this.qty.copyWithin(0, i, n);
      this.side.copyWithin(0, i, n);
      this.n = n - i;
    }
    this.from = t;
  }
}

const MAX_HOLES = 1024;
const HOUR = 3_600_000;

/**
 * The largest stored trade id per symbol of `venue` (symbols with no trades are absent).
 *
 * @example Empty store, then one trade
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeTrades } from "@lib/store/trades.ts";
 * import { storedLastIds } from "@lib/ingest/stream.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(storedLastIds(db, "binance", ["BTCUSDT"]), {});
 * writeTrades(db, {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [7, 9], ts: Float64Array.of(1, 2),
 *   price: Float64Array.of(1, 1), qty: Float64Array.of(1, 1), side: Int8Array.of(1, -1),
 * }, { source: "doc" });
 * assert.deepEqual(storedLastIds(db, "binance", ["BTCUSDT"]), { BTCUSDT: 9 });
 * ```
 */
export function storedLastIds(
  db: DatabaseSync,
  venue: string,
  symbols: readonly string[],
): Record<string, number> {
  const stmt = db.prepare(
    "SELECT max(trade_id) AS id FROM trades WHERE venue = ? AND symbol = ?",
  );
  const out: Record<string, number> = {};
  for (const s of symbols) {
    const r = stmt.get(venue, s) as { id: number | bigint | null } | undefined;
    if (r && r.id !== null) out[s] = Number(r.id);
  }
  return out;
}

/**
 * Trades of `[from, to)` straight into typed columns (one row at a time through `iterate`,
 * never a row array per trade), in (ts, id) order: the peak memory of closing a bar is ~41
 * bytes per trade of its interval.
 */
function readTradeColumns(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  from: number,
  to: number,
): TradeColumns {
  const count = db.prepare(
    "SELECT count(*) AS n FROM trades WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ?",
  ).get(venue, symbol, from, to) as { n: number | bigint };
  const n = Number(count.n);
  const out: TradeColumns = {
    venue,
    symbol,
    tradeId: new Array<number>(n),
    ts: new Float64Array(n),
    price: new Float64Array(n),
    qty: new Float64Array(n),
    side: new Int8Array(n),
  };
  const stmt = returnArrays(db.prepare(
    `SELECT trade_id, ts, price, qty, side FROM trades
     WHERE venue = ? AND symbol = ? AND ts >= ? AND ts < ? ORDER BY ts, trade_id`,
  ));
  let i = 0;
  for (const row of stmt.iterate(venue, symbol, from, to)) {
    if (i >= n) break;
    const r = row as unknown as number[];
    out.tradeId[i] = Number(r[0]);
    out.ts[i] = r[1] as number;
    out.price[i] = r[2] as number;
    out.qty[i] = r[3] as number;
    out.side[i] = r[4] as number;
    i++;
  }
  return out;
}

function numericIds(t: TradeColumns): boolean {
  for (const id of t.tradeId) if (typeof id !== "number" || !Number.isSafeInteger(id)) return false;
  return true;
}

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

/**
 * Stream trades into the store until `signal` aborts (or the stream ends): one transaction per
 * flush holding the buffered trades and the bars whose interval closed (see the module notes
 * for when a bar closes and what `complete` means). On abort the buffer is flushed and
 * committed before the promise resolves; the caller finishes its run row.
 *
 * @example Two batches from an in-memory stream, one closed minute
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars } from "@lib/store/bars.ts";
 * import { runStream } from "@lib/ingest/stream.ts";
 * import type { TradeColumns } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const batch = (ids: number[], ts: number[]): TradeColumns => ({
 *   venue: "binance", symbol: "BTCUSDT", tradeId: ids, ts: Float64Array.from(ts),
 *   price: Float64Array.from(ids, (i) => 100 + i), qty: Float64Array.from(ids, () => 1),
 *   side: Int8Array.from(ids, () => 1),
 * });
 * const batches = [batch([1, 2], [60_000, 61_000]), batch([3], [120_500])];
 * const r = await runStream(db, {
 *   venue: "binance", symbols: ["BTCUSDT"], now: () => 0,
 *   openStream: () => ({
 *     venue: "binance", stop: () => Promise.resolve(),
 *     async *[Symbol.asyncIterator]() { yield* batches; },
 *   }),
 * });
 * assert.equal(r.inserted, 3);
 * const bars = readBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1m" });
 * assert.deepEqual([...bars.ts], [60_000]); // 2:00 is still open
 * assert.deepEqual([bars.open[0], bars.close[0], bars.complete[0]], [101, 102, 0]);
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
  const graceMs = options.graceMs ?? 2_000;
  const now = options.now ?? Date.now;
  const source = options.source ?? `stream:${venue}`;
  if (!(flushMs > 0) || !(Number.isInteger(flushRows) && flushRows >= 1)) {
    throw new RangeError(
      `Cannot run the stream: flushEveryMs must be > 0 and flushEveryRows an integer >= 1, ` +
        `got ${flushMs} and ${flushRows}`,
    );
  }
  if (options.symbols.length === 0) {
    throw new RangeError("Cannot run the stream: give at least one symbol");
  }

  const states = new Map<string, SymbolState>();
  const lastIds = storedLastIds(db, venue, options.symbols);
  const firstTs = db.prepare(
    "SELECT min(ts) AS a, max(ts) AS b FROM trades WHERE venue = ? AND symbol = ?",
  );
  const lastBar = db.prepare(
    "SELECT max(ts) AS t FROM bars WHERE venue = ? AND symbol = ? AND freq = ? AND source = ?",
  );
  for (const symbol of options.symbols) {
    const span = firstTs.get(venue, symbol) as { a: number | null; b: number | null };
    const st: SymbolState = {
      symbol,
      batches: [],
      rows: 0,
      maxTs: span.b ?? -Infinity,
      lastId: lastIds[symbol],
      coverFrom: span.a ?? Infinity,
      dirty: new Map(),
      holes: [],
      active: false,
      window: undefined,
      closedTo: new Map(),
    };
    // Resume: rebuild from the last materialized bar (trades committed before a kill).
    if (span.b !== null) {
      for (const f of freqs) {
        const r = lastBar.get(venue, symbol, f, STREAM_BAR_SOURCE) as { t: number | null };
        const ms = freqMs(f);
        st.dirty.set(f, r.t ?? Math.floor((span.a as number) / ms) * ms);
      }
    }
    st.window = span.b === null ? new TradeWindow(-Infinity) : loadWindow(st);
    states.set(symbol, st);
  }

  let inserted = 0, unchanged = 0, conflicts = 0, flushes = 0, barsWritten = 0, gaps = 0;
  let lastFlushMs = 0;
  let buffered = 0;

  const onProblem = (p: StreamProblem) => {
    if (p.kind === "gap" && p.symbol !== undefined) {
      const st = states.get(p.symbol);
      if (st) {
        gaps++;
        st.holes.push({ fromTs: st.maxTs, toTs: Infinity, toId: p.toId ?? Infinity });
        if (st.holes.length > MAX_HOLES) st.holes.shift();
      }
    }
    options.onProblem?.(p);
  };

  const stream = options.openStream({ lastIds, onProblem });

  const isComplete = (st: SymbolState, start: number, end: number, ms: number): boolean => {
    if (!(start > Math.floor(st.coverFrom / ms) * ms)) return false;
    for (const h of st.holes) if (h.fromTs < end && h.toTs >= start) return false;
    return true;
  };

  /** The window of `st` from the open interval of its newest trade, read from the store. */
  function loadWindow(st: SymbolState): TradeWindow {
    let from = Infinity;
    for (const f of freqs) {
      const ms = freqMs(f);
      from = Math.min(from, Math.floor(st.maxTs / ms) * ms);
    }
    const stored = readTradeColumns(db, venue, st.symbol, from, Infinity);
    const w = new TradeWindow(from, Math.max(1024, stored.ts.length * 2));
    w.add(stored);
    return w;
  }

  /** Trades of `[a, b)` as stored: from the window when it holds them, else from the store. */
  const finestMs = Math.min(...freqs.map((f) => freqMs(f)));
  const closedTrades = (st: SymbolState, a: number, b: number): TradeColumns => {
    const w = st.window;
    if (w !== undefined && a >= w.from) return w.slice(venue, st.symbol, a, b);
    return readTradeColumns(db, venue, st.symbol, a, b);
  };

  const materialize = (st: SymbolState, quiet: boolean, t: number) => {
    for (const f of freqs) {
      const from = st.dirty.get(f);
      if (from === undefined) continue;
      const ms = freqMs(f);
      const lastBucket = Math.floor(st.maxTs / ms) * ms;
      let closedEnd = lastBucket; // every interval before the newest trade's interval
      if (quiet && t >= lastBucket + ms + graceMs) closedEnd = lastBucket + ms;
      if (!(closedEnd > from)) continue;
      const step = Math.max(ms, Math.floor(HOUR / ms) * ms);
      for (let a = from; a < closedEnd; a += step) {
        const b = Math.min(closedEnd, a + step);
        const trades = closedTrades(st, a, b);
        if (trades.ts.length === 0) continue;
        const bars = tradesToBars(trades, f);
        for (let i = 0; i < bars.ts.length; i++) {
          const s = bars.ts[i] as number;
          bars.complete[i] = isComplete(st, s, s + ms, ms) ? 1 : 0;
        }
        const w = writeBars(db, bars, {
          source: STREAM_BAR_SOURCE,
          runId: options.runId,
          onConflict: "replace",
          replaceSourcePrefix: "materialize:",
        });
        barsWritten += w.inserted + w.replaced;
      }
      if (closedEnd > lastBucket) st.dirty.delete(f);
      else st.dirty.set(f, closedEnd);
      st.closedTo.set(f, closedEnd);
    }
    // The window keeps what the finest frequency still has to materialize; coarser intervals
    // (an hour of trades at thousands a second) are read back from the store when they close,
    // once per interval, so memory stays at about one fine interval of trades per symbol.
    let keep = Infinity;
    for (const f of freqs) {
      if (freqMs(f) !== finestMs) continue;
      keep = Math.min(keep, st.dirty.get(f) ?? st.closedTo.get(f) ?? -Infinity);
    }
    if (Number.isFinite(keep) && st.window !== undefined && keep > st.window.from) {
      st.window.advance(keep);
    }
  };

  const flush = () => {
    const t0 = performance.now();
    const t = now();
    withTransaction(db, () => {
      for (const st of states.values()) {
        if (st.rows > 0) {
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
          // every trade written with the values we hold: they extend the window as they are;
          // otherwise (re-delivered, conflicting or string ids) the window is read back
          if (r.inserted === all.ts.length && st.window !== undefined && numericIds(all)) {
            st.window.add(all);
          } else st.window = undefined;
        }
        if (freqs.length > 0) st.window ??= loadWindow(st);
        materialize(st, !st.active, t);
        st.active = false;
      }
    });
    buffered = 0;
    flushes++;
    lastFlushMs = performance.now() - t0;
    options.onProgress?.(progress());
  };

  const progress = (): StreamProgress => {
    const ids: Record<string, number> = {};
    for (const st of states.values()) if (st.lastId !== undefined) ids[st.symbol] = st.lastId;
    const connections = stream.stats?.connections ?? 0;
    return {
      inserted,
      unchanged,
      flushes,
      barsWritten,
      lastIds: ids,
      reconnects: Math.max(0, connections - 1),
      gaps,
      lastFlushMs,
    };
  };

  const accept = (b: TradeColumns) => {
    const st = states.get(b.symbol);
    const n = b.ts.length;
    if (!st || n === 0) return;
    let minTs = Infinity;
    for (let i = 0; i < n; i++) {
      const ts = b.ts[i] as number;
      if (ts < minTs) minTs = ts;
      if (ts > st.maxTs) st.maxTs = ts;
    }
    if (minTs < st.coverFrom) st.coverFrom = minTs;
    const last = Number(b.tradeId[n - 1]);
    // the first trade past an open hole ends it
    for (const h of st.holes) {
      if (h.toTs !== Infinity) continue;
      for (let i = 0; i < n; i++) {
        if (Number(b.tradeId[i]) > h.toId) {
          h.toTs = b.ts[i] as number;
          break;
        }
      }
    }
    st.lastId = st.lastId === undefined ? last : Math.max(st.lastId, last);
    for (const f of freqs) {
      const ms = freqMs(f);
      const bucket = Math.floor(minTs / ms) * ms;
      const d = st.dirty.get(f);
      if (d === undefined || bucket < d) st.dirty.set(f, bucket);
    }
    st.batches.push(b);
    st.rows += n;
    st.active = true;
    buffered += n;
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
      accept(r.value);
      if (buffered >= flushRows) flush();
      next = iterator.next();
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    if (signal?.aborted) reason = "aborted";
    await (stopping ?? stream.stop());
  }
  flush();
  return { ...progress(), conflicts, reason };
}
