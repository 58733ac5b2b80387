/**
 * The `spot_snapshots` and `dex_snapshots` tables (what `deno task poll` records every interval)
 * and the `dex_universe_churn` log (pairs entering and leaving the polled DEX universe).
 *
 * Every value goes through a bound parameter: token names and symbols from a DEX are chosen by
 * anyone and are stored as data, verbatim. Writes are idempotent on the primary keys: writing
 * the same rows again changes nothing, a fresh row replaces a stale one at the same key, and a
 * stale row never replaces a fresh one.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { DexPair, SpotQuote } from "../core/snapshot_types.ts";

/** Provenance of a batch of snapshot rows. */
export interface SnapshotWriteOptions {
  /** Where the rows came from, e.g. `binance:/api/v3/ticker/price`. */
  readonly source: string;
  /** The `ingest_runs` row of the writing task. */
  readonly runId?: number | undefined;
  /** True when the rows are last-known-good values served because the venue failed. */
  readonly stale?: boolean | undefined;
  /** When the rows were fetched (UTC ms). Default `Date.now()`. */
  readonly fetchedAt?: number | undefined;
}

/** A row of `spot_snapshots`. */
export interface SpotSnapshotRow extends SpotQuote {
  readonly stale: boolean;
  readonly source: string;
  readonly fetchedAt: number;
  readonly runId: number | undefined;
}

/** A row of `dex_snapshots`. */
export interface DexSnapshotRow extends DexPair {
  readonly ts: number;
  readonly stale: boolean;
  readonly source: string;
  readonly fetchedAt: number;
  readonly runId: number | undefined;
}

const opt = (v: number | undefined): number | null => v === undefined ? null : v;
const num = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

/**
 * Write spot quotes (one row per venue, symbol and quote time). Returns the number of rows
 * inserted or replaced.
 *
 * @example Idempotent: the same quote twice is one row
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readSpotSnapshots, writeSpotSnapshots } from "@lib/store/snapshots.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const q = { venue: "binance", symbol: "BTCUSDT", ts: 1000, price: 60740, bid: undefined, ask: undefined, volume24h: undefined };
 * assert.equal(writeSpotSnapshots(db, [q], { source: "binance:/api/v3/ticker/price", fetchedAt: 1000 }), 1);
 * assert.equal(writeSpotSnapshots(db, [q], { source: "binance:/api/v3/ticker/price", fetchedAt: 1000 }), 0);
 * const [row] = readSpotSnapshots(db, { venue: "binance" });
 * assert.equal(row?.price, 60740);
 * assert.equal(row?.stale, false);
 * ```
 */
export function writeSpotSnapshots(
  db: DatabaseSync,
  quotes: readonly SpotQuote[],
  options: SnapshotWriteOptions,
): number {
  const stale = options.stale ? 1 : 0;
  const fetchedAt = options.fetchedAt ?? Date.now();
  const stmt = db.prepare(
    `INSERT INTO spot_snapshots (venue, symbol, ts, price, bid, ask, volume_24h, stale, source,
       fetched_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (venue, symbol, ts) DO UPDATE SET price = excluded.price, bid = excluded.bid,
       ask = excluded.ask, volume_24h = excluded.volume_24h, stale = excluded.stale,
       source = excluded.source, fetched_at = excluded.fetched_at, run_id = excluded.run_id
     WHERE excluded.stale < spot_snapshots.stale`,
  );
  let n = 0;
  for (const q of quotes) {
    // the last line behind the row rules (lib/ingest/gates/rules.ts): no Inf or NaN is stored
    for (const [name, v] of [["ts", q.ts], ["price", q.price], ["bid", q.bid], ["ask", q.ask]]) {
      if (v !== undefined && !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot write a spot snapshot of ${q.venue}:${q.symbol}: ${name} ${v} is not finite. ` +
            "Gate quotes with gateQuotes (lib/ingest/gates) first.",
        );
      }
    }
    const r = stmt.run(
      q.venue,
      q.symbol,
      Math.round(q.ts),
      q.price,
      opt(q.bid),
      opt(q.ask),
      opt(q.volume24h),
      stale,
      options.source,
      fetchedAt,
      options.runId ?? null,
    );
    n += Number(r.changes);
  }
  return n;
}

/** Filters of {@link readSpotSnapshots}; `from` inclusive, `to` exclusive (UTC ms). */
export interface SpotSnapshotQuery {
  readonly venue?: string;
  readonly symbol?: string;
  readonly from?: number;
  readonly to?: number;
}

/** Spot snapshots matching `query`, by venue, symbol and time. */
export function readSpotSnapshots(
  db: DatabaseSync,
  query: SpotSnapshotQuery = {},
): SpotSnapshotRow[] {
  const { where, params } = filters([
    ["venue = ?", query.venue],
    ["symbol = ?", query.symbol],
    ["ts >= ?", query.from],
    ["ts < ?", query.to],
  ]);
  return db.prepare(`SELECT * FROM spot_snapshots${where} ORDER BY venue, symbol, ts`)
    .all(...params).map((r) => ({
      venue: String(r.venue),
      symbol: String(r.symbol),
      ts: Number(r.ts),
      price: Number(r.price),
      bid: num(r.bid),
      ask: num(r.ask),
      volume24h: num(r.volume_24h),
      stale: Number(r.stale) === 1,
      source: String(r.source),
      fetchedAt: Number(r.fetched_at),
      runId: num(r.run_id),
    }));
}

/**
 * Write DEX pair snapshots taken at `ts` (one row per chain, pair address and time). Returns
 * the number of rows inserted or replaced.
 *
 * @example A token name is stored verbatim
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readDexSnapshots, writeDexSnapshots } from "@lib/store/snapshots.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const name = "'); DROP TABLE dex_snapshots; --";
 * const p = { chainId: "solana", dexId: "raydium", pairAddress: "P1", baseSymbol: name,
 *   baseAddress: "B", quoteSymbol: "USDC", quoteAddress: "Q", priceNative: 1, priceUsd: 1,
 *   liquidityUsd: 1e6, volumeH24: 1e5, txnsH24Buys: 3, txnsH24Sells: 4, pairCreatedAt: undefined };
 * writeDexSnapshots(db, [p], { ts: 60_000, source: "dexscreener:/latest/dex/search" });
 * assert.equal(readDexSnapshots(db)[0]?.baseSymbol, name);
 * ```
 */
export function writeDexSnapshots(
  db: DatabaseSync,
  pairs: readonly DexPair[],
  options: SnapshotWriteOptions & { readonly ts: number },
): number {
  const stale = options.stale ? 1 : 0;
  const fetchedAt = options.fetchedAt ?? Date.now();
  const stmt = db.prepare(
    `INSERT INTO dex_snapshots (chain_id, pair_address, ts, dex_id, base_symbol, base_address,
       quote_symbol, quote_address, price_native, price_usd, liquidity_usd, volume_h24,
       txns_h24_buys, txns_h24_sells, pair_created_at, stale, source, fetched_at, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (chain_id, pair_address, ts) DO UPDATE SET dex_id = excluded.dex_id,
       base_symbol = excluded.base_symbol, base_address = excluded.base_address,
       quote_symbol = excluded.quote_symbol, quote_address = excluded.quote_address,
       price_native = excluded.price_native, price_usd = excluded.price_usd,
       liquidity_usd = excluded.liquidity_usd, volume_h24 = excluded.volume_h24,
       txns_h24_buys = excluded.txns_h24_buys, txns_h24_sells = excluded.txns_h24_sells,
       pair_created_at = excluded.pair_created_at, stale = excluded.stale,
       source = excluded.source, fetched_at = excluded.fetched_at, run_id = excluded.run_id
     WHERE excluded.stale < dex_snapshots.stale`,
  );
  const ts = Math.round(options.ts);
  let n = 0;
  for (const p of pairs) {
    // the last line behind the payload checks: no Inf or NaN is stored
    const values = [
      ["price_native", p.priceNative],
      ["price_usd", p.priceUsd],
      ["liquidity_usd", p.liquidityUsd],
      ["volume_h24", p.volumeH24],
    ] as const;
    for (const [name, v] of values) {
      if (v !== undefined && !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot write a DEX snapshot of ${p.chainId}:${p.pairAddress}: ${name} ${v} is not ` +
            "finite; the store holds finite numbers only.",
        );
      }
    }
    const r = stmt.run(
      p.chainId,
      p.pairAddress,
      ts,
      p.dexId,
      p.baseSymbol,
      p.baseAddress,
      p.quoteSymbol,
      p.quoteAddress,
      p.priceNative,
      opt(p.priceUsd),
      opt(p.liquidityUsd),
      opt(p.volumeH24),
      opt(p.txnsH24Buys),
      opt(p.txnsH24Sells),
      opt(p.pairCreatedAt),
      stale,
      options.source,
      fetchedAt,
      options.runId ?? null,
    );
    n += Number(r.changes);
  }
  return n;
}

/** Filters of {@link readDexSnapshots}; `from` inclusive, `to` exclusive (UTC ms). */
export interface DexSnapshotQuery {
  readonly chainId?: string;
  readonly pairAddress?: string;
  readonly from?: number;
  readonly to?: number;
}

/** DEX snapshots matching `query`, by chain, pair address and time. */
export function readDexSnapshots(
  db: DatabaseSync,
  query: DexSnapshotQuery = {},
): DexSnapshotRow[] {
  const { where, params } = filters([
    ["chain_id = ?", query.chainId],
    ["pair_address = ?", query.pairAddress],
    ["ts >= ?", query.from],
    ["ts < ?", query.to],
  ]);
  return db.prepare(`SELECT * FROM dex_snapshots${where} ORDER BY chain_id, pair_address, ts`)
    .all(...params).map((r) => ({
      chainId: String(r.chain_id),
      pairAddress: String(r.pair_address),
      ts: Number(r.ts),
      dexId: String(r.dex_id ?? ""),
      baseSymbol: String(r.base_symbol ?? ""),
      baseAddress: String(r.base_address ?? ""),
      quoteSymbol: String(r.quote_symbol ?? ""),
      quoteAddress: String(r.quote_address ?? ""),
      priceNative: Number(r.price_native),
      priceUsd: num(r.price_usd),
      liquidityUsd: num(r.liquidity_usd),
      volumeH24: num(r.volume_h24),
      txnsH24Buys: num(r.txns_h24_buys),
      txnsH24Sells: num(r.txns_h24_sells),
      pairCreatedAt: num(r.pair_created_at),
      stale: Number(r.stale) === 1,
      source: String(r.source),
      fetchedAt: Number(r.fetched_at),
      runId: num(r.run_id),
    }));
}

/** One entry of the DEX universe churn log. */
export interface ChurnEntry {
  readonly chainId: string;
  readonly pairAddress: string;
  readonly action: "added" | "dropped";
  /** Why, with the numbers: `liquidity $30,000 below the floor $50,000`. */
  readonly reason: string;
  readonly baseSymbol?: string | undefined;
  readonly quoteSymbol?: string | undefined;
  readonly liquidityUsd?: number | undefined;
  readonly volumeH24?: number | undefined;
}

/** A churn log row as stored. */
export interface ChurnRow extends ChurnEntry {
  readonly ts: number;
  readonly runId: number | undefined;
}

/**
 * Append churn entries observed at `ts`. Idempotent on (chain, pair, ts, action). Returns the
 * number of rows written.
 *
 * @example Added, then dropped: the current universe is empty again
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { currentDexUniverse, writeDexChurn } from "@lib/store/snapshots.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const e = { chainId: "solana", pairAddress: "P1", reason: "passes" };
 * writeDexChurn(db, [{ ...e, action: "added" }], { ts: 1 });
 * assert.deepEqual([...currentDexUniverse(db)], ["solana:P1"]);
 * writeDexChurn(db, [{ ...e, action: "dropped", reason: "disappeared" }], { ts: 2 });
 * assert.equal(currentDexUniverse(db).size, 0);
 * ```
 */
export function writeDexChurn(
  db: DatabaseSync,
  entries: readonly ChurnEntry[],
  options: { readonly ts: number; readonly runId?: number | undefined },
): number {
  const stmt = db.prepare(
    `INSERT INTO dex_universe_churn (ts, chain_id, pair_address, action, reason, base_symbol,
       quote_symbol, liquidity_usd, volume_h24, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (chain_id, pair_address, ts, action) DO NOTHING`,
  );
  let n = 0;
  for (const e of entries) {
    const r = stmt.run(
      Math.round(options.ts),
      e.chainId,
      e.pairAddress,
      e.action,
      e.reason,
      e.baseSymbol ?? null,
      e.quoteSymbol ?? null,
      opt(e.liquidityUsd),
      opt(e.volumeH24),
      options.runId ?? null,
    );
    n += Number(r.changes);
  }
  return n;
}

/** The churn log, oldest first, optionally for one chain. */
export function readDexChurn(db: DatabaseSync, chainId?: string): ChurnRow[] {
  const { where, params } = filters([["chain_id = ?", chainId]]);
  return db.prepare(
    `SELECT * FROM dex_universe_churn${where} ORDER BY ts, action DESC, chain_id, pair_address`,
  ).all(...params).map((r) => ({
    ts: Number(r.ts),
    chainId: String(r.chain_id),
    pairAddress: String(r.pair_address),
    action: String(r.action) === "added" ? "added" : "dropped",
    reason: String(r.reason),
    baseSymbol: r.base_symbol === null ? undefined : String(r.base_symbol),
    quoteSymbol: r.quote_symbol === null ? undefined : String(r.quote_symbol),
    liquidityUsd: num(r.liquidity_usd),
    volumeH24: num(r.volume_h24),
    runId: num(r.run_id),
  }));
}

/**
 * The current DEX universe per the churn log: keys `chainId:pairAddress` of the pairs whose
 * latest entry is `added`. A restarted poller starts from it, so its first cycle logs only
 * real changes.
 */
export function currentDexUniverse(db: DatabaseSync): Set<string> {
  const rows = db.prepare(
    `SELECT c.chain_id, c.pair_address, c.action FROM dex_universe_churn c
     JOIN (SELECT chain_id, pair_address, max(ts) AS ts FROM dex_universe_churn
           GROUP BY chain_id, pair_address) m
       ON m.chain_id = c.chain_id AND m.pair_address = c.pair_address AND m.ts = c.ts`,
  ).all();
  const out = new Set<string>();
  for (const r of rows) {
    const key = `${r.chain_id}:${r.pair_address}`;
    if (r.action === "added") out.add(key);
  }
  return out;
}

function filters(
  conds: ReadonlyArray<readonly [string, string | number | undefined]>,
): { where: string; params: SQLInputValue[] } {
  const parts: string[] = [];
  const params: SQLInputValue[] = [];
  for (const [sql, v] of conds) {
    if (v === undefined) continue;
    parts.push(sql);
    params.push(v);
  }
  return { where: parts.length > 0 ? ` WHERE ${parts.join(" AND ")}` : "", params };
}
