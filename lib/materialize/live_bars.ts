/**
 * Bars of a live trade stream, materialized as their intervals close.
 *
 * When an interval closes. A bar `[start, end)` of a symbol closes when a trade of that symbol
 * with `ts >= end` has been stored, or, when the symbol received nothing since the previous
 * flush (a quiet market, or the end of a replay), when the wall clock passes `end + graceMs`.
 * The wall-clock rule only applies at quiet flushes so that a replay of old trades (whose
 * timestamps are far behind the clock) still closes bars by trade time and never rebuilds an
 * open interval on every flush.
 *
 * How a bar is built. `tradesToBars` of the STORED trades of the interval, written with
 * `writeBars(..., {onConflict: "replace", replaceSourcePrefix: "materialize:"})`, source
 * {@link STREAM_BAR_SOURCE}. The stored trades of the finest frequency's open interval are not
 * read back: each symbol keeps a window in memory holding exactly the stored trades with
 * `ts >= from` (trades just written are appended when every one of them was inserted; on a
 * re-delivery, a conflict or string ids the window is reloaded from the store). Intervals
 * before the window (a restart, a late repair) are read from the store. Trades of an interval
 * that arrive after it closed make it dirty again and it is rebuilt at the next flush, so a
 * stored bar always equals `tradesToBars` of the stored trades of its interval.
 *
 * What `complete` means. A closed bar is `complete = 1` when the trades of its whole interval
 * were stored without a hole: (a) the interval starts after the interval holding the first
 * stored trade of the symbol (coverage starts there), and (b) no hole given to
 * {@link LiveBars.setHoles} (ids the stream knows are missing, with the times of the stored
 * trades around them) overlaps the interval. When a hole is filled, the caller passes the new
 * holes and asks for a {@link LiveBars.rebuild} of its span: the bars become complete.
 *
 * A bar that cannot be built (a stored trade no bar may hold) is reported to `onBuildError`
 * and skipped; the stream goes on. Memory: the window holds the finest frequency's open
 * interval (~41 bytes per trade); coarser intervals are read back once when they close, at
 * most one hour of trades per read.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import type { TradeColumns } from "../core/types.ts";
import { writeBars } from "../store/bars.ts";
import {
  lastBarTs,
  nextTradeTs,
  readTradeColumns,
  storedTradeSpan,
} from "../store/stream_writes.ts";
import { tradesToBars } from "./trades_to_bars.ts";

/** The bar source written by {@link LiveBars} (and `runStream`). */
export const STREAM_BAR_SOURCE = "materialize:stream";

const HOUR = 3_600_000;

/** A time span over which trades are known to be missing (`toTs` may be Infinity). */
export interface HoleSpan {
  readonly fromTs: number;
  readonly toTs: number;
}

/** A bar interval that could not be built, for the caller to record. */
export interface LiveBarBuildError {
  readonly symbol: string;
  readonly freq: Freq;
  /** The interval span tried, `[from, to)`, UTC ms. */
  readonly from: number;
  readonly to: number;
  readonly message: string;
}

/** Options of {@link LiveBars}. */
export interface LiveBarsOptions {
  readonly venue: string;
  readonly symbols: readonly string[];
  /** Bar frequencies to materialize. */
  readonly freqs: readonly Freq[];
  /** Wall-clock grace after an interval's end before a quiet symbol's bar closes. Default 2,000 ms. */
  readonly graceMs?: number;
  /** `ingest_runs` row written with the bars. */
  readonly runId?: number | undefined;
  /** Called for each interval that could not be built; the builder goes on. */
  readonly onBuildError?: (e: LiveBarBuildError) => void;
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

interface SymbolBars {
  readonly symbol: string;
  /** Largest stored ts. */
  maxTs: number;
  /** Coverage start: bars of intervals after the one holding this ts can be complete. */
  coverFrom: number;
  /** Per frequency: start of the first interval with trades not yet materialized. */
  readonly dirty: Map<Freq, number>;
  /** Per frequency: end of the intervals materialized so far. */
  readonly closedTo: Map<Freq, number>;
  /** Spans of closed intervals to rebuild (a hole filled or found), UTC ms. */
  rebuild: HoleSpan[];
  holes: readonly HoleSpan[];
  window: TradeWindow | undefined;
}

function numericIds(t: TradeColumns): boolean {
  for (const id of t.tradeId) if (typeof id !== "number" || !Number.isSafeInteger(id)) return false;
  return true;
}

/**
 * The live bar builder of one venue's symbols over a store. Call {@link LiveBars.written}
 * after each write of trades and {@link LiveBars.materialize} inside the same transaction.
 *
 * @example Two minutes of trades, one closed bar
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readBars } from "@lib/store/bars.ts";
 * import { writeTrades } from "@lib/store/trades.ts";
 * import { LiveBars } from "@lib/materialize/live_bars.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const bars = new LiveBars(db, { venue: "binance", symbols: ["BTCUSDT"], freqs: ["1m"] });
 * const t = {
 *   venue: "binance", symbol: "BTCUSDT", tradeId: [1, 2, 3],
 *   ts: Float64Array.of(60_000, 61_000, 120_500), price: Float64Array.of(101, 102, 103),
 *   qty: Float64Array.of(1, 1, 1), side: Int8Array.of(1, 1, 1),
 * };
 * const w = writeTrades(db, t, { source: "doc" });
 * bars.written("BTCUSDT", t, w.inserted === 3);
 * bars.materialize("BTCUSDT", false, 0);
 * const b = readBars(db, { venue: "binance", symbol: "BTCUSDT", freq: "1m" });
 * assert.deepEqual([...b.ts], [60_000]); // 2:00 is still open
 * ```
 */
export class LiveBars {
  readonly #db: DatabaseSync;
  readonly #venue: string;
  readonly #freqs: readonly Freq[];
  readonly #graceMs: number;
  readonly #runId: number | undefined;
  readonly #onError: (e: LiveBarBuildError) => void;
  readonly #finestMs: number;
  readonly #symbols = new Map<string, SymbolBars>();

  constructor(db: DatabaseSync, options: LiveBarsOptions) {
    this.#db = db;
    this.#venue = options.venue;
    this.#freqs = options.freqs;
    this.#graceMs = options.graceMs ?? 2_000;
    this.#runId = options.runId;
    this.#onError = options.onBuildError ?? (() => {});
    this.#finestMs = Math.min(...this.#freqs.map((f) => freqMs(f)));
    for (const symbol of options.symbols) {
      const span = storedTradeSpan(db, this.#venue, symbol);
      const st: SymbolBars = {
        symbol,
        maxTs: span?.last ?? -Infinity,
        coverFrom: span?.first ?? Infinity,
        dirty: new Map(),
        closedTo: new Map(),
        rebuild: [],
        holes: [],
        window: undefined,
      };
      // Resume: rebuild from the last materialized bar (trades committed before a kill).
      if (span !== undefined) {
        for (const f of this.#freqs) {
          const ms = freqMs(f);
          const t = lastBarTs(db, this.#venue, symbol, f, STREAM_BAR_SOURCE);
          st.dirty.set(f, t ?? Math.floor(span.first / ms) * ms);
        }
      }
      st.window = span === undefined ? new TradeWindow(-Infinity) : this.#loadWindow(st);
      this.#symbols.set(symbol, st);
    }
  }

  /** Largest stored trade time of `symbol` (-Infinity when none). */
  maxTs(symbol: string): number {
    return this.#symbols.get(symbol)?.maxTs ?? -Infinity;
  }

  /**
   * Trades of `symbol` were just written (`allInserted`: every one of them was new and stored
   * with exactly these values): their intervals become dirty, the window takes them.
   */
  written(symbol: string, trades: TradeColumns, allInserted: boolean): void {
    const st = this.#symbols.get(symbol);
    const n = trades.ts.length;
    if (st === undefined || n === 0) return;
    let minTs = Infinity;
    for (let i = 0; i < n; i++) {
      const ts = trades.ts[i] as number;
      if (ts < minTs) minTs = ts;
      if (ts > st.maxTs) st.maxTs = ts;
    }
    if (minTs < st.coverFrom) st.coverFrom = minTs;
    for (const f of this.#freqs) {
      const ms = freqMs(f);
      const bucket = Math.floor(minTs / ms) * ms;
      const d = st.dirty.get(f);
      if (d === undefined || bucket < d) st.dirty.set(f, bucket);
    }
    if (allInserted && st.window !== undefined && numericIds(trades)) st.window.add(trades);
    else st.window = undefined;
  }

  /** The spans over which trades of `symbol` are known to be missing (replaces the last). */
  setHoles(symbol: string, holes: readonly HoleSpan[]): void {
    const st = this.#symbols.get(symbol);
    if (st !== undefined) st.holes = holes;
  }

  /**
   * Rebuild the closed bars of `symbol` that overlap `[fromTs, toTs]` at the next materialize
   * (clamped to the stored trades: nothing before the first or after the last is built).
   */
  rebuild(symbol: string, fromTs: number, toTs: number): void {
    const st = this.#symbols.get(symbol);
    if (st === undefined) return;
    const a = Math.max(fromTs, st.coverFrom), b = Math.min(toTs, st.maxTs);
    if (Number.isFinite(a) && Number.isFinite(b) && a <= b) st.rebuild.push({ fromTs: a, toTs: b });
  }

  /**
   * Trades of `symbol` filled in late (a repaired hole) were just written: the closed bars
   * they fall in are rebuilt at the next materialize, the open ones as usual, and only those:
   * unlike {@link LiveBars.written}, everything since is not rebuilt.
   */
  repaired(symbol: string, trades: TradeColumns): void {
    const st = this.#symbols.get(symbol);
    const n = trades.ts.length;
    if (st === undefined || n === 0) return;
    let minTs = Infinity, maxTs = -Infinity;
    for (let i = 0; i < n; i++) {
      const ts = trades.ts[i] as number;
      if (ts < minTs) minTs = ts;
      if (ts > maxTs) maxTs = ts;
    }
    if (maxTs > st.maxTs) {
      this.written(symbol, trades, false); // past the newest: plain new trades
      return;
    }
    if (minTs < st.coverFrom) st.coverFrom = minTs;
    // the window holds every stored trade from its start: read it back if these fall inside
    if (st.window !== undefined && maxTs >= st.window.from) st.window = undefined;
    st.rebuild.push({ fromTs: minTs, toTs: maxTs });
  }

  /**
   * Write the bars of `symbol` whose interval closed (and the rebuilds asked for), inside the
   * caller's transaction. `quiet`: nothing arrived for it since the last call, so wall-clock
   * `now` may close its newest interval. Returns the bars written or replaced.
   */
  materialize(symbol: string, quiet: boolean, now: number): number {
    const st = this.#symbols.get(symbol);
    if (st === undefined || this.#freqs.length === 0) return 0;
    st.window ??= this.#loadWindow(st);
    let written = 0;
    const rebuild = st.rebuild;
    st.rebuild = [];
    for (const f of this.#freqs) {
      const ms = freqMs(f);
      const lastBucket = Math.floor(st.maxTs / ms) * ms;
      const done = st.dirty.get(f) ?? st.closedTo.get(f) ?? lastBucket;
      for (const r of rebuild) {
        // only intervals already closed: dirty ones are built below anyway
        const a = Math.floor(r.fromTs / ms) * ms;
        const b = Math.min(done, Math.floor(Math.min(r.toTs, st.maxTs) / ms) * ms + ms);
        if (a < b) written += this.#build(st, f, a, b);
      }
      const from = st.dirty.get(f);
      if (from === undefined) continue;
      let closedEnd = lastBucket; // every interval before the newest trade's interval
      if (quiet && now >= lastBucket + ms + this.#graceMs) closedEnd = lastBucket + ms;
      // an interval already closed (and written) that got late trades is rebuilt now, quiet or
      // not: its stored bar must equal its stored trades
      closedEnd = Math.max(closedEnd, st.closedTo.get(f) ?? -Infinity);
      if (!(closedEnd > from)) continue;
      written += this.#build(st, f, from, closedEnd);
      if (closedEnd > lastBucket) st.dirty.delete(f);
      else st.dirty.set(f, closedEnd);
      st.closedTo.set(f, closedEnd);
    }
    // The window keeps what the finest frequency still has to materialize; coarser intervals
    // are read back from the store when they close, once per interval.
    let keep = Infinity;
    for (const f of this.#freqs) {
      if (freqMs(f) !== this.#finestMs) continue;
      keep = Math.min(keep, st.dirty.get(f) ?? st.closedTo.get(f) ?? -Infinity);
    }
    if (Number.isFinite(keep) && st.window !== undefined && keep > st.window.from) {
      st.window.advance(keep);
    }
    return written;
  }

  #isComplete(st: SymbolBars, start: number, end: number, ms: number): boolean {
    if (!(start > Math.floor(st.coverFrom / ms) * ms)) return false;
    for (const h of st.holes) if (h.fromTs < end && h.toTs >= start) return false;
    return true;
  }

  /** Build and write the bars of `[from, to)` (interval-aligned), an hour of trades at a time. */
  #build(st: SymbolBars, f: Freq, from: number, to: number): number {
    const ms = freqMs(f);
    const step = Math.max(ms, Math.floor(HOUR / ms) * ms);
    let written = 0;
    for (let a = from; a < to;) {
      let b = Math.min(to, a + step);
      const w = st.window;
      const inWindow = w !== undefined && a >= w.from;
      const trades = inWindow
        ? w.slice(this.#venue, st.symbol, a, b)
        : readTradeColumns(this.#db, this.#venue, st.symbol, a, b);
      if (trades.ts.length === 0) {
        if (!inWindow) {
          // skip a quiet stretch in one read instead of an hour at a time
          const next = nextTradeTs(this.#db, this.#venue, st.symbol, b, to);
          b = next === undefined ? to : Math.max(b, Math.floor(next / ms) * ms);
        }
        a = b;
        continue;
      }
      try {
        const bars = tradesToBars(trades, f);
        for (let i = 0; i < bars.ts.length; i++) {
          const s = bars.ts[i] as number;
          bars.complete[i] = this.#isComplete(st, s, s + ms, ms) ? 1 : 0;
        }
        const r = writeBars(this.#db, bars, {
          source: STREAM_BAR_SOURCE,
          runId: this.#runId,
          onConflict: "replace",
          replaceSourcePrefix: "materialize:",
        });
        written += r.inserted + r.replaced;
      } catch (e) {
        this.#onError({
          symbol: st.symbol,
          freq: f,
          from: a,
          to: b,
          message: (e as Error).message,
        });
      }
      a = b;
    }
    return written;
  }

  /** The window of `st` from the open interval of its newest trade, read from the store. */
  #loadWindow(st: SymbolBars): TradeWindow {
    let from = Infinity;
    for (const f of this.#freqs) {
      const ms = freqMs(f);
      from = Math.min(from, Math.floor(st.maxTs / ms) * ms);
    }
    if (!Number.isFinite(from)) return new TradeWindow(-Infinity);
    const stored = readTradeColumns(this.#db, this.#venue, st.symbol, from, Infinity);
    const w = new TradeWindow(from, Math.max(1024, stored.ts.length * 2));
    w.add(stored);
    return w;
  }
}
