/**
 * A {@link RequestGate} that makes every HTTP request of a provider pay its weight to a rate
 * limiter first, and tightens the limiter from the venue's own count of used weight.
 *
 * Why per HTTP request and not per chain step: one provider call can send several requests
 * (Coinbase quotes ask once per product, Kraken pages trades), and every retry is a request
 * too; only the request itself knows its URL, and Binance's weight depends on the URL (path,
 * `limit`, number of symbols: `binanceRequestWeight`). The wait happens before the request's
 * timeout starts (see `getJson`), so a full budget is never reported as a slow venue.
 *
 * Cost: O(1) amortized per request besides the limiter's own bookkeeping.
 *
 * @module
 */
import type { RateLimiter } from "./rate_limiter.ts";
import type { RequestGate } from "./types.ts";

/** Options of {@link limiterGate}. */
export interface LimiterGateOptions {
  /** Weight of a request by URL; default 1 for every request. */
  readonly weightOf?: (url: string) => number | undefined;
  /** Called after `fromHeaders` booked a gap (weight the venue counted but we had not). */
  readonly onObserved?: (url: string, gap: number) => void;
}

/**
 * A gate over `limiter`: `beforeRequest` acquires the request's weight (1 when `weightOf`
 * does not know the URL), and `afterResponse` books the venue's reported used weight (`limiter.fromHeaders`).
 *
 * @example Binance weights from the URL, and a used-weight header from the venue
 * ```ts
 * import { limiterGate } from "@lib/providers/request_gate.ts";
 * import { createRateLimiter } from "@lib/providers/rate_limiter.ts";
 * import { binanceRequestWeight } from "@lib/providers/binance.ts";
 * import assert from "node:assert/strict";
 * let t = 0;
 * const limiter = createRateLimiter({
 *   limit: 6000, windowMs: 60_000, usedWeightHeader: "x-mbx-used-weight-1m",
 *   now: () => t, sleep: (ms) => { t += ms; return Promise.resolve(); },
 * });
 * const gate = limiterGate(limiter, { weightOf: binanceRequestWeight });
 * const url = "https://api.binance.com/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000";
 * await gate.beforeRequest(url);
 * assert.equal(limiter.used(), 2);
 * gate.afterResponse(url, new Headers({ "x-mbx-used-weight-1m": "5990" }));
 * assert.equal(limiter.used(), 5990);
 * await gate.beforeRequest(url); // 5992 fits under 6000
 * await gate.beforeRequest(url); // 5994
 * assert.equal(t, 0);
 * ```
 */
export function limiterGate(
  limiter: Pick<RateLimiter, "acquire" | "fromHeaders">,
  options: LimiterGateOptions = {},
): RequestGate {
  const weightOf = options.weightOf ?? (() => 1);
  return {
    beforeRequest(url: string): Promise<void> {
      return limiter.acquire(weightOf(url) ?? 1);
    },
    afterResponse(url: string, headers: Headers): void {
      const gap = limiter.fromHeaders(headers);
      if (gap > 0) options.onObserved?.(url, gap);
    },
  };
}
