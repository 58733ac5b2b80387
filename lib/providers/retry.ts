/**
 * Retrying a provider request with capped exponential backoff and full jitter.
 *
 * The delay before retry `k` (k = 0 for the first retry) is drawn uniformly from
 * `[0, min(maxDelayMs, baseDelayMs * 2^k))`: "full jitter" from Marc Brooker, "Exponential
 * Backoff And Jitter", AWS Architecture Blog, 2015
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). Drawing the whole
 * delay at random spreads many clients that failed together, so they do not all come back at the
 * same instant. The random numbers come from a seeded generator, so a run is reproducible.
 *
 * Only a {@link ProviderError} whose `retryable` is true is retried (network, timeout, 5xx,
 * rate limiting, and a body that is not JSON at all: with status 200 a truncated or non-JSON
 * body is most often the transport). JSON of the wrong shape is never retried: the same bytes
 * would fail the same way, and the payload belongs in quarantine. Any other error (a bug, a
 * circuit-open rejection) is rethrown at once. A rate-limited error that carries `Retry-After`
 * waits at least that long, even above `maxDelayMs`; when the venue asks for longer than
 * `maxRetryAfterMs` (or than `maxElapsedMs` leaves) a rate-limited error saying how many
 * seconds it asked for and how long the task waits is thrown instead, so a fallback chain can
 * move on to another venue and the user knows when to try again.
 *
 * {@link withRetry} is the one backoff of the code base: providers, chains, backfill and the
 * WebSocket reconnects all wait {@link backoffDelay}, with the defaults of
 * {@link RETRY_DEFAULTS} unless the providers config says otherwise.
 *
 * Time is injected (`sleep`, `now`), so tests run on a fake clock and never really wait.
 *
 * @module
 */
import { ProviderError } from "./types.ts";

/** What {@link withRetry} reports before each wait. */
export interface RetryEvent {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  readonly error: ProviderError;
  /** How long it will wait before the next attempt. */
  readonly delayMs: number;
}

/** The retry defaults, stated once: {@link withRetry}, the providers config
 * (`DEFAULT_CHAIN_CONFIG.retry`) and backfill all use these. */
export const RETRY_DEFAULTS = {
  /** Total attempts including the first. */
  maxAttempts: 4,
  /** Cap of the first retry's delay, in ms; each retry doubles it. */
  baseDelayMs: 250,
  /** Cap of any backoff delay, in ms (Retry-After may exceed it). */
  maxDelayMs: 30_000,
  /** Longest Retry-After waited, in ms; a longer one is an error saying so. */
  maxRetryAfterMs: 300_000,
} as const;

/** The tunable part of {@link RetryOptions} (what the providers config sets). */
export interface RetryPolicy {
  /** Total attempts including the first; an integer >= 1. Default {@link RETRY_DEFAULTS} (4). */
  readonly maxAttempts?: number;
  /** Cap of the first retry's delay; each retry doubles it. Default 250 ms. */
  readonly baseDelayMs?: number;
  /** Cap of any backoff delay (Retry-After may exceed it). Default 30,000 ms. */
  readonly maxDelayMs?: number;
  /** Longest Retry-After it will wait; a longer one is an error. Default 300,000 ms. */
  readonly maxRetryAfterMs?: number;
}

/** Options of {@link withRetry}. */
export interface RetryOptions extends RetryPolicy {
  /** Uniform [0, 1) source for the jitter: `createRng(seed)` from `@lib/stats/rng.ts`. */
  readonly jitter: { next(): number };
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** Give up when the next wait would end more than this long after the first attempt
   * started. Default Infinity (only `maxAttempts` limits). */
  readonly maxElapsedMs?: number;
  /** Current time in ms, for `maxElapsedMs`. Default `Date.now`. */
  readonly now?: () => number;
  /** Called before each wait, e.g. to log or count retries. */
  readonly onRetry?: (event: RetryEvent) => void;
}

function checkNonNegative(name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) {
    throw new RangeError(
      `Cannot retry: ${name} must be a finite number >= 0, got ${v}`,
    );
  }
}

/**
 * The backoff delay before retry `k` (0-based), given a uniform draw `u` in [0, 1):
 * `u * min(maxDelayMs, baseDelayMs * 2^k)`.
 *
 * @example Delays grow, then stop at the cap
 * ```ts
 * import { backoffDelay } from "@lib/providers/retry.ts";
 * import assert from "node:assert/strict";
 * assert.equal(backoffDelay(0, 0.5, 100, 1000), 50);
 * assert.equal(backoffDelay(3, 0.5, 100, 1000), 400);
 * assert.equal(backoffDelay(10, 0.5, 100, 1000), 500);
 * ```
 */
export function backoffDelay(
  k: number,
  u: number,
  baseDelayMs: number,
  maxDelayMs: number,
): number {
  // 2^k overflows to Infinity for huge k, and min() then picks the cap, which is what we want
  return u * Math.min(maxDelayMs, baseDelayMs * Math.pow(2, k));
}

/** Seconds, rounded up, as a user reads them. */
function secs(ms: number): number {
  return Math.ceil(ms / 1000);
}

/** The rate-limited error `e`, saying the venue asked for longer than the task will wait. */
function tooLongToWait(
  e: ProviderError,
  askedMs: number,
  limitMs: number,
  limitName: string,
): ProviderError {
  const status = e.detail.status === undefined ? "rate limited" : `HTTP ${e.detail.status}`;
  return new ProviderError(
    e.provider,
    "rate_limited",
    e.url,
    `${status} with Retry-After ${secs(askedMs)} s, longer than this task will wait ` +
      `(${secs(limitMs)} s, ${limitName}); try again in ${secs(askedMs)} s` +
      (limitName === "retry.maxRetryAfterMs"
        ? " or raise retry.maxRetryAfterMs in the providers config"
        : ""),
    e.detail,
  );
}

/**
 * Call `fn`, retrying retryable {@link ProviderError}s with capped exponential backoff and full
 * jitter, honouring `Retry-After` of rate-limited answers. Returns `fn`'s value or throws the
 * last error (a non-retryable one at once).
 *
 * @example Two network failures, then success, on a fake clock
 * ```ts
 * import { withRetry } from "@lib/providers/retry.ts";
 * import { ProviderError } from "@lib/providers/types.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * let t = 0, calls = 0;
 * const value = await withRetry(() => {
 *   calls++;
 *   if (calls < 3) throw new ProviderError("x", "network", "http://x", "reset");
 *   return Promise.resolve(42);
 * }, { jitter: createRng(1), sleep: (ms) => { t += ms; return Promise.resolve(); } });
 * assert.equal(value, 42);
 * assert.equal(calls, 3);
 * assert.ok(t < 250 + 500); // two waits, each below its cap
 * ```
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  const baseDelayMs = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`Cannot retry: maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  checkNonNegative("baseDelayMs", baseDelayMs);
  checkNonNegative("maxDelayMs", maxDelayMs);
  checkNonNegative("maxRetryAfterMs", maxRetryAfterMs);
  const maxElapsedMs = options.maxElapsedMs ?? Infinity;
  if (!(maxElapsedMs >= 0)) {
    throw new RangeError(`Cannot retry: maxElapsedMs must be >= 0, got ${maxElapsedMs}`);
  }
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ProviderError) || !e.retryable || attempt >= maxAttempts) throw e;
      let delayMs = backoffDelay(attempt - 1, options.jitter.next(), baseDelayMs, maxDelayMs);
      const retryAfterMs = e.kind === "rate_limited" ? e.detail.retryAfterMs : undefined;
      if (retryAfterMs !== undefined) {
        // waiting less than the venue asked risks an IP ban (Binance answers 418 to clients
        // that keep going after a 429); waiting very long is the chain's call, not ours
        if (retryAfterMs > maxRetryAfterMs) {
          throw tooLongToWait(e, retryAfterMs, maxRetryAfterMs, "retry.maxRetryAfterMs");
        }
        delayMs = Math.max(delayMs, retryAfterMs);
      }
      const elapsed = now() - started;
      if (elapsed + delayMs > maxElapsedMs) {
        if (retryAfterMs === undefined) throw e;
        throw tooLongToWait(e, retryAfterMs, Math.max(0, maxElapsedMs - elapsed), "the deadline");
      }
      options.onRetry?.({ attempt, error: e, delayMs });
      await options.sleep(delayMs);
    }
  }
}
