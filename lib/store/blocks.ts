/**
 * A columnar cache of bars inside the store: the `bar_blocks` table (migration 2).
 *
 * Reading 690,000 bars row by row through `node:sqlite` costs most of a second even as arrays;
 * the same bars as ~250 blocks of Float64 BLOBs cost a few milliseconds. A block holds the
 * bars of one series with `ts` in `[block_start, block_start + BLOCK_BARS * freqMs)`, each
 * column stored as little-endian Float64 bytes. Blocks are built lazily, on the first read that
 * needs them, from `bars`; triggers on `bars` delete the block any inserted, updated or deleted
 * bar falls in, so whoever writes to `bars` (this library, a script, the sqlite3 shell) a block
 * is either exact or absent, never stale.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { type Freq, freqMs } from "../core/freq.ts";
import type { SeriesKey } from "../core/types.ts";
import { returnArrays } from "./sql.ts";
import type { TimeWindow } from "./bars.ts";

/**
 * Bars per block. Fixed by migration 2's triggers, which compute the same block start in SQL:
 * changing it needs a new migration that drops the cache and recreates the triggers.
 */
export const BLOCK_BARS = 4096;

/** The OHLCV columns of one series, sorted by `ts` ascending, all of equal length. */
export interface OhlcvColumns {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Options for {@link readSeriesBlocks}. */
export interface ReadBlocksOptions {
  /**
   * Store the blocks rebuilt on the way (default true). A read-only connection cannot store;
   * it still reads, rebuilding in memory.
   */
  readonly store?: boolean;
}

const FIELDS = ["ts", "open", "high", "low", "close", "volume"] as const;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Start of the block that holds a bar opening at `ts` (floor to a multiple of the block span,
 * also for negative times, exactly as migration 2's triggers compute it).
 *
 * @example
 * ```ts
 * import { BLOCK_BARS, blockStart } from "@lib/store/blocks.ts";
 * import assert from "node:assert/strict";
 * const span = BLOCK_BARS * 3_600_000;
 * assert.equal(blockStart(span + 7 * 3_600_000, "1h"), span);
 * assert.equal(blockStart(-3_600_000, "1h"), -span);
 * ```
 */
export function blockStart(ts: number, freq: Freq): number {
  const span = BLOCK_BARS * freqMs(freq);
  return ts - (((ts % span) + span) % span);
}

/**
 * Read one series' OHLCV columns within `[from, to)` from the block cache, rebuilding any
 * missing block from `bars` (and storing it) on the way.
 *
 * All cached blocks of the series come back from one query and become Float64Array views of
 * their BLOBs with no per-row work; only rebuilt blocks read `bars` row by row. A rebuild reads
 * `bars` and writes its blocks inside one IMMEDIATE transaction, so a concurrent writer cannot
 * slip a change between the two and leave a stale block behind.
 *
 * @example Read a series, change a bar with plain SQL, read it again
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeBars } from "@lib/store/bars.ts";
 * import { readSeriesBlocks } from "@lib/store/blocks.ts";
 * import { allocBars } from "@lib/core/types.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const key = { venue: "sim", symbol: "AAA", freq: "1h" } as const;
 * const b = allocBars(key, 3);
 * b.ts.set([0, 3_600_000, 7_200_000]);
 * for (const c of [b.open, b.high, b.low, b.close]) c.set([10, 11, 12]);
 * writeBars(db, b, { source: "doc" });
 * assert.deepEqual([...readSeriesBlocks(db, key).close], [10, 11, 12]);
 * db.exec("UPDATE bars SET close = 99 WHERE ts = 3600000");
 * assert.deepEqual([...readSeriesBlocks(db, key, { from: 3_600_000 }).close], [99, 12]);
 * ```
 */
export function readSeriesBlocks(
  db: DatabaseSync,
  key: SeriesKey,
  window: TimeWindow = {},
  options: ReadBlocksOptions = {},
): OhlcvColumns {
  const store = options.store ?? true;
  const q = queriesFor(db);
  q.canStore = false;
  if (!q.hasCache) return q.readBarsRange(key, window.from, window.to);
  const first = collect(q, key, window, false);
  if (first !== undefined) return first;
  if (!store || db.isTransaction) {
    // Not storing, or inside the caller's transaction: then our blocks commit with its writes.
    q.canStore = store;
    return collect(q, key, window, true)!;
  }
  db.exec("BEGIN IMMEDIATE");
  try {
    q.canStore = true;
    const out = collect(q, key, window, true)!;
    db.exec("COMMIT");
    return out;
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  }
}

/**
 * Symbols that have bars at `freq` on `venue`, sorted. A skip-scan over the primary key: one
 * index seek per symbol, not a scan of every bar.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { seriesSymbols } from "@lib/store/blocks.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.deepEqual(seriesSymbols(db, "binance", "1h"), []);
 * ```
 */
export function seriesSymbols(db: DatabaseSync, venue: string, freq: Freq): string[] {
  const stmt = db.prepare(
    `WITH RECURSIVE s(symbol) AS (
       SELECT (SELECT min(symbol) FROM bars WHERE venue = ?1)
       UNION ALL
       SELECT (SELECT min(symbol) FROM bars WHERE venue = ?1 AND symbol > s.symbol)
       FROM s WHERE s.symbol IS NOT NULL
     )
     SELECT symbol FROM s WHERE symbol IS NOT NULL AND EXISTS (
       SELECT 1 FROM bars b WHERE b.venue = ?1 AND b.symbol = s.symbol AND b.freq = ?2)`,
  );
  returnArrays(stmt);
  return (stmt.all(venue, freq) as unknown as [string][]).map((r) => r[0]);
}

/**
 * Gather the window from blocks. Returns undefined when a block is missing and `rebuild` is
 * false; otherwise rebuilds missing blocks from `bars` (storing them when `q` may write).
 */
function collect(
  q: Queries,
  key: SeriesKey,
  window: TimeWindow,
  rebuild: boolean,
): OhlcvColumns | undefined {
  const ext = q.extent(key, window.from, window.to);
  if (ext === undefined) return emptyColumns();
  const span = BLOCK_BARS * freqMs(key.freq);
  const b0 = blockStart(ext.lo, key.freq), b1 = blockStart(ext.hi, key.freq);
  const cached = q.blocks(key, b0, b1);
  const parts: OhlcvColumns[] = [];
  let next = b0, c = 0;
  while (next <= b1) {
    const hit = cached[c];
    if (hit !== undefined && hit.start === next) {
      parts.push(hit.cols);
      c++;
      next += span;
      continue;
    }
    // a run of missing blocks up to the next cached one: one range read of `bars`
    const runEnd = hit !== undefined ? hit.start : b1 + span;
    const rows = q.readBarsRange(key, next, runEnd);
    if (!rebuild) {
      // A run with no bars at all is a gap, not a missing block: nothing to rebuild, so a
      // series with a long gap neither rebuilds nor takes the write lock on every read.
      if (rows.ts.length > 0) return undefined;
      next = runEnd;
      continue;
    }
    let i = 0;
    for (let s = next; s < runEnd; s += span) {
      let j = i;
      while (j < rows.ts.length && rows.ts[j]! < s + span) j++;
      if (j > i) {
        const block = sliceColumns(rows, i, j);
        if (q.canStore) q.storeBlock(key, s, block);
        parts.push(block);
      }
      i = j;
    }
    next = runEnd;
  }
  return clip(concat(parts), window.from, window.to);
}

const QUERIES = new WeakMap<DatabaseSync, Queries>();

/** Statements are prepared once per connection: a panel reads hundreds of series. */
function queriesFor(db: DatabaseSync): Queries {
  let q = QUERIES.get(db);
  if (q === undefined) {
    q = new Queries(db);
    QUERIES.set(db, q);
  }
  return q;
}

/** Prepared statements of a connection, and whether the current read may store blocks. */
class Queries {
  readonly hasCache: boolean;
  /** Store rebuilt blocks; cleared when the connection turns out to be read-only. */
  canStore = false;
  #extent: StatementSync | undefined;
  #blocks: StatementSync | undefined;
  #bars: StatementSync | undefined;
  #insert: StatementSync | undefined;

  constructor(readonly db: DatabaseSync) {
    this.hasCache = db.prepare(
      "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'bar_blocks'",
    ).get() !== undefined;
  }

  /** First and last bar time within `[from, to)`: two index seeks, not a scan. */
  extent(key: SeriesKey, from?: number, to?: number): { lo: number; hi: number } | undefined {
    this.#extent ??= returnArrays(this.db.prepare(
      `SELECT
         (SELECT min(ts) FROM bars WHERE venue = ?1 AND symbol = ?2 AND freq = ?3
            AND ts >= ?4 AND ts < ?5),
         (SELECT max(ts) FROM bars WHERE venue = ?1 AND symbol = ?2 AND freq = ?3
            AND ts >= ?4 AND ts < ?5)`,
    ));
    const r = this.#extent.get(
      key.venue,
      key.symbol,
      key.freq,
      from ?? Number.MIN_SAFE_INTEGER,
      to ?? Number.MAX_SAFE_INTEGER,
    ) as unknown as [number | null, number | null];
    return r[0] === null || r[1] === null ? undefined : { lo: Number(r[0]), hi: Number(r[1]) };
  }

  /** Cached blocks with start in `[b0, b1]`, ordered. */
  blocks(key: SeriesKey, b0: number, b1: number): { start: number; cols: OhlcvColumns }[] {
    this.#blocks ??= returnArrays(this.db.prepare(
      `SELECT block_start, n, ts, open, high, low, close, volume FROM bar_blocks
       WHERE venue = ? AND symbol = ? AND freq = ? AND block_start >= ? AND block_start <= ?
       ORDER BY block_start`,
    ));
    const rows = this.#blocks.all(key.venue, key.symbol, key.freq, b0, b1) as unknown as [
      number,
      number,
      ...Uint8Array[],
    ][];
    return rows.map((r) => {
      const n = Number(r[1]);
      const cols = {} as Record<typeof FIELDS[number], Float64Array>;
      for (let f = 0; f < FIELDS.length; f++) {
        cols[FIELDS[f]!] = fromBytes(r[2 + f] as Uint8Array, n);
      }
      return { start: Number(r[0]), cols };
    });
  }

  /** Bars with `ts` in `[from, to)`, read row by row (as arrays, not objects). */
  readBarsRange(key: SeriesKey, from?: number, to?: number): OhlcvColumns {
    this.#bars ??= returnArrays(this.db.prepare(
      `SELECT ts, open, high, low, close, volume FROM bars
       WHERE venue = ? AND symbol = ? AND freq = ? AND ts >= ? AND ts < ? ORDER BY ts`,
    ));
    const rows = this.#bars.all(
      key.venue,
      key.symbol,
      key.freq,
      from ?? Number.MIN_SAFE_INTEGER,
      to ?? Number.MAX_SAFE_INTEGER,
    ) as unknown as number[][];
    const n = rows.length;
    const out = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(n));
    const [ts, open, high, low, close, volume] = out as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      ts[i] = r[0]!;
      open[i] = r[1]!;
      high[i] = r[2]!;
      low[i] = r[3]!;
      close[i] = r[4]!;
      volume[i] = r[5]!;
    }
    return { ts, open, high, low, close, volume };
  }

  storeBlock(key: SeriesKey, start: number, cols: OhlcvColumns): void {
    this.#insert ??= this.db.prepare(
      `INSERT OR REPLACE INTO bar_blocks
         (venue, symbol, freq, block_start, n, ts, open, high, low, close, volume)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const args: SQLInputValue[] = [key.venue, key.symbol, key.freq, start, cols.ts.length];
    for (const f of FIELDS) args.push(toBytes(cols[f]));
    try {
      this.#insert.run(...args);
    } catch (e) {
      // A read-only connection (a notebook reading while a task writes) still gets its data.
      if (!/readonly database/.test((e as Error).message)) throw e;
      this.canStore = false;
    }
  }
}

function toBytes(a: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setFloat64(i * 8, a[i]!, true);
  return out;
}

function fromBytes(b: Uint8Array, n: number): Float64Array {
  if (b.byteLength !== n * 8) {
    throw new Error(
      `Corrupt bar_blocks row: a column holds ${b.byteLength} bytes for ${n} bars. ` +
        `Run "DELETE FROM bar_blocks" on the store; blocks are rebuilt from bars on the next read.`,
    );
  }
  if (!LITTLE_ENDIAN) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, true);
    return out;
  }
  // a view when the BLOB is 8-byte aligned (it is, in practice), one memcpy otherwise
  return b.byteOffset % 8 === 0
    ? new Float64Array(b.buffer, b.byteOffset, n)
    : new Float64Array(b.slice().buffer, 0, n);
}

function emptyColumns(): OhlcvColumns {
  const e = new Float64Array(0);
  return { ts: e, open: e, high: e, low: e, close: e, volume: e };
}

function sliceColumns(c: OhlcvColumns, i: number, j: number): OhlcvColumns {
  return {
    ts: c.ts.subarray(i, j),
    open: c.open.subarray(i, j),
    high: c.high.subarray(i, j),
    low: c.low.subarray(i, j),
    close: c.close.subarray(i, j),
    volume: c.volume.subarray(i, j),
  };
}

function concat(parts: OhlcvColumns[]): OhlcvColumns {
  if (parts.length === 0) return emptyColumns();
  if (parts.length === 1) return parts[0]!;
  let n = 0;
  for (const p of parts) n += p.ts.length;
  const out = {} as Record<typeof FIELDS[number], Float64Array>;
  for (const f of FIELDS) {
    const a = new Float64Array(n);
    let o = 0;
    for (const p of parts) {
      a.set(p[f], o);
      o += p[f].length;
    }
    out[f] = a;
  }
  return out;
}

function lowerBound(ts: Float64Array, x: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function clip(c: OhlcvColumns, from?: number, to?: number): OhlcvColumns {
  const i = from === undefined ? 0 : lowerBound(c.ts, from);
  const j = to === undefined ? c.ts.length : lowerBound(c.ts, to);
  return i === 0 && j === c.ts.length ? c : sliceColumns(c, i, j);
}

/**
 * Build the cache blocks of these series now, so the next panel load is warm. Tasks call it
 * after writing bars: the first load after an import would otherwise rebuild every block from
 * `bars` (about a second for 126 hourly series). Returns the number of series warmed.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { warmBlocks } from "@lib/store/blocks.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(warmBlocks(db, []), 0);
 * ```
 */
export function warmBlocks(db: DatabaseSync, keys: readonly SeriesKey[]): number {
  const seen = new Set<string>();
  for (const k of keys) {
    const id = `${k.venue}\u0000${k.symbol}\u0000${k.freq}`;
    if (seen.has(id)) continue;
    seen.add(id);
    readSeriesBlocks(db, k);
  }
  return seen.size;
}

/**
 * Drop cached blocks: of one series, or of the whole store. They are rebuilt from `bars` on the
 * next read; benchmarks use it to measure a cold load. Returns the number of blocks dropped.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { clearBlocks } from "@lib/store/blocks.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * assert.equal(clearBlocks(db), 0);
 * ```
 */
export function clearBlocks(db: DatabaseSync, key?: SeriesKey): number {
  const r = key === undefined
    ? db.prepare("DELETE FROM bar_blocks").run()
    : db.prepare("DELETE FROM bar_blocks WHERE venue = ? AND symbol = ? AND freq = ?")
      .run(key.venue, key.symbol, key.freq);
  return Number(r.changes);
}
