/**
 * The last good quote of a venue's symbol, read back from `spot_snapshots`: the poller's
 * last-known-good that outlives the process.
 *
 * The poller keeps its last good quotes in memory, but `deno task poll --once` (a cron job) is a
 * fresh process every time: its memory is empty when a venue fails. Every quote the gates
 * accepted is already in `spot_snapshots` with `stale = 0` and the time it was fetched, so the
 * store is the cache: the newest such row, if it was fetched at most `maxAgeMs` ago, is served
 * again (written as a new row marked `stale = 1`, its source naming the quote's time and age).
 * DEX pair snapshots are read back the same way from `dex_snapshots`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { DexPair, SpotQuote } from "../core/snapshot_types.ts";

/** A good quote found in the store, with how old it is. */
export interface StoredGoodQuote {
  readonly quote: SpotQuote;
  /** When it was fetched, UTC ms. */
  readonly fetchedAt: number;
  /** `now - fetchedAt`, ms. */
  readonly ageMs: number;
}

const num = (
  v: unknown,
): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/**
 * The newest quote of `venue` `symbol` that was stored fresh (`stale = 0`) and fetched at most
 * `maxAgeMs` before `now`, or undefined.
 *
 * @example A quote stored a minute ago is found; with a 30 s limit it is not
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeSpotSnapshots } from "@lib/store/snapshots.ts";
 * import { lastGoodQuote } from "@lib/store/last_good_quotes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const q = { venue: "kraken", symbol: "XXBTZUSD", ts: 1_000, price: 64000.5, bid: undefined,
 *   ask: undefined, volume24h: undefined };
 * writeSpotSnapshots(db, [q], { source: "kraken:quotes", fetchedAt: 1_000 });
 * const hit = lastGoodQuote(db, "kraken", "XXBTZUSD", { now: 61_000, maxAgeMs: 300_000 });
 * assert.deepEqual([hit?.quote.price, hit?.ageMs], [64000.5, 60_000]);
 * assert.equal(lastGoodQuote(db, "kraken", "XXBTZUSD", { now: 61_000, maxAgeMs: 30_000 }), undefined);
 * ```
 */
export function lastGoodQuote(
  db: DatabaseSync,
  venue: string,
  symbol: string,
  opts: { readonly now: number; readonly maxAgeMs: number },
): StoredGoodQuote | undefined {
  const r = db.prepare(
    `SELECT ts, price, bid, ask, volume_24h, fetched_at FROM spot_snapshots
     WHERE venue = ? AND symbol = ? AND stale = 0 AND fetched_at >= ? AND fetched_at <= ?
     ORDER BY ts DESC LIMIT 1`,
  ).get(venue, symbol, opts.now - opts.maxAgeMs, opts.now) as Record<string, unknown> | undefined;
  if (r === undefined) return undefined;
  const fetchedAt = Number(r.fetched_at);
  return {
    quote: {
      venue,
      symbol,
      ts: Number(r.ts),
      price: Number(r.price),
      bid: num(r.bid),
      ask: num(r.ask),
      volume24h: num(r.volume_24h),
    },
    fetchedAt,
    ageMs: opts.now - fetchedAt,
  };
}

/** A good DEX pair snapshot found in the store, with how old it is. */
export interface StoredGoodPair {
  readonly pair: DexPair;
  readonly fetchedAt: number;
  readonly ageMs: number;
}

/**
 * The newest snapshot of a DEX pair stored fresh (`stale = 0`) and fetched at most `maxAgeMs`
 * before `now`, or undefined: the DEX counterpart of {@link lastGoodQuote}.
 *
 * @example
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { writeDexSnapshots } from "@lib/store/snapshots.ts";
 * import { lastGoodDexPair } from "@lib/store/last_good_quotes.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const p = { chainId: "solana", dexId: "raydium", pairAddress: "P1", baseSymbol: "SOL",
 *   baseAddress: "B", quoteSymbol: "USDC", quoteAddress: "Q", priceNative: 150, priceUsd: 150,
 *   liquidityUsd: 1e6, volumeH24: 1e5, txnsH24Buys: 3, txnsH24Sells: 4, pairCreatedAt: undefined };
 * writeDexSnapshots(db, [p], { ts: 60_000, source: "dexscreener:search", fetchedAt: 60_000 });
 * const hit = lastGoodDexPair(db, "solana", "P1", { now: 90_000, maxAgeMs: 300_000 });
 * assert.deepEqual([hit?.pair.priceUsd, hit?.ageMs], [150, 30_000]);
 * ```
 */
export function lastGoodDexPair(
  db: DatabaseSync,
  chainId: string,
  pairAddress: string,
  opts: { readonly now: number; readonly maxAgeMs: number },
): StoredGoodPair | undefined {
  const r = db.prepare(
    `SELECT * FROM dex_snapshots
     WHERE chain_id = ? AND pair_address = ? AND stale = 0 AND fetched_at >= ? AND fetched_at <= ?
     ORDER BY ts DESC LIMIT 1`,
  ).get(chainId, pairAddress, opts.now - opts.maxAgeMs, opts.now) as
    | Record<string, unknown>
    | undefined;
  if (r === undefined) return undefined;
  const fetchedAt = Number(r.fetched_at);
  return {
    pair: {
      chainId,
      pairAddress,
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
    },
    fetchedAt,
    ageMs: opts.now - fetchedAt,
  };
}
