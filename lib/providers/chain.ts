/**
 * An ordered fallback chain of providers for one kind of data: each provider is tried with
 * retries inside its circuit breaker, the next one is tried when it fails, and when all fail
 * the last-known-good value is served marked stale, or an error lists every failure.
 *
 * The layers, from the outside in, for each provider in order:
 *
 * ```
 * breaker.call( withRetry( limiter.acquire(weight); step.call() ) )
 * ```
 *
 * - the breaker sees one outcome per chain call (retries exhausted = one failure; a parse error
 *   counts too, since a venue serving garbage is as unusable as one that is down), and an open
 *   breaker skips the provider at once;
 * - retries follow `@lib/providers/retry.ts` (only retryable {@link ProviderError}s,
 *   Retry-After honoured, parse errors never retried);
 * - every attempt, retries included, pays its weight to the host's rate limiter.
 *
 * A success is stored in the last-known-good cache under `lkg.key`; when every provider fails,
 * a cached value no older than `lkg.maxAgeMs` is returned with `stale: true` and the provider it
 * originally came from. The caller writes that flag into the row's provenance.
 *
 * Time is injected (`now`, `sleep`), so tests run on a fake clock.
 *
 * @module
 */
import { type CircuitBreaker, createCircuitBreaker } from "./circuit_breaker.ts";
import { createLastKnownGood, type LastKnownGood } from "./last_known_good.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { type RetryOptions, withRetry } from "./retry.ts";

/** One provider in a chain. */
export interface ChainStep<T> {
  /** Provider id, e.g. `binance`; used in errors, attempts and breaker lookup. */
  readonly id: string;
  readonly call: () => Promise<T>;
  /** Request weight per attempt, paid to the limiter. Default 1. */
  readonly weight?: number;
  /** This step's rate limiter (its host's); overrides the chain's `limiter`. */
  readonly limiter?: Pick<RateLimiter, "acquire">;
}

/** One provider's part in a chain call. */
export interface ChainAttempt {
  readonly provider: string;
  /** Why it failed (after its retries); absent for the provider that answered. */
  readonly error?: string;
}

/** The answer of a chain call. */
export interface ChainResult<T> {
  readonly value: T;
  /** The provider that produced the value (for a stale value, the one that produced it then). */
  readonly provider: string;
  /** True when every provider failed and the last-known-good value was served. */
  readonly stale: boolean;
  /** Age of the value in ms: 0 for a fresh answer. */
  readonly ageMs: number;
  /** Every provider tried, in order. */
  readonly attempts: readonly ChainAttempt[];
}

/** Options of {@link createChain}. */
export interface ChainOptions<T> {
  /** Retry settings for each provider (the chain supplies `sleep` and `now`). */
  readonly retry: Omit<RetryOptions, "sleep" | "now">;
  /** Breakers by provider id; a provider without one gets a default breaker (5 failures,
   * 60 s cool-down). */
  readonly breakers?: Readonly<Record<string, CircuitBreaker>>;
  /** Rate limiter used by steps that have none of their own. */
  readonly limiter?: Pick<RateLimiter, "acquire">;
  /** Serve the last good value (no older than `maxAgeMs`) when every provider fails. */
  readonly lkg?: {
    readonly key: string;
    readonly maxAgeMs: number;
    /** A cache shared between chains; default one private to this chain. */
    readonly cache?: LastKnownGood<T>;
  };
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A fallback chain. */
export interface Chain<T> {
  /** Ask the providers in order; see {@link createChain}. */
  call(): Promise<ChainResult<T>>;
  /** The breaker of each provider, by id. */
  readonly breakers: Readonly<Record<string, CircuitBreaker>>;
}

/** Thrown when every provider failed and no last-known-good value could be served. */
export class ChainError extends Error {
  override name = "ChainError";
  constructor(readonly attempts: readonly ChainAttempt[], note: string) {
    super(
      `All ${attempts.length} providers failed${note}: ` +
        attempts.map((a) => `[${a.provider}] ${a.error ?? "no answer"}`).join("; ") +
        ". Check the network and each venue's status, or add a provider to the chain.",
    );
  }
}

/**
 * Create a fallback chain over `steps`, tried in order.
 *
 * @example The first provider is down, the second answers
 * ```ts
 * import { createChain } from "@lib/providers/chain.ts";
 * import { ProviderError } from "@lib/providers/types.ts";
 * import { createRng } from "@lib/stats/rng.ts";
 * import assert from "node:assert/strict";
 * let t = 0;
 * const chain = createChain<number>([
 *   { id: "binance", call: () => Promise.reject(new ProviderError("binance", "http", "u", "HTTP 503", { status: 503 })) },
 *   { id: "kraken", call: () => Promise.resolve(64000) },
 * ], {
 *   retry: { maxAttempts: 2, jitter: createRng(7) },
 *   now: () => t,
 *   sleep: (ms) => { t += ms; return Promise.resolve(); },
 * });
 * const r = await chain.call();
 * assert.equal(r.value, 64000);
 * assert.equal(r.provider, "kraken");
 * assert.equal(r.attempts[0]?.provider, "binance");
 * assert.match(r.attempts[0]?.error ?? "", /503/);
 * ```
 */
export function createChain<T>(
  steps: readonly ChainStep<T>[],
  options: ChainOptions<T>,
): Chain<T> {
  if (steps.length === 0) {
    throw new RangeError("Cannot create a provider chain: give at least one step");
  }
  const ids = new Set<string>();
  for (const s of steps) {
    if (ids.has(s.id)) {
      throw new RangeError(`Cannot create a provider chain: provider id ${s.id} appears twice`);
    }
    ids.add(s.id);
  }
  const { now, sleep } = options;
  const breakers: Record<string, CircuitBreaker> = {};
  for (const s of steps) {
    breakers[s.id] = options.breakers?.[s.id] ?? createCircuitBreaker({ provider: s.id, now });
  }
  const lkgOpt = options.lkg;
  const cache = lkgOpt === undefined
    ? undefined
    : lkgOpt.cache ?? createLastKnownGood<T>({ maxAgeMs: lkgOpt.maxAgeMs, now });

  return {
    breakers,
    async call(): Promise<ChainResult<T>> {
      const attempts: ChainAttempt[] = [];
      for (const step of steps) {
        const limiter = step.limiter ?? options.limiter;
        const weight = step.weight ?? 1;
        try {
          const value = await breakers[step.id]!.call(() =>
            withRetry(async () => {
              if (limiter !== undefined) await limiter.acquire(weight);
              return await step.call();
            }, { ...options.retry, sleep, now })
          );
          attempts.push({ provider: step.id });
          if (cache !== undefined && lkgOpt !== undefined) cache.put(lkgOpt.key, value, step.id);
          return { value, provider: step.id, stale: false, ageMs: 0, attempts };
        } catch (e) {
          attempts.push({ provider: step.id, error: e instanceof Error ? e.message : String(e) });
        }
      }
      let note = "";
      if (cache !== undefined && lkgOpt !== undefined) {
        const hit = cache.get(lkgOpt.key, lkgOpt.maxAgeMs);
        if (hit !== undefined) {
          return {
            value: hit.value,
            provider: hit.provider ?? "last-known-good",
            stale: true,
            ageMs: hit.ageMs,
            attempts,
          };
        }
        note =
          ` and no last-known-good value of ${lkgOpt.key} is at most ${lkgOpt.maxAgeMs} ms old`;
      }
      throw new ChainError(attempts, note);
    },
  };
}
