/**
 * A per-host limiter on request weight over a sliding window, so a task stays under each
 * venue's published limits instead of collecting 429s (and, on Binance, a 418 IP ban).
 *
 * Why a sliding log rather than a token bucket: a bucket of capacity L refilled at L per
 * window lets up to 2L through in some windows (a full bucket spent at once, then the refill).
 * Venues count weight per window, so the limiter keeps the grants of the last window and
 * admits a request only when the weight already granted in the trailing window plus its own
 * stays within the limit. Then every window of that length, wherever it starts, holds at most
 * the limit. Cost: O(1) amortized per grant; memory at most one entry per grant in a window.
 *
 * `acquire(weight)` waits (through the injected `sleep`) until the request fits. `fromHeaders`
 * tightens the count when the venue reports more used weight than we granted ourselves (other
 * processes on the same IP, or requests made before a restart): the gap is booked as a grant
 * made now, which is conservative, since the venue's own window may expire it sooner.
 *
 * Published limits ({@link VENUE_LIMITS}), each as read on the venue's documentation:
 * - Binance spot `/api/v3`: REQUEST_WEIGHT 6,000 per minute per IP, reported in
 *   `X-MBX-USED-WEIGHT-1M` (https://developers.binance.com/docs/binance-spot-api-docs/rest-api/limits;
 *   `GET /api/v3/exchangeInfo` lists it under `rateLimits`). Binance changes it over time: the
 *   real 2021 exchangeInfo capture in `api_payloads/binance_rest_ws_nautilus` says 1,200.
 * - Binance USD-M futures `/fapi`: REQUEST_WEIGHT 2,400 per minute per IP
 *   (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info; a 2022
 *   capture in the same folder says 6,000, so pass the current exchangeInfo value when you can).
 * - Coinbase Exchange public endpoints: 10 requests per second per IP, bursts up to 15
 *   (https://docs.cdp.coinbase.com/exchange/rest-api/rate-limits).
 * - Kraken public REST: about 1 request per second per IP
 *   (https://support.kraken.com/hc/en-us/articles/206548367-What-are-the-API-rate-limits-;
 *   ccxt's kraken.ts uses the same 1 req/s for public calls).
 * - Dexscreener pairs, search and token-pairs endpoints: 300 requests per minute, as the
 *   endpoint list at https://docs.dexscreener.com/api/reference states per endpoint (profile
 *   and boost endpoints are 60 per minute; we call none of them).
 *
 * @module
 */

/** A weight limit over a window. */
export interface WeightLimit {
  /** Most weight allowed in any window of `windowMs`. */
  readonly limit: number;
  readonly windowMs: number;
  /** Response header carrying the venue's own count of used weight in the same window. */
  readonly usedWeightHeader?: string;
}

/** Published public-API limits by host (see the module notes for sources). */
export const VENUE_LIMITS: Readonly<Record<string, WeightLimit>> = {
  "api.binance.com": { limit: 6000, windowMs: 60_000, usedWeightHeader: "x-mbx-used-weight-1m" },
  "fapi.binance.com": { limit: 2400, windowMs: 60_000, usedWeightHeader: "x-mbx-used-weight-1m" },
  "api.exchange.coinbase.com": { limit: 10, windowMs: 1_000 },
  "api.kraken.com": { limit: 1, windowMs: 1_000 },
  "api.dexscreener.com": { limit: 300, windowMs: 60_000 },
};

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions extends WeightLimit {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A sliding-window weight limiter. */
export interface RateLimiter {
  /** Wait until `weight` fits in the trailing window, then book it. */
  acquire(weight?: number): Promise<void>;
  /** Weight booked in the trailing window at the current time. */
  used(): number;
  /** Tighten from a response's headers (the `usedWeightHeader` count); returns the gap booked. */
  fromHeaders(headers: { get(name: string): string | null }): number;
}

/**
 * Create a limiter allowing at most `limit` weight in any window of `windowMs`.
 *
 * @example Three requests of weight 2 under a limit of 5 per second
 * ```ts
 * import { createRateLimiter } from "@lib/providers/rate_limiter.ts";
 * import assert from "node:assert/strict";
 * let t = 0;
 * const lim = createRateLimiter({
 *   limit: 5, windowMs: 1000, now: () => t,
 *   sleep: (ms) => { t += ms; return Promise.resolve(); },
 * });
 * await lim.acquire(2);
 * await lim.acquire(2);
 * assert.equal(t, 0);
 * await lim.acquire(2); // 6 > 5: waits for the first grant to leave the window
 * assert.equal(t, 1000);
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs, now, sleep } = options;
  if (!(limit > 0) || !Number.isFinite(limit)) {
    throw new RangeError(`Cannot create a rate limiter: limit must be > 0, got ${limit}`);
  }
  if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
    throw new RangeError(`Cannot create a rate limiter: windowMs must be > 0, got ${windowMs}`);
  }
  // grants as a queue of (time, weight) in two parallel arrays with a moving head
  let times: number[] = [];
  let weights: number[] = [];
  let head = 0;
  let total = 0;

  function prune(t: number): void {
    // a grant made at g counts for every window containing g, i.e. until g + windowMs
    while (head < times.length && times[head]! + windowMs <= t) {
      total -= weights[head]!;
      head++;
    }
    if (head > 1024 && head * 2 > times.length) {
      times = times.slice(head);
      weights = weights.slice(head);
      head = 0;
    }
    if (head === times.length) total = 0; // drop accumulated rounding
  }

  function book(t: number, w: number): void {
    times.push(t);
    weights.push(w);
    total += w;
  }

  return {
    async acquire(weight = 1): Promise<void> {
      if (!(weight > 0) || weight > limit) {
        throw new RangeError(
          `Cannot acquire weight ${weight}: it must be > 0 and at most the limit ${limit}`,
        );
      }
      for (;;) {
        const t = now();
        prune(t);
        if (total + weight <= limit) {
          book(t, weight);
          return;
        }
        // wait until enough of the oldest grants leave the window
        let freed = 0;
        let i = head;
        while (i < times.length && total - freed + weight > limit) freed += weights[i++]!;
        const until = times[i - 1]! + windowMs;
        await sleep(Math.max(1, until - t));
      }
    },
    used(): number {
      prune(now());
      return total;
    },
    fromHeaders(headers): number {
      const name = options.usedWeightHeader;
      if (name === undefined) return 0;
      const reported = Number(headers.get(name));
      if (!Number.isFinite(reported) || reported <= 0) return 0;
      const t = now();
      prune(t);
      const gap = Math.min(reported, limit) - total;
      if (gap <= 0) return 0;
      book(t, gap);
      return gap;
    },
  };
}

/** Limiters keyed by host, created on first use from {@link VENUE_LIMITS} or overrides. */
export interface RateLimiterPool {
  /** The limiter of `url`'s host, or undefined when no limit is known for it. */
  forUrl(url: string): RateLimiter | undefined;
  /** The limiter of `host`, or undefined when no limit is known for it. */
  forHost(host: string): RateLimiter | undefined;
}

/**
 * Create one limiter per host. `limits` overrides or extends {@link VENUE_LIMITS} (a mirror or
 * the local fake exchange on 127.0.0.1 gets a limit under its own `host:port`).
 *
 * @example One limiter shared by every URL of a host
 * ```ts
 * import { createRateLimiterPool } from "@lib/providers/rate_limiter.ts";
 * import assert from "node:assert/strict";
 * const pool = createRateLimiterPool({ now: () => 0, sleep: () => Promise.resolve() });
 * const a = pool.forUrl("https://api.binance.com/api/v3/klines?symbol=BTCUSDT");
 * assert.equal(a, pool.forUrl("https://api.binance.com/api/v3/ticker/price"));
 * assert.equal(pool.forUrl("https://example.org/x"), undefined);
 * ```
 */
export function createRateLimiterPool(options: {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly limits?: Readonly<Record<string, WeightLimit>>;
}): RateLimiterPool {
  const table = { ...VENUE_LIMITS, ...options.limits };
  const made = new Map<string, RateLimiter>();
  function forHost(host: string): RateLimiter | undefined {
    const existing = made.get(host);
    if (existing !== undefined) return existing;
    const lim = table[host];
    if (lim === undefined) return undefined;
    const created = createRateLimiter({ ...lim, now: options.now, sleep: options.sleep });
    made.set(host, created);
    return created;
  }
  return {
    forHost,
    forUrl(url: string): RateLimiter | undefined {
      return forHost(new URL(url).host);
    },
  };
}
