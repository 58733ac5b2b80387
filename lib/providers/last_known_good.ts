/**
 * A last-known-good cache: the latest good value per key, served when every provider fails,
 * but never once it is older than a maximum age.
 *
 * A quote from two minutes ago is better than a hole in a polling series, as long as it is
 * marked: a read says how old the value is and whether it is `stale` (older than `freshMs`),
 * and the caller records that in the row's provenance. Past `maxAgeMs` the value is dropped
 * and not served: an hour-old price presented as current is worse than none.
 *
 * Memory: at most `maxEntries` keys; inserting a new key beyond that evicts the key written
 * longest ago (a `Map` keeps insertion order and a write re-inserts its key).
 *
 * @module
 */

/** A value read from the cache. */
export interface CachedValue<T> {
  readonly value: T;
  /** True when older than `freshMs`: the caller must mark its use as stale. */
  readonly stale: boolean;
  /** Milliseconds since the value was stored. */
  readonly ageMs: number;
  /** The provider it came from, when given to `put`. */
  readonly provider: string | undefined;
}

/** Options of {@link createLastKnownGood}. */
export interface LastKnownGoodOptions {
  /** Values older than this are never served; > 0. */
  readonly maxAgeMs: number;
  /** Values at most this old read as not stale. Default 0 (any cached read is stale). */
  readonly freshMs?: number;
  /** Most keys kept. Default 10,000. */
  readonly maxEntries?: number;
  readonly now: () => number;
}

/** The cache. */
export interface LastKnownGood<T> {
  /** Store `value` as the latest good value of `key`, stamped now. */
  put(key: string, value: T, provider?: string): void;
  /** The value of `key` if it is at most `maxAgeMs` old (or the given `maxAgeMs`), else undefined. */
  get(key: string, maxAgeMs?: number): CachedValue<T> | undefined;
  /** Number of keys held (including ones that expired but were not read since). */
  readonly size: number;
}

/**
 * Create a last-known-good cache.
 *
 * @example Served stale within the maximum age, dropped after it
 * ```ts
 * import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
 * import assert from "node:assert/strict";
 * let t = 0;
 * const lkg = createLastKnownGood<number>({ maxAgeMs: 60_000, now: () => t });
 * lkg.put("BTCUSDT", 64000.5, "binance");
 * t = 30_000;
 * assert.deepEqual(lkg.get("BTCUSDT"), { value: 64000.5, stale: true, ageMs: 30_000, provider: "binance" });
 * t = 60_001;
 * assert.equal(lkg.get("BTCUSDT"), undefined);
 * ```
 */
export function createLastKnownGood<T>(options: LastKnownGoodOptions): LastKnownGood<T> {
  const { maxAgeMs, now } = options;
  const freshMs = options.freshMs ?? 0;
  const maxEntries = options.maxEntries ?? 10_000;
  if (!(maxAgeMs > 0)) {
    throw new RangeError(
      `Cannot create a last-known-good cache: maxAgeMs must be > 0, got ${maxAgeMs}`,
    );
  }
  if (!(freshMs >= 0) || freshMs > maxAgeMs) {
    throw new RangeError(
      `Cannot create a last-known-good cache: freshMs must be in [0, maxAgeMs], got ${freshMs}`,
    );
  }
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new RangeError(
      `Cannot create a last-known-good cache: maxEntries must be an integer >= 1, got ${maxEntries}`,
    );
  }
  const entries = new Map<string, { value: T; at: number; provider: string | undefined }>();
  return {
    put(key, value, provider) {
      entries.delete(key);
      entries.set(key, { value, at: now(), provider });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    get(key, limit = maxAgeMs) {
      const e = entries.get(key);
      if (e === undefined) return undefined;
      const ageMs = Math.max(0, now() - e.at);
      if (ageMs > Math.min(limit, maxAgeMs)) {
        if (ageMs > maxAgeMs) entries.delete(key);
        return undefined;
      }
      return { value: e.value, stale: ageMs > freshMs, ageMs, provider: e.provider };
    },
    get size() {
      return entries.size;
    },
  };
}
